package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/** The seed's {@code apply_jitter}: a random delay in [0, jitter] added to a fire time. */
final class Jitter {
  private Jitter() {}

  static Instant apply(Instant time, Duration jitter) {
    if (time == null || jitter == null || jitter.isZero()) {
      return time;
    }
    long bound = jitter.toNanos();
    return time.plusNanos(ThreadLocalRandom.current().nextLong(bound + 1));
  }

  /** Checks a jitter argument: null (none) or a non-negative duration. */
  static Duration check(Duration jitter) {
    if (jitter != null && jitter.isNegative()) {
      throw new InvalidInputException("jitter", jitter, "is negative; expected 0 or more seconds");
    }
    return jitter == null || jitter.isZero() ? null : jitter;
  }
}
