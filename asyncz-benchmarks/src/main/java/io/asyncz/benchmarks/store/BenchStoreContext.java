package io.asyncz.benchmarks.store;

import io.asyncz.event.SchedulerEvent;
import io.asyncz.store.StoreContext;
import io.asyncz.task.Task;
import io.asyncz.task.TaskOperations;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.Trigger;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * The context a store is started with when it is measured without a scheduler: the system clock in
 * UTC, a registry that knows {@link AsynczDrain#REFERENCE}, and no scheduler operations. (The
 * testkit's {@code TestStoreContext} would do, but the testkit brings JUnit onto this module's
 * class path.)
 */
final class BenchStoreContext implements StoreContext {
  private final TaskRegistry registry =
      new TaskRegistry().register(AsynczDrain.REFERENCE, (args, kwargs) -> null);

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public ZoneId timezone() {
    return ZoneId.of("UTC");
  }

  @Override
  public TaskRegistry registry() {
    return registry;
  }

  @Override
  public TaskOperations operations() {
    return NO_SCHEDULER;
  }

  @Override
  public void dispatch(SchedulerEvent event) {}

  private static final TaskOperations NO_SCHEDULER =
      new TaskOperations() {
        @Override
        public Task updateTask(String taskId, String store, Map<String, ?> changes) {
          throw refused();
        }

        @Override
        public Task rescheduleTask(String taskId, String store, Trigger trigger) {
          throw refused();
        }

        @Override
        public Task pauseTask(String taskId, String store) {
          throw refused();
        }

        @Override
        public Optional<Task> resumeTask(String taskId, String store) {
          throw refused();
        }

        @Override
        public void deleteTask(String taskId, String store) {
          throw refused();
        }

        private IllegalStateException refused() {
          return new IllegalStateException("no scheduler runs in a store benchmark");
        }
      };
}
