package io.asyncz.history;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Run history in this JVM's memory, for a store whose history is not persistent: per task the
 * newest {@link RunRetention#maxRunsPerTask()} runs, none older than {@link RunRetention#maxAge()}.
 * Both limits are enforced on each write, on the written task's runs only (never a scan of every
 * task), so a task that stops running keeps its last runs until it runs again or they age out of a
 * query; queries skip runs older than the age limit.
 */
public final class MemoryRunHistory implements RunHistory {
  private final RunRetention retention;
  private final Clock clock;
  private final ConcurrentHashMap<String, TaskRuns> byTask = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, RunRecord> byId = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Key, RunRecord> all = new ConcurrentSkipListMap<>();

  /** A history that keeps what {@code retention} says, judging age on {@code clock}. */
  public MemoryRunHistory(RunRetention retention, Clock clock) {
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Newest first: the reverse of start, then run id. */
  private record Key(Instant startedAt, String runId) implements Comparable<Key> {
    static Key of(RunRecord record) {
      return new Key(record.startedAt(), record.runId());
    }

    @Override
    public int compareTo(Key other) {
      int byStart = other.startedAt.compareTo(startedAt);
      return byStart != 0 ? byStart : other.runId.compareTo(runId);
    }
  }

  /** One task's runs, newest first; guarded by itself. */
  private static final class TaskRuns {
    final TreeMap<Key, RunRecord> runs = new TreeMap<>();
  }

  @Override
  public void save(RunRecord record) {
    Objects.requireNonNull(record, "record");
    Instant oldest = clock.instant().minus(retention.maxAge());
    TaskRuns task = byTask.computeIfAbsent(record.taskId(), id -> new TaskRuns());
    synchronized (task) {
      RunRecord previous = byId.get(record.runId());
      if (previous != null) {
        forget(previous);
      }
      if (record.startedAt().isBefore(oldest)) {
        return; // already past its age: kept nowhere
      }
      Key key = Key.of(record);
      task.runs.put(key, record);
      byId.put(record.runId(), record);
      all.put(key, record);
      // The oldest runs sort last: trim from that end, past the count and then past the age.
      while (task.runs.size() > retention.maxRunsPerTask()
          || task.runs.lastKey().startedAt.isBefore(oldest)) {
        Map.Entry<Key, RunRecord> last = task.runs.pollLastEntry();
        byId.remove(last.getValue().runId(), last.getValue());
        all.remove(last.getKey(), last.getValue());
        if (task.runs.isEmpty()) {
          break;
        }
      }
    }
  }

  private void forget(RunRecord previous) {
    TaskRuns owner = byTask.get(previous.taskId());
    if (owner != null) {
      synchronized (owner) {
        owner.runs.remove(Key.of(previous), previous);
      }
    }
    byId.remove(previous.runId(), previous);
    all.remove(Key.of(previous), previous);
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    RunRecord record = byId.get(runId);
    if (record == null || record.startedAt().isBefore(clock.instant().minus(retention.maxAge()))) {
      return Optional.empty();
    }
    return Optional.of(record);
  }

  @Override
  public RunPage query(RunQuery query) {
    Instant oldest = clock.instant().minus(retention.maxAge());
    NavigableMap<Key, RunRecord> view;
    if (query.taskId() != null) {
      TaskRuns task = byTask.get(query.taskId());
      if (task == null) {
        return new RunPage(List.of(), null);
      }
      synchronized (task) {
        view = new TreeMap<>(task.runs);
      }
    } else {
      view = all;
    }
    if (query.after() != null) {
      RunRecord cursor = byId.get(query.after());
      Instant start = cursor != null ? cursor.startedAt() : RunOrder.cursorStart(query.after());
      view = view.tailMap(new Key(start, query.after()), false);
    } else if (query.to() != null) {
      // Runs started before 'to' sort after (to, "") in newest-first order.
      view = view.tailMap(new Key(query.to(), ""), true);
    }
    List<RunRecord> runs = new ArrayList<>(Math.min(query.limit(), 64));
    Iterator<RunRecord> it = view.values().iterator();
    while (it.hasNext()) {
      RunRecord record = it.next();
      Instant floor = query.from() != null && query.from().isAfter(oldest) ? query.from() : oldest;
      if (record.startedAt().isBefore(floor)) {
        break; // everything after it is older still
      }
      if (query.matches(record)) {
        if (runs.size() == query.limit()) {
          return new RunPage(runs, runs.get(runs.size() - 1).runId());
        }
        runs.add(record);
      }
    }
    return new RunPage(runs, null);
  }

  /** How many runs are kept, across every task. */
  public int size() {
    return byId.size();
  }
}
