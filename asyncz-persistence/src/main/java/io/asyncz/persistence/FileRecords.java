package io.asyncz.persistence;

import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The file store's reading path: record files found by their name, read only when they are regular
 * files within the read limit, decoded into tasks, and quarantined when they cannot be read or are
 * named as this store never names a record; called under the store's lock.
 */
final class FileRecords {
  private final FileStore store;
  private final FileDirectory files;
  private final Path directory;
  private final String suffix;
  private final TaskRecords records;
  private final FileQuarantine quarantine;

  FileRecords(
      FileStore store,
      FileDirectory files,
      Path directory,
      String suffix,
      TaskRecords records,
      FileQuarantine quarantine) {
    this.store = store;
    this.files = files;
    this.directory = directory;
    this.suffix = suffix;
    this.records = records;
    this.quarantine = quarantine;
  }

  Optional<Task> lookupTask(String id) {
    Path file = store.fileOf(id);
    byte[] bytes;
    try {
      bytes = readRecord(id, file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes == null ? Optional.empty() : Optional.ofNullable(decode(id, file, bytes));
  }

  List<Task> allTasks() {
    List<Task> all = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, "*" + suffix)) {
      for (Path file : found) {
        String name = file.getFileName().toString();
        if (name.startsWith(FileDirectory.TEMP_PREFIX)) {
          continue;
        }
        String stem = name.substring(0, name.length() - suffix.length());
        String id = FileStore.idOf(stem);
        if (id == null || id.isEmpty() || !FileStore.encode(id).equals(stem)) {
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

  /**
   * The bytes of the record {@code file} of task {@code id}, or null when there are none to decode:
   * the file is gone, is not a regular file (a link, a FIFO, a directory: left alone, never
   * followed or opened), or is over the read limit (quarantined without being read).
   */
  private byte[] readRecord(String id, Path file) throws IOException {
    BasicFileAttributes attributes = FileDirectory.attributes(file);
    if (attributes == null) {
      return null;
    }
    if (!attributes.isRegularFile()) {
      files.warnOnce(file, "is not a regular file (a link, a FIFO, a directory or a device)");
      return null;
    }
    if (attributes.size() > records.readLimit()) {
      quarantine.quarantine(id, file, records.tooLarge(id, attributes.size()));
      return null;
    }
    byte[] bytes;
    try {
      bytes = FileDirectory.readBounded(file, records.readLimit());
    } catch (NoSuchFileException gone) {
      return null;
    }
    if (bytes.length > records.readLimit()) { // it grew since
      quarantine.quarantine(id, file, records.tooLarge(id, bytes.length));
      return null;
    }
    return bytes;
  }

  /**
   * Sets aside a file with the record suffix under a name this store does not write: it is never
   * read as a task (its name may decode to an id whose record lives under another name, so that
   * writes for that id go elsewhere and the file stays due for ever). A regular file is quarantined
   * with its bytes, under the id its name decodes to, or the name itself; anything else is left
   * alone and logged once.
   */
  private void foreign(Path file, String stem, String decoded) throws IOException {
    BasicFileAttributes attributes = FileDirectory.attributes(file);
    if (attributes == null) {
      return;
    }
    String id = decoded == null || decoded.isEmpty() ? stem : decoded;
    if (!attributes.isRegularFile()
        || id.isEmpty()
        || FileStore.encode(id).length() + suffix.length() > FileStore.MAX_FILE_NAME) {
      files.warnOnce(file, "is not named as this store names task records");
      return;
    }
    String expected =
        decoded == null || decoded.isEmpty()
            ? "no task's"
            : "'" + FileStore.encode(decoded) + suffix + "'";
    quarantine.quarantine(
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

  /** The task, or null when the record cannot be read; it is then quarantined. */
  private Task decode(String id, Path file, byte[] bytes) {
    try {
      return records.read(id, bytes, store.context());
    } catch (CorruptTaskRecordException e) {
      quarantine.quarantine(id, file, e);
      return null;
    }
  }
}
