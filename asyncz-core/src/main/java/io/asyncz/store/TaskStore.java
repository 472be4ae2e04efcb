package io.asyncz.store;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunRetention;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps tasks between runs (the seed's store). Implementations must be safe for concurrent use,
 * must keep every task they accept until it is deleted, and must give tasks back ordered by next
 * run time, then id, with paused tasks (no next run time) last.
 */
public interface TaskStore {

  /** Called when the scheduler starts, or when the store is added to a running scheduler. */
  default void start(StoreContext context, String alias) {}

  /** Called when the scheduler shuts down or the store is removed; releases resources. */
  default void shutdown() {}

  /**
   * Whether this store keeps its tasks outside this JVM (in files, a database), where another
   * process or a restart reads them back. Such a store can hold only tasks that name their function
   * by a textual reference (a {@link io.asyncz.task.TaskDefinition} or a registered name) and whose
   * arguments are JSON values, and the scheduler refuses any other task when it is added, not when
   * the store first writes it. The default, {@code false}, suits a store that keeps task objects in
   * memory.
   */
  default boolean persistent() {
    return false;
  }

  /**
   * The run history this store keeps beside its tasks (a table, a collection, files), called once
   * after {@link #start} when the scheduler records run history. Empty, the default, makes the
   * scheduler keep this store's history in memory ({@link io.asyncz.history.MemoryRunHistory}). The
   * history must enforce {@code retention} without scanning every record, and its records are plain
   * JSON-like data, never serialized objects; the scheduler writes to it from a thread of its own,
   * never a run's.
   */
  default Optional<RunHistory> runHistory(RunRetention retention) {
    return Optional.empty();
  }

  /** The task with this id, if stored. */
  Optional<Task> lookupTask(String id);

  /** The tasks whose next run time is at or before {@code now}, earliest first. */
  List<Task> dueTasks(Instant now);

  /**
   * The earliest due tasks, at most {@code limit} of them, earliest first; the scheduler takes due
   * tasks in batches so that it never holds its lock for long. Stores should override this to avoid
   * reading every due task.
   */
  default List<Task> dueTasks(Instant now, int limit) {
    List<Task> due = dueTasks(now);
    return due.size() <= limit ? due : due.subList(0, limit);
  }

  /** The earliest next run time of any task, if any task is scheduled. */
  Optional<Instant> nextRunTime();

  /** Every task: by next run time, then id; paused tasks last. */
  List<Task> allTasks();

  /**
   * The tasks with no next run time (paused, or waiting for the scheduler's shutdown), in no
   * particular order. The scheduler's shutdown looks for its shutdown tasks here. The default
   * filters {@link #allTasks()}; a store that can find them without sorting every task should
   * override it.
   */
  default List<Task> pausedTasks() {
    List<Task> paused = new ArrayList<>();
    for (Task task : allTasks()) {
      if (task.nextRunTimeOrNull() == null) {
        paused.add(task);
      }
    }
    return paused;
  }

  /**
   * Stores a new task.
   *
   * @throws ConflictIdException when a task with the same id is stored
   */
  void addTask(Task task);

  /**
   * Stores new tasks, all of them or none: when an id is taken, throws {@link ConflictIdException}
   * naming it and leaves the store as it was. The default adds them one by one and takes back the
   * ones added on a failure; a store should override it to write them at once.
   *
   * @throws ConflictIdException when a task with one of the ids is stored
   */
  default void addTasks(List<Task> tasks) {
    List<Task> added = new ArrayList<>(tasks.size());
    try {
      for (Task task : tasks) {
        addTask(task);
        added.add(task);
      }
    } catch (RuntimeException e) {
      for (Task task : added) {
        try {
          deleteTask(task.id());
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * Replaces the stored task with the same id.
   *
   * @throws TaskLookupException when no such task is stored
   */
  void updateTask(Task task);

  /**
   * Deletes a task.
   *
   * @throws TaskLookupException when no such task is stored
   */
  void deleteTask(String id);

  /** Deletes every task. */
  void removeAllTasks();

  /**
   * Stores what one round of the loop decided for a batch of due tasks: {@code advanced} tasks get
   * their new next run time, {@code finished} ones (no run time left) are deleted. A task deleted
   * meanwhile is skipped, not an error. The default writes them one by one; a store should override
   * it to write the batch at once (one transaction, one round trip), which is what makes draining a
   * backlog fast.
   */
  default void advanceTasks(List<Task> advanced, List<String> finished) {
    for (Task task : advanced) {
      try {
        updateTask(task);
      } catch (TaskLookupException gone) {
        // deleted meanwhile
      }
    }
    for (String id : finished) {
      try {
        deleteTask(id);
      } catch (TaskLookupException gone) {
        // deleted meanwhile
      }
    }
  }

  // ------------------------------------------------------------------ quarantine

  /**
   * Moves a stored task out of the schedule into this store's quarantine, kept exactly as stored,
   * as if its record could not be read. The scheduler calls this for a task it cannot process: one
   * whose trigger fails when it is stepped ({@code TRIGGER_ERROR}), or one that names an executor
   * the scheduler does not have ({@code UNKNOWN_EXECUTOR}). The record is then listed by {@link
   * #quarantinedRecords()} and can be restored or discarded like any other; a store must never
   * delete it instead. The scheduler logs the move and sends the {@code TASK_QUARANTINED} event, so
   * the store does not.
   *
   * @param id the task's id
   * @param reason why, in the words of {@link QuarantinedRecord#reason()}
   * @param detail the message of the failure
   * @return whether a task of this id was stored and is now quarantined; {@code false} when none is
   *     stored (deleted meanwhile)
   * @throws UnsupportedOperationException when the store has no quarantine; the scheduler then
   *     holds the task back (never runs it) until it is restarted, and says so in its log
   */
  default boolean quarantineTask(String id, String reason, String detail) {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot quarantine task '" + id + "'");
  }

  /**
   * The records this store could not read and set aside, oldest first. A store that keeps tasks as
   * Java objects has none but the tasks the scheduler set aside with {@link #quarantineTask}.
   */
  default List<QuarantinedRecord> quarantinedRecords() {
    return List.of();
  }

  /**
   * Reads a quarantined record again and puts its task back in the schedule, with the next run time
   * it was stored with (a run time now past is handled by grace and coalesce, as after a restart).
   * When the same id was quarantined more than once, the most recent record is taken.
   *
   * @return the restored task
   * @throws TaskLookupException when no record of this id is quarantined
   * @throws ConflictIdException when a task with this id is stored; the record stays quarantined
   * @throws io.asyncz.AsynczException when the record still cannot be read (the message says why);
   *     it stays quarantined
   */
  default Task restoreQuarantined(String taskId) {
    throw new TaskLookupException(taskId);
  }

  /**
   * Deletes the quarantined records of a task id for good: an operator's decision, never taken by a
   * store on its own.
   *
   * @throws TaskLookupException when no record of this id is quarantined
   */
  default void discardQuarantined(String taskId) {
    throw new TaskLookupException(taskId);
  }
}
