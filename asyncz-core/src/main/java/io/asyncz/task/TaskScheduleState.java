package io.asyncz.task;

import io.asyncz.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/** Where a task stands: waiting for the scheduler to start, paused, or scheduled. */
public enum TaskScheduleState {
  /** Added before the scheduler started; committed to its store at start. */
  PENDING,
  /** In a store with no next run time. */
  PAUSED,
  /** In a store with a next run time. */
  SCHEDULED;

  /** The seed's lower-case value, e.g. {@code "paused"}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a state by its value, case-insensitive.
   *
   * @throws InvalidInputException listing the valid values
   */
  public static TaskScheduleState parse(String text) {
    for (TaskScheduleState s : values()) {
      if (s.value().equalsIgnoreCase(text == null ? "" : text.strip())) {
        return s;
      }
    }
    throw new InvalidInputException(
        "schedule_state",
        text,
        "is not a schedule state; expected one of "
            + Arrays.stream(values()).map(TaskScheduleState::value).toList());
  }
}
