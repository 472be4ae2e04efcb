package io.asyncz.process;

import io.asyncz.AsynczException;
import java.time.Duration;

/**
 * A run took longer than the process pool's {@code task_timeout}: its worker JVM was ended (the
 * only way to stop code that does not cooperate) and a new one takes the next run.
 */
public final class TaskTimedOutException extends AsynczException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;
  private final int workerId;

  TaskTimedOutException(String message, Duration timeout, int workerId) {
    super(message);
    this.timeout = timeout;
    this.workerId = workerId;
  }

  /** The time limit the run exceeded. */
  public Duration timeout() {
    return timeout;
  }

  /** The id of the worker that was ended. */
  public int workerId() {
    return workerId;
  }
}
