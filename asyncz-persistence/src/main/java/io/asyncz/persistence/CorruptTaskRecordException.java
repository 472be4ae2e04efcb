package io.asyncz.persistence;

import io.asyncz.AsynczException;
import io.asyncz.store.QuarantinedRecord;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored task record that cannot be read back: malformed JSON, a field of the wrong kind, a
 * reference that no longer resolves, or a ciphertext that does not decrypt. A store that meets one
 * quarantines the record; it never deletes it.
 */
public class CorruptTaskRecordException extends AsynczException {
  private static final long serialVersionUID = 1L;

  /** Why a record could not be read. */
  public enum Reason {
    /** The bytes are not a JSON document of the task format. */
    MALFORMED,
    /** The document was written by a newer format version than this code reads. */
    UNSUPPORTED_VERSION,
    /** The document's function reference does not resolve through the task registry. */
    UNRESOLVABLE_REFERENCE,
    /** The document's trigger state does not rebuild a trigger. */
    INVALID_TRIGGER,
    /** The record is encrypted and no configured key opens it, or it was altered or moved. */
    UNDECRYPTABLE,
    /**
     * The record is over the store's read limit (16 x its maximum record size); it was not read.
     */
    TOO_LARGE
  }

  private final transient String taskId;
  private final Reason reason;
  private final String detail;

  /**
   * Creates the exception.
   *
   * @param taskId the id of the task the record belongs to, or {@code null} when not known
   * @param reason why the record could not be read
   * @param detail what was found and what was expected
   * @param cause the underlying failure, or {@code null}
   */
  public CorruptTaskRecordException(String taskId, Reason reason, String detail, Throwable cause) {
    super(message(taskId, reason, detail), cause);
    this.taskId = taskId;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.detail = detail;
  }

  /**
   * This failure, naming the task whose record it is when it does not yet (the codec cannot know
   * the id of a record that is not even JSON; the store does).
   */
  public CorruptTaskRecordException forTask(String id) {
    return taskId != null ? this : new CorruptTaskRecordException(id, reason, detail, this);
  }

  private static String message(String taskId, Reason reason, String detail) {
    String who = taskId == null ? "Stored task record" : "Stored record of task '" + taskId + "'";
    return who + " cannot be read (" + reason + "): " + detail;
  }

  /** The id of the task the record belongs to, if known. */
  public Optional<String> taskId() {
    return Optional.ofNullable(taskId);
  }

  /** Why the record could not be read. */
  public Reason reason() {
    return reason;
  }

  /** The quarantine entry for the record {@code raw} of task {@code id}, set aside {@code at}. */
  public QuarantinedRecord quarantined(String id, byte[] raw, Instant at) {
    return new QuarantinedRecord(id, raw, reason.name(), getMessage(), at);
  }
}
