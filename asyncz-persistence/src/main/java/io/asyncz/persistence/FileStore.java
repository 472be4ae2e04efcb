package io.asyncz.persistence;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each task in a file of its own in a directory (the seed's FileStore, alias {@code file}).
 *
 * <p>Writes are atomic: a record goes to a temporary file that is forced to disk and then renamed
 * over the task's file, and the directory is forced after the rename, so a crash leaves either the
 * old record or the new one, never a torn one. File names are the task id with every character
 * outside {@code [a-z0-9._-]} written as {@code %XX} (its UTF-8 bytes), so any id is safe and ids
 * that differ only in case stay apart on case-insensitive file systems.
 *
 * <p>A record that cannot be read (corrupt, encrypted with an unknown key, from a newer version,
 * naming a function that is not registered) is never deleted: it is moved by an atomic rename into
 * the subdirectory {@value #QUARANTINE}, as {@code <epoch micros>-<file name>}, with a {@code .why}
 * file beside it giving the reason; it is logged, reported by a {@link TaskQuarantinedEvent}, and
 * can be listed, restored and discarded ({@link #quarantinedRecords()}).
 */
public final class FileStore implements TaskStore {
  /** The default file suffix. */
  public static final String DEFAULT_SUFFIX = ".task";

  /** The longest file name, suffix included, that a record file gets. */
  static final int MAX_FILE_NAME = 240;

  /** The subdirectory unreadable records are moved to. */
  public static final String QUARANTINE = "quarantine";

  /** The seed's default mode of the directory, {@code 0700}; record files get {@code 0600}. */
  public static final int DEFAULT_MODE = 0700;

  private final Path directory;
  private final String suffix;
  private final boolean cleanupDirectory;
  private final TaskRecords records;
  private final FileDirectory files;
  private final FileQuarantine quarantine;
  private final FileRecords reads;
  private volatile StoreContext context;
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.stores.default");
  private volatile String alias = "default";

  /**
   * A store in {@code directory} with the default suffix, whose records are encrypted with the key
   * in {@value Encryption#KEY_VARIABLE} when that is set, and plain otherwise.
   */
  public FileStore(Path directory) {
    this(directory, DEFAULT_SUFFIX, false, TaskRecords.fromEnvironment(List.of()));
  }

  /**
   * A store in {@code directory}.
   *
   * @param suffix the file name suffix of task records, e.g. {@code .task}
   * @param cleanupDirectory whether {@link #shutdown()} deletes the directory when it holds no task
   *     records
   * @param records how records are written: plain JSON or encrypted
   */
  public FileStore(Path directory, String suffix, boolean cleanupDirectory, TaskRecords records) {
    this(directory, suffix, DEFAULT_MODE, cleanupDirectory, records);
  }

  /**
   * A store in {@code directory}.
   *
   * @param suffix the file name suffix of task records, e.g. {@code .task}
   * @param mode the seed's {@code mode}: the POSIX permissions of the directories the store
   *     creates, {@code 0000} to {@code 0777} (default {@code 0700}); record files get the same
   *     bits without execute ({@code 0600}). Ignored where the file system has no POSIX
   *     permissions.
   * @param cleanupDirectory whether {@link #shutdown()} deletes the directory when it holds no task
   *     records
   * @param records how records are written: plain JSON or encrypted
   */
  public FileStore(
      Path directory, String suffix, int mode, boolean cleanupDirectory, TaskRecords records) {
    this(directory, suffix, mode, cleanupDirectory, false, records);
  }

  /**
   * A store in {@code directory}.
   *
   * @param suffix the file name suffix of task records, e.g. {@code .task}
   * @param mode the seed's {@code mode}: the POSIX permissions of the directories the store
   *     creates, {@code 0000} to {@code 0777} (default {@code 0700}); record files get the same
   *     bits without execute ({@code 0600}). Ignored where the file system has no POSIX
   *     permissions.
   * @param cleanupDirectory whether {@link #shutdown()} deletes the directory when it holds no task
   *     records
   * @param acceptUnsafePermissions whether {@link #start} accepts a directory that others can write
   *     to (beyond what {@code mode} grants) or that another user owns; by default it refuses one,
   *     since whoever can write there can plant, swap or remove task records
   * @param records how records are written: plain JSON or encrypted
   */
  public FileStore(
      Path directory,
      String suffix,
      int mode,
      boolean cleanupDirectory,
      boolean acceptUnsafePermissions,
      TaskRecords records) {
    this.directory = Objects.requireNonNull(directory, "directory");
    if (mode < 0 || mode > 0777) {
      throw new InvalidInputException(
          "mode",
          "0" + Integer.toOctalString(mode),
          "is not a permission mode; expected octal 0000 to 0777, e.g. 0700");
    }
    if (suffix == null || suffix.isEmpty() || suffix.contains("/") || suffix.contains("\\")) {
      throw new InvalidInputException(
          "suffix", suffix, "is not a file name suffix; expected something like \".task\"");
    }
    this.suffix = suffix;
    this.cleanupDirectory = cleanupDirectory;
    this.records = Objects.requireNonNull(records, "records");
    this.files = new FileDirectory(this, directory, suffix, mode, acceptUnsafePermissions);
    this.quarantine = new FileQuarantine(this, files, directory, suffix, records);
    this.reads = new FileRecords(this, files, directory, suffix, records, quarantine);
  }

  /** The directory the records are in. */
  public Path directory() {
    return directory;
  }

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public void start(StoreContext context, String alias) {
    this.context = Objects.requireNonNull(context, "context");
    this.logger = LoggerFactory.getLogger("asyncz.stores." + alias);
    this.alias = alias;
    try {
      files.open();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the FileStore directory " + directory, e);
    }
  }

  /**
   * The run history, kept beside the tasks in the subdirectory {@code runs}: one append-only
   * JSON-lines file per task, compacted as it grows (see {@code docs/history.md}).
   */
  @Override
  public Optional<io.asyncz.history.RunHistory> runHistory(
      io.asyncz.history.RunRetention retention) {
    StoreContext started = context;
    java.time.Clock clock = started != null ? started.clock() : java.time.Clock.systemUTC();
    return Optional.of(new FileRunHistory(directory, retention, clock, logger));
  }

  @Override
  public synchronized void shutdown() {
    if (!cleanupDirectory) {
      return;
    }
    try (DirectoryStream<Path> left = Files.newDirectoryStream(directory)) {
      if (left.iterator().hasNext()) {
        logger.warn("Not removing {}: it still holds files", directory);
        return;
      }
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized Optional<Task> lookupTask(String id) {
    return reads.lookupTask(id);
  }

  @Override
  public synchronized List<Task> dueTasks(Instant now) {
    List<Task> due = new ArrayList<>();
    for (Task task : allTasks()) {
      Instant next = task.nextRunTime().orElse(null);
      if (next == null || next.isAfter(now)) {
        break;
      }
      due.add(task);
    }
    return due;
  }

  @Override
  public synchronized Optional<Instant> nextRunTime() {
    List<Task> all = allTasks();
    return all.isEmpty() ? Optional.empty() : all.get(0).nextRunTime();
  }

  @Override
  public synchronized List<Task> allTasks() {
    return reads.allTasks();
  }

  @Override
  public synchronized void addTask(Task task) {
    Path file = fileOf(task.id());
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ConflictIdException(task.id());
    }
    files.write(file, records.write(task), false, task.id());
  }

  /**
   * Stores new tasks, all or none: every record is made (and checked against the maximum record
   * size) before the first is written, and the tasks written are deleted again on a conflict.
   */
  @Override
  public synchronized void addTasks(List<Task> tasks) {
    List<byte[]> encoded = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      encoded.add(records.write(task));
    }
    List<Path> added = new ArrayList<>(tasks.size());
    try {
      for (int i = 0; i < tasks.size(); i++) {
        Task task = tasks.get(i);
        Path file = fileOf(task.id());
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
          throw new ConflictIdException(task.id());
        }
        files.write(file, encoded.get(i), false, task.id());
        added.add(file);
      }
    } catch (RuntimeException e) {
      for (Path file : added) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      files.force();
      throw e;
    }
  }

  @Override
  public synchronized void updateTask(Task task) {
    Path file = fileOf(task.id());
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new TaskLookupException(task.id());
    }
    files.write(file, records.write(task), true, task.id());
  }

  @Override
  public synchronized void deleteTask(String id) {
    Path file = fileOf(id);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new TaskLookupException(id); // nothing of this store's: left alone
    }
    try {
      Files.delete(file);
      files.force();
    } catch (NoSuchFileException e) {
      throw new TaskLookupException(id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stores a loop batch: each advanced task's record is replaced (not held to the maximum record
   * size, which was checked when the task was added or updated), each finished one deleted; tasks
   * deleted meanwhile are skipped.
   */
  @Override
  public synchronized void advanceTasks(List<Task> advanced, List<String> finished) {
    for (Task task : advanced) {
      Path file = fileOf(task.id());
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        files.write(file, records.rewrite(task), true, task.id());
      }
    }
    for (String id : finished) {
      Path file = fileOf(id);
      try {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    files.force();
  }

  @Override
  public synchronized void removeAllTasks() {
    for (Task task : allTasks()) {
      try {
        Files.deleteIfExists(fileOf(task.id()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    files.force();
  }

  @Override
  public String toString() {
    return "FileStore[" + directory + "]";
  }

  // ------------------------------------------------------------------ quarantine

  /**
   * Moves a stored task into the quarantine directory with its file's exact bytes, by the same
   * atomic rename as an unreadable record; the scheduler logs it and sends the event.
   */
  @Override
  public synchronized boolean quarantineTask(String id, String reason, String detail) {
    return quarantine.quarantineTask(id, reason, detail);
  }

  @Override
  public synchronized List<QuarantinedRecord> quarantinedRecords() {
    return quarantine.quarantinedRecords();
  }

  @Override
  public synchronized Task restoreQuarantined(String taskId) {
    return quarantine.restoreQuarantined(taskId);
  }

  @Override
  public synchronized void discardQuarantined(String taskId) {
    quarantine.discardQuarantined(taskId);
  }

  // ------------------------------------------------------------------ what the parts share

  /** What the scheduler gave at {@link #start}: its clock, its registry, its event dispatch. */
  StoreContext context() {
    return context;
  }

  /** The logger {@code asyncz.stores.<alias>}. */
  Logger logger() {
    return logger;
  }

  /** The alias the scheduler knows this store by. */
  String alias() {
    return alias;
  }

  // ------------------------------------------------------------------ file names

  /**
   * The record file of task {@code id}.
   *
   * @throws InvalidInputException when the id is too long for a file name once encoded
   */
  Path fileOf(String id) {
    String name = encode(id);
    if (name.length() + suffix.length() > MAX_FILE_NAME) {
      throw new InvalidInputException(
          "task id",
          id.length() > 60 ? id.substring(0, 60) + "..." : id,
          "is too long for a FileStore file name (encoded it takes "
              + name.length()
              + " characters; at most "
              + (MAX_FILE_NAME - suffix.length())
              + ")");
    }
    return directory.resolve(name + suffix);
  }

  /** Keeps [a-z0-9._-]; writes every other UTF-8 byte as %XX (so also A-Z, '/', '%'). */
  static String encode(String id) {
    if (id.isEmpty()) {
      throw new InvalidInputException("task id", id, "is empty");
    }
    StringBuilder sb = new StringBuilder(id.length());
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      boolean plain =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (plain) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return sb.toString();
  }

  /** The id a file name stands for, or null when it is not one this store writes. */
  static String idOf(String name) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%') {
        if (i + 2 >= name.length()) {
          return null;
        }
        int hi = Character.digit(name.charAt(i + 1), 16);
        int lo = Character.digit(name.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
