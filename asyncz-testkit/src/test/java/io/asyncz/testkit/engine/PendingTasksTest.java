package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.ConflictIdException;
import io.asyncz.event.Events;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.TaskQuery;
import io.asyncz.task.Task;
import io.asyncz.task.TaskDefaults;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskScheduleState;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tasks added before start: listed as pending, committed at start; ids, replacement, defaults. */
class PendingTasksTest {
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
  void tasksAddedBeforeStartAreListedAsPendingWithoutANextRunTime() {
    Task added = scheduler.task(runs::incrementAndGet).id("a").trigger(everyTenSeconds()).add();

    assertThat(added.isPending()).isTrue();
    assertThat(added.scheduleState()).isEqualTo(TaskScheduleState.PENDING);
    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("a");
    assertThat(scheduler.getTask("a").orElseThrow().nextRunTime()).isEmpty();
    assertThat(scheduler.getTaskInfos(TaskQuery.all().withScheduleState("pending")))
        .singleElement()
        .satisfies(i -> assertThat(i.pending()).isTrue());
    assertThat(log.all()).isEmpty(); // TASK_ADDED waits for the start
  }

  @Test
  void pendingTasksAreCommittedAtStartWithTheirNextRunTimeComputedThen() {
    scheduler.task(runs::incrementAndGet).id("a").trigger(everyTenSeconds()).add();
    clock.set(T.plusSeconds(25));

    scheduler.start();

    Task task = scheduler.getTask("a").orElseThrow();
    assertThat(task.isPending()).isFalse();
    assertThat(task.scheduleState()).isEqualTo(TaskScheduleState.SCHEDULED);
    assertThat(task.nextRunTime()).contains(T.plusSeconds(30));
    assertThat(log.names()).containsExactly("STORE_ADDED", "TASK_ADDED", "SCHEDULER_START");
    assertThat(log.taskEvents(Events.TASK_ADDED).get(0).store()).isEqualTo("default");
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(runs).hasValue(1);
  }

  @Test
  void pendingTasksAreCommittedInTheOrderTheyWereAdded() {
    scheduler.task(runs::incrementAndGet).id("b").trigger(everyTenSeconds()).add();
    scheduler.task(runs::incrementAndGet).id("a").trigger(everyTenSeconds()).add();
    scheduler.task(runs::incrementAndGet).id("c").trigger(everyTenSeconds()).add();

    scheduler.start();

    assertThat(log.taskEvents(Events.TASK_ADDED))
        .extracting(e -> e.taskId())
        .containsExactly("b", "a", "c");
  }

  @Test
  void aPendingTaskWithAGivenNextRunTimeKeepsItAtStart() {
    scheduler
        .task(runs::incrementAndGet)
        .id("a")
        .trigger(everyTenSeconds())
        .nextRunTime("2026-01-15T10:05:00Z")
        .add();
    assertThat(scheduler.getTask("a").orElseThrow().nextRunTime()).contains(T.plusSeconds(300));

    scheduler.start();

    assertThat(scheduler.getTask("a").orElseThrow().nextRunTime()).contains(T.plusSeconds(300));
    scheduler.advance(Duration.ofSeconds(299));
    assertThat(runs).hasValue(0);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(runs).hasValue(1);
    assertThat(scheduler.getTask("a").orElseThrow().nextRunTime()).contains(T.plusSeconds(310));
  }

  @Test
  void aNaiveNextRunTimeIsReadInTheSchedulersZone() {
    ManualScheduler tokyo = ManualScheduler.on(clock, ZoneId.of("Asia/Tokyo"));
    tokyo.task(runs::incrementAndGet).id("a").nextRunTime("2026-01-15 19:00:00").add();

    assertThat(tokyo.getTask("a").orElseThrow().nextRunTime()).contains(T);
  }

  @Test
  void aTaskAddedPausedBeforeStartStaysPausedAfter() {
    scheduler.task(runs::incrementAndGet).id("a").trigger(everyTenSeconds()).paused().add();

    scheduler.start();
    scheduler.advance(Duration.ofMinutes(5));

    Task task = scheduler.getTask("a").orElseThrow();
    assertThat(task.isPaused()).isTrue();
    assertThat(task.scheduleState()).isEqualTo(TaskScheduleState.PAUSED);
    assertThat(runs).hasValue(0);
    assertThat(log.namesFor("a")).containsExactly("TASK_ADDED");
  }

  @Test
  void pausingAPendingTaskKeepsItPausedAfterStart() {
    scheduler.task(runs::incrementAndGet).id("a").trigger(everyTenSeconds()).add();

    Task paused = scheduler.pauseTask("a", null);
    scheduler.start();
    scheduler.advance(Duration.ofMinutes(1));

    assertThat(paused.isPending()).isTrue();
    assertThat(scheduler.getTask("a").orElseThrow().isPaused()).isTrue();
    assertThat(runs).hasValue(0);
  }

  @Test
  void resumingAPendingTaskThatWasAddedPausedSchedulesItAtStart() {
    scheduler.task(runs::incrementAndGet).id("a").trigger(everyTenSeconds()).paused().add();

    scheduler.resumeTask("a", null);
    scheduler.start();

    assertThat(scheduler.getTask("a").orElseThrow().nextRunTime()).contains(T.plusSeconds(10));
  }

  @Test
  void aPendingTaskWhoseIdIsStoredIsLeftOutAndTheStoredTaskKeptAsInTheSeed() {
    // How several processes register one set of tasks: each adds them before start, and the
    // first to start stores them; the others' start keeps what is stored.
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("a").name("stored").trigger(everyTenSeconds()).add();
    scheduler.shutdown(true);
    scheduler.task(runs::incrementAndGet).id("b").trigger(everyTenSeconds()).add();
    scheduler.task(runs::incrementAndGet).id("a").name("again").trigger(everyTenSeconds()).add();
    scheduler.task(runs::incrementAndGet).id("c").trigger(everyTenSeconds()).add();
    log.clear();

    assertThat(scheduler.start()).isTrue();

    assertThat(log.names()).contains("SCHEDULER_START");
    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(scheduler.getTask("a").orElseThrow().name()).isEqualTo("stored");
    assertThat(log.namesFor("a")).doesNotContain("TASK_ADDED");
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(runs).hasValue(3);
  }

  @Test
  void aPendingTaskAddedWithReplaceExistingReplacesTheStoredOneAtStart() {
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("a").name("stored").trigger(everyTenSeconds()).add();
    scheduler.shutdown(true);
    scheduler
        .task(runs::incrementAndGet)
        .id("a")
        .name("replacement")
        .trigger(everyTenSeconds())
        .replaceExisting(true)
        .add();

    scheduler.start();

    assertThat(scheduler.getTask("a").orElseThrow().name()).isEqualTo("replacement");
  }

  @Test
  void aDuplicateIdBeforeStartIsRefused() {
    scheduler.task(runs::incrementAndGet).id("a").add();

    assertThatThrownBy(() -> scheduler.task(runs::incrementAndGet).id("a").add())
        .isInstanceOf(ConflictIdException.class)
        .hasMessageContaining("'a'")
        .satisfies(e -> assertThat(((ConflictIdException) e).taskId()).isEqualTo("a"));
    assertThat(scheduler.getTasks()).hasSize(1);
  }

  @Test
  void aDuplicateIdWhileRunningIsRefusedAndTheStoredTaskIsKept() {
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("a").trigger(everyTenSeconds()).add();

    assertThatThrownBy(
            () ->
                scheduler
                    .task(runs::incrementAndGet)
                    .id("a")
                    .trigger(IntervalTrigger.every(Duration.ofHours(1)))
                    .add())
        .isInstanceOf(ConflictIdException.class)
        .hasMessageContaining("already exists");

    assertThat(scheduler.getTask("a").orElseThrow().trigger()).isEqualTo(everyTenSeconds());
    assertThat(log.count(Events.TASK_ADDED)).isEqualTo(1);
  }

  @Test
  void replaceExistingReplacesAPendingTask() {
    scheduler.task(runs::incrementAndGet).id("a").name("first").add();
    scheduler.task(runs::incrementAndGet).id("a").name("second").replaceExisting(true).add();

    assertThat(scheduler.getTasks()).extracting(Task::name).containsExactly("second");
    scheduler.start();
    assertThat(scheduler.getTasks()).extracting(Task::name).containsExactly("second");
    assertThat(log.count(Events.TASK_ADDED)).isEqualTo(1);
  }

  @Test
  void replaceExistingReplacesAStoredTaskAndReportsItAdded() {
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("a").name("first").trigger(everyTenSeconds()).add();

    Task replaced =
        scheduler
            .task(runs::incrementAndGet)
            .id("a")
            .name("second")
            .trigger(IntervalTrigger.builder().minutes(1).startAt(T.plusSeconds(60)).build())
            .replaceExisting(true)
            .add();

    assertThat(replaced.nextRunTime()).contains(T.plusSeconds(60));
    assertThat(scheduler.getTasks()).containsExactly(replaced);
    assertThat(log.namesFor("a")).containsExactly("TASK_ADDED", "TASK_ADDED");
  }

  @Test
  void deletingAPendingTaskRemovesItBeforeItIsEverStored() {
    scheduler.task(runs::incrementAndGet).id("a").add();
    scheduler.task(runs::incrementAndGet).id("b").add();

    scheduler.deleteTask("a", null);

    assertThat(log.taskEvents(Events.TASK_REMOVED))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskId()).isEqualTo("a");
              assertThat(e.store()).isEqualTo("default");
            });
    scheduler.start();
    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("b");
  }

  @Test
  void removingAllTasksBeforeStartClearsThePendingOnes() {
    scheduler.task(runs::incrementAndGet).id("a").add();
    scheduler.task(runs::incrementAndGet).id("b").store("other").add();

    scheduler.removeAllTasks("other");
    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("a");
    scheduler.removeAllTasks(null);

    assertThat(scheduler.getTasks()).isEmpty();
    assertThat(log.names()).containsExactly("ALL_TASKS_REMOVED", "ALL_TASKS_REMOVED");
  }

  @Test
  void tasksTakeTheSchedulersTaskDefaultsUnlessTheySetTheirOwn() {
    ManualScheduler configured =
        ManualScheduler.with(
            Scheduler.builder().taskDefaults(new TaskDefaults(Duration.ofSeconds(30), false, 3)),
            clock);

    Task plain =
        configured.task(runs::incrementAndGet).id("plain").trigger(everyTenSeconds()).add();
    Task own =
        configured
            .task(runs::incrementAndGet)
            .id("own")
            .trigger(everyTenSeconds())
            .mistriggerGraceTime(Duration.ofSeconds(5))
            .coalesce(true)
            .maxInstances(1)
            .add();
    Task now = configured.task(runs::incrementAndGet).id("now").add();

    assertThat(plain.mistriggerGraceTime()).contains(Duration.ofSeconds(30));
    assertThat(plain.coalesce()).isFalse();
    assertThat(plain.maxInstances()).isEqualTo(3);
    assertThat(own.mistriggerGraceTime()).contains(Duration.ofSeconds(5));
    assertThat(own.coalesce()).isTrue();
    assertThat(own.maxInstances()).isEqualTo(1);
    // A date trigger with no run time runs "now", however late: no grace limit.
    assertThat(now.mistriggerGraceTime()).isEmpty();
  }

  @Test
  void theDefaultTaskDefaultsAreTheSeeds() {
    Task task = scheduler.task(runs::incrementAndGet).trigger(everyTenSeconds()).add();

    assertThat(task.mistriggerGraceTime()).contains(Duration.ofSeconds(1));
    assertThat(task.coalesce()).isTrue();
    assertThat(task.maxInstances()).isEqualTo(1);
    assertThat(task.executor()).isEqualTo("default");
    assertThat(task.storeAlias()).isEqualTo("default");
    assertThat(task.id()).matches("[0-9a-f]{16,32}");
  }

  @Test
  void aTaskWithoutATriggerRunsOnceAtStartAndIsRemoved() {
    scheduler.task(runs::incrementAndGet).id("once").add();
    clock.set(T.plus(Duration.ofHours(2)));

    scheduler.start();
    scheduler.runDue();

    assertThat(runs).hasValue(1);
    assertThat(scheduler.getTask("once")).isEmpty();
    assertThat(log.namesFor("once")).contains("TASK_ADDED", "TASK_EXECUTED", "TASK_REMOVED");
  }

  @Test
  void aTaskAddedWhileTheSchedulerStartsIsStoredAsScheduledNotPending() throws Exception {
    CountDownLatch building = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    TaskFunction slowToCheck =
        new TaskFunction() {
          @Override
          public Object invoke(List<Object> args, Map<String, Object> kwargs) {
            return null;
          }

          @Override
          public void checkArguments(List<Object> args, Map<String, Object> kwargs) {
            // Hold the add between reading the scheduler's state and storing the task.
            building.countDown();
            try {
              started.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    CompletableFuture<Task> adding =
        CompletableFuture.supplyAsync(
            () -> scheduler.task(slowToCheck).id("racer").trigger(everyTenSeconds()).add());
    assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();

    scheduler.start();
    started.countDown();
    Task added = adding.get(10, TimeUnit.SECONDS);

    Task stored = scheduler.getTask("racer").orElseThrow();
    assertThat(stored.scheduleState()).isEqualTo(TaskScheduleState.SCHEDULED);
    assertThat(stored.isPending()).isFalse();
    assertThat(added.isPending()).isFalse();
    assertThat(scheduler.info().pendingTaskCount()).isZero();
  }
}
