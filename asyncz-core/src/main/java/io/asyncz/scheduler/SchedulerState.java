package io.asyncz.scheduler;

import java.util.Locale;

/** Whether a scheduler runs, is paused, is stopped, or cannot go on. */
public enum SchedulerState {
  /** Not started, or shut down. */
  STOPPED,
  /** Started and processing tasks. */
  RUNNING,
  /** Started, but not processing tasks until resumed. */
  PAUSED,
  /**
   * Started, but its loop cannot go on (the executor it runs on refuses work, or its thread ended);
   * an error event said why. Beyond the seed. Shut it down and start it again.
   */
  FAILED;

  /** The state as the seed's {@code state_label} names it: {@code running}, {@code stopped}... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
