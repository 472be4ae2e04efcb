package io.asyncz.event;

import java.time.Instant;

/**
 * One run of a task ended: executed, failed, or missed.
 *
 * @param code {@link Events#TASK_EXECUTED}, {@link Events#TASK_ERROR} or {@link Events#TASK_MISSED}
 * @param taskId the task's id
 * @param store the alias of the task's store
 * @param scheduledRunTime when the run was due
 * @param returnValue what the function returned (executed runs), else {@code null}
 * @param exception what the function threw (failed runs), else {@code null}
 * @param traceback the exception's stack trace as text (failed runs), else {@code null}
 * @param schedulerIdentity the identity of the scheduler that sent the event (set by the scheduler
 *     when it dispatches the event)
 */
public record TaskExecutionEvent(
    int code,
    String taskId,
    String store,
    Instant scheduledRunTime,
    Object returnValue,
    Throwable exception,
    String traceback,
    String schedulerIdentity)
    implements SchedulerEvent {

  /** An event whose scheduler identity the dispatching scheduler fills in. */
  public TaskExecutionEvent(
      int code,
      String taskId,
      String store,
      Instant scheduledRunTime,
      Object returnValue,
      Throwable exception,
      String traceback) {
    this(code, taskId, store, scheduledRunTime, returnValue, exception, traceback, null);
  }

  /** Whether the run finished and returned ({@link Events#TASK_EXECUTED}). */
  public boolean succeeded() {
    return code == Events.TASK_EXECUTED;
  }

  /** Whether the run threw ({@link Events#TASK_ERROR}); {@link #exception()} says what. */
  public boolean failed() {
    return code == Events.TASK_ERROR;
  }

  /** Whether the run was skipped as later than the grace time ({@link Events#TASK_MISSED}). */
  public boolean missed() {
    return code == Events.TASK_MISSED;
  }

  @Override
  public String alias() {
    return store;
  }

  @Override
  public SchedulerEvent withSchedulerIdentity(String identity) {
    return new TaskExecutionEvent(
        code, taskId, store, scheduledRunTime, returnValue, exception, traceback, identity);
  }

  @Override
  public String toString() {
    return Events.name(code) + "[" + taskId + " @" + scheduledRunTime + "]";
  }
}
