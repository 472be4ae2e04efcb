package io.asyncz.run;

import io.asyncz.task.Task;
import java.time.Duration;

/**
 * Told about each run of a task as it happens, on the thread that runs it: the seam that run
 * history, metrics, tracing and log capture use. Register one with {@link
 * io.asyncz.scheduler.Scheduler#observeRuns}.
 *
 * <p>{@link #started} is called on the executing thread right before the task's function, with the
 * MDC keys {@link RunInfo#MDC_TASK_ID} and {@link RunInfo#MDC_RUN_ID} already set, so a
 * thread-local context it opens (a tracing scope) is seen by the function. An observer must be
 * quick and must not throw: what it throws is logged and ignored, and never changes the run.
 */
@FunctionalInterface
public interface RunObserver {

  /**
   * A run starts.
   *
   * @return what to tell when the run ends; {@link RunObservation#NONE} when nothing needs telling
   */
  RunObservation started(RunInfo run);

  /**
   * A run time was found later than the task's grace time when its executor came to it, and is
   * skipped (the seed's {@code TASK_MISSED}). The default does nothing.
   *
   * @param run the run that did not happen; its {@code startedAt} is when it was found missed
   * @param late how late it was
   */
  default void missed(RunInfo run, Duration late) {}

  /**
   * Run times of a task were handed to an executor (what the seed reports as {@code
   * TASK_SUBMITTED}), told on the thread that handed them over, before or while they run. A cheaper
   * way to count submissions than a listener of that event, which is built and dispatched for each
   * one. The default does nothing.
   *
   * @param task the task as submitted
   * @param executor the alias of the executor that took the run times
   * @param runTimes how many run times were handed over (more than one when coalescing is off)
   */
  default void submitted(Task task, String executor, int runTimes) {}
}
