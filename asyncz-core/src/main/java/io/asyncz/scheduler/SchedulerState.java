package io.asyncz.scheduler;

/** Whether a scheduler runs, is paused, or is stopped. */
public enum SchedulerState {
  /** Not started, or shut down. */
  STOPPED,
  /** Started and processing tasks. */
  RUNNING,
  /** Started, but not processing tasks until resumed. */
  PAUSED
}
