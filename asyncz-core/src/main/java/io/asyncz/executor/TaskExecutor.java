package io.asyncz.executor;

import io.asyncz.MaxInstancesException;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.List;

/**
 * Runs tasks (the seed's executor). An implementation must refuse a submission that would exceed
 * the task's {@code max_instances}, judge each run time missed or not when it starts it, and report
 * each run with a {@link io.asyncz.event.TaskExecutionEvent}. {@link AbstractExecutor} does all of
 * that; extend it.
 */
public interface TaskExecutor {

  /** Called when the scheduler starts, or when the executor is added to a running scheduler. */
  void start(ExecutorContext context, String alias);

  /**
   * Stops accepting work.
   *
   * @param wait whether to wait for the runs in progress to finish
   */
  void shutdown(boolean wait);

  /**
   * Hands over the due run times of a task, oldest first.
   *
   * @throws MaxInstancesException when the task already runs {@code max_instances} instances
   */
  void submit(Task task, List<Instant> runTimes);

  /** How many instances of a task run now. */
  int runningInstances(String taskId);

  /**
   * Whether {@link #submit} may run the task on the calling thread, the scheduler's. The scheduler
   * then writes each task's next run time as soon as it is submitted, since the run may change the
   * task; for executors that run tasks on threads of their own it writes a whole batch at once. The
   * default, {@code true}, is the safe answer for an executor that does not say.
   */
  default boolean runsOnCallerThread() {
    return true;
  }
}
