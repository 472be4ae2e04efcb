package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.TaskTimeoutException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunOutcome;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.RetryPolicy;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timeouts (issue 14): a run that takes longer than its task's timeout is interrupted (or its stage
 * cancelled), reported as timed out at once, and retried when the task says so; one that ignores
 * the interrupt keeps its instance slot, counted as abandoned, until it returns.
 */
@Timeout(30)
class TimeoutTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final PoolExecutor pool = new PoolExecutor(4);
  private final ManualScheduler scheduler =
      ManualScheduler.with(Scheduler.builder().executor("default", pool), clock);
  private final EventLog log = new EventLog();
  private final List<RunOutcome> outcomes = new CopyOnWriteArrayList<>();
  private final CountDownLatch started = new CountDownLatch(1);

  TimeoutTest() {
    scheduler.addListener(log);
    scheduler.observeRuns(run -> outcomes::add);
    scheduler.start();
  }

  @AfterEach
  void stop() {
    if (scheduler.isRunning()) {
      scheduler.shutdown(Duration.ofSeconds(5));
    }
  }

  private static IntervalTrigger hourly() {
    return IntervalTrigger.builder().hours(1).startAt(T.plusSeconds(3600)).build();
  }

  /** Waits until the events include {@code code}, as delivered by the executor's thread. */
  private void awaitEvent(int code) throws InterruptedException {
    CountDownLatch seen = new CountDownLatch(1);
    scheduler.addListener(e -> seen.countDown(), code);
    if (log.count(code) == 0) {
      assertThat(seen.await(10, TimeUnit.SECONDS)).as("event " + Events.name(code)).isTrue();
    }
  }

  @Test
  void aRunPastItsTimeoutIsInterruptedReportedAsTimedOutAndFreesItsSlot() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    scheduler
        .task(
            () -> {
              started.countDown();
              try {
                never.await();
              } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
              }
              return null;
            })
        .id("stuck")
        .trigger(hourly())
        .timeout(Duration.ofMinutes(5))
        .add();

    scheduler.advance(Duration.ofHours(1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofMinutes(4));
    assertThat(log.count(Events.TASK_TIMED_OUT)).isZero(); // not yet

    scheduler.advance(Duration.ofMinutes(1));
    awaitEvent(Events.TASK_TIMED_OUT);

    TaskExecutionEvent timedOut = log.executions(Events.TASK_TIMED_OUT).get(0);
    assertThat(timedOut.taskId()).isEqualTo("stuck");
    assertThat(timedOut.scheduledRunTime()).isEqualTo(T.plusSeconds(3600));
    assertThat(timedOut.exception())
        .isInstanceOf(TaskTimeoutException.class)
        .hasMessageContaining("'stuck'")
        .hasMessageContaining("PT5M");
    assertThat(outcomes)
        .extracting(RunOutcome::status)
        .containsExactly(RunOutcome.Status.TIMED_OUT);
    scheduler.shutdown(Duration.ofSeconds(5)); // waits for the interrupted run to return
    assertThat(interrupted).isTrue();
    assertThat(scheduler.runningInstances("stuck")).isZero();
    assertThat(pool.abandonedRuns()).isZero();
    assertThat(log.count(Events.TASK_ERROR)).isZero(); // reported once, as timed out
  }

  @Test
  void aTimedOutRunIsRetriedWhenTheTaskRetries() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    scheduler.observeRuns(
        run -> {
          attempts.add(run.attempt());
          return RunObservation.NONE;
        });
    scheduler
        .task(
            () -> {
              if (attempts.size() == 1) {
                started.countDown();
                release.await(); // the first attempt hangs
              }
              return "done";
            })
        .id("hangs-once")
        .trigger(hourly())
        .timeout(Duration.ofSeconds(30))
        .retry(RetryPolicy.fixed(2, Duration.ofSeconds(10)))
        // The interrupted first attempt lets go of its slot on its own thread, in real time; the
        // retry is due in virtual time and must not race it for a single slot (a run that still
        // holds the slot skips the retry, as max_instances says: another test's subject).
        .maxInstances(2)
        .add();

    scheduler.advance(Duration.ofHours(1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofSeconds(30));
    awaitEvent(Events.TASK_RETRY_SCHEDULED);
    scheduler.advance(Duration.ofSeconds(10));
    awaitEvent(Events.TASK_EXECUTED);

    assertThat(attempts).containsExactly(1, 2);
    assertThat(log.count(Events.TASK_TIMED_OUT)).isEqualTo(1);
  }

  @Test
  void aStageThatOutlivesItsTimeoutIsCancelled() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    scheduler
        .task(
            () -> {
              started.countDown();
              return stage;
            })
        .id("async")
        .trigger(hourly())
        .timeout(Duration.ofSeconds(20))
        .add();

    scheduler.advance(Duration.ofHours(1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofSeconds(20));
    awaitEvent(Events.TASK_TIMED_OUT);

    // The deadline may pass between the function's start and its return of the stage: the stage
    // is then cancelled as it is handed over, just after the event.
    assertThat(stage)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(CancellationException.class);
    scheduler.shutdown(Duration.ofSeconds(5)); // waits for the run's end, which the cancel brings
    assertThat(scheduler.runningInstances("async")).isZero();
  }

  @Test
  void aRunThatIgnoresTheInterruptKeepsItsSlotAsAbandonedUntilItReturns() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch returned = new CountDownLatch(1);
    scheduler
        .task(
            () -> {
              started.countDown();
              while (!stop.get()) {
                Thread.onSpinWait(); // deaf to interrupts
              }
              returned.countDown();
              return null;
            })
        .id("deaf")
        .trigger(hourly())
        .timeout(Duration.ofSeconds(10))
        .add();

    scheduler.advance(Duration.ofHours(1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofSeconds(10));
    awaitEvent(Events.TASK_TIMED_OUT);

    assertThat(pool.abandonedRuns()).isEqualTo(1);
    assertThat(scheduler.runningInstances("deaf")).isEqualTo(1); // max_instances stays truthful
    scheduler.advance(Duration.ofHours(1)); // its next run finds the slot taken
    assertThat(log.count(Events.TASK_MAX_INSTANCES)).isEqualTo(1);

    stop.set(true);
    assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.shutdown(Duration.ofSeconds(5));
    assertThat(pool.abandonedRuns()).isZero();
    assertThat(scheduler.runningInstances("deaf")).isZero();
    assertThat(log.count(Events.TASK_EXECUTED)).isZero(); // its late return is not a success
  }

  @Test
  void onTheSystemClockATimeoutInterruptsARealThread() throws Exception {
    ThreadScheduler real = (ThreadScheduler) Scheduler.builder().build();
    EventLog events = new EventLog();
    real.addListener(events);
    CountDownLatch timedOut = new CountDownLatch(1);
    real.addListener(e -> timedOut.countDown(), Events.TASK_TIMED_OUT);
    real.start();
    try {
      real.task(
              () -> {
                new CountDownLatch(1).await(); // blocks until the timeout interrupts it
                return null;
              })
          .id("sleeper")
          .timeout(Duration.ofMillis(200))
          .add();
      assertThat(timedOut.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      real.shutdown(Duration.ofSeconds(5));
    }
    assertThat(real.runningInstances("sleeper")).isZero();
    assertThat(events.count(Events.TASK_ERROR)).isZero();
  }
}
