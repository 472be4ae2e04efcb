package io.asyncz.benchmarks.store;

import io.asyncz.benchmarks.scheduler.Completion;
import javax.sql.DataSource;

/**
 * One persistent scheduler under test. Each repetition gets a fresh, empty database: the contender
 * creates its tables, stores the one-shot no-op tasks due now without running them, then starts and
 * runs them all.
 */
interface DrainContender {
  /** The name printed in the tables. */
  String name();

  /**
   * Creates the contender's tables in the empty database behind {@code dataSource}, builds a
   * scheduler with {@code threads} worker threads, and stores {@code tasks} one-shot tasks due now,
   * each calling {@code completion.ran()} when it runs. Nothing runs yet.
   */
  void prepare(DataSource dataSource, int threads, int tasks, Completion completion)
      throws Exception;

  /** Starts running the stored tasks. */
  void start() throws Exception;

  /** Stops the scheduler and drops it. */
  void stop() throws Exception;
}
