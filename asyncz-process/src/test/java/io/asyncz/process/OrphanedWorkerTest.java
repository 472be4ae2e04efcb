package io.asyncz.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker whose parent JVM died without stopping it ends itself, even in the middle of a run. */
class OrphanedWorkerTest {

  @Test
  void aWorkerEndsWhenItsParentDies() throws Exception {
    try (Holds holds = new Holds()) {
      Process parent =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  OrphanParent.class.getName(),
                  Integer.toString(holds.port()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        long workerPid = holds.awaitRun();
        ProcessHandle worker = ProcessHandle.of(workerPid).orElseThrow();
        parent.destroyForcibly();
        worker.onExit().get(60, TimeUnit.SECONDS);
        assertThat(worker.isAlive()).isFalse();
      } finally {
        parent.destroyForcibly();
      }
    }
  }
}
