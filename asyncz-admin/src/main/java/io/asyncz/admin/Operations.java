package io.asyncz.admin;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.history.RunQuery;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator actions, once for every surface: {@link SchedulerOperations} runs them in-process,
 * {@link HttpOperations} against a remote API. Every method throws the same exceptions on both:
 * {@link InvalidInputException} for bad input (the message quotes it), {@link TaskLookupException}
 * for an unknown id, {@link ConflictIdException} for a taken id; state-changing actions are audited
 * by the side that makes them.
 *
 * <p>A task spec (for {@link #createTask} and {@link #previewSpec}) is plain data, the shape of
 * {@code asyncz add} and configuration files: {@code id}, {@code name}, {@code function}, {@code
 * trigger} ({@code {"type": "cron", "hour": "5"}}, {@code {"cron": "0 5 * * *"}}, {@code {"every":
 * "10s"}}, {@code {"at": ISO}}) or {@code crontab}, {@code args}, {@code kwargs}, {@code executor},
 * {@code store}, and {@code options} (or top-level) {@code max_instances}, {@code coalesce}, {@code
 * mistrigger_grace_time}, {@code paused}. Changes ({@link #updateTask}) take the same keys, plus
 * {@code next_run_time}.
 */
public interface Operations {

  /** The scheduler at a glance. */
  InfoView info();

  /** The scheduler instances. */
  List<InstanceView> instances();

  /** One page of the tasks the filter selects. */
  TaskPage listTasks(TaskFilter filter);

  /**
   * A task.
   *
   * @throws TaskLookupException when there is none with this id
   */
  TaskView getTask(String id);

  /**
   * Creates a task from a spec.
   *
   * @throws InvalidInputException naming the bad field
   * @throws ConflictIdException when the id is taken
   */
  TaskView createTask(Map<String, Object> spec);

  /**
   * Changes a task, all of the changes or none, or on a dry run only says what would change.
   *
   * @throws TaskLookupException when there is no such task
   * @throws InvalidInputException naming the bad field
   */
  UpdateResult updateTask(String id, Map<String, Object> changes, boolean dryRun);

  /**
   * Runs a task now (its due runs, or one run when none is due).
   *
   * @throws TaskLookupException when there is no such task
   * @throws io.asyncz.MaxInstancesException when it runs as many instances as it may
   */
  RunSubmission runTask(String id);

  /**
   * Pauses a task.
   *
   * @throws TaskLookupException when there is no such task
   */
  TaskView pauseTask(String id);

  /**
   * Resumes a task from now.
   *
   * @return the task, or empty when its schedule had finished and it was removed
   * @throws TaskLookupException when there is no such task
   */
  Optional<TaskView> resumeTask(String id);

  /**
   * Removes a task.
   *
   * @throws TaskLookupException when there is no such task
   */
  void removeTask(String id);

  /**
   * Runs, pauses, resumes or removes many tasks, each on its own: one failing does not stop the
   * others.
   *
   * @param action {@code run}, {@code pause}, {@code resume} or {@code remove}
   * @throws InvalidInputException for another action, or no ids, or more than {@value
   *     SchedulerOperations#MAX_BULK}
   */
  BulkResult bulk(String action, List<String> ids);

  /**
   * The coming run times of a task.
   *
   * @throws TaskLookupException when there is no such task
   * @throws InvalidInputException when {@code count} is not 1 to 50
   */
  PreviewView previewTask(String id, int count);

  /**
   * The coming run times of a spec not created yet: the trigger the spec names, from now.
   *
   * @throws InvalidInputException naming the bad field
   */
  PreviewView previewSpec(Map<String, Object> spec, int count);

  /**
   * The coming runs of every task within {@code hours}, in time order, at most {@code limit}.
   *
   * @throws InvalidInputException for hours outside 1 to 744 or a limit outside 1 to 5000
   */
  Timeline timeline(int hours, int limit);

  /** Runs from the run history, newest first; empty when the scheduler keeps none. */
  RunList runs(RunQuery query);

  /** One run from the run history. */
  Optional<RunView> findRun(String runId);

  /** The most recent events, oldest first, at most {@code limit}. */
  List<EventView> recentEvents(int limit);

  /** The most recent audit entries, newest first, at most {@code limit}. */
  List<AuditEntry> audit(int limit);

  /** The quarantined records of every store. */
  List<QuarantineEntry> quarantine();

  /**
   * Puts a quarantined record back in its store.
   *
   * @throws TaskLookupException when the store has no quarantined record of this id
   */
  TaskView restoreQuarantined(String store, String taskId);

  /**
   * Deletes a quarantined record for good.
   *
   * @throws TaskLookupException when the store has no quarantined record of this id
   */
  void discardQuarantined(String store, String taskId);

  /** Checks the scheduler, its stores and its quarantine. */
  List<DoctorCheck> doctor();
}
