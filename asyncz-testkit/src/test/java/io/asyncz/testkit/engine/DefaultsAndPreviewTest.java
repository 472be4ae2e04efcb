package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultsAndPreviewTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  @Test
  void theDefaultExecutorAndStoreAreAnnouncedBeforeTheSchedulerStarts() {
    List<String> names = new ArrayList<>();
    try (Scheduler scheduler = Scheduler.builder().build()) {
      scheduler.addListener(e -> names.add(describe(e)));
      scheduler.start();
      assertThat(names)
          .containsExactly("EXECUTOR_ADDED default", "STORE_ADDED default", "SCHEDULER_START");
    }
  }

  @Test
  void aPendingTaskPreviewsTheRunTimesStartWillGiveIt() {
    MutableClock clock = MutableClock.at(T);
    ManualScheduler scheduler = ManualScheduler.on(clock);
    scheduler
        .task(() -> {})
        .id("tick")
        .trigger(IntervalTrigger.builder().minutes(5).startAt(T.plusSeconds(60)).build())
        .add();
    assertThat(scheduler.previewRunTimes("tick", 3))
        .containsExactly(T.plusSeconds(60), T.plusSeconds(360), T.plusSeconds(660));
    scheduler
        .task(() -> {})
        .id("off")
        .trigger(IntervalTrigger.builder().minutes(5).startAt(T).build())
        .paused()
        .add();
    // A paused task previews what its trigger gives from now (the seed's preview_task_runs).
    assertThat(scheduler.previewRunTimes("off", 3))
        .containsExactly(T, T.plusSeconds(300), T.plusSeconds(600));
  }

  @Test
  void aCoalescingTaskWakingAfterADayRunsOnceWithoutWalkingEveryMissedRun() {
    MutableClock clock = MutableClock.at(T);
    ManualScheduler scheduler = ManualScheduler.on(clock);
    List<SchedulerEvent> submitted = new ArrayList<>();
    scheduler.addListener(submitted::add, Events.TASK_SUBMITTED);
    scheduler.start();
    scheduler
        .task(() -> {})
        .id("fast")
        .trigger(
            IntervalTrigger.builder().interval(java.time.Duration.ofMillis(1)).startAt(T).build())
        .noGraceLimit()
        .add();
    clock.set(T.plus(java.time.Duration.ofDays(1)));
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(5), () -> scheduler.runDue());
    assertThat(submitted).hasSize(1);
    assertThat(scheduler.getTask("fast").orElseThrow().nextRunTime())
        .contains(T.plus(java.time.Duration.ofDays(1)).plusMillis(1));
  }

  private static String describe(SchedulerEvent e) {
    return Events.name(e.code()) + (e.alias() == null ? "" : " " + e.alias());
  }
}
