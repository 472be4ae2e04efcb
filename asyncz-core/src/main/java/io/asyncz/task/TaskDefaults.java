package io.asyncz.task;

import io.asyncz.InvalidInputException;
import java.time.Duration;

/**
 * The values a task takes when it does not set its own (the seed's {@code task_defaults}).
 *
 * @param mistriggerGraceTime how late a run may start; {@code null} for no limit (default 1 s)
 * @param coalesce whether several due runs collapse into one (default true)
 * @param maxInstances how many runs of one task may overlap (default 1)
 * @param retry how a failed run is tried again; {@code null} for never (default)
 * @param timeout how long a run may take; {@code null} for no limit (default)
 */
public record TaskDefaults(
    Duration mistriggerGraceTime,
    boolean coalesce,
    int maxInstances,
    RetryPolicy retry,
    Duration timeout) {
  /** The seed's defaults: grace 1 s, coalesce, one instance; no retries, no timeout. */
  public static final TaskDefaults DEFAULTS =
      new TaskDefaults(Duration.ofSeconds(1), true, 1, null, null);

  /** Checks the values. */
  public TaskDefaults {
    Task.checkGrace(mistriggerGraceTime);
    if (maxInstances < 1) {
      throw new InvalidInputException(
          "max_instances", maxInstances, "is not positive; expected 1 or more");
    }
    Task.checkTimeout(timeout);
  }

  /** The seed's three defaults, with no retries and no timeout. */
  public TaskDefaults(Duration mistriggerGraceTime, boolean coalesce, int maxInstances) {
    this(mistriggerGraceTime, coalesce, maxInstances, null, null);
  }
}
