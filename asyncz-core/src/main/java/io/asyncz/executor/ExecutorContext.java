package io.asyncz.executor;

import io.asyncz.event.SchedulerEvent;
import io.asyncz.run.RunObserver;
import io.asyncz.task.Task;
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

  /**
   * A run ended: the scheduler decides whether it is retried ({@link Task#retryPolicy()}) and
   * stores the retry with the task. Called on the executing thread before the run's instance slot
   * is given back.
   *
   * @param task the task as submitted
   * @param runTime the scheduled run time
   * @param attempt the attempt that ended (1 for the first)
   * @param error what it threw, or {@code null} when it succeeded
   * @return an event to send after the run's own ({@code TASK_RETRY_SCHEDULED} or {@code
   *     TASK_RETRIES_EXHAUSTED}), or {@code null}; the default retries nothing
   */
  default SchedulerEvent runEnded(Task task, Instant runTime, int attempt, Throwable error) {
    return null;
  }

  /**
   * Calls {@code onExpiry} once {@code deadline} passes on the scheduler's clock, unless the
   * returned handle is run first (it cancels the watch): how a run's {@code timeout} is enforced.
   * The default watches nothing, for a context with no loop to watch with.
   */
  default Runnable watchDeadline(Instant deadline, Runnable onExpiry) {
    return () -> {};
  }
}
