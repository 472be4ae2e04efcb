package io.asyncz.event;

/**
 * A store could not read a task record, or the scheduler could not process a task, and the record
 * was set aside in the store's quarantine ({@link Events#TASK_QUARANTINED}); it is kept with its
 * raw bytes and can be listed and restored.
 *
 * @param taskId the id the record was stored under
 * @param store the alias of the store
 * @param reason why, e.g. {@code UNDECRYPTABLE} or {@code TRIGGER_ERROR}
 * @param detail the message of the failure
 * @param schedulerIdentity the identity of the scheduler that sent the event (set by the scheduler
 *     when it dispatches the event)
 */
public record TaskQuarantinedEvent(
    String taskId, String store, String reason, String detail, String schedulerIdentity)
    implements SchedulerEvent {

  /** An event whose scheduler identity the dispatching scheduler fills in. */
  public TaskQuarantinedEvent(String taskId, String store, String reason, String detail) {
    this(taskId, store, reason, detail, null);
  }

  @Override
  public int code() {
    return Events.TASK_QUARANTINED;
  }

  @Override
  public String alias() {
    return store;
  }

  @Override
  public SchedulerEvent withSchedulerIdentity(String identity) {
    return new TaskQuarantinedEvent(taskId, store, reason, detail, identity);
  }

  @Override
  public String toString() {
    return "TASK_QUARANTINED[" + taskId + " @" + store + ", " + reason + ": " + detail + "]";
  }
}
