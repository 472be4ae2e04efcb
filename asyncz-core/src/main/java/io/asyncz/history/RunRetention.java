package io.asyncz.history;

import io.asyncz.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * How many runs a history keeps: the newest {@code maxRunsPerTask} of each task, none older than
 * {@code maxAge}. Histories enforce both as they write, without scanning every record.
 *
 * @param maxRunsPerTask the most runs kept per task (1 to {@value #MAX_RUNS_PER_TASK})
 * @param maxAge the oldest run kept, by its start (positive)
 */
public record RunRetention(int maxRunsPerTask, Duration maxAge) {

  /** The most runs per task a retention may keep. */
  public static final int MAX_RUNS_PER_TASK = 1_000_000;

  /** The default: 100 runs per task, for at most 7 days. */
  public static final RunRetention DEFAULT = new RunRetention(100, Duration.ofDays(7));

  /**
   * Checks the fields.
   *
   * @throws InvalidInputException when a field is out of range, quoting it
   */
  public RunRetention {
    if (maxRunsPerTask < 1 || maxRunsPerTask > MAX_RUNS_PER_TASK) {
      throw new InvalidInputException(
          "max_runs_per_task", maxRunsPerTask, "a number from 1 to " + MAX_RUNS_PER_TASK);
    }
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isZero() || maxAge.isNegative()) {
      throw new InvalidInputException("max_age", maxAge, "a positive duration");
    }
  }
}
