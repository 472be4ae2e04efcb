package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerInfo;
import io.asyncz.scheduler.TaskQuery;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskInfo;
import io.asyncz.task.TaskRegistry;
import io.asyncz.task.TaskRunPreview;
import io.asyncz.task.TaskScheduleState;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** get_tasks, get_task, get_task_info, get_task_infos (filters, text, sorting), preview. */
class TaskQueryTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final TaskRegistry registry = new TaskRegistry();
  private final ManualScheduler scheduler =
      ManualScheduler.with(
          Scheduler.builder()
              .registry(registry)
              .store("default", new MemoryStore())
              .store("archive", new MemoryStore())
              .executor("pool", new CountingExecutor()),
          clock);

  /*
   * id      name            trigger            store    executor  next run
   * alpha   Nightly report  interval 1 h       default  default   T+1h
   * Beta    backup          cron hour=3        archive  pool      T+17h
   * gamma   Cleanup         date T+30m         default  default   paused
   * delta   ping            interval 10 min    archive  default   T+10m
   */
  @BeforeEach
  void addTasks() {
    registry.register("send-report", (args, kwargs) -> null);
    scheduler.start();
    scheduler
        .task("send-report")
        .id("alpha")
        .name("Nightly report")
        .trigger(IntervalTrigger.builder().hours(1).startAt(T.plusSeconds(3600)).build())
        .add();
    scheduler
        .task(() -> null)
        .id("Beta")
        .name("backup")
        .trigger(CronTrigger.builder().hour(3).build())
        .store("archive")
        .executor("pool")
        .add();
    scheduler
        .task(() -> null)
        .id("gamma")
        .name("Cleanup")
        .trigger(DateTrigger.at(T.plus(Duration.ofMinutes(30))))
        .paused()
        .add();
    scheduler
        .task(() -> null)
        .id("delta")
        .name("ping")
        .trigger(IntervalTrigger.builder().minutes(10).startAt(T.plusSeconds(600)).build())
        .store("archive")
        .add();
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private List<String> ids(TaskQuery query) {
    return scheduler.getTaskInfos(query).stream().map(TaskInfo::id).toList();
  }

  @Test
  void getTasksListsEachStoreByNextRunTimeWithPausedTasksLast() {
    assertThat(scheduler.getTasks("default"))
        .extracting(Task::id)
        .containsExactly("alpha", "gamma");
    assertThat(scheduler.getTasks("archive")).extracting(Task::id).containsExactly("delta", "Beta");
    assertThat(scheduler.getTasks())
        .extracting(Task::id)
        .containsExactly("alpha", "gamma", "delta", "Beta");
    assertThat(scheduler.getTasks("nowhere")).isEmpty();
  }

  @Test
  void getTaskFindsATaskInAnyStoreOrInTheStoreNamed() {
    assertThat(scheduler.getTask("Beta")).get().extracting(Task::storeAlias).isEqualTo("archive");
    assertThat(scheduler.getTask("Beta", "archive")).isPresent();
    assertThat(scheduler.getTask("Beta", "default")).isEmpty();
    assertThat(scheduler.getTask("beta")).isEmpty(); // ids are case-sensitive
    assertThat(scheduler.getTask("nope")).isEmpty();
  }

  @Test
  void getTaskInfoIsASnapshotOfEverythingAnOperatorSees() {
    TaskInfo info = scheduler.getTaskInfo("alpha", null).orElseThrow();

    assertThat(info.id()).isEqualTo("alpha");
    assertThat(info.name()).isEqualTo("Nightly report");
    assertThat(info.callableName()).isNotBlank();
    assertThat(info.callableReference()).isEqualTo("send-report");
    assertThat(info.triggerAlias()).isEqualTo("interval");
    assertThat(info.triggerName()).isEqualTo("IntervalTrigger");
    assertThat(info.triggerDescription())
        .isEqualTo(scheduler.getTask("alpha").orElseThrow().trigger().toString());
    assertThat(info.executor()).isEqualTo("default");
    assertThat(info.storeAlias()).isEqualTo("default");
    assertThat(info.scheduleState()).isEqualTo(TaskScheduleState.SCHEDULED);
    assertThat(info.nextRunTime()).isEqualTo(T.plusSeconds(3600));
    assertThat(info.coalesce()).isTrue();
    assertThat(info.maxInstances()).isEqualTo(1);
    assertThat(info.mistriggerGraceTime()).isEqualTo(Duration.ofSeconds(1));
    assertThat(info.pending()).isFalse();
    assertThat(info.paused()).isFalse();
    assertThat(info.submitted()).isTrue();

    scheduler.pauseTask("alpha", null);
    assertThat(info.nextRunTime()).isEqualTo(T.plusSeconds(3600)); // detached from the task
    assertThat(scheduler.getTaskInfo("alpha", "archive")).isEmpty();
  }

  @Test
  void everyTaskIsListedByNextRunTimeByDefault() {
    assertThat(ids(TaskQuery.all())).containsExactly("delta", "alpha", "Beta", "gamma");
  }

  @ParameterizedTest(name = "sort_by={0}")
  @CsvSource({
    "id,             alpha Beta delta gamma",
    "name,           Beta gamma alpha delta",
    "next_run_time,  delta alpha Beta gamma",
    "schedule_state, gamma delta alpha Beta",
    "executor,       alpha delta gamma Beta",
    "store,          Beta delta alpha gamma",
    "trigger,        Beta gamma alpha delta",
  })
  void eachSortKeyOrdersTheTasksAndDescendingReversesIt(String sortBy, String expected) {
    List<String> ascending = List.of(expected.split(" "));
    List<String> descending = new ArrayList<>(ascending);
    Collections.reverse(descending);

    assertThat(ids(TaskQuery.all().sortedBy(sortBy, false))).isEqualTo(ascending);
    assertThat(ids(TaskQuery.all().sortedBy(sortBy, true))).isEqualTo(descending);
  }

  @Test
  void anUnknownSortKeyIsRefusedListingTheValidOnes() {
    assertThatThrownBy(() -> TaskQuery.all().sortedBy("when", false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"when\"")
        .hasMessageContaining(
            "[id, name, next_run_time, schedule_state, executor, store, trigger]");
  }

  @Test
  void filtersSelectByStoreStateExecutorAndTrigger() {
    assertThat(ids(TaskQuery.all().withStore("archive"))).containsExactly("delta", "Beta");
    assertThat(ids(TaskQuery.all().withScheduleState(" PAUSED "))).containsExactly("gamma");
    assertThat(ids(TaskQuery.all().withScheduleState("scheduled")))
        .containsExactly("delta", "alpha", "Beta");
    assertThat(ids(TaskQuery.all().withExecutor("pool"))).containsExactly("Beta");
    assertThat(ids(TaskQuery.all().withTrigger("CRON"))).containsExactly("Beta");
    assertThat(ids(TaskQuery.all().withTrigger("IntervalTrigger")))
        .containsExactly("delta", "alpha");
    assertThat(ids(TaskQuery.all().withTrigger("datetrigger"))).containsExactly("gamma");
    assertThat(ids(TaskQuery.all().withStore("archive").withExecutor("default")))
        .containsExactly("delta");
    assertThat(ids(TaskQuery.all().withTrigger("weekly"))).isEmpty();
  }

  @Test
  void anUnknownScheduleStateIsRefusedListingTheValidOnes() {
    assertThatThrownBy(() -> TaskQuery.all().withScheduleState("running"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"running\"")
        .hasMessageContaining("[pending, paused, scheduled]");
  }

  @Test
  void freeTextSearchesIdsNamesCallablesTriggersExecutorsStoresAndStates() {
    assertThat(ids(TaskQuery.all().withText("REPORT"))).containsExactly("alpha");
    assertThat(ids(TaskQuery.all().withText("send-"))).containsExactly("alpha");
    assertThat(ids(TaskQuery.all().withText("bet"))).containsExactly("Beta");
    assertThat(ids(TaskQuery.all().withText("archive"))).containsExactly("delta", "Beta");
    assertThat(ids(TaskQuery.all().withText("cron"))).containsExactly("Beta");
    assertThat(ids(TaskQuery.all().withText("pool"))).containsExactly("Beta");
    assertThat(ids(TaskQuery.all().withText("paused"))).containsExactly("gamma");
    assertThat(ids(TaskQuery.all().withText("  "))).hasSize(4);
    assertThat(ids(TaskQuery.all().withText("zzz"))).isEmpty();
  }

  @Test
  void queriesBeforeStartSeeThePendingTasks() {
    ManualScheduler stopped = ManualScheduler.on(clock);
    stopped.task(() -> null).id("p").trigger(IntervalTrigger.every(Duration.ofMinutes(1))).add();

    assertThat(stopped.getTaskInfos(TaskQuery.all().withScheduleState("pending")))
        .extracting(TaskInfo::id)
        .containsExactly("p");
    assertThat(stopped.getTaskInfos(TaskQuery.all().withText("pending"))).hasSize(1);
  }

  @Test
  void previewListsTheNextRunTimesWithoutChangingTheTask() {
    Task before = scheduler.getTask("delta").orElseThrow();

    assertThat(scheduler.previewRunTimes("delta", 3))
        .containsExactly(
            T.plus(Duration.ofMinutes(10)),
            T.plus(Duration.ofMinutes(20)),
            T.plus(Duration.ofMinutes(30)));
    assertThat(scheduler.getTask("delta")).contains(before);
    // A paused task previews what its trigger would give from now: a date task, its date.
    assertThat(scheduler.previewRunTimes("gamma", 3))
        .containsExactly(T.plus(Duration.ofMinutes(30)));
    assertThat(scheduler.getTask("gamma").orElseThrow().isPaused()).isTrue();
    scheduler.resumeTask("gamma", null);
    assertThat(scheduler.previewRunTimes("gamma", 3))
        .containsExactly(T.plus(Duration.ofMinutes(30)));
    assertThat(scheduler.previewRunTimes("Beta", 2))
        .containsExactly(
            Instant.parse("2026-01-16T03:00:00Z"), Instant.parse("2026-01-17T03:00:00Z"));
  }

  @Test
  void previewOfAnUnknownTaskOrACountOutsideOneToFiftyIsRefused() {
    assertThatThrownBy(() -> scheduler.previewRunTimes("nope", 3))
        .isInstanceOf(TaskLookupException.class);
    assertThat(scheduler.previewTaskRuns("nope", null, 3)).isEmpty();
    for (int count : new int[] {-1, 0, 51}) {
      assertThatThrownBy(() -> scheduler.previewRunTimes("delta", count))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Invalid count: " + count + " is out of range; expected 1 to 50");
    }
    assertThat(scheduler.previewRunTimes("delta", 50)).hasSize(50);
  }

  @Test
  void aPreviewSaysWhenTheScheduleIsExhaustedAndWhenAndWhereItWasMade() {
    clock.set(T.plusSeconds(5));

    TaskRunPreview gamma = scheduler.previewTaskRuns("gamma", null, 3).orElseThrow();
    TaskRunPreview delta = scheduler.previewTaskRuns("delta", "archive", 2).orElseThrow();

    assertThat(gamma.runTimes()).containsExactly(T.plus(Duration.ofMinutes(30)));
    assertThat(gamma.exhausted()).isTrue();
    assertThat(gamma.requestedCount()).isEqualTo(3);
    assertThat(gamma.generatedAt()).isEqualTo(T.plusSeconds(5));
    assertThat(gamma.timezone()).isEqualTo(scheduler.timezone());
    assertThat(gamma.task().id()).isEqualTo("gamma");
    assertThat(delta.runTimes()).hasSize(2);
    assertThat(delta.exhausted()).isFalse();
    assertThat(scheduler.previewTaskRuns("delta", "default", 2)).isEmpty();
  }

  @Test
  void theFilteredViewFollowsChanges() {
    scheduler.pauseTask("alpha", null);
    scheduler.deleteTask("delta", null);

    // Paused tasks have no next run time; they are ordered by name: "Cleanup", "Nightly report".
    assertThat(ids(TaskQuery.all().withScheduleState("paused"))).containsExactly("gamma", "alpha");
    assertThat(scheduler.info())
        .extracting(
            SchedulerInfo::pendingTaskCount,
            SchedulerInfo::pausedTaskCount,
            SchedulerInfo::scheduledTaskCount)
        .containsExactly(0, 2, 1);
  }
}
