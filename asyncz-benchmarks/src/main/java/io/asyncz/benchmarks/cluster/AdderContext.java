package io.asyncz.benchmarks.cluster;

import io.asyncz.event.SchedulerEvent;
import io.asyncz.store.StoreContext;
import io.asyncz.task.TaskOperations;
import io.asyncz.task.TaskRegistry;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.ZoneId;

/**
 * The context of a store that takes part in the cluster without a scheduler (it adds tasks and
 * notifies, and never claims): the system clock in UTC, the caller's registry, no operations.
 */
final class AdderContext implements StoreContext {
  private final TaskRegistry registry;

  AdderContext(TaskRegistry registry) {
    this.registry = registry;
  }

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
    return (TaskOperations)
        Proxy.newProxyInstance(
            TaskOperations.class.getClassLoader(),
            new Class<?>[] {TaskOperations.class},
            (proxy, method, args) -> {
              throw new IllegalStateException("no scheduler runs beside the adding store");
            });
  }

  @Override
  public void dispatch(SchedulerEvent event) {}
}
