package io.asyncz.task;

import io.asyncz.InvalidInputException;
import java.time.Duration;

/**
 * The values a task takes when it does not set its own (the seed's {@code task_defaults}).
 *
 * @param mistriggerGraceTime how late a run may start; {@code null} for no limit (default 1 s)
 * @param coalesce whether several due runs collapse into one (default true)
 * @param maxInstances how many runs of one task may overlap (default 1)
 */
public record TaskDefaults(Duration mistriggerGraceTime, boolean coalesce, int maxInstances) {
  /** The seed's defaults: grace 1 s, coalesce, one instance. */
  public static final TaskDefaults DEFAULTS = new TaskDefaults(Duration.ofSeconds(1), true, 1);

  /** Checks the values. */
  public TaskDefaults {
    Task.checkGrace(mistriggerGraceTime);
    if (maxInstances < 1) {
      throw new InvalidInputException(
          "max_instances", maxInstances, "is not positive; expected 1 or more");
    }
  }
}
