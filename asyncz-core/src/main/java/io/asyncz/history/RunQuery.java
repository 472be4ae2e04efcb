package io.asyncz.history;

import io.asyncz.InvalidInputException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which runs to read, newest first (by start, then by run id).
 *
 * @param taskId only this task's runs, or {@code null} for every task
 * @param statuses only runs in these statuses; empty for every status
 * @param from only runs started at or after this instant, or {@code null}
 * @param to only runs started before this instant, or {@code null}
 * @param limit at most this many runs (1 to {@value #MAX_LIMIT})
 * @param after the paging cursor: only runs that sort after the run with this id (the {@link
 *     RunPage#next()} of the page before), or {@code null} for the first page
 */
public record RunQuery(
    String taskId, Set<RunStatus> statuses, Instant from, Instant to, int limit, String after) {

  /** The most runs one query returns. */
  public static final int MAX_LIMIT = 1000;

  /** The first page of every run, 50 at a time. */
  public static final RunQuery ALL = new RunQuery(null, Set.of(), null, null, 50, null);

  /**
   * Checks and copies the fields.
   *
   * @throws InvalidInputException when the limit is out of range or {@code from} is after {@code
   *     to}
   */
  public RunQuery {
    statuses =
        statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit", limit, "a number from 1 to " + MAX_LIMIT);
    }
    if (from != null && to != null && from.isAfter(to)) {
      throw new InvalidInputException("from", from, "an instant no later than 'to' (" + to + ")");
    }
  }

  /** The first page of one task's runs, {@code limit} at a time. */
  public static RunQuery forTask(String taskId, int limit) {
    return new RunQuery(taskId, Set.of(), null, null, limit, null);
  }

  /** Whether a record matches the filters (not the cursor or the limit). */
  public boolean matches(RunRecord record) {
    return (taskId == null || taskId.equals(record.taskId()))
        && (statuses.isEmpty() || statuses.contains(record.status()))
        && (from == null || !record.startedAt().isBefore(from))
        && (to == null || record.startedAt().isBefore(to));
  }

  /** The same query for the page after {@code cursor}. */
  public RunQuery after(String cursor) {
    return new RunQuery(taskId, statuses, from, to, limit, cursor);
  }
}
