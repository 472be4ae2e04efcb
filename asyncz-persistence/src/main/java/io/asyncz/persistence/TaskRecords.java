package io.asyncz.persistence;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import io.asyncz.store.StoreContext;
import io.asyncz.task.Task;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a persistent store writes for a task and how it reads it back: the {@link TaskStateCodec}
 * document, sealed by {@link Encryption} when a key is configured. Reading checks that the record
 * belongs to the id it was stored under, so a record copied to another row is refused even when it
 * is not encrypted.
 *
 * <p>Records have a maximum size ({@link #DEFAULT_MAX_RECORD_SIZE} unless {@link
 * #withMaxRecordSize} says otherwise; the stores' {@value #MAX_RECORD_SIZE_OPTION} option): a task
 * whose record would be larger is refused when it is added or updated, before anything is written.
 * A stored record more than {@value #READ_LIMIT_FACTOR} times that size ({@link #readLimit()},
 * written by an older version or past the store) is not read at all: the store quarantines it as
 * {@link CorruptTaskRecordException.Reason#TOO_LARGE}, without fetching it where the backend can
 * tell its size first. Records between the two still read, so lowering the limit loses nothing.
 *
 * <p>Instances are immutable and safe for concurrent use.
 */
public final class TaskRecords {
  /** The default maximum size of a record, 1 MiB. */
  public static final int DEFAULT_MAX_RECORD_SIZE = 1 << 20;

  /** The smallest maximum record size a store accepts, 1 KiB. */
  public static final int MIN_MAX_RECORD_SIZE = 1 << 10;

  /** The largest maximum record size a store accepts, 64 MiB. */
  public static final int MAX_MAX_RECORD_SIZE = 64 << 20;

  /** How many times the maximum record size a stored record may have and still be read. */
  public static final int READ_LIMIT_FACTOR = 16;

  /** The store option that sets the maximum record size, in bytes. */
  public static final String MAX_RECORD_SIZE_OPTION = "max_record_size";

  private final TaskStateCodec codec = new TaskStateCodec();
  private final Encryption encryption;
  private final int maxRecordSize;

  private TaskRecords(Encryption encryption, int maxRecordSize) {
    this.encryption = encryption;
    this.maxRecordSize = maxRecordSize;
  }

  private TaskRecords(Encryption encryption) {
    this(encryption, DEFAULT_MAX_RECORD_SIZE);
  }

  /**
   * Records in plain JSON; encrypted records are refused when read.
   *
   * @throws InvalidInputException when {@value Encryption#KEY_VARIABLE} is set: the environment
   *     asks for encrypted records, and a store given these would write plaintext anyway. Use
   *     {@link #fromEnvironment} (or {@link #withKey} with the key) instead, or unset the variable.
   */
  public static TaskRecords plain() {
    return plain(System.getenv());
  }

  /** As {@link #plain()}, reading {@code environment} instead of the process's. */
  static TaskRecords plain(Map<String, String> environment) {
    String key = environment.get(Encryption.KEY_VARIABLE);
    if (key != null && !key.isBlank()) {
      throw new InvalidInputException(
          "task records",
          "plain",
          "are asked for while "
              + Encryption.KEY_VARIABLE
              + " is set, so a store would write plaintext that the environment asks to have"
              + " encrypted; use TaskRecords.fromEnvironment(oldKeys) or TaskRecords.withKey(key),"
              + " or unset "
              + Encryption.KEY_VARIABLE);
    }
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
   * @throws InvalidInputException when old keys are given without a key, or no key is given while
   *     {@value Encryption#KEY_VARIABLE} is set (see {@link #plain()})
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

  /**
   * Records for a store made from configuration: encrypted when {@value Encryption#KEY_VARIABLE} is
   * set, with the maximum size of the {@value #MAX_RECORD_SIZE_OPTION} option when given.
   *
   * @throws InvalidInputException when the option is not a whole number of bytes from {@value
   *     #MIN_MAX_RECORD_SIZE} to {@value #MAX_MAX_RECORD_SIZE}, naming the option
   */
  public static TaskRecords fromOptions(PluginOptions options) {
    TaskRecords records = fromEnvironment(List.of());
    if (options.raw(MAX_RECORD_SIZE_OPTION).isEmpty()) {
      return records;
    }
    String key = options.key(MAX_RECORD_SIZE_OPTION);
    Object value = options.raw(MAX_RECORD_SIZE_OPTION).get();
    int bytes = PluginOptions.integerValue(key, value);
    checkMaxRecordSize(key, bytes);
    return records.withMaxRecordSize(bytes);
  }

  /**
   * These records with another maximum record size.
   *
   * @param bytes from {@value #MIN_MAX_RECORD_SIZE} to {@value #MAX_MAX_RECORD_SIZE}
   * @throws InvalidInputException when {@code bytes} is out of that range
   */
  public TaskRecords withMaxRecordSize(int bytes) {
    checkMaxRecordSize(MAX_RECORD_SIZE_OPTION, bytes);
    return new TaskRecords(encryption, bytes);
  }

  private static void checkMaxRecordSize(String name, int bytes) {
    if (bytes < MIN_MAX_RECORD_SIZE || bytes > MAX_MAX_RECORD_SIZE) {
      throw new InvalidInputException(
          name,
          bytes,
          "is out of range; expected a number of bytes from "
              + MIN_MAX_RECORD_SIZE
              + " (1 KiB) to "
              + MAX_MAX_RECORD_SIZE
              + " (64 MiB), e.g. "
              + DEFAULT_MAX_RECORD_SIZE
              + " (1 MiB, the default)");
    }
  }

  /** The encryption records are written with, if any. */
  public Optional<Encryption> encryption() {
    return Optional.ofNullable(encryption);
  }

  /** The largest record {@link #write} gives, in bytes. */
  public int maxRecordSize() {
    return maxRecordSize;
  }

  /**
   * The largest stored record {@link #read} reads, in bytes: {@value #READ_LIMIT_FACTOR} times the
   * maximum record size. A store that can tell a record's size before it fetches it should leave a
   * larger one where it is and quarantine it with {@link #tooLarge}.
   */
  public long readLimit() {
    return (long) READ_LIMIT_FACTOR * maxRecordSize;
  }

  /**
   * The record to store for {@code task}, a task being added or updated.
   *
   * @throws io.asyncz.InvalidInputException when the task has no textual reference, an argument is
   *     not a JSON value, or the record would be larger than the maximum record size (the message
   *     names the task, the size and the limit)
   */
  public byte[] write(Task task) {
    byte[] record = rewrite(task);
    if (record.length > maxRecordSize) {
      throw new InvalidInputException(
          "record of task " + InvalidInputException.quote(task.id()),
          record.length + " bytes",
          "is larger than "
              + MAX_RECORD_SIZE_OPTION
              + " ("
              + maxRecordSize
              + " bytes); keep large data out of a task's arguments (pass a reference to it), or"
              + " raise the store's "
              + MAX_RECORD_SIZE_OPTION);
    }
    return record;
  }

  /**
   * The record to store for a task that is stored already and only moves on (the loop's next run
   * times, a restored record): not held to the maximum record size, which was checked when the task
   * was added or updated, so that a limit lowered since never holds up a batch.
   *
   * @throws io.asyncz.InvalidInputException when the task has no textual reference or an argument
   *     is not a JSON value
   */
  public byte[] rewrite(Task task) {
    byte[] plain = codec.encode(task);
    return encryption == null ? plain : encryption.encrypt(task.id(), plain);
  }

  /**
   * The failure for a stored record of {@code size} bytes over the {@link #readLimit()}, for a
   * store that leaves it unread.
   */
  public CorruptTaskRecordException tooLarge(String id, long size) {
    return new CorruptTaskRecordException(
        id,
        Reason.TOO_LARGE,
        "the record is "
            + size
            + " bytes, over the read limit of "
            + readLimit()
            + " bytes ("
            + READ_LIMIT_FACTOR
            + " x "
            + MAX_RECORD_SIZE_OPTION
            + " "
            + maxRecordSize
            + "); it was not read. Raise the store's "
            + MAX_RECORD_SIZE_OPTION
            + " to restore it",
        null);
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
    if (record.length > readLimit()) {
      throw tooLarge(id, record.length);
    }
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
    return "TaskRecords["
        + (encryption == null ? "plain" : encryption.toString())
        + (maxRecordSize == DEFAULT_MAX_RECORD_SIZE ? "" : ", max " + maxRecordSize + " bytes")
        + "]";
  }
}
