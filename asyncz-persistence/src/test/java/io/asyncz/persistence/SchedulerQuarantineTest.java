package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.TaskLookupException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quarantine through the scheduler: a task stored by one deployment whose function the next
 * deployment does not register yet is set aside, reported, listed, and restored once it is.
 */
class SchedulerQuarantineTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path directory;

  private final MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
  private final AtomicInteger reports = new AtomicInteger();
  private final TaskFunction report = (args, kwargs) -> reports.incrementAndGet();

  private ManualScheduler scheduler(TaskRegistry registry) {
    return ManualScheduler.with(
        Scheduler.builder()
            .registry(registry)
            .timezone(ZoneOffset.UTC)
            .store("files", new FileStore(directory)),
        clock);
  }

  @Test
  void aTaskWhoseFunctionIsNotRegisteredIsQuarantinedAndRestoredOnceItIs() {
    ManualScheduler before = scheduler(new TaskRegistry().register("jobs.report", report));
    before.start();
    before
        .task("jobs.report")
        .id("nightly")
        .trigger(IntervalTrigger.builder().minutes(1).startAt(T0.plusSeconds(60)).build())
        .store("files")
        .add();
    before.shutdown(false);

    // The next deployment forgot to register the function.
    TaskRegistry registry = new TaskRegistry();
    ManualScheduler after = scheduler(registry);
    List<SchedulerEvent> everything = new ArrayList<>();
    List<SchedulerEvent> seedEvents = new ArrayList<>();
    after.addListener(everything::add);
    after.addListener(seedEvents::add, Events.ALL_EVENTS);
    after.start();
    after.advance(Duration.ofMinutes(2));

    assertThat(reports).hasValue(0);
    assertThat(after.getTasks()).isEmpty();
    assertThat(everything)
        .filteredOn(TaskQuarantinedEvent.class::isInstance)
        .singleElement()
        .satisfies(
            e -> {
              TaskQuarantinedEvent q = (TaskQuarantinedEvent) e;
              assertThat(q.taskId()).isEqualTo("nightly");
              assertThat(q.store()).isEqualTo("files");
              assertThat(q.reason()).isEqualTo("UNRESOLVABLE_REFERENCE");
              assertThat(q.detail()).contains("jobs.report");
            });
    assertThat(seedEvents).noneMatch(TaskQuarantinedEvent.class::isInstance);
    assertThat(after.quarantinedRecords()).containsOnlyKeys("files");
    QuarantinedRecord record = after.quarantinedRecords().get("files").get(0);
    assertThat(record.taskId()).isEqualTo("nightly");
    assertThat(new String(record.raw(), StandardCharsets.UTF_8)).contains("jobs.report");

    registry.register("jobs.report", report);
    assertThat(after.restoreQuarantined("nightly", null).id()).isEqualTo("nightly");
    assertThat(everything)
        .filteredOn(e -> e.code() == Events.TASK_ADDED)
        .extracting(Object::toString)
        .containsExactly("TASK_ADDED[nightly @files]");
    // The runs of 10:01 and 10:02 come together (coalesce), as after a restart; then on schedule.
    after.runDue();
    assertThat(reports).hasValue(1);
    after.advance(Duration.ofMinutes(1));

    assertThat(reports).hasValue(2);
    assertThat(after.quarantinedRecords()).isEmpty();
    assertThatThrownBy(() -> after.restoreQuarantined("nightly", "files"))
        .isInstanceOf(TaskLookupException.class);
    after.shutdown(false);
  }

  @Test
  void discardThroughTheSchedulerNamesTheStoreAndFailsForAnUnknownId() throws Exception {
    Files.writeString(directory.resolve("broken.task"), "{");
    ManualScheduler scheduler = scheduler(new TaskRegistry());
    scheduler.start();
    scheduler.runDue();
    scheduler.getTasks(); // reads every record, which quarantines the broken one

    assertThat(scheduler.quarantinedRecords().get("files"))
        .extracting(QuarantinedRecord::taskId)
        .containsExactly("broken");
    assertThatThrownBy(() -> scheduler.discardQuarantined("broken", "default"))
        .isInstanceOf(TaskLookupException.class);
    scheduler.discardQuarantined("broken", null);
    assertThat(scheduler.quarantinedRecords()).isEmpty();
    scheduler.shutdown(false);
  }
}
