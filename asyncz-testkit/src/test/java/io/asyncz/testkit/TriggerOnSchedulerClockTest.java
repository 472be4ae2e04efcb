package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.trigger.AndTrigger;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A trigger built without a clock runs on the scheduler's clock: an interval without a start time
 * fires one interval after the scheduler's now, whatever the system clock says.
 */
class TriggerOnSchedulerClockTest {
  // Far from the system clock's time, so a trigger that read the system clock would show it.
  private static final Instant START = Instant.parse("2031-05-04T09:00:00Z");

  private final MutableClock clock = MutableClock.at(START);
  private final List<Instant> runs = new ArrayList<>();

  private void record() {
    runs.add(clock.instant());
  }

  @Test
  void anIntervalWithoutAStartFiresOneIntervalAfterTheSchedulersNow() {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    scheduler.start();
    clock.set(START.plusSeconds(17));

    scheduler
        .task(this::record)
        .id("poll")
        .trigger(IntervalTrigger.every(Duration.ofMinutes(5)))
        .add();

    assertThat(scheduler.getTask("poll").orElseThrow().nextRunTime())
        .contains(START.plusSeconds(17).plus(Duration.ofMinutes(5)));
    scheduler.advance(Duration.ofMinutes(12));
    assertThat(runs)
        .containsExactly(
            Instant.parse("2031-05-04T09:05:17Z"), Instant.parse("2031-05-04T09:10:17Z"));
  }

  @Test
  void theBuilderAndTheAliasFormNeedNoClockEither() {
    ManualScheduler scheduler = ManualScheduler.on(clock, ZoneId.of("Europe/Berlin"));
    scheduler.start();

    scheduler
        .task(this::record)
        .id("builder")
        .trigger(IntervalTrigger.builder().hours(1).build())
        .add();
    scheduler.task(this::record).id("alias").trigger("interval", Map.of("hours", 1)).add();
    Trigger fromState = Triggers.fromState(IntervalTrigger.builder().hours(1).build().state());
    scheduler.task(this::record).id("state").trigger(fromState).add();

    for (String id : List.of("builder", "alias", "state")) {
      assertThat(scheduler.getTask(id).orElseThrow().nextRunTime())
          .as(id)
          .contains(START.plus(Duration.ofHours(1)));
    }
  }

  @Test
  void aTaskAddedBeforeStartStartsItsIntervalWhenTheSchedulerStarts() {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    scheduler
        .task(this::record)
        .id("pending")
        .trigger(IntervalTrigger.every(Duration.ofMinutes(10)))
        .add();
    clock.set(START.plus(Duration.ofMinutes(3)));

    scheduler.start();

    assertThat(scheduler.getTask("pending").orElseThrow().nextRunTime())
        .contains(START.plus(Duration.ofMinutes(13)));
  }

  @Test
  void anIntervalWithoutAStartKeepsItsGridInsideAnAnd() {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    scheduler.start();
    // Every 7 minutes from 09:07, and only at minutes divisible by 10: 09:07 + 7k = :x0 first at
    // k = 9 (10:10), then every 70 minutes.
    Trigger trigger =
        AndTrigger.of(
            IntervalTrigger.every(Duration.ofMinutes(7)),
            CronTrigger.builder().minute("*/10").build());

    scheduler.task(this::record).id("and").trigger(trigger).add();
    scheduler.advance(Duration.ofHours(3));

    assertThat(runs)
        .containsExactly(
            Instant.parse("2031-05-04T10:10:00Z"), Instant.parse("2031-05-04T11:20:00Z"));
  }

  @Test
  void aResumedTaskStartsItsIntervalAgainFromTheResume() {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    scheduler.start();
    scheduler
        .task(this::record)
        .id("poll")
        .trigger(IntervalTrigger.every(Duration.ofMinutes(10)))
        .add();
    scheduler.advance(Duration.ofMinutes(12));
    scheduler.pauseTask("poll", null);
    scheduler.advance(Duration.ofMinutes(11));

    scheduler.resumeTask("poll", null);

    assertThat(scheduler.getTask("poll").orElseThrow().nextRunTime())
        .contains(Instant.parse("2031-05-04T09:33:00Z"));
  }

  @Test
  void anEndBeforeTheFirstRunAddsTheTaskPaused() {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    scheduler.start();

    scheduler
        .task(this::record)
        .id("late")
        .trigger(IntervalTrigger.builder().hours(1).endAt(START.plusSeconds(1800)).build())
        .add();

    assertThat(scheduler.getTask("late").orElseThrow().nextRunTime()).isEmpty();
  }
}
