package io.asyncz.store;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Keeps tasks in memory (alias {@code memory}): a hash map by id beside a tree ordered by next run
 * time then id, so add, update, delete and the due lookup take O(log n) (the seed's list insert is
 * O(n)). Nothing survives the process.
 */
public final class MemoryStore implements TaskStore {
  /** Next run time (paused last), then id. */
  static final Comparator<Task> ORDER =
      (a, b) -> {
        Instant x = a.nextRunTime().orElse(null);
        Instant y = b.nextRunTime().orElse(null);
        if (x != y) {
          if (x == null) {
            return 1;
          }
          if (y == null) {
            return -1;
          }
          int c = x.compareTo(y);
          if (c != 0) {
            return c;
          }
        }
        return a.id().compareTo(b.id());
      };

  private final Map<String, Task> byId = new HashMap<>();
  private final TreeSet<Task> ordered = new TreeSet<>(ORDER);

  /** Creates an empty store. */
  public MemoryStore() {}

  @Override
  public synchronized Optional<Task> lookupTask(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public synchronized List<Task> dueTasks(Instant now) {
    List<Task> due = new ArrayList<>();
    for (Task task : ordered) {
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
    return ordered.isEmpty() ? Optional.empty() : ordered.first().nextRunTime();
  }

  @Override
  public synchronized List<Task> allTasks() {
    return new ArrayList<>(ordered);
  }

  @Override
  public synchronized void addTask(Task task) {
    if (byId.putIfAbsent(task.id(), task) != null) {
      throw new ConflictIdException(task.id());
    }
    ordered.add(task);
  }

  @Override
  public synchronized void updateTask(Task task) {
    Task old = byId.get(task.id());
    if (old == null) {
      throw new TaskLookupException(task.id());
    }
    ordered.remove(old);
    byId.put(task.id(), task);
    ordered.add(task);
  }

  @Override
  public synchronized void deleteTask(String id) {
    Task old = byId.remove(id);
    if (old == null) {
      throw new TaskLookupException(id);
    }
    ordered.remove(old);
  }

  @Override
  public synchronized void removeAllTasks() {
    byId.clear();
    ordered.clear();
  }

  /** The number of stored tasks. */
  public synchronized int size() {
    return byId.size();
  }

  @Override
  public String toString() {
    return "MemoryStore[" + size() + " tasks]";
  }
}
