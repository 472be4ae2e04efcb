package io.asyncz.process;

import io.asyncz.AsynczException;

/**
 * A worker JVM could not be started: the {@code java} binary or a JVM option was wrong, it did not
 * answer within {@code start_timeout}, it did not prove it was the worker the parent started (wrong
 * token or protocol), or a {@link WorkerRegistrar} failed in it. The run that needed the worker is
 * reported with this exception.
 */
public final class WorkerStartException extends AsynczException {
  private static final long serialVersionUID = 1L;

  WorkerStartException(String message) {
    super(message);
  }

  WorkerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
