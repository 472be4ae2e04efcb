package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an interval trigger without a start time is stored: with no start, while its task keeps the
 * next run time that the scheduler computed; records written when the start was computed at
 * creation still read, with that start.
 */
class IntervalRecordTest {
  private static final Instant T0 = Instant.parse("2031-05-04T09:00:00Z");

  private final TaskStateCodec codec = new TaskStateCodec();

  @Test
  void aTriggerWithoutAStartIsStoredWithoutOne() {
    Task task =
        Task.builder("poll")
            .function(Contexts.REPORT, "report")
            .trigger(IntervalTrigger.every(Duration.ofMinutes(5)))
            .nextRunTime(T0.plus(Duration.ofMinutes(5)))
            .build();

    String record = new String(codec.encode(task), StandardCharsets.UTF_8);

    assertThat(record)
        .contains("\"trigger\":{\"alias\":\"interval\",\"fields\":{\"minutes\":5}}")
        .contains("\"next_run_time\":\"2031-05-04T09:05:00Z\"");
    Task decoded = codec.decode(record.getBytes(StandardCharsets.UTF_8), Contexts.context());
    assertThat(decoded).isEqualTo(task);
    assertThat(decoded.trigger()).isEqualTo(IntervalTrigger.every(Duration.ofMinutes(5)));
  }

  /** A record as this codec wrote it when the default start was computed from a clock. */
  @Test
  void aRecordWithAStartComputedAtCreationStillReadsWithThatStart() {
    String old =
        "{\"format\":\"asyncz.task\",\"version\":1,\"id\":\"poll\",\"name\":null,"
            + "\"reference\":\"report\",\"args\":[],\"kwargs\":{},\"trigger\":{\"alias\":"
            + "\"interval\",\"fields\":{\"minutes\":5,\"start_at\":\"2026-01-15T10:05:00Z\"}},"
            + "\"executor\":\"default\",\"store\":\"default\",\"mistrigger_grace_time\":1,"
            + "\"coalesce\":true,\"max_instances\":1,\"next_run_time\":\"2026-01-15T10:05:00Z\"}";

    Task task = codec.decode(old.getBytes(StandardCharsets.UTF_8), Contexts.context());

    IntervalTrigger trigger = (IntervalTrigger) task.trigger();
    assertThat(trigger.startAt())
        .map(t -> t.toInstant(ZoneOffset.UTC))
        .contains(Instant.parse("2026-01-15T10:05:00Z"));
    assertThat(task.nextRunTime()).contains(Instant.parse("2026-01-15T10:05:00Z"));
    // Its grid stays the stored start's: resumed at 10:07, it runs at 10:10.
    assertThat(trigger.nextFireTime(ZoneOffset.UTC, null, Instant.parse("2026-01-15T10:07:00Z")))
        .contains(Instant.parse("2026-01-15T10:10:00Z"));
    assertThat(codec.decode(codec.encode(task), Contexts.context())).isEqualTo(task);
  }

  /** A restart reads the stored next run time: the interval is not started again from now. */
  @Test
  void aStoredTaskKeepsItsRunTimesAcrossARestart(@TempDir Path directory) {
    MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
    List<Instant> runs = new ArrayList<>();
    TaskFunction poll = (args, kwargs) -> runs.add(clock.instant());
    ManualScheduler before = scheduler(directory, clock, poll);
    before.start();
    before
        .task("jobs.poll")
        .id("poll")
        .trigger(IntervalTrigger.every(Duration.ofMinutes(10)))
        .store("files")
        .add();
    before.advance(Duration.ofMinutes(12));
    before.shutdown(false);

    clock.set(T0.plus(Duration.ofMinutes(14)));
    ManualScheduler after = scheduler(directory, clock, poll);
    after.start();
    after.advance(Duration.ofMinutes(20));
    after.shutdown(false);

    assertThat(runs)
        .containsExactly(
            Instant.parse("2031-05-04T09:10:00Z"),
            Instant.parse("2031-05-04T09:20:00Z"),
            Instant.parse("2031-05-04T09:30:00Z"));
  }

  private static ManualScheduler scheduler(Path directory, MutableClock clock, TaskFunction poll) {
    return ManualScheduler.with(
        Scheduler.builder()
            .registry(new TaskRegistry().register("jobs.poll", poll))
            .timezone(ZoneOffset.UTC)
            .store("files", new FileStore(directory)),
        clock);
  }
}
