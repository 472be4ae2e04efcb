package io.asyncz.admin;

import io.asyncz.InvalidInputException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: who did what to which target, with the target before and after and the outcome. It
 * keeps the most recent entries in memory (bounded) and, when given a file, appends every entry to
 * it as one JSON line, so that the record outlives the process. Safe for concurrent use.
 */
public final class AuditLog implements AutoCloseable {
  /** How many entries are kept in memory when no capacity is given. */
  public static final int DEFAULT_CAPACITY = 1000;

  private static final Logger LOG = LoggerFactory.getLogger("asyncz.audit");

  private final int capacity;
  private final ArrayDeque<AuditEntry> entries = new ArrayDeque<>();
  private final Writer file;

  private AuditLog(int capacity, Writer file) {
    if (capacity < 1) {
      throw new InvalidInputException("capacity", capacity, "is out of range; expected 1 or more");
    }
    this.capacity = capacity;
    this.file = file;
  }

  /** An audit log in memory only, keeping the last {@code capacity} entries. */
  public static AuditLog inMemory(int capacity) {
    return new AuditLog(capacity, null);
  }

  /**
   * An audit log that also appends each entry to {@code file} as a JSON line (created if missing).
   *
   * @throws java.io.UncheckedIOException when the file cannot be opened for appending
   */
  public static AuditLog appendingTo(Path file, int capacity) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new AuditLog(
          capacity,
          Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot open the audit file " + file, e);
    }
  }

  /** Records an entry. */
  public void record(AuditEntry entry) {
    synchronized (entries) {
      entries.addLast(entry);
      while (entries.size() > capacity) {
        entries.removeFirst();
      }
      if (file != null) {
        try {
          file.write(AdminJson.text(entry));
          file.write('\n');
          file.flush();
        } catch (IOException e) {
          // The in-memory entry stands; an operator must learn that the file lost one.
          LOG.error("Could not append to the audit file: {}", e.toString());
        }
      }
    }
    LOG.info(
        "{} {} {}: {}{}",
        entry.user(),
        entry.action(),
        entry.target(),
        entry.outcome(),
        entry.error() == null ? "" : " (" + entry.error() + ")");
  }

  /** The most recent entries, newest first, at most {@code limit}. */
  public List<AuditEntry> recent(int limit) {
    List<AuditEntry> out = new ArrayList<>();
    synchronized (entries) {
      Iterator<AuditEntry> it = entries.descendingIterator();
      while (it.hasNext() && out.size() < limit) {
        out.add(it.next());
      }
    }
    return out;
  }

  /** Closes the file, if any. */
  @Override
  public void close() {
    if (file != null) {
      synchronized (entries) {
        try {
          file.close();
        } catch (IOException e) {
          LOG.warn("Could not close the audit file: {}", e.toString());
        }
      }
    }
  }
}
