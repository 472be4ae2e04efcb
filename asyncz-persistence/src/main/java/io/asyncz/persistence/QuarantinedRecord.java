package io.asyncz.persistence;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stored record that a store could not read, kept aside with its raw bytes instead of being
 * deleted: a store that meets a corrupt or undecryptable record moves it to its quarantine, reports
 * it by an event and a log line, and lists it so that it can be inspected and restored (for
 * instance once the key it was encrypted with is configured again).
 *
 * @param taskId the id the record was stored under
 * @param raw the record's bytes exactly as they were stored (a copy is kept)
 * @param reason why the record could not be read
 * @param detail the message of the failure
 * @param quarantinedAt when the store set the record aside
 */
public record QuarantinedRecord(
    String taskId,
    byte[] raw,
    CorruptTaskRecordException.Reason reason,
    String detail,
    Instant quarantinedAt) {

  /** Creates a record; the bytes are copied. */
  public QuarantinedRecord {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(quarantinedAt, "quarantinedAt");
    raw = raw.clone();
  }

  /** The record set aside because of {@code failure}. */
  public static QuarantinedRecord of(
      String taskId, byte[] raw, CorruptTaskRecordException failure, Instant quarantinedAt) {
    return new QuarantinedRecord(
        taskId, raw, failure.reason(), failure.getMessage(), quarantinedAt);
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
        && reason == q.reason
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
