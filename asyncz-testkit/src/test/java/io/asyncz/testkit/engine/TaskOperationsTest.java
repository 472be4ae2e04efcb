package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.asyncz.InvalidInputException;
import io.asyncz.MaxInstancesException;
import io.asyncz.SchedulerNotRunningException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskScheduleState;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.TriggerState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** update, reschedule, pause, resume, run, delete and remove-all, and the Task shortcuts. */
class TaskOperationsTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final EventLog log = new EventLog();
  private final AtomicInteger runs = new AtomicInteger();
  private final List<Object> calls = new CopyOnWriteArrayList<>();
  private final TaskFunction recording =
      (args, kwargs) -> {
        calls.add(List.of(args, kwargs));
        return runs.incrementAndGet();
      };

  @BeforeEach
  void start() {
    scheduler.addListener(log);
    scheduler.start();
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private static IntervalTrigger everyTenSeconds() {
    return IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build();
  }

  private Task addTicking(String id) {
    return scheduler.task(recording).id(id).trigger(everyTenSeconds()).add();
  }

  private static Map<String, Object> change(String key, Object value) {
    Map<String, Object> changes = new HashMap<>();
    changes.put(key, value);
    return changes;
  }

  @Nested
  class UpdateTask {
    @Test
    void renamingATaskDispatchesTaskModifiedWithItsStore() {
      addTicking("t");
      log.clear();

      Task updated = scheduler.updateTask("t", null, Map.of("name", "Renamed"));

      assertThat(updated.name()).isEqualTo("Renamed");
      assertThat(scheduler.getTask("t").orElseThrow().name()).isEqualTo("Renamed");
      assertThat(log.all())
          .containsExactly(
              new TaskEvent(Events.TASK_MODIFIED, "t", "default", scheduler.identity()));
      assertThat(scheduler.wakeupRequested()).isTrue();
    }

    @Test
    void newArgsAndKwargsAreUsedByTheNextRun() {
      addTicking("t");

      scheduler.updateTask(
          "t", "default", Map.of("args", List.of(1, 2), "kwargs", Map.of("mode", "fast")));
      scheduler.advance(Duration.ofSeconds(10));

      assertThat(calls).containsExactly(List.of(List.of(1, 2), Map.of("mode", "fast")));
    }

    @Test
    void argsThatAreNotAListOrDoNotFitTheFunctionAreRefused() {
      scheduler.task(runs::incrementAndGet).id("r").trigger(everyTenSeconds()).add();

      assertThatThrownBy(() -> scheduler.updateTask("r", null, Map.of("args", "x")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Invalid args: \"x\" is not a list");
      assertThatThrownBy(() -> scheduler.updateTask("r", null, Map.of("kwargs", List.of())))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("is not a map");
      assertThatThrownBy(() -> scheduler.updateTask("r", null, Map.of("args", List.of(1))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("takes no arguments");
    }

    @Test
    void aNewTriggerIsKeptButTheNextRunTimeIsNotRecomputed() {
      addTicking("t");
      CronTrigger hourly = CronTrigger.builder().minute(0).build();

      Task updated = scheduler.updateTask("t", null, Map.of("trigger", hourly));

      assertThat(updated.trigger()).isEqualTo(hourly);
      assertThat(updated.nextRunTime()).contains(T.plusSeconds(10));
      scheduler.advance(Duration.ofSeconds(10));
      assertThat(scheduler.getTask("t").orElseThrow().nextRunTime())
          .contains(T.plus(Duration.ofHours(1)));
    }

    @Test
    void aTriggerCanBeGivenAsItsStateMap() {
      addTicking("t");
      Map<String, Object> state =
          new TriggerState("interval", Map.of("minutes", 2, "start_at", "2026-01-15T10:00:00Z"))
              .toMap();

      Task updated = scheduler.updateTask("t", null, Map.of("trigger", state));

      assertThat(updated.trigger())
          .isEqualTo(IntervalTrigger.builder().minutes(2).startAt(T).build());
      assertThatThrownBy(() -> scheduler.updateTask("t", null, Map.of("trigger", "cron")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("is not a trigger");
      assertThatThrownBy(
              () -> scheduler.updateTask("t", null, Map.of("trigger", Map.of("fields", Map.of()))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("has no \"alias\"");
    }

    @Test
    void theExecutorCanBeChanged() {
      CountingExecutor side = new CountingExecutor();
      scheduler.addExecutor(side, "side");
      addTicking("t");

      scheduler.updateTask("t", null, Map.of("executor", "side"));
      scheduler.advance(Duration.ofSeconds(10));

      assertThat(side.submissions).hasValue(1);
      assertThat(runs).hasValue(1);
      assertThatThrownBy(() -> scheduler.updateTask("t", null, Map.of("executor", " ")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("executor");
    }

    @ParameterizedTest(name = "mistrigger_grace_time={0} -> {1}")
    @CsvSource({"30, PT30S", "2.5, PT2.5S", "'0.001', PT0.001S"})
    void theGraceTimeIsReadAsSeconds(String seconds, String expected) {
      addTicking("t");

      Task updated = scheduler.updateTask("t", null, Map.of("mistrigger_grace_time", seconds));

      assertThat(updated.mistriggerGraceTime()).contains(Duration.parse(expected));
    }

    @Test
    void theGraceTimeTakesADurationOrNullForNoLimit() {
      addTicking("t");

      assertThat(
              scheduler
                  .updateTask("t", null, Map.of("mistrigger_grace_time", Duration.ofMinutes(1)))
                  .mistriggerGraceTime())
          .contains(Duration.ofMinutes(1));
      assertThat(
              scheduler
                  .updateTask("t", null, change("mistrigger_grace_time", null))
                  .mistriggerGraceTime())
          .isEmpty();
      assertThat(
              scheduler
                  .updateTask("t", null, Map.of("mistrigger_grace_time", 3))
                  .mistriggerGraceTime())
          .contains(Duration.ofSeconds(3));
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({
      "mistrigger_grace_time, -1,       PT-1S",
      "mistrigger_grace_time, 0,        PT0S",
      "mistrigger_grace_time, soon,     \"soon\"",
      "coalesce,              maybe,    \"maybe\"",
      "coalesce,              1,        \"1\"",
      "max_instances,         0,        0",
      "max_instances,         1.5,      \"1.5\"",
      "max_instances,         many,     \"many\"",
      "next_run_time,         tomorrow, \"tomorrow\"",
      "name,                  ' ',      \" \"",
    })
    void anInvalidValueIsRefusedNamingTheFieldAndTheValue(String key, String value, String quoted) {
      addTicking("t");
      Task before = scheduler.getTask("t").orElseThrow();
      log.clear();

      assertThatThrownBy(() -> scheduler.updateTask("t", null, Map.of(key, value)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(key)
          .hasMessageContaining(quoted);

      assertThat(scheduler.getTask("t")).contains(before);
      assertThat(log.all()).isEmpty();
    }

    @Test
    void coalesceAndMaxInstancesTakeBooleansNumbersAndTheirText() {
      addTicking("t");

      Task a = scheduler.updateTask("t", null, Map.of("coalesce", false, "max_instances", 3));
      Task b = scheduler.updateTask("t", null, Map.of("coalesce", "TRUE", "max_instances", "4"));

      assertThat(a.coalesce()).isFalse();
      assertThat(a.maxInstances()).isEqualTo(3);
      assertThat(b.coalesce()).isTrue();
      assertThat(b.maxInstances()).isEqualTo(4);
    }

    @Test
    void theNextRunTimeTakesADateTimeValueOrTextAndNullPauses() {
      addTicking("t");

      assertThat(
              scheduler
                  .updateTask("t", null, Map.of("next_run_time", "2026-01-15T12:00:00+01:00"))
                  .nextRunTime())
          .contains(T.plus(Duration.ofHours(1)));
      assertThat(
              scheduler
                  .updateTask("t", null, Map.of("next_run_time", T.atZone(ZoneId.of("Asia/Tokyo"))))
                  .nextRunTime())
          .contains(T);
      Task paused = scheduler.updateTask("t", null, change("next_run_time", null));

      assertThat(paused.isPaused()).isTrue();
      scheduler.advance(Duration.ofHours(1));
      assertThat(runs).hasValue(0);
    }

    @Test
    void anUnknownKeyIsRefusedNamingItAndListingTheModifiableFields() {
      addTicking("t");

      assertThatThrownBy(() -> scheduler.updateTask("t", null, Map.of("nmae", "x")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("\"nmae\"")
          .hasMessageContaining("is not a modifiable task field")
          .hasMessageContaining(
              "[args, coalesce, executor, fn, kwargs, max_instances, mistrigger_grace_time, name,"
                  + " next_run_time, retry, store_alias, timeout, trigger]");
      assertThatThrownBy(() -> scheduler.updateTask("t", null, Map.of("id", "other")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("\"id\"");
    }

    @Test
    void allChangesAreCheckedBeforeAnyIsMade() {
      addTicking("t");
      Map<String, Object> changes = new LinkedHashMap<>();
      changes.put("name", "Renamed");
      changes.put("max_instances", -1);

      assertThatThrownBy(() -> scheduler.updateTask("t", null, changes))
          .isInstanceOf(InvalidInputException.class);

      assertThat(scheduler.getTask("t").orElseThrow().name()).isNotEqualTo("Renamed");
    }

    @Test
    void updatingAnUnknownTaskOrATaskInAnotherStoreThrowsTaskLookup() {
      addTicking("t");

      assertThatThrownBy(() -> scheduler.updateTask("nope", null, Map.of("name", "x")))
          .isInstanceOf(TaskLookupException.class)
          .hasMessageContaining("'nope'");
      assertThatThrownBy(() -> scheduler.updateTask("t", "elsewhere", Map.of("name", "x")))
          .isInstanceOf(TaskLookupException.class);
    }

    @Test
    void aPendingTaskCanBeUpdatedBeforeStart() {
      ManualScheduler stopped = ManualScheduler.on(clock);
      EventLog events = new EventLog();
      stopped.addListener(events);
      stopped.task(recording).id("p").trigger(everyTenSeconds()).add();

      Task updated = stopped.updateTask("p", null, Map.of("name", "Before start"));

      assertThat(updated.isPending()).isTrue();
      assertThat(stopped.getTask("p").orElseThrow().name()).isEqualTo("Before start");
      assertThat(events.all())
          .containsExactly(new TaskEvent(Events.TASK_MODIFIED, "p", null, stopped.identity()));
      stopped.start();
      assertThat(stopped.getTask("p").orElseThrow().name()).isEqualTo("Before start");
      stopped.shutdown(true);
    }
  }

  @Nested
  class RescheduleTask {
    @Test
    void aNewTriggerGivesANextRunTimeComputedFromNow() {
      addTicking("t");
      clock.set(T.plusSeconds(5));
      log.clear();

      Task rescheduled =
          scheduler.rescheduleTask("t", null, CronTrigger.builder().minute("*/30").build());

      assertThat(rescheduled.nextRunTime()).contains(T.plus(Duration.ofMinutes(30)));
      assertThat(log.names()).containsExactly("TASK_MODIFIED");
      scheduler.advance(Duration.ofMinutes(30));
      assertThat(runs).hasValue(1);
    }

    @Test
    void aTriggerThatWillNeverFireLeavesTheTaskPaused() {
      addTicking("t");
      IntervalTrigger over =
          IntervalTrigger.builder()
              .seconds(10)
              .startAt(T.minusSeconds(100))
              .endAt(T.minusSeconds(50))
              .build();

      Task rescheduled = scheduler.rescheduleTask("t", null, over);

      assertThat(rescheduled.isPaused()).isTrue();
      assertThat(scheduler.getTask("t")).isPresent();
    }

    @Test
    void reschedulingAnUnknownTaskThrowsTaskLookup() {
      assertThatThrownBy(() -> scheduler.rescheduleTask("nope", null, everyTenSeconds()))
          .isInstanceOf(TaskLookupException.class);
    }
  }

  @Nested
  class PauseAndResumeTask {
    @Test
    void pausingClearsTheNextRunTimeAndTheTaskStopsRunning() {
      addTicking("t");
      log.clear();

      Task paused = scheduler.pauseTask("t", null);

      assertThat(paused.nextRunTime()).isEmpty();
      assertThat(paused.scheduleState()).isEqualTo(TaskScheduleState.PAUSED);
      assertThat(log.names()).containsExactly("TASK_MODIFIED");
      scheduler.advance(Duration.ofMinutes(5));
      assertThat(runs).hasValue(0);
      assertThat(log.count(Events.TASK_MISSED)).isZero();
    }

    @Test
    void resumingRecomputesFromNowWithoutCatchingUpThePausedRuns() {
      addTicking("t");
      scheduler.pauseTask("t", null);
      scheduler.advance(Duration.ofSeconds(35));
      log.clear();

      Optional<Task> resumed = scheduler.resumeTask("t", null);

      assertThat(resumed)
          .get()
          .satisfies(t -> assertThat(t.nextRunTime()).contains(T.plusSeconds(40)));
      assertThat(log.names()).containsExactly("TASK_MODIFIED");
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(runs).hasValue(1);
      assertThat(log.count(Events.TASK_MISSED)).isZero();
    }

    @Test
    void resumingATaskWhoseScheduleHasFinishedRemovesItAndReturnsEmpty() {
      scheduler
          .task(recording)
          .id("bounded")
          .trigger(
              IntervalTrigger.builder()
                  .seconds(10)
                  .startAt(T.plusSeconds(10))
                  .endAt(T.plusSeconds(30))
                  .build())
          .paused()
          .add();
      clock.set(T.plusSeconds(45));
      log.clear();

      Optional<Task> resumed = scheduler.resumeTask("bounded", null);

      assertThat(resumed).isEmpty();
      assertThat(scheduler.getTask("bounded")).isEmpty();
      assertThat(log.all())
          .containsExactly(
              new TaskEvent(Events.TASK_REMOVED, "bounded", "default", scheduler.identity()));
    }

    @Test
    void pausingOrResumingAnUnknownTaskThrowsTaskLookup() {
      assertThatThrownBy(() -> scheduler.pauseTask("nope", null))
          .isInstanceOf(TaskLookupException.class);
      assertThatThrownBy(() -> scheduler.resumeTask("nope", null))
          .isInstanceOf(TaskLookupException.class);
    }
  }

  @Nested
  class RunTask {
    @Test
    void aStoppedSchedulerRefusesToRunATask() {
      ManualScheduler stopped = ManualScheduler.on(clock);
      stopped.task(recording).id("p").add();

      assertThatThrownBy(() -> stopped.runTask("p", null, true, true))
          .isInstanceOf(SchedulerNotRunningException.class)
          .hasMessageContaining("runTask()");
    }

    @Test
    void forcingATaskThatIsNotDueRunsItNowAndMovesItsScheduleStrictlyAfterNow() {
      addTicking("t");
      clock.set(T.plusSeconds(3));
      log.clear();

      Optional<Task> after = scheduler.runTask("t", null, true, true);

      assertThat(runs).hasValue(1);
      assertThat(log.submissions(Events.TASK_SUBMITTED))
          .singleElement()
          .satisfies(s -> assertThat(s.scheduledRunTimes()).containsExactly(T.plusSeconds(3)));
      assertThat(after)
          .get()
          .satisfies(t -> assertThat(t.nextRunTime()).contains(T.plusSeconds(13)));
      assertThat(scheduler.getTask("t").orElseThrow().nextRunTime()).contains(T.plusSeconds(13));
    }

    @Test
    void withoutForceATaskThatIsNotDueIsLeftAlone() {
      Task task = addTicking("t");
      log.clear();

      Optional<Task> after = scheduler.runTask("t", null, false, true);

      assertThat(after).contains(task);
      assertThat(runs).hasValue(0);
      assertThat(log.all()).isEmpty();
    }

    @Test
    void aDueCoalescingTaskRunsItsLastDueRunTimeOnlyAndSaysHowManyItFolded() {
      addTicking("t"); // coalesces, as tasks do by default
      clock.set(T.plusSeconds(30)); // the loop has not run: +10, +20 and +30 are due

      Optional<Task> after = scheduler.runTask("t", null, false, true);

      assertThat(log.submissions(Events.TASK_SUBMITTED))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.scheduledRunTimes()).containsExactly(T.plusSeconds(30));
                assertThat(s.coalescedRunCount()).isEqualTo(2);
                assertThat(s.source()).isEqualTo(TaskSubmissionEvent.Source.MANUAL);
                assertThat(s.source().value()).isEqualTo("manual");
                assertThat(s.schedulerIdentity()).isEqualTo(scheduler.identity());
              });
      assertThat(runs).hasValue(1);
      assertThat(after)
          .get()
          .satisfies(t -> assertThat(t.nextRunTime()).contains(T.plusSeconds(40)));
    }

    @Test
    void aDueTaskThatDoesNotCoalesceRunsEveryDueRunTimeAndItsScheduleAdvancesPastNow() {
      scheduler.task(recording).id("t").trigger(everyTenSeconds()).coalesce(false).add();
      clock.set(T.plusSeconds(25)); // the loop has not run: +10 and +20 are due

      Optional<Task> after = scheduler.runTask("t", null, false, true);

      assertThat(log.submissions(Events.TASK_SUBMITTED))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.scheduledRunTimes())
                    .containsExactly(T.plusSeconds(10), T.plusSeconds(20));
                assertThat(s.coalescedRunCount()).isZero();
                assertThat(s.source()).isEqualTo(TaskSubmissionEvent.Source.MANUAL);
              });
      assertThat(after)
          .get()
          .satisfies(t -> assertThat(t.nextRunTime()).contains(T.plusSeconds(30)));
    }

    @Test
    void aFinishedTaskIsRemovedWhenAskedAndKeptPausedOtherwise() {
      scheduler.task(recording).id("gone").trigger(DateTrigger.at(T)).add();
      scheduler.task(recording).id("kept").trigger(DateTrigger.at(T)).add();

      Optional<Task> gone = scheduler.runTask("gone", null, true, true);
      Optional<Task> kept = scheduler.runTask("kept", null, true, false);

      assertThat(gone).isEmpty();
      assertThat(scheduler.getTask("gone")).isEmpty();
      assertThat(log.namesFor("gone")).contains("TASK_REMOVED");
      assertThat(kept).get().satisfies(t -> assertThat(t.isPaused()).isTrue());
      assertThat(scheduler.getTask("kept").orElseThrow().isPaused()).isTrue();
      assertThat(runs).hasValue(2);
    }

    @Test
    void aManualRunMovesTheScheduleStrictlyForwardEvenWhenTheTriggerDoesNot() {
      Trigger stuck =
          new Trigger() {
            @Override
            public String alias() {
              return "stuck";
            }

            @Override
            public Optional<Instant> nextFireTime(ZoneId zone, Instant previous, Instant now) {
              return Optional.of(T);
            }

            @Override
            public TriggerState state() {
              return new TriggerState("stuck", Map.of());
            }
          };
      scheduler.task(recording).id("stuck").trigger(stuck).nextRunTime(T.plusSeconds(60)).add();
      clock.set(T.plusSeconds(5));

      Optional<Task> after = scheduler.runTask("stuck", null, true, true);

      assertThat(after)
          .get()
          .satisfies(t -> assertThat(t.nextRunTime()).contains(T.plusSeconds(5).plusMillis(1)));
    }

    @Test
    void aTaskAtItsMaxInstancesIsRefusedWithAnEventAndAnException() {
      CompletableFuture<Void> running = new CompletableFuture<>();
      scheduler.task(() -> running).id("slow").trigger(everyTenSeconds()).add();
      scheduler.runTask("slow", null, true, true);
      log.clear();

      assertThatThrownBy(() -> scheduler.runTask("slow", null, true, true))
          .isInstanceOf(MaxInstancesException.class)
          .hasMessageContaining("'slow'")
          .hasMessageContaining("1 instance(s)");

      assertThat(log.names()).containsExactly("TASK_MAX_INSTANCES");
      running.complete(null);
    }

    @Test
    void runningAnUnknownTaskThrowsTaskLookupAndAMissingExecutorIsNamed() {
      assertThatThrownBy(() -> scheduler.runTask("nope", null, true, true))
          .isInstanceOf(TaskLookupException.class);
      scheduler.addExecutor(new InlineExecutor(), "gone");
      scheduler.task(recording).id("orphan").trigger(everyTenSeconds()).executor("gone").add();
      scheduler.removeExecutor("gone", true);
      assertThatThrownBy(() -> scheduler.runTask("orphan", null, true, true))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("\"gone\"")
          .hasMessageContaining("[default]");
    }

    @Test
    void aPausedSchedulerStillRunsATaskOnRequest() {
      addTicking("t");
      scheduler.pause();

      scheduler.runTask("t", null, true, true);

      assertThat(runs).hasValue(1);
    }
  }

  @Nested
  class DeleteAndRemoveAll {
    @Test
    void deletingATaskStopsItAndDispatchesTaskRemovedWithItsStore() {
      addTicking("t");
      log.clear();

      scheduler.deleteTask("t", null);
      scheduler.advance(Duration.ofMinutes(1));

      assertThat(scheduler.getTask("t")).isEmpty();
      assertThat(runs).hasValue(0);
      assertThat(log.all())
          .containsExactly(
              new TaskEvent(Events.TASK_REMOVED, "t", "default", scheduler.identity()));
    }

    @Test
    void deletingAnUnknownTaskOrFromTheWrongStoreThrowsTaskLookup() {
      addTicking("t");

      assertThatThrownBy(() -> scheduler.deleteTask("nope", null))
          .isInstanceOf(TaskLookupException.class)
          .hasMessage("No task by the id 'nope' was found.")
          .satisfies(e -> assertThat(((TaskLookupException) e).taskId()).isEqualTo("nope"));
      assertThatThrownBy(() -> scheduler.deleteTask("t", "other"))
          .isInstanceOf(TaskLookupException.class);
      assertThat(scheduler.getTask("t")).isPresent();
    }

    @Test
    void removeAllTasksEmptiesOneStoreOrAllOfThem() {
      scheduler.addStore(new MemoryStore(), "other");
      addTicking("a");
      scheduler.task(recording).id("b").trigger(everyTenSeconds()).store("other").add();
      log.clear();

      scheduler.removeAllTasks("other");
      assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("a");
      scheduler.removeAllTasks(null);

      assertThat(scheduler.getTasks()).isEmpty();
      assertThat(log.all())
          .extracting(e -> e.code(), e -> e.alias())
          .containsExactly(
              tuple(Events.ALL_TASKS_REMOVED, "other"), tuple(Events.ALL_TASKS_REMOVED, null));
      scheduler.advance(Duration.ofMinutes(1));
      assertThat(runs).hasValue(0);
    }
  }

  @Nested
  class TaskShortcuts {
    @Test
    void aTaskPausesResumesReschedulesUpdatesAndDeletesItselfThroughItsScheduler() {
      Task task = addTicking("t");

      assertThat(task.pause().isPaused()).isTrue();
      clock.set(T.plusSeconds(15));
      assertThat(task.resume())
          .get()
          .satisfies(t -> assertThat(t.nextRunTime()).contains(T.plusSeconds(20)));
      assertThat(
              task.reschedule(IntervalTrigger.builder().minutes(1).startAt(T).build())
                  .nextRunTime())
          .contains(T.plusSeconds(60));
      assertThat(task.update(Map.of("name", "Shortcut")).name()).isEqualTo("Shortcut");
      task.delete();

      assertThat(scheduler.getTask("t")).isEmpty();
      assertThat(log.namesFor("t"))
          .containsExactly(
              "TASK_ADDED",
              "TASK_MODIFIED",
              "TASK_MODIFIED",
              "TASK_MODIFIED",
              "TASK_MODIFIED",
              "TASK_REMOVED");
    }

    @Test
    void aTaskReturnedBeforeStartActsOnThePendingTask() {
      ManualScheduler stopped = ManualScheduler.on(clock);
      Task task = stopped.task(recording).id("p").trigger(everyTenSeconds()).add();

      task.pause();
      stopped.start();

      assertThat(stopped.getTask("p").orElseThrow().isPaused()).isTrue();
      stopped.shutdown(true);
    }

    @Test
    void aTaskThatWasNeverAddedCannotActOnAScheduler() {
      Task loose =
          Task.builder("loose").function(recording, null).trigger(everyTenSeconds()).build();

      assertThatThrownBy(loose::pause)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'loose' has not been added to a scheduler");
    }
  }
}
