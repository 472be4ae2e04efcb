package io.asyncz.history;

import java.util.Optional;

/**
 * Where run records are kept: one per store that keeps them (a JDBC table, a Redis sorted set, a
 * Mongo collection, files, or memory). Implementations enforce their retention as they save,
 * without scanning every record, and are safe for concurrent use.
 */
public interface RunHistory {

  /** Saves a record, replacing the one saved under the same run id (a run's start by its end). */
  void save(RunRecord record);

  /** The record of a run, if kept. */
  Optional<RunRecord> find(String runId);

  /** The runs that match {@code query}, newest first. */
  RunPage query(RunQuery query);
}
