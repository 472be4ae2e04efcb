package io.asyncz.process;

import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.DateTrigger;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A parent JVM for {@link OrphanedWorkerTest}: it hands a held run to a worker and waits, until the
 * test kills it.
 */
public final class OrphanParent {
  private OrphanParent() {}

  /** Submits {@code Jobs::hold(port)} to a one-worker pool and waits forever. */
  public static void main(String[] args) throws InterruptedException {
    ProcessPoolExecutor pool =
        ProcessPoolExecutor.builder()
            .maxWorkers(1)
            .allowPackage("io.asyncz.process.fixtures")
            .jvmOptions(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"))
            .build();
    pool.start(new RecordingContext(), "processpool");
    String hold = "io.asyncz.process.fixtures.Jobs::hold";
    TaskFunction notHere =
        (a, k) -> {
          throw new AssertionError("runs in the worker");
        };
    pool.submit(
        Task.builder("held")
            .function(notHere, hold)
            .args(List.of(Integer.parseInt(args[0])))
            .trigger(DateTrigger.at(Instant.parse("2026-01-01T00:00:00Z")))
            .build(),
        List.of(Instant.now()));
    new CountDownLatch(1).await();
  }
}
