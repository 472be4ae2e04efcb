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
    long bound = jitter.toNanos(); // at most MAX_JITTER: far from overflowing
    Instant latest = Triggers.plus(time, jitter);
    if (latest == null) {
      return time; // no delay near the end of time
    }
    return time.plusNanos(ThreadLocalRandom.current().nextLong(bound + 1));
  }

  /** Checks a jitter argument: null (none) or a duration from 0 to {@link Triggers#MAX_JITTER}. */
  static Duration check(Duration jitter) {
    if (jitter != null && jitter.isNegative()) {
      throw new InvalidInputException("jitter", jitter, "is negative; expected 0 or more seconds");
    }
    if (jitter != null && jitter.compareTo(Triggers.MAX_JITTER) > 0) {
      throw new InvalidInputException("jitter", jitter, TOO_LARGE);
    }
    return jitter == null || jitter.isZero() ? null : jitter;
  }

  static final String TOO_LARGE =
      "is too large; expected at most " + Triggers.MAX_JITTER.getSeconds() + " seconds (366 days)";
}
