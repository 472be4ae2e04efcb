package io.asyncz.history;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Run history in this JVM's memory, for a store whose history is not persistent: per task the
 * newest {@link RunRetention#maxRunsPerTask()} runs, none older than {@link RunRetention#maxAge()}.
 * Both limits are enforced on each write, on the written task's runs only (never a scan of every
 * task), so a task that stops running keeps its last runs until it runs again; queries and {@link
 * #find} skip runs older than the age limit.
 *
 * <p>Each task's runs are a small array in start order, so that a run's start and its end cost an
 * append and an in-place replacement: recording must stay cheap next to a run that does nothing.
 * There is no index by run id (a second map of every run doubled the cost of recording a drain of
 * one-shot tasks, most of it in the map's growth): {@link #find} and a paging cursor look a run up
 * in its task's runs, or in every task's when the task is not known. A query for one task reads
 * that task's array; a query over every task merges the tasks' newest runs, reading from each only
 * what can still make the page.
 */
public final class MemoryRunHistory implements RunHistory {
  private static final Comparator<RunRecord> OLDEST_FIRST = RunOrder.NEWEST_FIRST.reversed();

  private final RunRetention retention;
  private final Clock clock;
  private final ConcurrentHashMap<String, TaskRuns> byTask = new ConcurrentHashMap<>();

  /** A history that keeps what {@code retention} says, judging age on {@code clock}. */
  public MemoryRunHistory(RunRetention retention, Clock clock) {
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One task's runs, oldest first; guarded by itself. */
  private static final class TaskRuns {
    RunRecord[] runs = new RunRecord[1]; // a one-shot task's only run, then doubled as needed
    int size;

    /** The index of the run with this id, searched from the newest end, or -1. */
    int indexOf(String runId) {
      for (int i = size - 1; i >= 0; i--) {
        if (runs[i].runId().equals(runId)) {
          return i;
        }
      }
      return -1;
    }

    void removeAt(int i) {
      System.arraycopy(runs, i + 1, runs, i, size - i - 1);
      runs[--size] = null;
    }

    void insert(RunRecord record) {
      if (size == runs.length) {
        runs = Arrays.copyOf(runs, size * 2);
      }
      int i = size;
      // Runs mostly arrive in start order: the place is at or near the end.
      while (i > 0 && OLDEST_FIRST.compare(runs[i - 1], record) > 0) {
        i--;
      }
      System.arraycopy(runs, i, runs, i + 1, size - i);
      runs[i] = record;
      size++;
    }

    synchronized RunRecord[] snapshot() {
      return Arrays.copyOf(runs, size);
    }

    synchronized RunRecord find(String runId) {
      int at = indexOf(runId);
      return at < 0 ? null : runs[at];
    }
  }

  @Override
  public void save(RunRecord record) {
    Objects.requireNonNull(record, "record");
    Instant oldest = clock.instant().minus(retention.maxAge());
    TaskRuns task = byTask.get(record.taskId());
    if (task == null) {
      task = byTask.computeIfAbsent(record.taskId(), id -> new TaskRuns());
    }
    synchronized (task) {
      int at = task.indexOf(record.runId());
      if (at >= 0 && task.runs[at].startedAt().equals(record.startedAt())) {
        task.runs[at] = record; // a run's end replaces its start, in place
      } else {
        if (at >= 0) {
          task.removeAt(at);
        }
        task.insert(record);
      }
      while (task.size > 0
          && (task.size > retention.maxRunsPerTask()
              || task.runs[0].startedAt().isBefore(oldest))) {
        task.removeAt(0);
      }
    }
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    Objects.requireNonNull(runId, "runId");
    RunRecord record = lookup(runId, null);
    if (record == null || record.startedAt().isBefore(clock.instant().minus(retention.maxAge()))) {
      return Optional.empty();
    }
    return Optional.of(record);
  }

  /** The run with this id: among {@code taskId}'s runs when given, else among every task's. */
  private RunRecord lookup(String runId, String taskId) {
    if (taskId != null) {
      TaskRuns task = byTask.get(taskId);
      return task == null ? null : task.find(runId);
    }
    for (TaskRuns task : byTask.values()) {
      RunRecord found = task.find(runId);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  @Override
  public RunPage query(RunQuery query) {
    Instant oldest = clock.instant().minus(retention.maxAge());
    Instant floor = query.from() != null && query.from().isAfter(oldest) ? query.from() : oldest;
    Instant cursorStart = null;
    if (query.after() != null) {
      RunRecord cursor = lookup(query.after(), query.taskId());
      cursorStart = cursor != null ? cursor.startedAt() : RunOrder.cursorStart(query.after());
    }
    // The newest limit + 1 matches, kept in a heap whose head is the oldest of them.
    int wanted = query.limit() + 1;
    PriorityQueue<RunRecord> best = new PriorityQueue<>(wanted + 1, OLDEST_FIRST);
    if (query.taskId() != null) {
      TaskRuns task = byTask.get(query.taskId());
      if (task != null) {
        collect(task.snapshot(), query, floor, cursorStart, best, wanted);
      }
    } else {
      for (TaskRuns task : byTask.values()) {
        collect(task.snapshot(), query, floor, cursorStart, best, wanted);
      }
    }
    List<RunRecord> runs = new ArrayList<>(best);
    runs.sort(RunOrder.NEWEST_FIRST);
    if (runs.size() > query.limit()) {
      runs = runs.subList(0, query.limit());
      return new RunPage(runs, runs.get(runs.size() - 1).runId());
    }
    return new RunPage(runs, null);
  }

  private static void collect(
      RunRecord[] runs,
      RunQuery query,
      Instant floor,
      Instant cursorStart,
      PriorityQueue<RunRecord> best,
      int wanted) {
    for (int i = runs.length - 1; i >= 0; i--) {
      RunRecord r = runs[i];
      if (r.startedAt().isBefore(floor)) {
        return; // the rest is older still
      }
      if (best.size() == wanted && OLDEST_FIRST.compare(r, best.peek()) <= 0) {
        return; // older than every run the page keeps, and so is the rest
      }
      if (cursorStart != null && !RunOrder.after(r, cursorStart, query.after())) {
        continue;
      }
      if (query.matches(r)) {
        best.add(r);
        if (best.size() > wanted) {
          best.poll();
        }
      }
    }
  }

  /** How many runs are kept, across every task (counted: this reads every task's runs). */
  public int size() {
    int size = 0;
    for (TaskRuns task : byTask.values()) {
      synchronized (task) {
        size += task.size;
      }
    }
    return size;
  }
}
