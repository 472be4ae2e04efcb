package io.asyncz.event;

import java.time.Instant;

/**
 * A failed run is tried again ({@link Events#TASK_RETRY_SCHEDULED}), or was on its last allowed
 * attempt ({@link Events#TASK_RETRIES_EXHAUSTED}).
 *
 * @param code {@link Events#TASK_RETRY_SCHEDULED} or {@link Events#TASK_RETRIES_EXHAUSTED}
 * @param taskId the task's id
 * @param store the alias of the task's store
 * @param scheduledRunTime the scheduled run time whose run failed
 * @param attempt the attempt that failed (1 for the first)
 * @param retryAt when the next attempt is due ({@code TASK_RETRY_SCHEDULED}), else {@code null}
 * @param exception what the failed attempt threw
 * @param schedulerIdentity the identity of the scheduler that sent the event
 */
public record TaskRetryEvent(
    int code,
    String taskId,
    String store,
    Instant scheduledRunTime,
    int attempt,
    Instant retryAt,
    Throwable exception,
    String schedulerIdentity)
    implements SchedulerEvent {

  /** An event whose scheduler identity the dispatching scheduler fills in. */
  public TaskRetryEvent(
      int code,
      String taskId,
      String store,
      Instant scheduledRunTime,
      int attempt,
      Instant retryAt,
      Throwable exception) {
    this(code, taskId, store, scheduledRunTime, attempt, retryAt, exception, null);
  }

  /** Whether another attempt follows ({@link Events#TASK_RETRY_SCHEDULED}). */
  public boolean retrying() {
    return code == Events.TASK_RETRY_SCHEDULED;
  }

  @Override
  public String alias() {
    return store;
  }

  @Override
  public SchedulerEvent withSchedulerIdentity(String identity) {
    return new TaskRetryEvent(
        code, taskId, store, scheduledRunTime, attempt, retryAt, exception, identity);
  }

  @Override
  public String toString() {
    return Events.name(code)
        + "["
        + taskId
        + " @"
        + scheduledRunTime
        + " attempt "
        + attempt
        + (retryAt == null ? "" : ", next at " + retryAt)
        + "]";
  }
}
