package io.asyncz.store;

import io.asyncz.event.SchedulerEvent;
import io.asyncz.task.TaskOperations;
import io.asyncz.task.TaskRegistry;
import java.time.Clock;
import java.time.ZoneId;

/** What a scheduler gives the stores it starts. */
public interface StoreContext {
  /** The scheduler's clock. */
  Clock clock();

  /** The scheduler's zone. */
  ZoneId timezone();

  /** Resolves function references of tasks read back from storage. */
  TaskRegistry registry();

  /** The operations that tasks read back from storage act through. */
  TaskOperations operations();

  /** Sends an event to the scheduler's listeners. */
  void dispatch(SchedulerEvent event);
}
