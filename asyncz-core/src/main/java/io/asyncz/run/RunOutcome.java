package io.asyncz.run;

import java.time.Instant;
import java.util.Objects;

/**
 * How a run ended.
 *
 * @param status succeeded or failed
 * @param returnValue what the function returned (or its stage completed with), when it succeeded
 * @param error what it threw (or its stage failed with), when it failed
 * @param endedAt when it ended, on the scheduler's clock
 */
public record RunOutcome(Status status, Object returnValue, Throwable error, Instant endedAt) {

  /** How a run ended. */
  public enum Status {
    /** The function returned (or its stage completed). */
    SUCCEEDED,
    /** The function threw (or its stage failed). */
    FAILED,
    /**
     * The run took longer than the task's {@code timeout}: its thread was interrupted (or its stage
     * cancelled); {@link #error()} is a {@link io.asyncz.TaskTimeoutException}.
     */
    TIMED_OUT
  }

  /** Checks the fields. */
  public RunOutcome {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(endedAt, "endedAt");
    if (status != Status.SUCCEEDED) {
      Objects.requireNonNull(error, "error");
    }
  }

  /** A run that returned {@code value}. */
  public static RunOutcome succeeded(Object value, Instant endedAt) {
    return new RunOutcome(Status.SUCCEEDED, value, null, endedAt);
  }

  /** A run that threw {@code error}. */
  public static RunOutcome failed(Throwable error, Instant endedAt) {
    return new RunOutcome(Status.FAILED, null, error, endedAt);
  }

  /** A run stopped by its timeout. */
  public static RunOutcome timedOut(Throwable error, Instant endedAt) {
    return new RunOutcome(Status.TIMED_OUT, null, error, endedAt);
  }

  /** Whether the run succeeded. */
  public boolean succeeded() {
    return status == Status.SUCCEEDED;
  }
}
