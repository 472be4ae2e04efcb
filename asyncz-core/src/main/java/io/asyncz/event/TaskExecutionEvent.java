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
 */
public record TaskExecutionEvent(
    int code,
    String taskId,
    String store,
    Instant scheduledRunTime,
    Object returnValue,
    Throwable exception,
    String traceback)
    implements SchedulerEvent {

  @Override
  public String alias() {
    return store;
  }

  @Override
  public String toString() {
    return Events.name(code) + "[" + taskId + " @" + scheduledRunTime + "]";
  }
}
