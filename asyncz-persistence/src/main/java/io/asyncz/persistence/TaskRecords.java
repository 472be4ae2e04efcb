package io.asyncz.persistence;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import io.asyncz.store.StoreContext;
import io.asyncz.task.Task;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a persistent store writes for a task and how it reads it back: the {@link TaskStateCodec}
 * document, sealed by {@link Encryption} when a key is configured. Reading checks that the record
 * belongs to the id it was stored under, so a record copied to another row is refused even when it
 * is not encrypted.
 *
 * <p>Instances are immutable and safe for concurrent use.
 */
public final class TaskRecords {
  private final TaskStateCodec codec = new TaskStateCodec();
  private final Encryption encryption;

  private TaskRecords(Encryption encryption) {
    this.encryption = encryption;
  }

  /** Records in plain JSON; encrypted records are refused when read. */
  public static TaskRecords plain() {
    return new TaskRecords(null);
  }

  /** Records sealed with {@code encryption}; plain records written before still read. */
  public static TaskRecords encrypted(Encryption encryption) {
    return new TaskRecords(Objects.requireNonNull(encryption, "encryption"));
  }

  /**
   * Records encrypted with {@code key} and readable with it and {@code oldKeys} (a key rotation),
   * or plain records when {@code key} is null.
   *
   * @throws InvalidInputException when old keys are given without a key
   */
  public static TaskRecords withKey(String key, String... oldKeys) {
    if (key == null) {
      if (oldKeys.length > 0) {
        throw new InvalidInputException(
            "old keys", oldKeys.length + " keys", "are given without a current key; give the key");
      }
      return plain();
    }
    return encrypted(Encryption.withKey(key, oldKeys));
  }

  /**
   * Records encrypted with the key in {@value Encryption#KEY_VARIABLE} if it is set, else plain.
   */
  public static TaskRecords fromEnvironment(List<String> oldKeys) {
    return new TaskRecords(Encryption.fromEnvironment(oldKeys).orElse(null));
  }

  /** The encryption records are written with, if any. */
  public Optional<Encryption> encryption() {
    return Optional.ofNullable(encryption);
  }

  /**
   * The record to store for {@code task}.
   *
   * @throws io.asyncz.InvalidInputException when the task has no textual reference or an argument
   *     is not a JSON value
   */
  public byte[] write(Task task) {
    byte[] plain = codec.encode(task);
    return encryption == null ? plain : encryption.encrypt(task.id(), plain);
  }

  /**
   * The task stored under {@code id} as {@code record}.
   *
   * @throws CorruptTaskRecordException when the record cannot be read, is encrypted and no key is
   *     configured, or names another task id, and for whatever else fails while it is read (the
   *     only exception this method throws for a bad record); a store quarantines such a record
   */
  public Task read(String id, byte[] record, StoreContext context) {
    Objects.requireNonNull(id, "id");
    try {
      return decode(id, record, context);
    } catch (CorruptTaskRecordException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw new CorruptTaskRecordException(
          id, Reason.MALFORMED, "reading the record failed: " + TaskStateCodec.describe(e), e);
    }
  }

  private Task decode(String id, byte[] record, StoreContext context) {
    byte[] plain;
    if (Encryption.isEncrypted(record)) {
      if (encryption == null) {
        throw new CorruptTaskRecordException(
            id,
            Reason.UNDECRYPTABLE,
            "the record is encrypted and no key is configured; set "
                + Encryption.KEY_VARIABLE
                + " or give the store its key",
            null);
      }
      plain = encryption.decrypt(id, record);
    } else {
      plain = record;
    }
    Task task;
    try {
      task = codec.decode(plain, context);
    } catch (CorruptTaskRecordException e) {
      throw e.forTask(id);
    }
    if (!task.id().equals(id)) {
      throw new CorruptTaskRecordException(
          id,
          Reason.MALFORMED,
          "the document names task '"
              + task.id()
              + "'; a record belongs to the id it is stored under",
          null);
    }
    return task;
  }

  @Override
  public String toString() {
    return "TaskRecords[" + (encryption == null ? "plain" : encryption.toString()) + "]";
  }
}
