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
}
