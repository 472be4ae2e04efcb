package io.asyncz.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.executor.AbstractExecutor;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The thread scheduler hands a run to its executor shortly before it is due and the executor's
 * thread waits for the due time: the run never starts early, and removing, pausing or rescheduling
 * the task in that window keeps it from starting at all; anything else lets it go on, as a
 * submitted run does. The window is widened here to seconds so that a test can act inside it; the
 * scheduler's own is {@link TaskLoop#EARLY}.
 */
@Timeout(30)
class EarlyHandoffTest {
  private static final Duration WIDE = Duration.ofSeconds(30);
  private static final Duration AHEAD = Duration.ofMillis(700);

  /** Keeps what it is handed, with the instant it was handed over, until the test runs it. */
  private static final class HoldingExecutor extends AbstractExecutor {
    final List<Runnable> held = new CopyOnWriteArrayList<>();
    final AtomicReference<Instant> handedAt = new AtomicReference<>();

    @Override
    public boolean runsOnCallerThread() {
      return false;
    }

    @Override
    protected void dispatch(Runnable work) {
      handedAt.compareAndSet(null, Instant.now());
      held.add(work);
    }

    void runHeld() {
      for (Runnable r : held) {
        r.run();
      }
      held.clear();
    }
  }

  private final HoldingExecutor executor = new HoldingExecutor();
  private final ThreadScheduler scheduler =
      (ThreadScheduler) Scheduler.builder().executor("default", executor).build();
  private final AtomicInteger runs = new AtomicInteger();
  private final AtomicReference<Instant> ranAt = new AtomicReference<>();
  private final List<Integer> executed = new CopyOnWriteArrayList<>();
  // Submission events go out after the round wrote the tasks' new schedules.
  private final CountDownLatch submitted = new CountDownLatch(1);

  private void listen() {
    scheduler.addListener(e -> executed.add(e.code()), Events.TASK_EXECUTED);
    scheduler.addListener(e -> submitted.countDown(), Events.TASK_SUBMITTED);
  }

  @AfterEach
  void stop() {
    executor.runHeld();
    scheduler.shutdown(true);
  }

  private Instant addDueSoon() throws InterruptedException {
    scheduler.earlyHandoff(WIDE);
    listen();
    scheduler.start();
    Instant due = scheduler.clock().instant().plus(AHEAD);
    scheduler
        .task(
            () -> {
              ranAt.set(scheduler.clock().instant());
              runs.incrementAndGet();
            })
        .id("soon")
        .trigger(DateTrigger.at(due))
        .add();
    assertThat(submitted.await(10, TimeUnit.SECONDS)).isTrue();
    return due;
  }

  @Test
  void aRunHandedOverBeforeItsTimeStartsAtItsTimeNotBefore() throws Exception {
    Instant due = addDueSoon();
    assertThat(executor.handedAt.get()).isBefore(due);

    executor.runHeld(); // on this thread: waits for the due time, then runs

    assertThat(runs).hasValue(1);
    assertThat(ranAt.get()).isAfterOrEqualTo(due);
    assertThat(executed).containsExactly(Events.TASK_EXECUTED);
    assertThat(scheduler.getTask("soon")).isEmpty();
  }

  /** An hourly task whose first run is due shortly: it stays stored after that run goes out. */
  private Instant addHourlyDueSoon() throws InterruptedException {
    scheduler.earlyHandoff(WIDE);
    listen();
    scheduler.start();
    Instant due = scheduler.clock().instant().plus(AHEAD);
    scheduler
        .task(runs::incrementAndGet)
        .id("hourly")
        .trigger(IntervalTrigger.builder().hours(1).startAt(due).build())
        .add();
    assertThat(submitted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(scheduler.getTask("hourly").orElseThrow().nextRunTime())
        .contains(due.plus(Duration.ofHours(1)));
    return due;
  }

  @Test
  void aTaskRemovedAfterItsRunWasHandedOverDoesNotRun() throws Exception {
    addHourlyDueSoon();
    scheduler.deleteTask("hourly");

    executor.runHeld();

    assertThat(runs).hasValue(0);
    assertThat(executed).isEmpty();
    assertThat(scheduler.runningInstances("hourly")).isZero();
  }

  @Test
  void aTaskPausedAfterItsRunWasHandedOverDoesNotRunThen() throws Exception {
    addHourlyDueSoon();
    scheduler.pauseTask("hourly");

    executor.runHeld();

    assertThat(runs).hasValue(0);
    assertThat(scheduler.getTask("hourly").orElseThrow().isPaused()).isTrue();
  }

  @Test
  void anUnchangedTaskHandedOverEarlyRunsOnceAtItsTime() throws Exception {
    Instant due = addHourlyDueSoon();

    executor.runHeld();

    assertThat(runs).hasValue(1);
    assertThat(executed).containsExactly(Events.TASK_EXECUTED);
    assertThat(scheduler.getTask("hourly").orElseThrow().nextRunTime())
        .contains(due.plus(Duration.ofHours(1)));
  }

  @Test
  void pausingTheSchedulerLetsARunHandedOverBeforeItsTimeGoOnAsASubmittedRun() throws Exception {
    // The date task left its store when its run was handed over: revoking the run would lose it.
    Instant due = addDueSoon();
    scheduler.pause();

    executor.runHeld();

    assertThat(runs).hasValue(1);
    assertThat(ranAt.get()).isAfterOrEqualTo(due);
  }

  @Test
  void aChangeThatKeepsTheScheduleLetsTheRunHandedOverGoOn() throws Exception {
    addHourlyDueSoon();
    scheduler.updateTask("hourly", change -> change.name("renamed"));

    executor.runHeld();

    assertThat(runs).hasValue(1);
    assertThat(scheduler.getTask("hourly").orElseThrow().name()).isEqualTo("renamed");
  }

  @Test
  void runsAreHandedOverAtTheirTimeOnATestClockOrWithAnExecutorOnTheLoopThread() {
    scheduler.earlyHandoff(WIDE);
    scheduler.start();
    assertThat(scheduler.earlyHandoff()).isEqualTo(WIDE);

    scheduler.addExecutor("inline", new InlineExecutor());
    assertThat(scheduler.earlyHandoff()).isZero();

    ThreadScheduler onFixedClock =
        (ThreadScheduler)
            Scheduler.builder()
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
                .executor("default", new HoldingExecutor())
                .build();
    onFixedClock.earlyHandoff(WIDE);
    assertThat(onFixedClock.earlyHandoff()).isZero();
  }
}
