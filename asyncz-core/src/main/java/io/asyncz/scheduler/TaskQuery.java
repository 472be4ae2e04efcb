package io.asyncz.scheduler;

import io.asyncz.InvalidInputException;
import io.asyncz.task.TaskScheduleState;
import java.util.List;

/**
 * Filters and ordering for {@link Scheduler#getTaskInfos(TaskQuery)}: the seed's {@code
 * get_task_infos(store, schedule_state, executor, trigger, q, sort_by, descending)}.
 *
 * @param store only tasks of this store alias, or {@code null}
 * @param scheduleState only tasks in this state, or {@code null}
 * @param executor only tasks of this executor alias, or {@code null}
 * @param trigger only tasks whose trigger alias or class name is this (case-insensitive), or {@code
 *     null}
 * @param q free text searched in id, name, callable, trigger, executor, store and state
 * @param sortBy one of {@link #SORT_KEYS}
 * @param descending whether to reverse the order
 */
public record TaskQuery(
    String store,
    TaskScheduleState scheduleState,
    String executor,
    String trigger,
    String q,
    String sortBy,
    boolean descending) {

  /** The keys {@code sortBy} accepts. */
  public static final List<String> SORT_KEYS =
      List.of("id", "name", "next_run_time", "schedule_state", "executor", "store", "trigger");

  /** Every task, by next run time. */
  public static final TaskQuery ALL =
      new TaskQuery(null, null, null, null, null, "next_run_time", false);

  /** Checks the sort key. */
  public TaskQuery {
    if (sortBy == null) {
      sortBy = "next_run_time";
    }
    if (!SORT_KEYS.contains(sortBy)) {
      throw new InvalidInputException(
          "sort_by", sortBy, "is not a sort key; expected one of " + SORT_KEYS);
    }
  }

  /** A query for every task. */
  public static TaskQuery all() {
    return ALL;
  }

  /** This query restricted to one store. */
  public TaskQuery withStore(String store) {
    return new TaskQuery(store, scheduleState, executor, trigger, q, sortBy, descending);
  }

  /** This query restricted to one schedule state; accepts the seed's values, e.g. "paused". */
  public TaskQuery withScheduleState(String state) {
    return new TaskQuery(
        store,
        state == null ? null : TaskScheduleState.parse(state),
        executor,
        trigger,
        q,
        sortBy,
        descending);
  }

  /** This query restricted to one executor. */
  public TaskQuery withExecutor(String executor) {
    return new TaskQuery(store, scheduleState, executor, trigger, q, sortBy, descending);
  }

  /** This query restricted to one trigger alias or trigger class name. */
  public TaskQuery withTrigger(String trigger) {
    return new TaskQuery(store, scheduleState, executor, trigger, q, sortBy, descending);
  }

  /** This query with a free-text search. */
  public TaskQuery withText(String q) {
    return new TaskQuery(store, scheduleState, executor, trigger, q, sortBy, descending);
  }

  /** This query sorted by another key, ascending or descending. */
  public TaskQuery sortedBy(String sortBy, boolean descending) {
    return new TaskQuery(store, scheduleState, executor, trigger, q, sortBy, descending);
  }
}
