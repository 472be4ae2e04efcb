package io.asyncz.process;

import io.asyncz.TaskTimeoutException;
import java.time.Duration;

/**
 * A run took longer than its task's {@code timeout} (or the process pool's {@code task_timeout}):
 * its worker JVM was ended (the only way to stop code that does not cooperate) and a new one takes
 * the next run. It is reported as {@code TASK_TIMED_OUT}, as the core's executors report theirs.
 */
public final class TaskTimedOutException extends TaskTimeoutException {
  private static final long serialVersionUID = 1L;

  private final int workerId;

  TaskTimedOutException(String message, String taskId, Duration timeout, int workerId) {
    super(message, taskId, timeout);
    this.workerId = workerId;
  }

  /** The id of the worker that was ended. */
  public int workerId() {
    return workerId;
  }
}
