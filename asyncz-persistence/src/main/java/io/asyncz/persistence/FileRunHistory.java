package io.asyncz.persistence;

import io.asyncz.history.RunHistory;
import io.asyncz.history.RunOrder;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunRetention;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The file store's run history: in the subdirectory {@value #DIRECTORY}, one append-only JSON-lines
 * file per task ({@code <encoded task id>.jsonl}, one {@link RunRecordCodec} document a line). A
 * save appends a line (a run's end after its start: the last line of a run id wins); when a task's
 * file holds more than twice {@code maxRunsPerTask} lines, it is compacted (rewritten to a
 * temporary file, forced, and renamed over it) to its newest {@code maxRunsPerTask} runs within the
 * age limit. Age is also enforced by reads, which skip older runs, and by {@link #pruneExpired},
 * which deletes the files not written since before the age limit (every run in them is older). A
 * query for one task reads its file; a query over every task and {@link #find} read every file:
 * this history suits the file store's scale, not a million tasks. A line that cannot be read (a
 * write torn by a crash, an edit) is skipped with a warning and kept through compactions.
 */
final class FileRunHistory implements RunHistory {
  /** The subdirectory of the store's directory that holds the history. */
  static final String DIRECTORY = "runs";

  private static final String SUFFIX = ".jsonl";
  private static final int PRUNE_LIMIT = 1000;

  private final Path directory;
  private final RunRetention retention;
  private final Clock clock;
  private final Logger logger;
  private final Map<String, Integer> lines = new HashMap<>(); // guarded by this: lines per file

  FileRunHistory(Path storeDirectory, RunRetention retention, Clock clock, Logger logger) {
    this.directory = storeDirectory.resolve(DIRECTORY);
    this.retention = retention;
    this.clock = clock;
    this.logger = logger;
  }

  private Path fileOf(String taskId) {
    return directory.resolve(FileStore.encode(taskId) + SUFFIX);
  }

  // ------------------------------------------------------------------ writing

  @Override
  public void save(RunRecord record) {
    saveAll(List.of(record));
  }

  @Override
  public synchronized void saveAll(List<RunRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    Map<String, List<RunRecord>> byTask = new LinkedHashMap<>();
    for (RunRecord r : records) {
      byTask.computeIfAbsent(r.taskId(), t -> new ArrayList<>()).add(r);
    }
    try {
      Files.createDirectories(directory);
      for (Map.Entry<String, List<RunRecord>> e : byTask.entrySet()) {
        Path file = fileOf(e.getKey());
        int before = lines.computeIfAbsent(file.toString(), f -> countLines(file));
        try (OutputStream out =
            Files.newOutputStream(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.WRITE)) {
          for (RunRecord r : e.getValue()) {
            out.write(RunRecordCodec.encode(r));
            out.write('\n');
          }
        }
        int count = before + e.getValue().size();
        lines.put(file.toString(), count);
        if (count > 2 * retention.maxRunsPerTask()) {
          compact(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write run history in " + directory, e);
    }
  }

  private int countLines(Path file) {
    try {
      return readLines(file).size();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Rewrites a task's file to its newest runs within the limits, keeping unreadable lines. */
  private void compact(Path file) throws IOException {
    List<String> unreadable = new ArrayList<>();
    List<RunRecord> kept = newest(file, unreadable);
    Instant oldest = oldest();
    kept.removeIf(r -> r.startedAt().isBefore(oldest));
    if (kept.size() > retention.maxRunsPerTask()) {
      kept = new ArrayList<>(kept.subList(0, retention.maxRunsPerTask()));
    }
    StringBuilder text = new StringBuilder();
    for (String line : unreadable) {
      text.append(line).append('\n');
    }
    for (int i = kept.size() - 1; i >= 0; i--) {
      text.append(new String(RunRecordCodec.encode(kept.get(i)), StandardCharsets.UTF_8))
          .append('\n');
    }
    Path temp = directory.resolve(FileDirectory.TEMP_PREFIX + file.getFileName());
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    try (var channel = java.nio.channels.FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    lines.put(file.toString(), unreadable.size() + kept.size());
  }

  @Override
  public synchronized void pruneExpired() {
    FileTime cutoff = FileTime.from(oldest());
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        if (removed >= PRUNE_LIMIT) {
          break;
        }
        // Every line was written after its run started: a file untouched since the cut-off
        // holds only runs older than it.
        if (Files.getLastModifiedTime(file).compareTo(cutoff) < 0 && !hasUnreadable(file)) {
          Files.deleteIfExists(file);
          lines.remove(file.toString());
          removed++;
        }
      }
    } catch (NoSuchFileException none) {
      // no history yet
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prune run history in " + directory, e);
    }
  }

  private boolean hasUnreadable(Path file) throws IOException {
    List<String> unreadable = new ArrayList<>();
    newest(file, unreadable);
    return !unreadable.isEmpty();
  }

  private Instant oldest() {
    return clock.instant().minus(retention.maxAge());
  }

  // ------------------------------------------------------------------ reading

  private static List<String> readLines(Path file) throws IOException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException none) {
      return List.of();
    } catch (java.nio.charset.MalformedInputException bad) {
      List<String> out = new ArrayList<>();
      for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n")) {
        out.add(line);
      }
      return out;
    }
  }

  /**
   * A task's runs, the last line of each run id, newest first; unreadable lines go to {@code bad}.
   */
  private List<RunRecord> newest(Path file, List<String> bad) throws IOException {
    Map<String, RunRecord> byId = new LinkedHashMap<>();
    for (String line : readLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        RunRecord r = RunRecordCodec.decode(line.getBytes(StandardCharsets.UTF_8));
        byId.put(r.runId(), r);
      } catch (IllegalArgumentException e) {
        if (bad != null) {
          bad.add(line);
        }
        logger.warn("A run record line in {} cannot be read; skipped: {}", file, e.getMessage());
      }
    }
    List<RunRecord> runs = new ArrayList<>(byId.values());
    runs.sort(RunOrder.NEWEST_FIRST);
    // Between compactions a file holds up to twice the runs kept: reads see the newest only.
    return runs.size() > retention.maxRunsPerTask()
        ? new ArrayList<>(runs.subList(0, retention.maxRunsPerTask()))
        : runs;
  }

  private synchronized List<RunRecord> runsOf(String taskId) {
    try {
      if (taskId != null) {
        return newest(fileOf(taskId), null);
      }
      List<RunRecord> all = new ArrayList<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
        for (Path file : files) {
          all.addAll(newest(file, null));
        }
      } catch (NoSuchFileException none) {
        return List.of();
      }
      all.sort(RunOrder.NEWEST_FIRST);
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read run history in " + directory, e);
    }
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    Instant oldest = oldest();
    return runsOf(null).stream()
        .filter(r -> r.runId().equals(runId) && !r.startedAt().isBefore(oldest))
        .findFirst();
  }

  @Override
  public RunPage query(RunQuery query) {
    Instant oldest = oldest();
    List<RunRecord> runs = runsOf(query.taskId());
    Instant cursorStart = null;
    if (query.after() != null) {
      cursorStart = RunOrder.cursorStart(query.after());
      for (RunRecord r : runs) {
        if (r.runId().equals(query.after())) {
          cursorStart = r.startedAt();
          break;
        }
      }
    }
    List<RunRecord> page = new ArrayList<>();
    for (RunRecord r : runs) {
      if (r.startedAt().isBefore(oldest)) {
        break;
      }
      if (cursorStart != null && !RunOrder.after(r, cursorStart, query.after())) {
        continue;
      }
      if (query.matches(r)) {
        if (page.size() == query.limit()) {
          return new RunPage(page, page.get(page.size() - 1).runId());
        }
        page.add(r);
      }
    }
    return new RunPage(page, null);
  }
}
