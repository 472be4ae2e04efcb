package io.asyncz.history;

import java.util.Locale;

/** Where a run stands, or how it ended. */
public enum RunStatus {
  /** Started and not ended yet. */
  RUNNING,
  /** The function returned (or its stage completed). */
  SUCCEEDED,
  /** The function threw (or its stage failed). */
  FAILED,
  /** Stopped by its {@code timeout}: interrupted (or its stage cancelled). */
  TIMED_OUT,
  /** Not started: later than the task's grace time when its executor came to it. */
  MISSED,
  /** Not started: the task already ran {@code max_instances} instances. */
  SKIPPED,
  /** Started on a node that died before it ended (cluster mode), and not run again. */
  INTERRUPTED;

  /** The status as the API, the CLI and stored records spell it: {@code "succeeded"}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the run has ended (every status but {@link #RUNNING}). */
  public boolean ended() {
    return this != RUNNING;
  }

  /**
   * The status a label names, ignoring case.
   *
   * @throws io.asyncz.InvalidInputException when {@code label} names no status
   */
  public static RunStatus parse(String label) {
    if (label != null) {
      for (RunStatus status : values()) {
        if (status.name().equalsIgnoreCase(label.trim())) {
          return status;
        }
      }
    }
    throw new io.asyncz.InvalidInputException(
        "status",
        label,
        "one of running, succeeded, failed, timed_out, missed, skipped, interrupted");
  }
}
