package io.asyncz.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stored record that a store could not read, set aside with its raw bytes instead of being
 * deleted (the seed deletes it; a rotated key must never cost a user their tasks). A store that
 * meets a corrupt or undecryptable record, one from a newer format version, or one whose function
 * reference is not registered, moves it out of the schedule into its quarantine, logs it, and sends
 * {@link io.asyncz.event.Events#TASK_QUARANTINED}. The record stays listed by {@link
 * TaskStore#quarantinedRecords()} until an operator restores it ({@link
 * TaskStore#restoreQuarantined}, e.g. once the old key is configured again) or discards it.
 *
 * @param taskId the id the record was stored under
 * @param raw the record's bytes exactly as they were stored (a copy is kept)
 * @param reason why it was set aside. A store that cannot read a record says {@code MALFORMED},
 *     {@code UNSUPPORTED_VERSION}, {@code UNDECRYPTABLE}, {@code UNRESOLVABLE_REFERENCE}, {@code
 *     INVALID_TRIGGER} or {@code TOO_LARGE} (over the store's read limit, so not read); the
 *     scheduler, through {@link TaskStore#quarantineTask}, says {@code TRIGGER_ERROR} (the trigger
 *     failed when it was stepped) or {@code UNKNOWN_EXECUTOR} (the task names an executor the
 *     scheduler does not have)
 * @param detail the message of the failure
 * @param quarantinedAt when the store set the record aside
 */
public record QuarantinedRecord(
    String taskId, byte[] raw, String reason, String detail, Instant quarantinedAt) {

  /** Creates a record; the bytes are copied. */
  public QuarantinedRecord {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(quarantinedAt, "quarantinedAt");
    raw = raw.clone();
  }

  /** A copy of the stored bytes. */
  @Override
  public byte[] raw() {
    return raw.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuarantinedRecord q
        && taskId.equals(q.taskId)
        && Arrays.equals(raw, q.raw)
        && reason.equals(q.reason)
        && detail.equals(q.detail)
        && quarantinedAt.equals(q.quarantinedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(taskId, Arrays.hashCode(raw), reason, detail, quarantinedAt);
  }

  @Override
  public String toString() {
    return "QuarantinedRecord[task "
        + taskId
        + ", "
        + raw.length
        + " bytes, "
        + reason
        + " at "
        + quarantinedAt
        + ": "
        + detail
        + "]";
  }
}
