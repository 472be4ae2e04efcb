package io.asyncz.executor;

import io.asyncz.event.SchedulerEvent;
import io.asyncz.run.RunObserver;
import java.time.Clock;
import java.time.Instant;

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

  /**
   * Takes one of a task's instance slots, if the task runs fewer than {@code maxInstances}
   * instances in this scheduler, across all its executors (as the seed counts them, on the
   * scheduler): an executor calls this before it accepts a submission, and {@link #releaseInstance}
   * when the run ends.
   *
   * @return whether a slot was taken; {@code false} means the submission must be refused
   */
  boolean tryAcquireInstance(String taskId, int maxInstances);

  /** Gives back a slot taken with {@link #tryAcquireInstance}. */
  void releaseInstance(String taskId);

  /**
   * Whether a run handed over before its time (see {@link AbstractExecutor}) is still wanted when
   * that time comes: the task may have been removed, paused or rescheduled meanwhile. The default,
   * for a scheduler that never hands runs over early, says yes.
   */
  default boolean stillWanted(String taskId, Instant runTime) {
    return true;
  }

  /**
   * Who to tell about each run as it starts and ends (the observers registered with {@link
   * io.asyncz.scheduler.Scheduler#observeRuns}, as one), or {@code null} when nobody listens, so
   * that an executor skips the telling altogether. The default has none.
   */
  default RunObserver runObserver() {
    return null;
  }

  /** The identity of the scheduler whose runs these are, recorded as each run's node. */
  default String schedulerIdentity() {
    return "asyncz";
  }
}
