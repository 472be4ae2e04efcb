package io.asyncz.executor;

import io.asyncz.event.SchedulerEvent;
import java.time.Clock;

/** What a scheduler gives the executors it starts. */
public interface ExecutorContext {
  /** The scheduler's clock, read to judge whether a run is missed. */
  Clock clock();

  /** Sends an event to the scheduler's listeners. */
  void dispatch(SchedulerEvent event);

  /** Whether any listener wants events with this code; an executor need not build the others. */
  default boolean listening(int code) {
    return true;
  }
}
