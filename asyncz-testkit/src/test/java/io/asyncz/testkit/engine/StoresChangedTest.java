package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.testkit.ForwardingStore;
import io.asyncz.trigger.DateTrigger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task written into a store behind the scheduler's back (as another process writes a shared
 * store) runs once the scheduler is told with {@code storesChanged()}: the store's own thread
 * otherwise keeps the next run time it last read, here none at all.
 */
@Timeout(30)
class StoresChangedTest {
  // Not a MemoryStore, so the scheduler gives it a thread of its own, as it does a database.
  private final MemoryStore shared = new MemoryStore();
  private final Scheduler scheduler =
      Scheduler.builder().store("default", new ForwardingStore(shared)).build();

  @AfterEach
  void stop() {
    scheduler.shutdown(false);
  }

  @Test
  void aTaskAnotherWriterStoredRunsOnceTheSchedulerIsToldTheStoresChanged() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    CountDownLatch removed = new CountDownLatch(1);
    scheduler.addListener(e -> ran.countDown(), Events.TASK_EXECUTED);
    // The run may end before the loop writes the task's removal: wait for that write's event.
    scheduler.addListener(e -> removed.countDown(), Events.TASK_REMOVED);
    scheduler.start();

    Task elsewhere =
        Task.builder("written-elsewhere")
            .function(TaskFunction.of((Runnable) ran::countDown), null)
            .trigger(DateTrigger.at(scheduler.clock().instant()))
            .nextRunTime(scheduler.clock().instant())
            .build();
    shared.addTask(elsewhere);
    scheduler.storesChanged();

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(removed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(scheduler.getTask("written-elsewhere")).isEmpty();
  }
}
