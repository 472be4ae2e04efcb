package io.asyncz.run;

import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One run of a task: one scheduled run time, started (or found missed) by an executor.
 *
 * @param runId the run's id, unique across processes; the executors put it in the SLF4J MDC as
 *     {@value #MDC_RUN_ID} while the function runs
 * @param task the task as it was submitted
 * @param executor the alias of the executor that runs it
 * @param scheduledRunTime the run time it stands for
 * @param startedAt when the executor started it (or, for a missed run, found it missed)
 * @param source whether the loop submitted it or an operator asked for it ({@code runTask})
 * @param attempt 1 for the first attempt of this run time
 * @param node the identity of the scheduler that runs it
 */
public record RunInfo(
    String runId,
    Task task,
    String executor,
    Instant scheduledRunTime,
    Instant startedAt,
    TaskSubmissionEvent.Source source,
    int attempt,
    String node) {

  /** The MDC key under which executors put the running task's id. */
  public static final String MDC_TASK_ID = "asyncz.task_id";

  /** The MDC key under which executors put the run's id. */
  public static final String MDC_RUN_ID = "asyncz.run_id";

  /** Checks the fields. */
  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(scheduledRunTime, "scheduledRunTime");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(source, "source");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be 1 or more, got " + attempt);
    }
  }

  /** The task's id. */
  public String taskId() {
    return task.id();
  }

  /** How late the run started: from its scheduled run time to its start, never negative. */
  public Duration lateness() {
    Duration late = Duration.between(scheduledRunTime, startedAt);
    return late.isNegative() ? Duration.ZERO : late;
  }
}
