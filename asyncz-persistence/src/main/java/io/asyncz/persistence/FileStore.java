package io.asyncz.persistence;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
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

  private static final int MAX_FILE_NAME = 240;
  private static final String TEMP_PREFIX = ".tmp-";

  /** The subdirectory unreadable records are moved to. */
  public static final String QUARANTINE = "quarantine";

  private static final String WHY = ".why";
  private static final int MAX_WHY = 64 * 1024;

  /** The seed's default mode of the directory, {@code 0700}; record files get {@code 0600}. */
  public static final int DEFAULT_MODE = 0700;

  private final Path directory;
  private final String suffix;
  private final int mode;
  private final boolean cleanupDirectory;
  private final boolean acceptUnsafePermissions;
  private final TaskRecords records;
  // Files that are not records this store wrote, each logged once.
  private final Set<Path> warned = ConcurrentHashMap.newKeySet();
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
    this.mode = mode;
    if (suffix == null || suffix.isEmpty() || suffix.contains("/") || suffix.contains("\\")) {
      throw new InvalidInputException(
          "suffix", suffix, "is not a file name suffix; expected something like \".task\"");
    }
    this.suffix = suffix;
    this.cleanupDirectory = cleanupDirectory;
    this.acceptUnsafePermissions = acceptUnsafePermissions;
    this.records = Objects.requireNonNull(records, "records");
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
      createDirectories(directory);
      checkPermissions(directory);
      Path quarantine = directory.resolve(QUARANTINE);
      if (Files.isDirectory(quarantine, LinkOption.NOFOLLOW_LINKS)) {
        checkPermissions(quarantine);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the FileStore directory " + directory, e);
    }
  }

  /**
   * Refuses a directory that others can write to beyond what {@code mode} grants, or that another
   * user owns, unless told to accept it: whoever can write there can plant, swap or remove records.
   */
  private void checkPermissions(Path dir) throws IOException {
    if (!posix() || acceptUnsafePermissions) {
      return;
    }
    PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
    int actual = mode(attributes.permissions());
    int unsafe = actual & 0022 & ~mode;
    if (unsafe != 0) {
      throw new InvalidInputException(
          "FileStore directory",
          dir.toString(),
          "has mode 0"
              + Integer.toOctalString(actual)
              + " ("
              + PosixFilePermissions.toString(attributes.permissions())
              + "): "
              + ((unsafe & 0002) != 0 ? "every user" : "its group")
              + " can write to it, and so plant, swap or remove task records; expected no write"
              + " access for group or others beyond the store's mode 0"
              + Integer.toOctalString(mode)
              + ". Run chmod go-w on it, or set accept_unsafe_permissions to use it anyway");
    }
    UserPrincipal me = currentUser(dir);
    if (me != null && !attributes.owner().getName().equals(me.getName())) {
      throw new InvalidInputException(
          "FileStore directory",
          dir.toString(),
          "is owned by "
              + attributes.owner().getName()
              + ", not by "
              + me.getName()
              + ", the user this process runs as; its owner can plant, swap or remove task"
              + " records. Give it to "
              + me.getName()
              + ", or set accept_unsafe_permissions to use it anyway");
    }
  }

  /** The user this process runs as, or null when the platform cannot say. */
  private UserPrincipal currentUser(Path dir) {
    try {
      return dir.getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (IOException | UnsupportedOperationException e) {
      logger.debug("Cannot tell which user this process runs as; not checking who owns {}", dir);
      return null;
    }
  }

  @Override
  public synchronized void shutdown() {
    if (!cleanupDirectory) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      if (files.iterator().hasNext()) {
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
    Path file = fileOf(id);
    byte[] bytes;
    try {
      bytes = readRecord(id, file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes == null ? Optional.empty() : Optional.ofNullable(decode(id, file, bytes));
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
    List<Task> all = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + suffix)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX)) {
          continue;
        }
        String stem = name.substring(0, name.length() - suffix.length());
        String id = idOf(stem);
        if (id == null || id.isEmpty() || !encode(id).equals(stem)) {
          foreign(file, stem, id);
          continue;
        }
        byte[] bytes = readRecord(id, file);
        if (bytes == null) {
          continue; // deleted meanwhile, or quarantined unread
        }
        Task task = decode(id, file, bytes);
        if (task != null) {
          all.add(task);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    all.sort(MemoryStore.ORDER);
    return all;
  }

  @Override
  public synchronized void addTask(Task task) {
    Path file = fileOf(task.id());
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ConflictIdException(task.id());
    }
    write(file, records.write(task), false, task.id());
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
        write(file, encoded.get(i), false, task.id());
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
      forceDirectory();
      throw e;
    }
  }

  @Override
  public synchronized void updateTask(Task task) {
    Path file = fileOf(task.id());
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new TaskLookupException(task.id());
    }
    write(file, records.write(task), true, task.id());
  }

  @Override
  public synchronized void deleteTask(String id) {
    Path file = fileOf(id);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new TaskLookupException(id); // nothing of this store's: left alone
    }
    try {
      Files.delete(file);
      forceDirectory();
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
        write(file, records.rewrite(task), true, task.id());
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
    forceDirectory();
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
    forceDirectory();
  }

  @Override
  public String toString() {
    return "FileStore[" + directory + "]";
  }

  // ------------------------------------------------------------------ records

  /**
   * The bytes of the record {@code file} of task {@code id}, or null when there are none to decode:
   * the file is gone, is not a regular file (a link, a FIFO, a directory: left alone, never
   * followed or opened), or is over the read limit (quarantined without being read).
   */
  private byte[] readRecord(String id, Path file) throws IOException {
    BasicFileAttributes attributes = attributes(file);
    if (attributes == null) {
      return null;
    }
    if (!attributes.isRegularFile()) {
      warnOnce(file, "is not a regular file (a link, a FIFO, a directory or a device)");
      return null;
    }
    if (attributes.size() > records.readLimit()) {
      quarantine(id, file, records.tooLarge(id, attributes.size()));
      return null;
    }
    byte[] bytes;
    try {
      bytes = readBounded(file, records.readLimit());
    } catch (NoSuchFileException gone) {
      return null;
    }
    if (bytes.length > records.readLimit()) { // it grew since
      quarantine(id, file, records.tooLarge(id, bytes.length));
      return null;
    }
    return bytes;
  }

  /** What is at {@code file} itself (a link is not followed), or null when nothing is. */
  private static BasicFileAttributes attributes(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return null;
    }
  }

  /**
   * The bytes of the regular file {@code file}, opened without following a link, and at most one
   * byte more than {@code limit}.
   */
  private static byte[] readBounded(Path file, long limit) throws IOException {
    try (InputStream in =
        Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
    }
  }

  /**
   * Sets aside a file with the record suffix under a name this store does not write: it is never
   * read as a task (its name may decode to an id whose record lives under another name, so that
   * writes for that id go elsewhere and the file stays due for ever). A regular file is quarantined
   * with its bytes, under the id its name decodes to, or the name itself; anything else is left
   * alone and logged once.
   */
  private void foreign(Path file, String stem, String decoded) throws IOException {
    BasicFileAttributes attributes = attributes(file);
    if (attributes == null) {
      return;
    }
    String id = decoded == null || decoded.isEmpty() ? stem : decoded;
    if (!attributes.isRegularFile()
        || id.isEmpty()
        || encode(id).length() + suffix.length() > MAX_FILE_NAME) {
      warnOnce(file, "is not named as this store names task records");
      return;
    }
    String expected =
        decoded == null || decoded.isEmpty() ? "no task's" : "'" + encode(decoded) + suffix + "'";
    quarantine(
        id,
        file,
        new CorruptTaskRecordException(
            id,
            CorruptTaskRecordException.Reason.MALFORMED,
            "the file name '"
                + file.getFileName()
                + "' is not one this store writes (it names "
                + expected
                + " record); it was not read as a task",
            null));
  }

  private void warnOnce(Path file, String what) {
    if (warned.add(file)) {
      logger.warn(
          "Ignoring {} in the task directory: it {}, so this store did not write it; it is not"
              + " read, moved or deleted",
          file,
          what);
    }
  }

  private Task decode(String id, Path file, byte[] bytes) {
    try {
      return records.read(id, bytes, context);
    } catch (CorruptTaskRecordException e) {
      quarantine(id, file, e);
      return null;
    }
  }

  // ------------------------------------------------------------------ quarantine

  /**
   * Moves an unreadable record into the quarantine directory, logs it and sends the event; a record
   * that cannot be moved stays where it is, and the next read tries again.
   */
  private void quarantine(String id, Path file, CorruptTaskRecordException failure) {
    Path target;
    try {
      target = moveToQuarantine(id, file, failure.reason().name(), failure.getMessage());
    } catch (IOException e) {
      logger.error(
          "Cannot quarantine unreadable task record {} ({}): {}", file, failure.reason(), e, e);
      return;
    }
    if (target == null) {
      return; // deleted meanwhile: nothing to keep
    }
    logger.error(
        "Quarantined unreadable task record {} as {} ({}): {}; list it with"
            + " quarantinedRecords() and restore it with restoreQuarantined(id)",
        file,
        target,
        failure.reason(),
        failure.getMessage());
    context.dispatch(
        new TaskQuarantinedEvent(id, alias, failure.reason().name(), failure.getMessage()));
  }

  /**
   * Moves a stored task into the quarantine directory with its file's exact bytes, by the same
   * atomic rename as an unreadable record; the scheduler logs it and sends the event.
   */
  @Override
  public synchronized boolean quarantineTask(String id, String reason, String detail) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Path file = fileOf(id);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      return moveToQuarantine(id, file, reason, detail) != null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot quarantine task record " + file, e);
    }
  }

  /**
   * Moves {@code file} into the quarantine directory as a record of {@code id}: the reason is
   * written first, then the record is renamed, so its bytes never leave the disk (if another
   * process rewrote the file meanwhile, the newer bytes are the ones kept, and restore brings them
   * back).
   *
   * @return the quarantined file, or null when {@code file} no longer exists
   */
  private Path moveToQuarantine(String id, Path file, String reason, String detail)
      throws IOException {
    Path dir = directory.resolve(QUARANTINE);
    long micros = micros(context.clock().instant());
    String name = encode(id) + suffix;
    Path target = dir.resolve(micros + "-" + name);
    for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
      // The same id set aside twice in one microsecond: the later one a hair later.
      target = dir.resolve((micros + n) + "-" + name);
    }
    createDirectories(dir);
    Path why = dir.resolve(target.getFileName() + WHY);
    Files.write(why, (reason + "\n" + detail).getBytes(StandardCharsets.UTF_8));
    if (posix()) {
      Files.setPosixFilePermissions(why, permissions(mode & 0666));
    }
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException gone) {
      Files.deleteIfExists(why);
      return null;
    }
    forceDirectory(dir);
    forceDirectory(directory);
    return target;
  }

  private record Entry(Path file, String id, long micros) {}

  /** The quarantined record files, oldest first (then by id). */
  private List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    Path dir = directory.resolve(QUARANTINE);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        int dash = name.indexOf('-');
        if (dash <= 0) {
          continue;
        }
        long micros;
        try {
          micros = Long.parseLong(name.substring(0, dash));
        } catch (NumberFormatException notOurs) {
          continue;
        }
        String stem = name.substring(dash + 1, name.length() - suffix.length());
        String id = idOf(stem);
        if (id == null || id.isEmpty() || !encode(id).equals(stem)) {
          warnOnce(file, "is not named as this store names quarantined records");
          continue;
        }
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null) {
          continue;
        }
        if (!attributes.isRegularFile()) {
          warnOnce(file, "is not a regular file (a link, a FIFO, a directory or a device)");
          continue;
        }
        entries.add(new Entry(file, id, micros));
      }
    } catch (NoSuchFileException none) {
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    entries.sort(Comparator.comparingLong(Entry::micros).thenComparing(Entry::id));
    return entries;
  }

  @Override
  public synchronized List<QuarantinedRecord> quarantinedRecords() {
    List<QuarantinedRecord> list = new ArrayList<>();
    for (Entry e : entries()) {
      byte[] raw;
      try {
        raw = readBounded(e.file(), Integer.MAX_VALUE - 9);
      } catch (NoSuchFileException gone) {
        continue;
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      String reason = "UNKNOWN";
      String detail = "the reason file is missing";
      Path whyFile = e.file().resolveSibling(e.file().getFileName() + WHY);
      try {
        if (Files.isRegularFile(whyFile, LinkOption.NOFOLLOW_LINKS)) {
          String why = new String(readBounded(whyFile, MAX_WHY), StandardCharsets.UTF_8);
          int nl = why.indexOf('\n');
          reason = nl < 0 ? why : why.substring(0, nl);
          detail = nl < 0 ? "" : why.substring(nl + 1);
        }
      } catch (IOException noReason) {
        // reported as missing
      }
      list.add(new QuarantinedRecord(e.id(), raw, reason, detail, instant(e.micros())));
    }
    return list;
  }

  @Override
  public synchronized Task restoreQuarantined(String taskId) {
    Entry newest = null;
    for (Entry e : entries()) {
      if (e.id().equals(taskId)) {
        newest = e; // entries are oldest first
      }
    }
    if (newest == null) {
      throw new TaskLookupException(taskId);
    }
    Path file = fileOf(taskId);
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ConflictIdException(taskId);
    }
    byte[] raw;
    try {
      raw = readBounded(newest.file(), records.readLimit());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Task task = records.read(taskId, raw, context); // still unreadable: stays quarantined
    write(file, records.rewrite(task), false, taskId); // with the current key and format
    discard(newest);
    return task;
  }

  @Override
  public synchronized void discardQuarantined(String taskId) {
    boolean found = false;
    for (Entry e : entries()) {
      if (e.id().equals(taskId)) {
        discard(e);
        found = true;
      }
    }
    if (!found) {
      throw new TaskLookupException(taskId);
    }
  }

  private void discard(Entry e) {
    try {
      Files.deleteIfExists(e.file());
      Files.deleteIfExists(e.file().resolveSibling(e.file().getFileName() + WHY));
      forceDirectory(e.file().getParent());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static long micros(Instant t) {
    return Math.multiplyExact(t.getEpochSecond(), 1_000_000L) + t.getNano() / 1000;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  private void write(Path file, byte[] bytes, boolean replace, String id) {
    Path temp =
        directory.resolve(
            TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + suffix);
    try {
      try (FileChannel channel =
          posix()
              ? FileChannel.open(
                  temp,
                  Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                  PosixFilePermissions.asFileAttribute(permissions(mode & 0666)))
              : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (replace) {
        moveAtomically(temp, file, true);
      } else {
        // Rename would replace a file created meanwhile by another process; a link does not.
        try {
          Files.createLink(file, temp);
        } catch (FileAlreadyExistsException e) {
          throw new ConflictIdException(id);
        } catch (UnsupportedOperationException e) {
          moveAtomically(temp, file, false);
        }
      }
      forceDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write task record " + file, e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        logger.warn("Cannot remove temporary file {}", temp, e);
      }
    }
  }

  private boolean posix() {
    return directory.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private void createDirectories(Path dir) throws IOException {
    if (posix()) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(permissions(mode)));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** The octal mode of {@code permissions}, such as {@code 0700}. */
  static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if (permissions.contains(bits[i])) {
        mode |= 0400 >> i;
      }
    }
    return mode;
  }

  /** The permissions of an octal mode such as {@code 0700}. */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }

  private static void moveAtomically(Path from, Path to, boolean replace) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      if (replace) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(from, to);
      }
    }
  }

  private void forceDirectory() {
    forceDirectory(directory);
  }

  private static void forceDirectory(Path directory) {
    // Makes the rename durable; not every platform can open a directory, which is then skipped.
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }

  // ------------------------------------------------------------------ file names

  private Path fileOf(String id) {
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
