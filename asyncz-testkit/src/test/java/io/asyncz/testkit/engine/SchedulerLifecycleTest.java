package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.SchedulerNotRunningException;
import io.asyncz.event.Events;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerInfo;
import io.asyncz.scheduler.SchedulerState;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskScheduleState;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.ShutdownTrigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Start, shutdown, pause, resume, wake-up and the info snapshot, on virtual time. */
class SchedulerLifecycleTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final EventLog log = new EventLog();
  private final AtomicInteger runs = new AtomicInteger();

  @BeforeEach
  void listen() {
    scheduler.addListener(log);
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private IntervalTrigger everyTenSeconds() {
    return IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build();
  }

  @Test
  void startRunsTheSchedulerAndDispatchesSchedulerStart() {
    assertThat(scheduler.state()).isEqualTo(SchedulerState.STOPPED);
    assertThat(scheduler.isRunning()).isFalse();

    assertThat(scheduler.start()).isTrue();

    assertThat(scheduler.state()).isEqualTo(SchedulerState.RUNNING);
    assertThat(scheduler.isRunning()).isTrue();
    assertThat(log.names()).containsExactly("STORE_ADDED", "SCHEDULER_START");
  }

  @Test
  void secondStartReturnsFalseAndTheSchedulerNeedsAsManyShutdowns() {
    assertThat(scheduler.start()).isTrue();
    assertThat(scheduler.start()).isFalse();

    assertThat(scheduler.shutdown(true)).isFalse();
    assertThat(scheduler.isRunning()).isTrue();
    assertThat(scheduler.shutdown(true)).isTrue();

    assertThat(scheduler.state()).isEqualTo(SchedulerState.STOPPED);
    assertThat(log.names()).containsExactly("STORE_ADDED", "SCHEDULER_START", "SCHEDULER_SHUTDOWN");
  }

  @Test
  void shutdownOfAStoppedSchedulerThrowsSchedulerNotRunning() {
    assertThatThrownBy(() -> scheduler.shutdown(true))
        .isInstanceOf(SchedulerNotRunningException.class)
        .hasMessageContaining("not running")
        .hasMessageContaining("shutdown()");

    scheduler.start();
    scheduler.shutdown(true);
    assertThatThrownBy(() -> scheduler.shutdown(false))
        .isInstanceOf(SchedulerNotRunningException.class);
  }

  @Test
  void tryWithResourcesShutsDownHoweverOftenTheSchedulerWasStarted() {
    EventLog closing = new EventLog();
    try (ManualScheduler s = ManualScheduler.on(clock)) {
      s.addListener(closing);
      s.start();
      s.start();
      s.start();
    }
    assertThat(closing.names())
        .containsExactly("STORE_ADDED", "SCHEDULER_START", "SCHEDULER_SHUTDOWN");
  }

  @Test
  void closingAStoppedSchedulerDoesNothing() {
    scheduler.close();
    scheduler.close();

    assertThat(log.all()).isEmpty();
  }

  @Test
  void aSchedulerStartsAgainAfterShutdownAndKeepsItsMemoryStoreTasks() {
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("tick").trigger(everyTenSeconds()).add();
    scheduler.advance(Duration.ofSeconds(10));
    scheduler.shutdown(true);

    assertThat(scheduler.start()).isTrue();
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(runs).hasValue(2);
    assertThat(log.names())
        .containsSubsequence(
            "SCHEDULER_START", "SCHEDULER_SHUTDOWN", "SCHEDULER_START", "TASK_EXECUTED");
  }

  @Test
  void startingARunningSchedulerAfterAllShutdownsIsNotConfusedByTheCount() {
    scheduler.start();
    scheduler.shutdown(true);
    scheduler.start();
    scheduler.start();
    scheduler.shutdown(true);
    scheduler.shutdown(true);

    assertThat(scheduler.isRunning()).isFalse();
    assertThat(scheduler.start()).isTrue();
  }

  @Test
  void startPausedProcessesNothingUntilResumed() {
    assertThat(scheduler.start(true)).isTrue();
    assertThat(scheduler.state()).isEqualTo(SchedulerState.PAUSED);
    scheduler.task(runs::incrementAndGet).id("tick").trigger(everyTenSeconds()).add();

    scheduler.advance(Duration.ofSeconds(35));
    assertThat(runs).hasValue(0);
    assertThat(log.count(Events.TASK_SUBMITTED)).isZero();

    scheduler.resume();
    assertThat(log.names()).endsWith("SCHEDULER_RESUMED");
    assertThat(scheduler.wakeupRequested()).isTrue();
    scheduler.runDue();

    // The runs at +10, +20 and +30 coalesce into the last, which is more than the 1 s grace late.
    assertThat(log.executions(Events.TASK_MISSED))
        .singleElement()
        .satisfies(e -> assertThat(e.scheduledRunTime()).isEqualTo(T.plusSeconds(30)));
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(runs).hasValue(1);
  }

  @Test
  void pauseStopsProcessingAndResumeWakesTheLoop() {
    scheduler.start();
    scheduler
        .task(runs::incrementAndGet)
        .id("tick")
        .trigger(everyTenSeconds())
        .noGraceLimit()
        .add();

    scheduler.pause();
    assertThat(scheduler.state()).isEqualTo(SchedulerState.PAUSED);
    assertThat(scheduler.runDue()).isEmpty();
    scheduler.advance(Duration.ofSeconds(25));
    assertThat(runs).hasValue(0);

    scheduler.runDue(); // clears the wake-up flag
    scheduler.resume();
    assertThat(scheduler.wakeupRequested()).isTrue();
    assertThat(scheduler.runDue()).contains(T.plusSeconds(30));

    assertThat(runs).hasValue(1); // +10 and +20 coalesced, run late since there is no limit
    assertThat(log.names()).containsSubsequence("SCHEDULER_PAUSED", "SCHEDULER_RESUMED");
  }

  @Test
  void pauseAndResumeDispatchOnlyOnAChange() {
    scheduler.start();
    scheduler.pause();
    scheduler.pause();
    scheduler.resume();
    scheduler.resume();

    assertThat(log.names())
        .containsExactly("STORE_ADDED", "SCHEDULER_START", "SCHEDULER_PAUSED", "SCHEDULER_RESUMED");
  }

  @Test
  void pauseAndResumeOfAStoppedSchedulerThrowSchedulerNotRunning() {
    assertThatThrownBy(scheduler::pause)
        .isInstanceOf(SchedulerNotRunningException.class)
        .hasMessageContaining("pause()");
    assertThatThrownBy(scheduler::resume)
        .isInstanceOf(SchedulerNotRunningException.class)
        .hasMessageContaining("resume()");
  }

  @Test
  void aPausedSchedulerCanBeShutDown() {
    scheduler.start(true);
    assertThat(scheduler.shutdown(true)).isTrue();
    assertThat(scheduler.state()).isEqualTo(SchedulerState.STOPPED);
  }

  @Test
  void addingAScheduledTaskWakesTheLoopButAddingAPausedOneDoesNot() {
    scheduler.start();
    scheduler.runDue();
    assertThat(scheduler.wakeupRequested()).isFalse();

    scheduler.task(runs::incrementAndGet).id("paused").trigger(everyTenSeconds()).paused().add();
    assertThat(scheduler.wakeupRequested()).isFalse();

    scheduler.task(runs::incrementAndGet).id("tick").trigger(everyTenSeconds()).add();
    assertThat(scheduler.wakeupRequested()).isTrue();
  }

  @Test
  void theLoopAsksToWakeAtTheEarliestNextRunTimeAndWaitsWhenIdle() {
    scheduler.start();
    assertThat(scheduler.runDue()).isEmpty();

    scheduler
        .task(runs::incrementAndGet)
        .id("late")
        .trigger(DateTrigger.at(T.plusSeconds(60)))
        .add();
    scheduler
        .task(runs::incrementAndGet)
        .id("soon")
        .trigger(DateTrigger.at(T.plusSeconds(5)))
        .add();

    assertThat(scheduler.runDue()).contains(T.plusSeconds(5));
    clock.set(T.plusSeconds(5));
    assertThat(scheduler.runDue()).contains(T.plusSeconds(60));
    clock.set(T.plusSeconds(60));
    assertThat(scheduler.runDue()).isEmpty();
    assertThat(runs).hasValue(2);
  }

  @Test
  void aRunNeverStartsBeforeItsScheduledTime() {
    scheduler.start();
    scheduler.task(runs::incrementAndGet).trigger(DateTrigger.at(T.plusSeconds(10))).add();

    clock.set(T.plusSeconds(10).minusNanos(1));
    scheduler.runDue();
    assertThat(runs).hasValue(0);

    clock.set(T.plusSeconds(10));
    scheduler.runDue();
    assertThat(runs).hasValue(1);
  }

  @Test
  void shutdownRunsTheTasksWithAShutdownTriggerOnceAndTheLoopNever() {
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("bye").trigger(ShutdownTrigger.instance()).add();
    assertThat(scheduler.getTask("bye").orElseThrow().scheduleState())
        .isEqualTo(TaskScheduleState.PAUSED);

    scheduler.advance(Duration.ofDays(3)); // a shutdown task is never due
    assertThat(runs).hasValue(0);

    scheduler.shutdown(true);

    assertThat(runs).hasValue(1);
    // As in the seed: removed from its store and called by the scheduler itself, with no task
    // events, after the executors have stopped.
    assertThat(log.namesFor("bye")).doesNotContain("TASK_SUBMITTED", "TASK_EXECUTED");
    assertThat(log.names()).last().isEqualTo("SCHEDULER_SHUTDOWN");
    scheduler.start();
    assertThat(scheduler.getTask("bye")).isEmpty();
    scheduler.shutdown(true);
    assertThat(runs)
        .hasValue(1); // the memory store kept its tasks across the restart: not this one
  }

  @Test
  void aShutdownTaskAddedByAliasRunsAtShutdownWhateverItsGraceTime() {
    scheduler.start();
    scheduler
        .task(runs::incrementAndGet)
        .id("bye")
        .trigger("shutdown", Map.of())
        .mistriggerGraceTime(Duration.ofSeconds(1))
        .add();
    clock.set(T.plus(Duration.ofHours(5)));

    scheduler.shutdown(false);

    assertThat(runs).hasValue(1);
    assertThat(log.count(Events.TASK_MISSED)).isZero();
  }

  @Test
  void shutdownShutsTheExecutorsDown() {
    CountingExecutor executor = new CountingExecutor();
    scheduler.addExecutor(executor, "counting");
    scheduler.start();

    scheduler.shutdown(true);

    assertThat(executor.shutDown).isTrue();
  }

  @Test
  void infoIsASnapshotOfStateStartTimeZoneStoresExecutorsAndTaskCounts() {
    ManualScheduler zoned =
        ManualScheduler.with(
            Scheduler.builder()
                .timezone("Europe/Paris")
                .identity("node-a")
                .executor("zeta", new InlineExecutor())
                .executor("alpha", new InlineExecutor()),
            clock);
    zoned.task(runs::incrementAndGet).id("pending").trigger(everyTenSeconds()).add();
    SchedulerInfo before = zoned.info();
    assertThat(before.state()).isEqualTo(SchedulerState.STOPPED);
    assertThat(before.startedAt()).isNull();
    assertThat(before.timezone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(before.identity()).isEqualTo("node-a");
    assertThat(before.running()).isFalse();
    assertThat(before.uptime()).isNull();
    assertThat(before.stateLabel()).isEqualTo("stopped");
    assertThat(before.executors()).containsExactly("alpha", "default", "zeta");
    assertThat(before.taskCount()).isEqualTo(1);
    assertThat(before.pendingTaskCount()).isEqualTo(1);
    assertThat(before.scheduledTaskCount()).isZero();
    assertThat(before.pausedTaskCount()).isZero();
    assertThat(before.storeRetryInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(before.startupDelay()).isZero();

    clock.set(T.plusSeconds(3));
    zoned.start(true);
    zoned.task(runs::incrementAndGet).id("paused").trigger(everyTenSeconds()).paused().add();
    clock.set(T.plusSeconds(5));
    SchedulerInfo after = zoned.info();

    assertThat(after.state()).isEqualTo(SchedulerState.PAUSED);
    assertThat(after.startedAt()).isEqualTo(T.plusSeconds(3));
    assertThat(after.stores()).containsExactly("default");
    assertThat(after.executors()).containsExactly("alpha", "default", "zeta");
    assertThat(after.running()).isTrue();
    assertThat(after.stateLabel()).isEqualTo("paused");
    assertThat(after.uptime()).isEqualTo(Duration.ofSeconds(2));
    assertThat(after.taskCount()).isEqualTo(2);
    assertThat(after.pendingTaskCount()).isZero();
    assertThat(after.scheduledTaskCount()).isEqualTo(1);
    assertThat(after.pausedTaskCount()).isEqualTo(1);
    assertThat(after.submittedTaskCount()).isEqualTo(2);
    assertThat(before.pendingTaskCount()).isEqualTo(1);
    zoned.shutdown(true);
    assertThat(zoned.info().state()).isEqualTo(SchedulerState.STOPPED);
  }

  @Test
  void theDefaultExecutorAndStoreAreCreatedAtStartWhenNoneWasGiven() {
    assertThat(scheduler.info().stores()).isEmpty();
    scheduler.start();
    assertThat(scheduler.info().stores()).containsExactly("default");
    assertThat(scheduler.info().executors()).containsExactly("default");
    assertThat(scheduler.lookupStore("default")).isInstanceOf(MemoryStore.class);
  }

  /** A memory store whose first start fails, as a database that is not up yet. */
  static final class StoreDownAtFirst implements TaskStore {
    private final MemoryStore tasks = new MemoryStore();
    private boolean up;
    int shutdowns;

    @Override
    public void start(StoreContext context, String alias) {
      if (!up) {
        up = true;
        throw new IllegalStateException("connection refused");
      }
    }

    @Override
    public void shutdown() {
      shutdowns++;
    }

    @Override
    public Optional<Task> lookupTask(String id) {
      return tasks.lookupTask(id);
    }

    @Override
    public List<Task> dueTasks(Instant now) {
      return tasks.dueTasks(now);
    }

    @Override
    public Optional<Instant> nextRunTime() {
      return tasks.nextRunTime();
    }

    @Override
    public List<Task> allTasks() {
      return tasks.allTasks();
    }

    @Override
    public void addTask(Task task) {
      tasks.addTask(task);
    }

    @Override
    public void updateTask(Task task) {
      tasks.updateTask(task);
    }

    @Override
    public void deleteTask(String id) {
      tasks.deleteTask(id);
    }

    @Override
    public void removeAllTasks() {
      tasks.removeAllTasks();
    }
  }

  @Test
  void aStartThatFailsLeavesTheSchedulerStoppedAndCanBeRetried() {
    StoreDownAtFirst store = new StoreDownAtFirst();
    ManualScheduler s = ManualScheduler.with(Scheduler.builder().store("default", store), clock);
    s.addListener(log);
    s.task(runs::incrementAndGet).id("tick").trigger(everyTenSeconds()).add();

    assertThatThrownBy(s::start).hasMessage("connection refused");

    assertThat(s.state()).isEqualTo(SchedulerState.STOPPED);
    assertThat(s.getTasks()).extracting(Task::id).containsExactly("tick");
    assertThat(store.shutdowns).isEqualTo(1);
    assertThat(log.all()).isEmpty();

    assertThat(s.start()).isTrue();
    s.advance(Duration.ofSeconds(10));
    assertThat(runs).hasValue(1);
    assertThat(log.names()).startsWith("TASK_ADDED", "SCHEDULER_START");
    s.shutdown(true);
  }
}
