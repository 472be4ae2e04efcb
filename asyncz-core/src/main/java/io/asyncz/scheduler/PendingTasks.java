package io.asyncz.scheduler;

import io.asyncz.ConflictIdException;
import io.asyncz.task.Task;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks added before {@link Scheduler#start()}, in the order they were added, by id: adding,
 * finding and committing each take constant time, so that adding many tasks before start stays
 * linear. Guarded by the scheduler's lock.
 */
final class PendingTasks {
  /** A task waiting for start, with how it is to be added then. */
  record Pending(Task task, boolean replaceExisting, boolean startTask) {}

  private final Map<String, Pending> byId = new LinkedHashMap<>();

  /**
   * Adds a task; one with a taken id replaces the other when {@code replaceExisting}, else is
   * refused.
   *
   * @throws ConflictIdException when the id is taken and not to be replaced
   */
  void add(Task task, boolean replaceExisting, boolean startTask) {
    if (byId.containsKey(task.id())) {
      if (!replaceExisting) {
        throw new ConflictIdException(task.id());
      }
      byId.remove(task.id()); // the replacement goes last, as a new add does
    }
    byId.put(task.id(), new Pending(task, replaceExisting, startTask));
  }

  boolean contains(String id) {
    return byId.containsKey(id);
  }

  /** The pending task of this id in {@code store} (or any store when null), or null. */
  Pending find(String id, String store) {
    Pending p = byId.get(id);
    return p != null && (store == null || store.equals(p.task().storeAlias())) ? p : null;
  }

  /** Replaces a pending task, keeping its place and how it is added. */
  void replace(Task updated, boolean nextRunTimeChanged) {
    Pending p = byId.get(updated.id());
    if (p != null) {
      // A next run time set to none (pause_task) must stay none at start, as add(paused) does.
      boolean startTask = nextRunTimeChanged ? updated.nextRunTime().isPresent() : p.startTask();
      byId.put(updated.id(), new Pending(updated, p.replaceExisting(), startTask));
    }
  }

  /** Removes the pending task of this id in {@code store} (any when null); returns it or null. */
  Task remove(String id, String store) {
    Pending p = find(id, store);
    if (p == null) {
      return null;
    }
    byId.remove(id);
    return p.task();
  }

  /** Removes the pending tasks of one store, or all when {@code store} is null. */
  void removeAll(String store) {
    byId.values().removeIf(p -> store == null || store.equals(p.task().storeAlias()));
  }

  /** The pending tasks of one store, or all when {@code store} is null, in the order added. */
  List<Task> tasks(String store) {
    List<Task> tasks = new ArrayList<>();
    for (Pending p : byId.values()) {
      if (store == null || store.equals(p.task().storeAlias())) {
        tasks.add(p.task());
      }
    }
    return tasks;
  }

  /** Whether the first pending task is there to commit. */
  boolean isEmpty() {
    return byId.isEmpty();
  }

  /** The oldest pending task, to commit at start; it stays until {@link #commitFirst()}. */
  Pending first() {
    return byId.values().iterator().next();
  }

  /** Removes the oldest pending task once it was committed (or left out). */
  void commitFirst() {
    Iterator<Pending> it = byId.values().iterator();
    it.next();
    it.remove();
  }
}
