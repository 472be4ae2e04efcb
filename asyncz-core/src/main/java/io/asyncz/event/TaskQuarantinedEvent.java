package io.asyncz.event;

/**
 * A store could not read a task record and set it aside in its quarantine ({@link
 * Events#TASK_QUARANTINED}); the record is kept with its raw bytes and can be listed and restored.
 *
 * @param taskId the id the record was stored under
 * @param store the alias of the store
 * @param reason why it could not be read, e.g. {@code UNDECRYPTABLE}
 * @param detail the message of the failure
 */
public record TaskQuarantinedEvent(String taskId, String store, String reason, String detail)
    implements SchedulerEvent {
  @Override
  public int code() {
    return Events.TASK_QUARANTINED;
  }

  @Override
  public String alias() {
    return store;
  }

  @Override
  public String toString() {
    return "TASK_QUARANTINED[" + taskId + " @" + store + ", " + reason + ": " + detail + "]";
  }
}
