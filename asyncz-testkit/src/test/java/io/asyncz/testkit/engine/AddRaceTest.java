package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.event.TaskEvent;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerState;
import io.asyncz.store.MemoryStore;
import io.asyncz.testkit.FaultyStore;
import io.asyncz.trigger.DateTrigger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task added due while the scheduler runs is stored, announced ({@code TASK_ADDED}), then run by
 * {@code add()} itself if it is still due; the loop thread may find it due in between. Whichever
 * gets to it first runs it, and only once: a one-shot task that ran twice is a duplicate run.
 * (Found by {@code MetricsOverhead -Dexecutor=inline}, whose lateness timer counted one run more
 * than it added, about once in three drains of 200,000 tasks.)
 */
@Timeout(30)
class AddRaceTest {
  private final Scheduler scheduler =
      Scheduler.builder().executor("default", new InlineExecutor()).build();
  private final AtomicInteger ran = new AtomicInteger();
  private final CountDownLatch loopRanIt = new CountDownLatch(1);
  private final AtomicBoolean loopWasFirst = new AtomicBoolean();

  @AfterEach
  void stop() {
    if (scheduler.state() != SchedulerState.STOPPED) {
      scheduler.shutdown(true);
    }
  }

  /**
   * Holds the add of task "once" up at its TASK_ADDED event until the loop thread has run it; the
   * loop, asleep until its next task is due, is woken by a task due in a tenth of a second.
   */
  private void holdAddUntilTheLoopRunsIt() {
    scheduler.addListener(
        event -> {
          if (event instanceof TaskEvent added && added.taskId().equals("once")) {
            try {
              loopWasFirst.set(loopRanIt.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        },
        Events.TASK_ADDED);
    scheduler.start();
    scheduler
        .task(() -> {})
        .id("waker")
        .trigger(DateTrigger.at(scheduler.clock().instant().plusMillis(100)))
        .add();
  }

  private void once() {
    ran.incrementAndGet();
    loopRanIt.countDown();
  }

  @Test
  void aDueTaskTheLoopRanWhileAddWasAnnouncingItIsNotRunAgainByAdd() {
    holdAddUntilTheLoopRunsIt();

    scheduler.task(this::once).id("once").add();

    assertThat(loopWasFirst).as("the loop ran the task while add() was held").isTrue();
    assertThat(ran).hasValue(1);
    assertThat(scheduler.getTask("once")).isEmpty();
  }

  @Test
  void aDueTaskOfABatchTheLoopRanMeanwhileIsNotRunAgainByAddAll() {
    holdAddUntilTheLoopRunsIt();

    scheduler.addAll(batch -> batch.task(this::once).id("once").add());

    assertThat(loopWasFirst).as("the loop ran the task while addAll() was held").isTrue();
    assertThat(ran).hasValue(1);
    assertThat(scheduler.getTask("once")).isEmpty();
  }

  @Test
  void aDueTaskWhoseStoreFailsToReadItBackIsAddedAndRunsOnceFromTheLoop() throws Exception {
    // add() stores the task, then cannot read it back to run it: the store refuses lookups. The
    // task is added all the same (add() does not throw for a task it stored), and the loop, woken
    // at once, runs it once.
    FaultyStore store = FaultyStore.wrap(new MemoryStore());
    Scheduler failing =
        Scheduler.builder()
            .executor("default", new PoolExecutor(1))
            .store("default", store)
            .build();
    CountDownLatch ranOnce = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    failing.start();
    try {
      store.fail(FaultyStore.Operation.LOOKUP);

      failing
          .task(
              () -> {
                runs.incrementAndGet();
                ranOnce.countDown();
              })
          .id("stored")
          .add();

      assertThat(ranOnce.await(10, TimeUnit.SECONDS)).as("the loop ran it").isTrue();
      store.heal();
    } finally {
      failing.shutdown(true);
    }
    assertThat(runs).hasValue(1);
    assertThat(store.delegate().lookupTask("stored")).isEmpty();
  }
}
