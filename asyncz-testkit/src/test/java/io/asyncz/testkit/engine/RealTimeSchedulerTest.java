package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.scheduler.ExecutorServiceScheduler;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerState;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.ShutdownTrigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end on the real clock: the thread scheduler and the scheduler on a caller's executor
 * service. Each test waits on latches with generous timeouts and asserts lower bounds only.
 */
@Timeout(30)
class RealTimeSchedulerTest {
  private static final long WAIT_SECONDS = 10;

  /** The scenarios both kinds of scheduler must pass. */
  abstract static class Scenarios {
    abstract Scheduler scheduler();

    abstract void startScheduler();

    abstract void stopScheduler();

    @Test
    void anIntervalOfFiftyMillisecondsFiresRepeatedly() throws Exception {
      Scheduler scheduler = scheduler();
      CountDownLatch threeRuns = new CountDownLatch(3);
      List<Instant> fired = new CopyOnWriteArrayList<>();
      startScheduler();
      Instant first = scheduler.clock().instant().plusMillis(50);
      IntervalTrigger every50ms =
          IntervalTrigger.builder().interval(Duration.ofMillis(50)).startAt(first).build();
      scheduler
          .task(
              () -> {
                fired.add(scheduler.clock().instant());
                threeRuns.countDown();
              })
          .id("tick")
          .trigger(every50ms)
          .add();

      assertThat(threeRuns.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      stopScheduler();

      assertThat(fired).hasSizeGreaterThanOrEqualTo(3);
      for (int i = 0; i < fired.size(); i++) {
        // Coalescing may skip run times, never bring one forward: run i is due at first + i*50ms
        // or later, and no run starts before it is due.
        assertThat(fired.get(i)).isAfterOrEqualTo(first.plusMillis(50L * i));
      }
    }

    @Test
    void aDateTriggerFiresOnceAndNeverBeforeItsTime() throws Exception {
      Scheduler scheduler = scheduler();
      EventLog log = new EventLog();
      scheduler.addListener(log);
      CountDownLatch removed = new CountDownLatch(1);
      scheduler.addListener(e -> removed.countDown(), Events.TASK_REMOVED);
      AtomicInteger runs = new AtomicInteger();
      AtomicReference<Instant> ranAt = new AtomicReference<>();
      startScheduler();
      Instant due = scheduler.clock().instant().plusMillis(100);

      scheduler
          .task(
              () -> {
                ranAt.set(scheduler.clock().instant());
                runs.incrementAndGet();
              })
          .id("once")
          .trigger(DateTrigger.at(due))
          .add();

      assertThat(removed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      stopScheduler(); // waits for the run in progress

      assertThat(runs).hasValue(1);
      assertThat(ranAt.get()).isAfterOrEqualTo(due);
      assertThat(log.executions(Events.TASK_EXECUTED))
          .singleElement()
          .satisfies(e -> assertThat(e.scheduledRunTime()).isEqualTo(due));
      assertThat(scheduler.getTasks()).isEmpty();
    }

    @Test
    void anIdleSchedulerWakesWhenATaskIsAdded() throws Exception {
      Scheduler scheduler = scheduler();
      CountDownLatch ran = new CountDownLatch(1);
      startScheduler();
      // Nothing is scheduled: the loop waits for a change rather than polling.
      scheduler.task(ran::countDown).id("now").add();

      assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      stopScheduler();
    }

    @Test
    void aTaskMovedEarlierWhileTheLoopWaitsRunsAtItsNewTime() throws Exception {
      Scheduler scheduler = scheduler();
      CountDownLatch ran = new CountDownLatch(1);
      startScheduler();
      scheduler
          .task(ran::countDown)
          .id("later")
          .trigger(DateTrigger.at(scheduler.clock().instant().plus(Duration.ofHours(1))))
          .add();

      scheduler.updateTask(
          "later", null, Map.of("next_run_time", scheduler.clock().instant().plusMillis(20)));

      assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      stopScheduler();
    }

    @Test
    void shutdownRunsTheShutdownTasksAndWaitsForThem() {
      Scheduler scheduler = scheduler();
      AtomicInteger runs = new AtomicInteger();
      startScheduler();
      scheduler
          .task(
              () -> {
                runs.incrementAndGet();
                return null;
              })
          .trigger(ShutdownTrigger.instance())
          .add();

      stopScheduler();

      assertThat(runs).hasValue(1);
    }

    @Test
    void resumingAPausedSchedulerWakesItsLoop() throws Exception {
      Scheduler scheduler = scheduler();
      CountDownLatch ran = new CountDownLatch(1);
      startScheduler();
      scheduler.pause();
      scheduler.task(ran::countDown).id("now").add();

      scheduler.resume();

      assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      stopScheduler();
    }
  }

  @Nested
  class OnItsOwnThread extends Scenarios {
    private final Scheduler scheduler = Scheduler.builder().build();

    @Override
    Scheduler scheduler() {
      return scheduler;
    }

    @Override
    void startScheduler() {
      assertThat(scheduler.start()).isTrue();
    }

    @Override
    void stopScheduler() {
      assertThat(scheduler.shutdown(true)).isTrue();
    }

    @AfterEach
    void close() {
      scheduler.close();
    }

    @Test
    void theDefaultSchedulerRunsTasksOffItsOwnThreadAndShutdownWaitsForThem() throws Exception {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicReference<String> thread = new AtomicReference<>();
      AtomicInteger finished = new AtomicInteger();
      scheduler.start();
      scheduler
          .task(
              () -> {
                thread.set(Thread.currentThread().getName());
                started.countDown();
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                return finished.incrementAndGet();
              })
          .add();
      assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Boolean> shutdown =
          CompletableFuture.supplyAsync(() -> scheduler.shutdown(true));
      release.countDown();

      assertThat(shutdown.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(finished).hasValue(1);
      assertThat(thread.get()).isNotEqualTo("asyncz-scheduler");
    }

    @Test
    void aPoolExecutorRunsOverlappingTasksInParallel() throws Exception {
      Scheduler pooled = Scheduler.builder().executor("default", new PoolExecutor(2)).build();
      CountDownLatch bothRunning = new CountDownLatch(2);
      CountDownLatch release = new CountDownLatch(1);
      try (pooled) {
        pooled.start();
        for (String id : List.of("a", "b")) {
          pooled
              .task(
                  () -> {
                    bothRunning.countDown();
                    return release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                  })
              .id(id)
              .add();
        }

        assertThat(bothRunning.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        release.countDown();
      }
      assertThat(pooled.state()).isEqualTo(SchedulerState.STOPPED);
    }
  }

  @Nested
  class OnACallersExecutorService extends Scenarios {
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorServiceScheduler scheduler = Scheduler.builder().buildOn(loop);

    @Override
    Scheduler scheduler() {
      return scheduler;
    }

    @Override
    void startScheduler() {
      assertThat(scheduler.startAsync(false).toCompletableFuture().join()).isTrue();
    }

    @Override
    void stopScheduler() {
      assertThat(scheduler.shutdownAsync(true).toCompletableFuture().join()).isTrue();
    }

    @AfterEach
    void close() throws InterruptedException {
      scheduler.close();
      loop.shutdownNow();
      assertThat(loop.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void startAndShutdownCompleteOnTheLoopWithTheSeedsResults() throws Exception {
      AtomicReference<Thread> loopThread = new AtomicReference<>();
      loop.submit(() -> loopThread.set(Thread.currentThread())).get();
      AtomicReference<Thread> startedOn = new AtomicReference<>();
      scheduler.addListener(e -> startedOn.set(Thread.currentThread()), Events.SCHEDULER_START);

      assertThat(
              scheduler.startAsync(true).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS))
          .isTrue();
      assertThat(
              scheduler.startAsync(false).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS))
          .isFalse();
      assertThat(scheduler.state()).isEqualTo(SchedulerState.PAUSED);
      assertThat(startedOn.get()).isSameAs(loopThread.get());
      assertThat(
              scheduler
                  .shutdownAsync(true)
                  .toCompletableFuture()
                  .get(WAIT_SECONDS, TimeUnit.SECONDS))
          .isFalse();
      assertThat(
              scheduler
                  .shutdownAsync(true)
                  .toCompletableFuture()
                  .get(WAIT_SECONDS, TimeUnit.SECONDS))
          .isTrue();
      assertThat(scheduler.state()).isEqualTo(SchedulerState.STOPPED);
    }

    @Test
    void theLoopRunsOnTheCallersExecutor() throws Exception {
      AtomicReference<Thread> loopThread = new AtomicReference<>();
      loop.submit(() -> loopThread.set(Thread.currentThread())).get();
      AtomicReference<Thread> submittedOn = new AtomicReference<>();
      CountDownLatch submitted = new CountDownLatch(1);
      scheduler.addListener(
          e -> {
            submittedOn.set(Thread.currentThread());
            submitted.countDown();
          },
          Events.TASK_SUBMITTED);
      startScheduler();

      scheduler.task(() -> null).add();

      assertThat(submitted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(submittedOn.get()).isSameAs(loopThread.get());
      stopScheduler();
    }
  }

  @Test
  void theDefaultClockIsTheSystemClockInUtc() {
    Scheduler scheduler = Scheduler.create();
    assertThat(scheduler.clock()).isEqualTo(Clock.systemUTC());
  }
}
