package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.SchedulerNotRunningException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.Subscription;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The typed API of issue 10 beside the seed's forms: overloads without a store or a bare boolean,
 * the typed change, typed listeners, typed times, the builder's shortcuts; each gives what the
 * seed's form gives.
 */
class TypedApiTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final AtomicInteger runs = new AtomicInteger();

  private ManualScheduler started(ManualScheduler scheduler) {
    scheduler.start();
    return scheduler;
  }

  @Test
  void theOverloadsWithoutAStoreActOnTheTaskWhereverItIs() {
    ManualScheduler scheduler =
        started(
            ManualScheduler.with(Scheduler.builder().store("archive", new MemoryStore()), clock));
    scheduler
        .task(runs::incrementAndGet)
        .id("job")
        .every(Duration.ofSeconds(10))
        .store("archive")
        .add();

    assertThat(scheduler.pauseTask("job").isPaused()).isTrue();
    assertThat(scheduler.resumeTask("job"))
        .get()
        .satisfies(t -> assertThat(t.isPaused()).isFalse());
    assertThat(scheduler.runTask("job")).isPresent();
    assertThat(runs).hasValue(1);
    assertThat(scheduler.getTaskInfo("job"))
        .get()
        .extracting(i -> i.storeAlias())
        .isEqualTo("archive");
    assertThat(scheduler.previewTaskRuns("job", 2))
        .get()
        .satisfies(p -> assertThat(p.runTimes()).hasSize(2));
    Task rescheduled = scheduler.rescheduleTask("job", CronTrigger.fromCrontab("0 3 * * *"));
    assertThat(rescheduled.nextRunTime()).contains(Instant.parse("2026-01-16T03:00:00Z"));
    scheduler.deleteTask("job");
    assertThat(scheduler.getTask("job")).isEmpty();
    assertThatThrownBy(() -> scheduler.deleteTask("job")).isInstanceOf(TaskLookupException.class);
    scheduler.task(runs::incrementAndGet).id("a").every(Duration.ofSeconds(1)).add();
    scheduler.removeAllTasks();
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void aTypedChangeAndTheSeedsMapMakeTheSameTask() {
    TaskRegistry registry = new TaskRegistry().register("noop", (args, kwargs) -> null);
    ManualScheduler scheduler =
        started(
            ManualScheduler.with(
                Scheduler.builder()
                    .registry(registry)
                    .executor("other", new InlineExecutor())
                    .store("archive", new MemoryStore()),
                clock));
    IntervalTrigger hourly =
        IntervalTrigger.builder().hours(1).startAt(T.plusSeconds(3600)).build();
    scheduler.task(runs::incrementAndGet).id("typed").every(Duration.ofSeconds(10)).add();
    scheduler.task(runs::incrementAndGet).id("seed").every(Duration.ofSeconds(10)).add();

    Task typed =
        scheduler.updateTask(
            "typed",
            change ->
                change
                    .name("Renamed")
                    .function("noop")
                    .args(1, "two")
                    .kwargs(Map.of("k", true))
                    .trigger(hourly)
                    .executor("other")
                    .mistriggerGraceTime(Duration.ofSeconds(30))
                    .coalesce(false)
                    .maxInstances(3)
                    .nextRunTime(T.plusSeconds(60))
                    .store("archive"));
    Map<String, Object> changes = new java.util.LinkedHashMap<>();
    changes.put("name", "Renamed");
    changes.put("fn", "noop");
    changes.put("args", List.of(1, "two"));
    changes.put("kwargs", Map.of("k", true));
    changes.put("trigger", hourly);
    changes.put("executor", "other");
    changes.put("mistrigger_grace_time", 30);
    changes.put("coalesce", false);
    changes.put("max_instances", 3);
    changes.put("next_run_time", T.plusSeconds(60));
    changes.put("store_alias", "archive");
    Task seed = scheduler.updateTask("seed", null, changes);

    assertThat(typed.info()).usingRecursiveComparison().ignoringFields("id").isEqualTo(seed.info());
    assertThat(scheduler.getTask("typed", "archive")).contains(typed);
  }

  @Test
  void aTypedChangeChecksEachValueAtOnceAndChangesNothingWhenOneIsBad() {
    ManualScheduler scheduler = started(ManualScheduler.on(clock));
    Task added =
        scheduler.task(runs::incrementAndGet).id("job").every(Duration.ofSeconds(10)).add();

    assertThatThrownBy(() -> scheduler.updateTask("job", change -> change.maxInstances(0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_instances");
    assertThatThrownBy(
            () -> scheduler.updateTask("job", change -> change.name("fine").executor("missing")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"missing\"");
    assertThatThrownBy(() -> scheduler.updateTask("job", change -> change.store("bad/alias")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("bad/alias");

    assertThat(scheduler.getTask("job")).contains(added);
  }

  @Test
  void typedListenersGetTheEventsOfTheirTypeUntilCancelled() {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    List<TaskExecutionEvent> executions = new ArrayList<>();
    List<TaskSubmissionEvent> submissions = new ArrayList<>();
    List<TaskEvent> changes = new ArrayList<>();
    List<SchedulerEvent> everything = new ArrayList<>();
    Subscription onExecution = scheduler.onEvent(TaskExecutionEvent.class, executions::add);
    scheduler.onEvent(TaskSubmissionEvent.class, submissions::add);
    scheduler.onEvent(TaskEvent.class, changes::add);
    scheduler.onEvent(SchedulerEvent.class, everything::add);
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("ok").every(Duration.ofSeconds(10)).add();
    scheduler
        .task(
            () -> {
              throw new IllegalStateException("boom");
            })
        .id("bad")
        .every(Duration.ofSeconds(10))
        .add();

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(executions)
        .extracting(TaskExecutionEvent::taskId)
        .containsExactlyInAnyOrder("ok", "bad");
    assertThat(executions)
        .filteredOn(TaskExecutionEvent::failed)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskId()).isEqualTo("bad");
              assertThat(e.exception()).hasMessage("boom");
            });
    assertThat(executions).filteredOn(TaskExecutionEvent::succeeded).hasSize(1);
    assertThat(submissions).hasSize(2);
    assertThat(changes).extracting(e -> Events.name(e.code())).containsOnly("TASK_ADDED");
    assertThat(everything)
        .extracting(e -> Events.name(e.code()))
        .contains("SCHEDULER_START", "TASK_ADDED", "TASK_SUBMITTED", "TASK_EXECUTED", "TASK_ERROR");

    onExecution.cancel();
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(executions).hasSize(2);
    assertThat(submissions).hasSize(4);
  }

  @Test
  void shutdownWithoutABooleanWaitsAndShutdownNowDoesNot() {
    ManualScheduler scheduler = started(ManualScheduler.on(clock));
    assertThat(scheduler.shutdown()).isTrue();
    assertThatThrownBy(scheduler::shutdownNow).isInstanceOf(SchedulerNotRunningException.class);
    scheduler.start();
    assertThat(scheduler.shutdownNow()).isTrue();
  }

  @Test
  void executorsAndStoresAreAddedAliasFirstAsTheSettingsBuilderTakesThem() {
    ManualScheduler scheduler = started(ManualScheduler.on(clock));
    InlineExecutor executor = new InlineExecutor();
    MemoryStore store = new MemoryStore();

    scheduler.addExecutor("inline", executor);
    scheduler.addStore("archive", store);

    assertThat(scheduler.lookupExecutor("inline")).isSameAs(executor);
    assertThat(scheduler.lookupStore("archive")).isSameAs(store);
    assertThatThrownBy(() -> scheduler.addStore("bad alias", new MemoryStore()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"bad alias\"");
    scheduler.removeExecutor("inline");
    scheduler.removeStore("archive");
    assertThat(scheduler.info().executors()).doesNotContain("inline");
    assertThat(scheduler.info().stores()).doesNotContain("archive");
  }

  @Test
  void typedTimesAndTheBuildersShortcutsGiveTheRunTimesTheirStringFormsGive() {
    ManualScheduler scheduler =
        ManualScheduler.with(Scheduler.builder().timezone(ZoneId.of("Europe/Berlin")), clock);
    scheduler.start();
    ZonedDateTime berlin = ZonedDateTime.of(2026, 1, 15, 12, 0, 0, 0, ZoneId.of("Europe/Berlin"));

    Task byInstant =
        scheduler
            .task(runs::incrementAndGet)
            .id("i")
            .every(Duration.ofHours(1))
            .nextRunTime(berlin.toInstant())
            .add();
    Task byZoned =
        scheduler
            .task(runs::incrementAndGet)
            .id("z")
            .every(Duration.ofHours(1))
            .nextRunTime(berlin)
            .add();
    Task byOffset =
        scheduler
            .task(runs::incrementAndGet)
            .id("o")
            .every(Duration.ofHours(1))
            .nextRunTime(berlin.toOffsetDateTime())
            .add();
    Task byLocal =
        scheduler
            .task(runs::incrementAndGet)
            .id("l")
            .every(Duration.ofHours(1))
            .nextRunTime(LocalDateTime.of(2026, 1, 15, 12, 0))
            .add();
    Task byText =
        scheduler
            .task(runs::incrementAndGet)
            .id("t")
            .every(Duration.ofHours(1))
            .nextRunTime("2026-01-15 12:00:00")
            .add();
    Task cron = scheduler.task(runs::incrementAndGet).id("c").cron("30 9 * * 1-5").add();
    Task at = scheduler.task(runs::incrementAndGet).id("a").at(T.plusSeconds(90)).add();
    Task every = scheduler.task(runs::incrementAndGet).id("e").every(Duration.ofMinutes(5)).add();

    assertThat(List.of(byInstant, byZoned, byOffset, byLocal, byText))
        .allSatisfy(
            t -> assertThat(t.nextRunTime()).contains(Instant.parse("2026-01-15T11:00:00Z")));
    assertThat(cron.nextRunTime()).contains(Instant.parse("2026-01-16T08:30:00Z")); // 09:30 Berlin
    assertThat(at.nextRunTime()).contains(T.plusSeconds(90));
    assertThat(every.nextRunTime())
        .contains(T.plus(Duration.ofMinutes(5))); // the scheduler's clock
  }
}
