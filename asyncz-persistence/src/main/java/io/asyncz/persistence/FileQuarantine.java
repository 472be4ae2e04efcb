package io.asyncz.persistence;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.task.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The file store's quarantine directory: record files moved into it by an atomic rename (unreadable
 * ones a read met, tasks the scheduler cannot run) with a {@code .why} file beside each, and
 * listing, restoring and discarding them; called under the store's lock.
 */
final class FileQuarantine {
  private static final String WHY = ".why";
  private static final int MAX_WHY = 64 * 1024;

  /** A quarantined record file, the task id its name gives, and when it was set aside. */
  private record Entry(Path file, String id, long micros) {}

  private final FileStore store;
  private final FileDirectory files;
  private final Path directory;
  private final String suffix;
  private final TaskRecords records;

  FileQuarantine(
      FileStore store, FileDirectory files, Path directory, String suffix, TaskRecords records) {
    this.store = store;
    this.files = files;
    this.directory = directory;
    this.suffix = suffix;
    this.records = records;
  }

  /**
   * Moves an unreadable record into the quarantine directory, logs it and sends the event; a record
   * that cannot be moved stays where it is, and the next read tries again.
   */
  void quarantine(String id, Path file, CorruptTaskRecordException failure) {
    Logger logger = store.logger();
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
    store
        .context()
        .dispatch(
            new TaskQuarantinedEvent(
                id, store.alias(), failure.reason().name(), failure.getMessage()));
  }

  /** Moves a stored task's record file into the quarantine directory; whether there was one. */
  boolean quarantineTask(String id, String reason, String detail) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Path file = store.fileOf(id);
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
    Path dir = directory.resolve(FileStore.QUARANTINE);
    long micros = micros(store.context().clock().instant());
    String name = FileStore.encode(id) + suffix;
    Path target = dir.resolve(micros + "-" + name);
    for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
      // The same id set aside twice in one microsecond: the later one a hair later.
      target = dir.resolve((micros + n) + "-" + name);
    }
    files.createDirectories(dir);
    Path why = dir.resolve(target.getFileName() + WHY);
    Files.write(why, (reason + "\n" + detail).getBytes(StandardCharsets.UTF_8));
    files.restrict(why);
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException gone) {
      Files.deleteIfExists(why);
      return null;
    }
    FileDirectory.force(dir);
    files.force();
    return target;
  }

  /** The quarantined record files, oldest first (then by id). */
  private List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    Path dir = directory.resolve(FileStore.QUARANTINE);
    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*" + suffix)) {
      for (Path file : found) {
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
        String id = FileStore.idOf(stem);
        if (id == null || id.isEmpty() || !FileStore.encode(id).equals(stem)) {
          files.warnOnce(file, "is not named as this store names quarantined records");
          continue;
        }
        BasicFileAttributes attributes = FileDirectory.attributes(file);
        if (attributes == null) {
          continue;
        }
        if (!attributes.isRegularFile()) {
          files.warnOnce(file, "is not a regular file (a link, a FIFO, a directory or a device)");
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

  List<QuarantinedRecord> quarantinedRecords() {
    List<QuarantinedRecord> list = new ArrayList<>();
    for (Entry e : entries()) {
      byte[] raw;
      try {
        raw = FileDirectory.readBounded(e.file(), Integer.MAX_VALUE - 9);
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
          String why =
              new String(FileDirectory.readBounded(whyFile, MAX_WHY), StandardCharsets.UTF_8);
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

  Task restoreQuarantined(String taskId) {
    Entry newest = null;
    for (Entry e : entries()) {
      if (e.id().equals(taskId)) {
        newest = e; // entries are oldest first
      }
    }
    if (newest == null) {
      throw new TaskLookupException(taskId);
    }
    Path file = store.fileOf(taskId);
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ConflictIdException(taskId);
    }
    byte[] raw;
    try {
      raw = FileDirectory.readBounded(newest.file(), records.readLimit());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Task task = records.read(taskId, raw, store.context()); // still unreadable: stays quarantined
    files.write(file, records.rewrite(task), false, taskId); // with the current key and format
    discard(newest);
    return task;
  }

  void discardQuarantined(String taskId) {
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
      FileDirectory.force(e.file().getParent());
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
}
