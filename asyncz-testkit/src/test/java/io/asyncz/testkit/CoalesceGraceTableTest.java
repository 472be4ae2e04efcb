package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.task.Task;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seed's coalesce and grace-time table: a 10-second interval task whose scheduler sleeps
 * through four run times (T+10..T+40) and wakes at T+45.
 */
class CoalesceGraceTableTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  @ParameterizedTest(name = "coalesce={0}, grace={1} s -> {2} submitted, {3} executed, {4} missed")
  @CsvSource({
    "false, 1,    4, 0, 4",
    "false, none, 4, 4, 0",
    "false, 100,  4, 4, 0",
    "true,  1,    1, 0, 1",
    "true,  none, 1, 1, 0",
    "true,  100,  1, 1, 0",
  })
  void missedRunsFollowCoalesceAndGrace(
      boolean coalesce, String grace, int submitted, int executed, int missed) {
    MutableClock clock = MutableClock.at(T);
    ManualScheduler scheduler = ManualScheduler.on(clock);
    List<SchedulerEvent> events = new ArrayList<>();
    scheduler.addListener(events::add);
    AtomicInteger runs = new AtomicInteger();
    scheduler.start();
    var builder =
        scheduler
            .task(runs::incrementAndGet)
            .id("job")
            .trigger(IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build())
            .coalesce(coalesce);
    if (grace.equals("none")) {
      builder.noGraceLimit();
    } else {
      builder.mistriggerGraceTime(Duration.ofSeconds(Long.parseLong(grace)));
    }
    builder.add();
    events.clear();

    clock.set(T.plusSeconds(45)); // slept through T+10, T+20, T+30, T+40
    scheduler.runDue();

    List<TaskSubmissionEvent> submissions =
        events.stream()
            .filter(e -> e.code() == Events.TASK_SUBMITTED)
            .map(TaskSubmissionEvent.class::cast)
            .toList();
    assertThat(submissions).hasSize(1);
    assertThat(submissions.get(0).scheduledRunTimes()).hasSize(submitted);
    assertThat(submissions.get(0).scheduledRunTimes().get(submitted - 1))
        .isEqualTo(T.plusSeconds(40));
    assertThat(events.stream().filter(e -> e.code() == Events.TASK_EXECUTED)).hasSize(executed);
    assertThat(events.stream().filter(e -> e.code() == Events.TASK_MISSED)).hasSize(missed);
    assertThat(runs).hasValue(executed);
    assertThat(events)
        .filteredOn(e -> e instanceof TaskExecutionEvent)
        .extracting(e -> ((TaskExecutionEvent) e).scheduledRunTime())
        .containsExactlyElementsOf(submissions.get(0).scheduledRunTimes());
    Task task = scheduler.getTask("job").orElseThrow();
    assertThat(task.nextRunTime()).contains(T.plusSeconds(50));
    scheduler.shutdown(true);
  }
}
