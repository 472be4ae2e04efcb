package io.asyncz.history;

import java.util.List;
import java.util.Optional;

/**
 * Where run records are kept: one per store that keeps them (a JDBC table, a Redis sorted set, a
 * Mongo collection, files, or memory). Implementations enforce their retention as they save,
 * without scanning every record, and are safe for concurrent use.
 */
public interface RunHistory {

  /** Saves a record, replacing the one saved under the same run id (a run's start by its end). */
  void save(RunRecord record);

  /**
   * Saves records in one go where the store can (one statement, one pipeline); each replaces the
   * one saved under its run id, and a later record of the list replaces an earlier one. The default
   * saves them one by one.
   */
  default void saveAll(List<RunRecord> records) {
    for (RunRecord record : records) {
      save(record);
    }
  }

  /**
   * Removes a small batch of records older than the retention's age, for a history that does not
   * remove them as it writes; called now and then by the scheduler's history writer. The default
   * does nothing.
   */
  default void pruneExpired() {}

  /** The record of a run, if kept. */
  Optional<RunRecord> find(String runId);

  /** The runs that match {@code query}, newest first. */
  RunPage query(RunQuery query);
}
