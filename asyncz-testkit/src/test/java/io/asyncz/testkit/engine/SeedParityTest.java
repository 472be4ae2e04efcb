package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.MaxInstancesException;
import io.asyncz.config.SchedulerConfig;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerInstanceInfo;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskInfo;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where the engine follows the seed's scheduler exactly (issue 8), beyond the loop's own tests. */
@Timeout(30)
class SeedParityTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final AtomicInteger runs = new AtomicInteger();

  private static IntervalTrigger everyTenSeconds() {
    return IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build();
  }

  @Test
  void maxInstancesCountsTheRunsOfATaskAcrossEveryExecutor() throws Exception {
    ManualScheduler scheduler =
        ManualScheduler.with(
            Scheduler.builder()
                .executor("a", new PoolExecutor(2))
                .executor("b", new PoolExecutor(2)),
            clock);
    EventLog log = new EventLog();
    scheduler.addListener(log);
    scheduler.start();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    scheduler
        .task(
            () -> {
              runs.incrementAndGet();
              running.countDown();
              release.await();
              return null;
            })
        .id("slow")
        .trigger(everyTenSeconds())
        .executor("a")
        .maxInstances(1)
        .add();
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

    // Moved to another executor while its run is in flight: still one instance at most.
    scheduler.updateTask("slow", null, Map.of("executor", "b"));
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(log.count(Events.TASK_MAX_INSTANCES)).isEqualTo(1);
    assertThat(scheduler.runningInstances("slow")).isEqualTo(1);
    assertThatThrownBy(() -> scheduler.runTask("slow", null, true, true))
        .isInstanceOf(MaxInstancesException.class);
    release.countDown();
    scheduler.shutdown(true);
    assertThat(runs).hasValue(1);
    assertThat(scheduler.runningInstances("slow")).isZero();
  }

  @Test
  void aForcedRunOfADateTaskBeforeItsDateFinishesIt() {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    scheduler.start();
    scheduler
        .task(runs::incrementAndGet)
        .id("removed")
        .trigger(DateTrigger.at(T.plusSeconds(60)))
        .add();
    scheduler
        .task(runs::incrementAndGet)
        .id("kept")
        .trigger(DateTrigger.at(T.plusSeconds(60)))
        .add();

    Optional<Task> removed = scheduler.runTask("removed", null, true, true);
    Optional<Task> kept = scheduler.runTask("kept", null, true, false);
    scheduler.advance(Duration.ofMinutes(5));

    assertThat(removed).isEmpty();
    assertThat(scheduler.getTask("removed")).isEmpty();
    assertThat(kept).get().satisfies(t -> assertThat(t.isPaused()).isTrue());
    assertThat(runs).hasValue(2); // once each, and never again at their date
  }

  @Test
  void updateTaskChangesTheFunctionByReferenceOrRegisteredName() {
    TaskRegistry registry =
        new TaskRegistry()
            .register("first", (args, kwargs) -> runs.addAndGet(1))
            .register("second", (args, kwargs) -> runs.addAndGet(100));
    ManualScheduler scheduler = ManualScheduler.with(Scheduler.builder().registry(registry), clock);
    scheduler.start();
    scheduler.task("first").id("job").trigger(everyTenSeconds()).add();

    Task updated = scheduler.updateTask("job", null, Map.of("fn", "second"));
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(updated.reference()).contains("second");
    assertThat(scheduler.getTaskInfo("job", null).orElseThrow().callableReference())
        .isEqualTo("second");
    assertThat(runs).hasValue(100);
    assertThatThrownBy(() -> scheduler.updateTask("job", null, Map.of("fn", "missing")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"missing\"");
    assertThatThrownBy(() -> scheduler.updateTask("job", null, Map.of("fn", 42)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Invalid fn: 42");
  }

  @Test
  void updateTaskMovesATaskToAnotherStore() {
    ManualScheduler scheduler =
        ManualScheduler.with(Scheduler.builder().store("archive", new MemoryStore()), clock);
    EventLog log = new EventLog();
    scheduler.addListener(log);
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("job").trigger(everyTenSeconds()).add();
    scheduler
        .task(runs::incrementAndGet)
        .id("taken")
        .trigger(everyTenSeconds())
        .store("archive")
        .add();

    Task moved =
        scheduler.updateTask("job", null, Map.of("store_alias", "archive", "name", "Moved"));

    assertThat(moved.storeAlias()).isEqualTo("archive");
    assertThat(scheduler.getTask("job", "default")).isEmpty();
    assertThat(scheduler.getTask("job", "archive")).get().extracting(Task::name).isEqualTo("Moved");
    assertThat(log.taskEvents(Events.TASK_MODIFIED))
        .last()
        .satisfies(e -> assertThat(e.store()).isEqualTo("archive"));
    assertThatThrownBy(
            () -> scheduler.updateTask("taken", "archive", Map.of("store_alias", "nowhere")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"nowhere\"");
    scheduler.task(runs::incrementAndGet).id("taken").trigger(everyTenSeconds()).add();
    assertThatThrownBy(
            () -> scheduler.updateTask("taken", "default", Map.of("store_alias", "archive")))
        .isInstanceOf(ConflictIdException.class);
    assertThat(scheduler.getTask("taken", "default")).isPresent(); // nothing moved

    scheduler.advance(Duration.ofSeconds(10));
    assertThat(runs).hasValue(3);
  }

  @Test
  void everyTaskEventCarriesTheSchedulersIdentity() {
    ManualScheduler named = ManualScheduler.with(Scheduler.builder().identity("billing-1"), clock);
    ManualScheduler unnamed = ManualScheduler.on(clock);
    EventLog log = new EventLog();
    named.addListener(log);
    named.start();
    named.task(() -> {}).id("ok").trigger(everyTenSeconds()).add();
    named
        .task(
            () -> {
              throw new IllegalStateException("boom");
            })
        .id("bad")
        .trigger(everyTenSeconds())
        .add();
    named.advance(Duration.ofSeconds(10));
    named.updateTask("ok", null, Map.of("name", "renamed"));
    named.deleteTask("ok", null);

    assertThat(unnamed.identity()).matches("ManualScheduler-[0-9a-f]{12}");
    assertThat(named.identity()).isEqualTo("billing-1");
    List<SchedulerEvent> taskEvents =
        log.all().stream().filter(e -> !(e instanceof SchedulerEvent.Lifecycle)).toList();
    assertThat(taskEvents)
        .extracting(e -> Events.name(e.code()))
        .contains(
            "TASK_ADDED",
            "TASK_SUBMITTED",
            "TASK_EXECUTED",
            "TASK_ERROR",
            "TASK_MODIFIED",
            "TASK_REMOVED");
    assertThat(taskEvents)
        .allSatisfy(e -> assertThat(e.schedulerIdentity()).isEqualTo("billing-1"));
    assertThat(log.submissions(Events.TASK_SUBMITTED))
        .allSatisfy(s -> assertThat(s.source().value()).isEqualTo("scheduled"));
    named.shutdown(false);
  }

  @Test
  void taskInfoCarriesTheArguments() {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    scheduler.start();
    scheduler
        .task((args, kwargs) -> null)
        .id("job")
        .args(1, "two")
        .kwargs(Map.of("three", 3.0))
        .trigger(everyTenSeconds())
        .add();

    TaskInfo info = scheduler.getTaskInfo("job", null).orElseThrow();

    assertThat(info.args()).containsExactly(1, "two");
    assertThat(info.kwargs()).containsExactly(Map.entry("three", 3.0));
  }

  @Test
  void theInstanceOfThisProcessIsListedWithItsHeartbeat() {
    ManualScheduler scheduler =
        ManualScheduler.with(
            Scheduler.builder().identity("node-1").heartbeatStaleAfter(Duration.ofSeconds(45)),
            clock);
    assertThat(scheduler.instances())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.active()).isFalse();
              assertThat(i.stale()).isTrue();
            });
    scheduler.start();
    scheduler.task(() -> {}).id("job").trigger(everyTenSeconds()).add();
    clock.set(T.plusSeconds(7));

    SchedulerInstanceInfo instance = scheduler.instances().get(0);

    assertThat(instance.identity()).isEqualTo("node-1");
    assertThat(instance.scope()).isEqualTo("process-local");
    assertThat(instance.active()).isTrue();
    assertThat(instance.stale()).isFalse();
    assertThat(instance.stateLabel()).isEqualTo("running");
    assertThat(instance.startedAt()).isEqualTo(T);
    assertThat(instance.lastSeenAt()).isEqualTo(T.plusSeconds(7));
    assertThat(instance.uptime()).isEqualTo(Duration.ofSeconds(7));
    assertThat(instance.heartbeatAge()).isZero();
    assertThat(instance.staleAfter()).isEqualTo(Duration.ofSeconds(45));
    assertThat(instance.taskCount()).isEqualTo(1);
    assertThat(instance.scheduledTaskCount()).isEqualTo(1);
    scheduler.shutdown(false);
  }

  @Test
  void theStartupDelayPushesBackTheFirstRunsOfTasksAddedBeforeStart() {
    ManualScheduler scheduler =
        ManualScheduler.with(Scheduler.builder().startupDelay(Duration.ofSeconds(30)), clock);
    scheduler.task(runs::incrementAndGet).id("now").trigger(DateTrigger.at(T)).add();
    scheduler
        .task(runs::incrementAndGet)
        .id("later")
        .trigger(DateTrigger.at(T.plusSeconds(60)))
        .add();
    scheduler.start();

    assertThat(scheduler.getTask("now").orElseThrow().nextRunTime()).contains(T.plusSeconds(30));
    assertThat(scheduler.getTask("later").orElseThrow().nextRunTime()).contains(T.plusSeconds(60));
    assertThat(scheduler.info().startupDelay()).isEqualTo(Duration.ofSeconds(30));
    scheduler.task(runs::incrementAndGet).id("after").trigger(DateTrigger.at(T)).add();
    assertThat(scheduler.getTask("after").orElseThrow().nextRunTime()).contains(T); // not pushed
  }

  @Test
  void aLockPathGivesTheSeedsOneSecondStartupDelayUnlessOneIsSet() {
    assertThat(
            Scheduler.builder()
                .lockPath("/tmp/asyncz-{store}.lock")
                .settings()
                .effectiveStartupDelay())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(Scheduler.builder().settings().effectiveStartupDelay()).isZero();
    assertThat(
            Scheduler.builder()
                .lockPath("/tmp/asyncz-{store}.lock")
                .startupDelay(Duration.ZERO)
                .settings()
                .effectiveStartupDelay())
        .isZero();
  }

  @Test
  void theSeedsIdentityStartupDelayLoggerNameAndHeartbeatKeysAreRead() {
    SchedulerConfig config =
        SchedulerConfig.from(
            Map.of(
                "asyncz.identity", "worker-7",
                "asyncz.startup_delay", "2.5",
                "asyncz.logger_name", "billing",
                "asyncz.heartbeat_stale_after", 60));

    var settings = config.builder().settings();

    assertThat(settings.identity()).isEqualTo("worker-7");
    assertThat(settings.startupDelay()).isEqualTo(Duration.ofMillis(2500));
    assertThat(settings.loggerName()).isEqualTo("billing");
    assertThat(settings.heartbeatStaleAfter()).isEqualTo(Duration.ofSeconds(60));
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.startup_delay", "-1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.startup_delay");
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.identity", " padded ")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\" padded \"");
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.heartbeat_stale_after", 0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.heartbeat_stale_after");
  }
}
