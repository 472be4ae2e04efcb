package io.asyncz.executor;

import io.asyncz.MaxInstancesException;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs tasks (the seed's executor). An implementation must refuse a submission that would exceed
 * the task's {@code max_instances} (counted by the scheduler across its executors, through {@link
 * ExecutorContext#tryAcquireInstance}), judge each run time missed or not when it starts it, and
 * report each run with a {@link io.asyncz.event.TaskExecutionEvent}. {@link AbstractExecutor} does
 * all of that; extend it.
 */
public interface TaskExecutor {

  /** Called when the scheduler starts, or when the executor is added to a running scheduler. */
  void start(ExecutorContext context, String alias);

  /**
   * Stops accepting work; runs already handed over still run.
   *
   * @param wait whether to wait for the runs in progress to finish, asynchronous ones (a function's
   *     unfinished {@link java.util.concurrent.CompletionStage}) included
   */
  void shutdown(boolean wait);

  /**
   * Stops accepting work and waits at most {@code timeout} for the runs in progress, asynchronous
   * ones included; when the time is up, or the waiting thread is interrupted, it interrupts the
   * runs still going, drops the runs not started yet, and returns what it left behind. The default
   * waits without a limit, for executors that cannot do better.
   *
   * @param timeout how long to wait; {@code null} for no limit
   * @return the runs still in progress when it stopped waiting, as a count per task id; empty when
   *     every run finished
   */
  default Map<String, Integer> shutdown(Duration timeout) {
    shutdown(true);
    return Map.of();
  }

  /**
   * Hands over the due run times of a task, oldest first.
   *
   * @throws MaxInstancesException when the task already runs {@code max_instances} instances
   */
  void submit(Task task, List<Instant> runTimes);

  /**
   * Hands over the due run times of a task, oldest first, saying whether the loop submits them or
   * an operator asked for them ({@code runTask}); run observers are told which. The default drops
   * the source, for executors written before it existed.
   *
   * @throws MaxInstancesException when the task already runs {@code max_instances} instances
   */
  default void submit(Task task, List<Instant> runTimes, TaskSubmissionEvent.Source source) {
    submit(task, runTimes);
  }

  /**
   * Hands over a retry: the run time of a failed run, tried again as attempt {@code attempt} (2 for
   * the first retry). The default submits it as a first attempt, for executors written before
   * retries existed.
   *
   * @throws MaxInstancesException when the task already runs {@code max_instances} instances
   */
  default void submitRetry(Task task, Instant runTime, int attempt) {
    submit(task, List.of(runTime), TaskSubmissionEvent.Source.SCHEDULED);
  }

  /** How many instances of a task run now on this executor. */
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
