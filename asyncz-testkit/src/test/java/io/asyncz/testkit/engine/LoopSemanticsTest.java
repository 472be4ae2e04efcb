package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loop of DESIGN §5: missed runs, coalescing, max instances, finished tasks, grace. */
class LoopSemanticsTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final EventLog log = new EventLog();
  private final AtomicInteger runs = new AtomicInteger();

  @BeforeEach
  void start() {
    scheduler.addListener(log);
    scheduler.start();
    log.clear();
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private static IntervalTrigger everyTenSeconds() {
    return IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build();
  }

  @Test
  void everyMissedRunTimeIsListedAndRunOldestFirstWithoutCoalescing() {
    scheduler
        .task(runs::incrementAndGet)
        .id("tick")
        .trigger(everyTenSeconds())
        .coalesce(false)
        .noGraceLimit()
        .add();
    clock.set(T.plusSeconds(45));

    scheduler.runDue();

    List<Instant> due =
        List.of(T.plusSeconds(10), T.plusSeconds(20), T.plusSeconds(30), T.plusSeconds(40));
    assertThat(log.submissions(Events.TASK_SUBMITTED))
        .singleElement()
        .satisfies(s -> assertThat(s.scheduledRunTimes()).isEqualTo(due));
    assertThat(log.executions(Events.TASK_EXECUTED))
        .extracting(TaskExecutionEvent::scheduledRunTime)
        .containsExactlyElementsOf(due);
    assertThat(runs).hasValue(4);
    assertThat(scheduler.getTask("tick").orElseThrow().nextRunTime()).contains(T.plusSeconds(50));
  }

  @Test
  void coalescingKeepsOnlyTheLastMissedRunTime() {
    scheduler
        .task(runs::incrementAndGet)
        .id("tick")
        .trigger(everyTenSeconds())
        .noGraceLimit()
        .add();
    clock.set(T.plusSeconds(45));

    scheduler.runDue();

    assertThat(log.submissions(Events.TASK_SUBMITTED))
        .singleElement()
        .satisfies(s -> assertThat(s.scheduledRunTimes()).containsExactly(T.plusSeconds(40)));
    assertThat(runs).hasValue(1);
    assertThat(scheduler.getTask("tick").orElseThrow().nextRunTime()).contains(T.plusSeconds(50));
  }

  @Test
  void aRunLaterThanTheGraceTimeIsMissedAndNotRun() {
    scheduler
        .task(runs::incrementAndGet)
        .id("tick")
        .trigger(everyTenSeconds())
        .mistriggerGraceTime(Duration.ofSeconds(2))
        .add();

    clock.set(T.plusSeconds(12)); // exactly the grace time late: still runs
    scheduler.runDue();
    assertThat(runs).hasValue(1);

    clock.set(T.plusSeconds(22).plusMillis(1)); // a millisecond past the grace time
    scheduler.runDue();

    assertThat(runs).hasValue(1);
    assertThat(log.executions(Events.TASK_MISSED))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskId()).isEqualTo("tick");
              assertThat(e.scheduledRunTime()).isEqualTo(T.plusSeconds(20));
              assertThat(e.returnValue()).isNull();
              assertThat(e.exception()).isNull();
            });
    // The schedule goes on after a missed run.
    assertThat(scheduler.getTask("tick").orElseThrow().nextRunTime()).contains(T.plusSeconds(30));
  }

  @Test
  void withoutCoalescingEachLateRunIsJudgedOnItsOwn() {
    scheduler
        .task(runs::incrementAndGet)
        .id("tick")
        .trigger(everyTenSeconds())
        .coalesce(false)
        .mistriggerGraceTime(Duration.ofSeconds(15))
        .add();
    clock.set(T.plusSeconds(30));

    scheduler.runDue();

    assertThat(log.executions(Events.TASK_MISSED))
        .extracting(TaskExecutionEvent::scheduledRunTime)
        .containsExactly(T.plusSeconds(10));
    assertThat(log.executions(Events.TASK_EXECUTED))
        .extracting(TaskExecutionEvent::scheduledRunTime)
        .containsExactly(T.plusSeconds(20), T.plusSeconds(30));
  }

  @Test
  void aTaskOverItsMaxInstancesIsRefusedAndItsScheduleStillAdvances() {
    CompletableFuture<String> running = new CompletableFuture<>();
    scheduler.task(() -> running).id("slow").trigger(everyTenSeconds()).add();
    TaskExecutor executor = scheduler.lookupExecutor("default");

    scheduler.advance(Duration.ofSeconds(10));
    assertThat(executor.runningInstances("slow")).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(log.submissions(Events.TASK_MAX_INSTANCES))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskId()).isEqualTo("slow");
              assertThat(e.store()).isEqualTo("default");
              assertThat(e.scheduledRunTimes()).containsExactly(T.plusSeconds(20));
            });
    assertThat(scheduler.getTask("slow").orElseThrow().nextRunTime()).contains(T.plusSeconds(30));
    assertThat(log.count(Events.TASK_EXECUTED)).isZero();

    running.complete("done");
    assertThat(executor.runningInstances("slow")).isZero();
    assertThat(log.executions(Events.TASK_EXECUTED))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.scheduledRunTime()).isEqualTo(T.plusSeconds(10));
              assertThat(e.returnValue()).isEqualTo("done");
            });

    scheduler.advance(Duration.ofSeconds(10));
    assertThat(log.submissions(Events.TASK_SUBMITTED)).hasSize(2);
  }

  @Test
  void maxInstancesAllowsThatManyOverlappingRuns() {
    List<CompletableFuture<Void>> running = new CopyOnWriteArrayList<>();
    scheduler
        .task(
            () -> {
              CompletableFuture<Void> f = new CompletableFuture<>();
              running.add(f);
              return f;
            })
        .id("slow")
        .trigger(everyTenSeconds())
        .maxInstances(2)
        .add();

    scheduler.advance(Duration.ofSeconds(30));

    assertThat(running).hasSize(2);
    assertThat(log.submissions(Events.TASK_MAX_INSTANCES))
        .extracting(TaskSubmissionEvent::scheduledRunTimes)
        .containsExactly(List.of(T.plusSeconds(30)));
    running.forEach(f -> f.complete(null));
    assertThat(scheduler.lookupExecutor("default").runningInstances("slow")).isZero();
  }

  @Test
  void aCompletionStageThatFailsReportsTheErrorWithItsTraceback() {
    CompletableFuture<String> running = new CompletableFuture<>();
    scheduler.task(() -> running).id("async").add();
    scheduler.runDue();
    assertThat(log.count(Events.TASK_ERROR)).isZero();

    running.completeExceptionally(new IOException("disk full"));

    assertThat(log.executions(Events.TASK_ERROR))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.exception()).isInstanceOf(IOException.class).hasMessage("disk full");
              assertThat(e.traceback()).contains("java.io.IOException: disk full");
            });
    assertThat(scheduler.lookupExecutor("default").runningInstances("async")).isZero();
  }

  @Test
  void aFunctionThatThrowsReportsTaskErrorAndTheScheduleGoesOn() {
    scheduler
        .task(
            () -> {
              runs.incrementAndGet();
              throw new IllegalStateException("boom");
            })
        .id("failing")
        .trigger(everyTenSeconds())
        .add();

    scheduler.advance(Duration.ofSeconds(20));

    assertThat(runs).hasValue(2);
    assertThat(log.executions(Events.TASK_ERROR))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.exception()).hasMessage("boom");
              assertThat(e.traceback())
                  .startsWith("java.lang.IllegalStateException: boom")
                  .contains("LoopSemanticsTest");
            });
    assertThat(scheduler.getTask("failing")).isPresent();
  }

  @Test
  void aFinishedDateTaskRunsOnceAndIsRemoved() {
    scheduler
        .task(runs::incrementAndGet)
        .id("once")
        .trigger(DateTrigger.at(T.plusSeconds(30)))
        .add();

    scheduler.advance(Duration.ofMinutes(10));

    assertThat(runs).hasValue(1);
    assertThat(scheduler.getTask("once")).isEmpty();
    assertThat(log.namesFor("once"))
        .containsExactlyInAnyOrder("TASK_ADDED", "TASK_SUBMITTED", "TASK_EXECUTED", "TASK_REMOVED");
    assertThat(log.taskEvents(Events.TASK_REMOVED).get(0).store()).isEqualTo("default");
  }

  @Test
  void anIntervalWithAnEndIsRemovedAfterItsLastRun() {
    scheduler
        .task(runs::incrementAndGet)
        .id("bounded")
        .trigger(
            IntervalTrigger.builder()
                .seconds(10)
                .startAt(T.plusSeconds(10))
                .endAt(T.plusSeconds(30))
                .build())
        .add();

    scheduler.advance(Duration.ofMinutes(1));

    assertThat(runs).hasValue(3);
    assertThat(scheduler.getTask("bounded")).isEmpty();
    assertThat(log.namesFor("bounded")).containsOnlyOnce("TASK_REMOVED");
    assertThat(log.count(Events.TASK_EXECUTED)).isEqualTo(3);
  }

  @Test
  void aTaskForAnExecutorThatDoesNotExistIsRefusedWhenAdded() {
    assertThatThrownBy(
            () ->
                scheduler
                    .task(runs::incrementAndGet)
                    .id("orphan")
                    .trigger(everyTenSeconds())
                    .executor("gone")
                    .add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid executor: \"gone\" is not an executor of this scheduler; expected one of"
                + " [default]");

    assertThat(scheduler.getTask("orphan")).isEmpty();
    assertThat(log.namesFor("orphan")).isEmpty();
  }

  @Test
  void aTaskIsRemovedWhenItsExecutorIsRemovedBeforeItIsDue() {
    scheduler.addExecutor(new CountingExecutor(), "side");
    scheduler.task(runs::incrementAndGet).id("t").trigger(everyTenSeconds()).executor("side").add();

    scheduler.removeExecutor("side", true);
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(runs).hasValue(0);
    assertThat(scheduler.getTask("t")).isEmpty();
  }

  @Test
  void dueTasksOfOneRoundRunEarliestFirst() {
    List<String> order = new CopyOnWriteArrayList<>();
    scheduler
        .task(() -> order.add("b"))
        .id("b")
        .trigger(DateTrigger.at(T.plusSeconds(20)))
        .noGraceLimit()
        .add();
    scheduler
        .task(() -> order.add("a"))
        .id("a")
        .trigger(DateTrigger.at(T.plusSeconds(10)))
        .noGraceLimit()
        .add();
    scheduler
        .task(() -> order.add("c"))
        .id("c")
        .trigger(DateTrigger.at(T.plusSeconds(20)))
        .noGraceLimit()
        .add();
    clock.set(T.plusSeconds(30));

    scheduler.runDue();

    assertThat(order).containsExactly("a", "b", "c");
  }

  @Test
  void aPausedTaskIsNeverDue() {
    Task task =
        scheduler.task(runs::incrementAndGet).id("p").trigger(everyTenSeconds()).paused().add();

    scheduler.advance(Duration.ofHours(1));

    assertThat(runs).hasValue(0);
    assertThat(task.isPaused()).isTrue();
  }

  @Test
  void storesAreProcessedOneAfterAnotherAndEachTaskRunsFromItsOwnStore() {
    scheduler.addStore(new MemoryStore(), "second");
    scheduler.task(runs::incrementAndGet).id("one").trigger(everyTenSeconds()).add();
    scheduler
        .task(runs::incrementAndGet)
        .id("two")
        .trigger(everyTenSeconds())
        .store("second")
        .add();

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(runs).hasValue(2);
    assertThat(log.submissions(Events.TASK_SUBMITTED))
        .extracting(TaskSubmissionEvent::store)
        .containsExactly("default", "second");
    assertThat(scheduler.getTask("two", "second").orElseThrow().nextRunTime())
        .contains(T.plusSeconds(20));
  }

  @Test
  void aTaskThatPausesItselfWhileRunningOnTheLoopThreadStaysPaused() {
    scheduler
        .task(
            () -> {
              runs.incrementAndGet();
              scheduler.pauseTask("self", null);
            })
        .id("self")
        .trigger(everyTenSeconds())
        .add();

    scheduler.advance(Duration.ofMinutes(1));

    assertThat(runs).hasValue(1);
    assertThat(scheduler.getTask("self").orElseThrow().isPaused()).isTrue();
  }

  @Test
  void aTaskThatReschedulesItselfWhileRunningKeepsItsNewSchedule() {
    scheduler
        .task(
            () -> {
              if (runs.incrementAndGet() == 1) {
                scheduler.rescheduleTask(
                    "self", null, IntervalTrigger.builder().minutes(5).startAt(T).build());
              }
            })
        .id("self")
        .trigger(everyTenSeconds())
        .add();

    scheduler.advance(Duration.ofMinutes(4));
    assertThat(runs).hasValue(1);
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(runs).hasValue(2);
  }

  @Test
  void aTaskThatRenamesItselfWhileRunningKeepsTheNameAndItsScheduleAdvances() {
    scheduler
        .task(
            () -> {
              runs.incrementAndGet();
              scheduler.updateTask("self", null, Map.of("name", "Renamed"));
            })
        .id("self")
        .trigger(everyTenSeconds())
        .add();

    scheduler.advance(Duration.ofSeconds(10));

    Task task = scheduler.getTask("self").orElseThrow();
    assertThat(task.name()).isEqualTo("Renamed");
    assertThat(task.nextRunTime()).contains(T.plusSeconds(20));
    assertThat(runs).hasValue(1);
  }

  @Test
  void aTaskThatDeletesItselfWhileRunningIsGoneWithOneRemovedEvent() {
    scheduler
        .task(
            () -> {
              runs.incrementAndGet();
              scheduler.deleteTask("self", null);
            })
        .id("self")
        .trigger(everyTenSeconds())
        .add();

    scheduler.advance(Duration.ofMinutes(1));

    assertThat(runs).hasValue(1);
    assertThat(scheduler.getTask("self")).isEmpty();
    assertThat(log.taskEvents(Events.TASK_REMOVED)).hasSize(1);
  }
}
