package io.asyncz.jdbc.processes;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed's {@code lock_path}: two scheduler processes (separate JVMs) share one store on one
 * host, and every scheduled run executes exactly once.
 */
class LockPathProcessesTest {
  private static final int ONE_SHOTS = 200;
  private static final int INTERVALS = 4;
  private static final Duration EVERY = Duration.ofMillis(100);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} store")
  @ValueSource(strings = {"file", "sqlite"})
  void twoProcessesRunEachScheduledRunExactlyOnce(String kind) throws Exception {
    String location = dir.resolve(kind.equals("file") ? "tasks" : "tasks.db").toString();
    // Time for both JVMs to start; then 200 one-shot runs and 4 interval tasks over two seconds.
    Instant first = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    Instant last = first.plusSeconds(2);
    Set<String> expected = new HashSet<>();
    TaskStore store = LockPathWorker.store(kind, location);
    store.start(
        new TestStoreContext(MutableClock.at(first, ZoneOffset.UTC), LockPathWorker.registry()),
        "default");
    try {
      for (int i = 0; i < ONE_SHOTS; i++) {
        Instant at = first.plusMillis(i * 10L);
        store.addTask(task("once-" + i, DateTrigger.at(at), at));
        expected.add("once-" + i + " " + at);
      }
      for (int i = 0; i < INTERVALS; i++) {
        IntervalTrigger trigger =
            IntervalTrigger.builder().interval(EVERY).startAt(first).endAt(last).build();
        store.addTask(task("every-" + i, trigger, first));
        for (Instant at = first; !at.isAfter(last); at = at.plus(EVERY)) {
          expected.add("every-" + i + " " + at);
        }
      }
    } finally {
      store.shutdown();
    }

    List<Process> processes = new ArrayList<>();
    List<Path> outputs = new ArrayList<>();
    try {
      for (int p = 0; p < 2; p++) {
        Path out = dir.resolve("runs-" + p + ".txt");
        outputs.add(out);
        processes.add(worker(kind, location, dir.resolve("asyncz.lock").toString(), out, last));
      }
      for (int p = 0; p < processes.size(); p++) {
        Process process = processes.get(p);
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        String log = Files.readString(dir.resolve("runs-" + p + ".txt.log"));
        assertThat(finished).as("worker finished; its log:%n%s", log).isTrue();
        assertThat(process.exitValue()).as("worker exit; its log:%n%s", log).isZero();
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
    }

    Map<String, Integer> runs = new HashMap<>();
    List<Integer> perProcess = new ArrayList<>();
    for (Path out : outputs) {
      List<String> lines = Files.readAllLines(out);
      perProcess.add(lines.size());
      for (String line : lines) {
        assertThat(line).as("every run on time").endsWith(" TASK_EXECUTED");
        runs.merge(line.substring(0, line.lastIndexOf(' ')), 1, Integer::sum);
      }
    }
    assertThat(expected).hasSizeGreaterThanOrEqualTo(200);
    assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(runs).allSatisfy((run, count) -> assertThat(count).as(run).isEqualTo(1));
    System.out.printf(
        "lock_path on the %s store: %d runs, by process %s%n", kind, expected.size(), perProcess);
  }

  private static Task task(String id, Trigger trigger, Instant next) {
    return Task.builder(id)
        .function(LockPathWorker.registry().resolve(LockPathWorker.WORK), LockPathWorker.WORK)
        .trigger(trigger)
        .coalesce(false)
        .mistriggerGraceTime(Duration.ofMinutes(5))
        // What is checked is that the two processes never both run a run time; on a loaded machine
        // a run may still be in flight when the next is due, which max_instances = 1 would refuse.
        .maxInstances(100)
        .nextRunTime(next)
        .build();
  }

  private static Process worker(String kind, String location, String lock, Path out, Instant last)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            LockPathWorker.class.getName(),
            kind,
            location,
            lock,
            out.toString(),
            last.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(Path.of(out + ".log").toFile())
        .start();
  }
}
