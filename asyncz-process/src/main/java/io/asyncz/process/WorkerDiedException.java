package io.asyncz.process;

import io.asyncz.AsynczException;
import java.util.OptionalInt;

/**
 * A worker JVM ended while it ran a task ({@code System.exit}, a signal such as {@code SIGKILL}, an
 * out-of-memory exit, or a shutdown that stopped the workers), so the run has no result. The pool
 * starts a new worker for the next run.
 */
public final class WorkerDiedException extends AsynczException {
  private static final long serialVersionUID = 1L;

  private final int workerId;
  private final Integer exitCode;

  WorkerDiedException(String message, int workerId, Integer exitCode) {
    super(message);
    this.workerId = workerId;
    this.exitCode = exitCode;
  }

  /** The id of the worker that died. */
  public int workerId() {
    return workerId;
  }

  /**
   * The worker's exit code, if it was seen; on Linux a worker ended by signal {@code n} exits with
   * {@code 128 + n} (137 for {@code SIGKILL}).
   */
  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }
}
