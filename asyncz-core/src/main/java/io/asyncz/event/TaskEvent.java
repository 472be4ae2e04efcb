package io.asyncz.event;

/**
 * A task was added, removed or modified.
 *
 * @param code {@link Events#TASK_ADDED}, {@link Events#TASK_REMOVED} or {@link
 *     Events#TASK_MODIFIED}
 * @param taskId the task's id
 * @param store the alias of the task's store, or {@code null} for a task not yet in one
 */
public record TaskEvent(int code, String taskId, String store) implements SchedulerEvent {
  @Override
  public String alias() {
    return store;
  }

  @Override
  public String toString() {
    return Events.name(code) + "[" + taskId + (store == null ? "" : " @" + store) + "]";
  }
}
