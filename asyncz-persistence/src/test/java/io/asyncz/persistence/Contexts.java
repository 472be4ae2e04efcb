package io.asyncz.persistence;

import io.asyncz.event.SchedulerEvent;
import io.asyncz.store.StoreContext;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskOperations;
import io.asyncz.task.TaskRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A store context for codec tests: a registry that allows the test jobs, no scheduler. */
final class Contexts {
  static final TaskFunction REPORT = (args, kwargs) -> null;

  private Contexts() {}

  static StoreContext context() {
    TaskRegistry registry =
        new TaskRegistry().allowPackage("io.asyncz.persistence.jobs").register("report", REPORT);
    return new StoreContext() {
      @Override
      public Clock clock() {
        return Clock.fixed(Instant.parse("2026-01-15T10:00:00Z"), ZoneOffset.UTC);
      }

      @Override
      public ZoneId timezone() {
        return ZoneOffset.UTC;
      }

      @Override
      public TaskRegistry registry() {
        return registry;
      }

      @Override
      public TaskOperations operations() {
        return null;
      }

      @Override
      public void dispatch(SchedulerEvent event) {}
    };
  }
}
