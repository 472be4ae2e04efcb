package io.asyncz.event;

/**
 * A task was added, removed or modified.
 *
 * @param code {@link Events#TASK_ADDED}, {@link Events#TASK_REMOVED} or {@link
 *     Events#TASK_MODIFIED}
 * @param taskId the task's id
 * @param store the alias of the task's store, or {@code null} for a task not yet in one
 * @param schedulerIdentity the identity of the scheduler that sent the event (set by the scheduler
 *     when it dispatches the event)
 */
public record TaskEvent(int code, String taskId, String store, String schedulerIdentity)
    implements SchedulerEvent {

  /** An event whose scheduler identity the dispatching scheduler fills in. */
  public TaskEvent(int code, String taskId, String store) {
    this(code, taskId, store, null);
  }

  @Override
  public String alias() {
    return store;
  }

  @Override
  public SchedulerEvent withSchedulerIdentity(String identity) {
    return new TaskEvent(code, taskId, store, identity);
  }

  @Override
  public String toString() {
    return Events.name(code) + "[" + taskId + (store == null ? "" : " @" + store) + "]";
  }
}
