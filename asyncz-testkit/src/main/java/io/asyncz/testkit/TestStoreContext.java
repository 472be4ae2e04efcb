package io.asyncz.testkit;

import io.asyncz.event.SchedulerEvent;
import io.asyncz.store.StoreContext;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskOperations;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.Trigger;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link StoreContext} for testing a store without a scheduler: a {@link MutableClock}, a task
 * registry of the caller's choosing, and a record of the events the store dispatched. Operations
 * that a task read back from the store would act through are refused, since no scheduler runs.
 */
public final class TestStoreContext implements StoreContext {
  private final MutableClock clock;
  private final TaskRegistry registry;
  private final List<SchedulerEvent> events = new CopyOnWriteArrayList<>();

  /** A context on {@code clock} that resolves references through {@code registry}. */
  public TestStoreContext(MutableClock clock, TaskRegistry registry) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /** The clock, to move time. */
  public MutableClock mutableClock() {
    return clock;
  }

  @Override
  public ZoneId timezone() {
    return clock.getZone();
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
  public void dispatch(SchedulerEvent event) {
    events.add(Objects.requireNonNull(event, "event"));
  }

  /** The events dispatched so far, oldest first. */
  public List<SchedulerEvent> events() {
    return List.copyOf(events);
  }

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
          return new IllegalStateException("no scheduler runs in a TestStoreContext");
        }
      };

  /** A function that does nothing, for tasks that are only stored. */
  static final TaskFunction NOTHING = (args, kwargs) -> null;
}
