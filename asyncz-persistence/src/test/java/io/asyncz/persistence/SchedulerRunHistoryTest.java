package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run history on a persistent store is written there and read back after a restart. */
class SchedulerRunHistoryTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path directory;

  private final MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
  private final AtomicInteger calls = new AtomicInteger();
  private final TaskFunction report =
      (args, kwargs) -> {
        if (calls.incrementAndGet() == 2) {
          throw new IllegalStateException("second run fails");
        }
        return "report " + calls.get();
      };

  private ManualScheduler scheduler() {
    return ManualScheduler.with(
        Scheduler.builder()
            .runHistory(true)
            .registry(new TaskRegistry().register("jobs.report", report))
            .identity("node-1")
            .store("files", new FileStore(directory)),
        clock);
  }

  @Test
  void aRestartKeepsTheHistoryOfAPersistentStore() {
    ManualScheduler before = scheduler();
    before.start();
    before
        .task("jobs.report")
        .id("report")
        .trigger(IntervalTrigger.builder().minutes(1).startAt(T0.plusSeconds(60)).build())
        .store("files")
        .add();
    before.advance(Duration.ofMinutes(3));
    before.shutdown();

    ManualScheduler after = scheduler();
    after.start();
    try {
      List<RunRecord> runs = after.runHistory().query(RunQuery.forTask("report", 10)).runs();
      assertThat(runs)
          .extracting(RunRecord::status)
          .containsExactly(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SUCCEEDED);
      assertThat(runs).extracting(RunRecord::store).containsOnly("files");
      assertThat(runs.get(1).stackTrace()).contains("second run fails");
      assertThat(runs.get(0).result()).isEqualTo("report 3");
      assertThat(runs).extracting(RunRecord::node).containsOnly("node-1");
    } finally {
      after.shutdown();
    }
  }
}
