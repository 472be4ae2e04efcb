package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.ConflictIdException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.executor.AbstractExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.Task;
import io.asyncz.trigger.DateTrigger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A date task added while the scheduler runs and due already goes to its executor before {@code
 * add()} or {@code addAll} returns, with the events, conflicts and instance limits of a task that
 * the loop found due: whether the memory store saw it on the way is not something a user can tell.
 */
@Timeout(30)
class DueOnAddTest {
  /** Keeps every dispatched run without running it, so that its instance stays taken. */
  private static final class HoldingExecutor extends AbstractExecutor {
    final List<Runnable> dispatched = new CopyOnWriteArrayList<>();

    @Override
    public boolean runsOnCallerThread() {
      return false;
    }

    @Override
    protected void dispatch(Runnable work) {
      dispatched.add(work);
    }

    void runAll() {
      for (Runnable r : dispatched) {
        r.run();
      }
      dispatched.clear();
    }
  }

  private final HoldingExecutor executor = new HoldingExecutor();
  private final Scheduler scheduler = Scheduler.builder().executor("default", executor).build();
  private final EventLog log = new EventLog();
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void stop() {
    executor.runAll();
    scheduler.shutdown(true);
  }

  private void listenToRuns() {
    scheduler.addListener(
        log, Events.TASK_SUBMITTED | Events.TASK_REMOVED | Events.TASK_MAX_INSTANCES);
  }

  @Test
  void aDueDateTaskIsSubmittedBeforeAddReturnsAndIsGoneFromTheStore() {
    scheduler.start();
    listenToRuns();

    Task task = scheduler.task(runs::incrementAndGet).id("now").add();

    assertThat(executor.dispatched).hasSize(1);
    assertThat(scheduler.getTask("now")).isEmpty();
    assertThat(log.namesFor("now")).containsExactly("TASK_SUBMITTED", "TASK_REMOVED");
    TaskSubmissionEvent submitted = log.submissions(Events.TASK_SUBMITTED).get(0);
    assertThat(submitted.source()).isEqualTo(TaskSubmissionEvent.Source.SCHEDULED);
    assertThat(submitted.scheduledRunTimes()).containsExactly(task.nextRunTime().orElseThrow());
    executor.runAll();
    assertThat(runs).hasValue(1);
  }

  @Test
  void aDueTaskWhoseIdIsStoredIsRefusedAndTheStoredTaskIsKept() {
    scheduler.start();
    DateTrigger tomorrow = DateTrigger.at(scheduler.clock().instant().plus(Duration.ofDays(1)));
    scheduler.task(runs::incrementAndGet).id("x").trigger(tomorrow).add();

    assertThatThrownBy(() -> scheduler.task(runs::incrementAndGet).id("x").add())
        .isInstanceOf(ConflictIdException.class)
        .hasMessageContaining("x");

    assertThat(executor.dispatched).isEmpty();
    assertThat(scheduler.getTask("x")).get().extracting(Task::trigger).isEqualTo(tomorrow);
  }

  @Test
  void aDueTaskReplacingAStoredOneRunsOnceAndLeavesNothingStored() {
    scheduler.start();
    DateTrigger tomorrow = DateTrigger.at(scheduler.clock().instant().plus(Duration.ofDays(1)));
    scheduler.task(runs::incrementAndGet).id("x").trigger(tomorrow).add();

    scheduler.task(runs::incrementAndGet).id("x").replaceExisting(true).add();

    assertThat(executor.dispatched).hasSize(1);
    assertThat(scheduler.getTask("x")).isEmpty();
  }

  @Test
  void aSecondDueTaskOfAnIdStillRunningIsRefusedByItsInstanceLimit() {
    scheduler.start();
    listenToRuns();
    scheduler.task(runs::incrementAndGet).id("m").maxInstances(1).add(); // held, never finished

    scheduler.task(runs::incrementAndGet).id("m").maxInstances(1).add();

    assertThat(executor.dispatched).hasSize(1);
    assertThat(log.namesFor("m"))
        .containsExactly("TASK_SUBMITTED", "TASK_REMOVED", "TASK_MAX_INSTANCES", "TASK_REMOVED");
    assertThat(scheduler.getTask("m")).isEmpty();
  }

  @Test
  void aListenerOfAddedEventsSeesTheAddBeforeTheRun() {
    scheduler.start();
    scheduler.addListener(log);

    scheduler.task(runs::incrementAndGet).id("a").add();
    scheduler.addAll(batch -> batch.task(runs::incrementAndGet).id("b").add());

    assertThat(log.namesFor("a")).containsExactly("TASK_ADDED", "TASK_SUBMITTED", "TASK_REMOVED");
    // addAll hands the due task over once the batch is stored, not in a later loop round.
    assertThat(executor.dispatched).hasSize(2);
  }

  @Test
  void addAllSubmitsItsDueTasksBeforeReturningAndStoresTheOthers() {
    scheduler.start();
    listenToRuns();
    DateTrigger tomorrow = DateTrigger.at(scheduler.clock().instant().plus(Duration.ofDays(1)));

    List<Task> added =
        scheduler.addAll(
            batch -> {
              for (int i = 0; i < 100; i++) {
                batch.task(runs::incrementAndGet).add(); // generated ids, due now
              }
              batch.task(runs::incrementAndGet).id("later").trigger(tomorrow).add();
            });

    assertThat(added).hasSize(101);
    assertThat(executor.dispatched).hasSize(100);
    assertThat(log.submissions(Events.TASK_SUBMITTED)).hasSize(100);
    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("later");
    executor.runAll();
    assertThat(runs).hasValue(100);
  }

  @Test
  void addAllWithADueTaskWhoseIdIsStoredAddsAndRunsNothing() {
    scheduler.start();
    DateTrigger tomorrow = DateTrigger.at(scheduler.clock().instant().plus(Duration.ofDays(1)));
    scheduler.task(runs::incrementAndGet).id("taken").trigger(tomorrow).add();

    assertThatThrownBy(
            () ->
                scheduler.addAll(
                    batch -> {
                      batch.task(runs::incrementAndGet).id("fresh").add();
                      batch.task(runs::incrementAndGet).id("later").trigger(tomorrow).add();
                      batch.task(runs::incrementAndGet).id("taken").add();
                    }))
        .isInstanceOf(ConflictIdException.class)
        .hasMessageContaining("taken");

    assertThat(executor.dispatched).isEmpty();
    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("taken");
  }
}
