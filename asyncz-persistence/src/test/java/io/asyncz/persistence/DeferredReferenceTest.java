package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool that operates a store without the code of its tasks (the {@code asyncz} command beside a
 * service) reads them through a deferring registry: it lists and pauses them, quarantines nothing,
 * and the process that has the code runs them as before.
 */
class DeferredReferenceTest {
  private static final Instant T0 = Instant.parse("2031-05-04T09:00:00Z");

  @Test
  void aToolWithoutTheCodeOperatesTheTasksAndQuarantinesNothing(@TempDir Path directory) {
    MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
    AtomicInteger runs = new AtomicInteger();
    ManualScheduler service =
        ManualScheduler.with(
            Scheduler.builder()
                .registry(
                    new TaskRegistry().register("jobs.report", (a, k) -> runs.incrementAndGet()))
                .timezone(ZoneOffset.UTC)
                .store("files", new FileStore(directory)),
            clock);
    service.start();
    service
        .task("jobs.report")
        .id("report")
        .trigger(IntervalTrigger.every(Duration.ofMinutes(10)))
        .store("files")
        .add();
    service.shutdown(false);

    ManualScheduler tool =
        ManualScheduler.with(
            Scheduler.builder()
                .registry(new TaskRegistry().deferUnknown())
                .timezone(ZoneOffset.UTC)
                .store("files", new FileStore(directory)),
            clock);
    tool.start();
    tool.pause();
    assertThat(tool.getTasks()).extracting(t -> t.id()).containsExactly("report");
    assertThat(tool.getTask("report").orElseThrow().name()).isEqualTo("jobs.report");
    tool.pauseTask("report", null);
    tool.resumeTask("report", null);
    assertThat(tool.quarantinedRecords().values())
        .allSatisfy(records -> assertThat(records).isEmpty());
    tool.shutdown(false);

    ManualScheduler again =
        ManualScheduler.with(
            Scheduler.builder()
                .registry(
                    new TaskRegistry().register("jobs.report", (a, k) -> runs.incrementAndGet()))
                .timezone(ZoneOffset.UTC)
                .store("files", new FileStore(directory)),
            clock);
    again.start();
    again.advance(Duration.ofMinutes(10));
    again.shutdown(false);
    assertThat(runs).hasValue(1);
  }
}
