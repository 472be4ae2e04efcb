package io.asyncz.trigger;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Decides when a task fires: given the previous fire time, the next one.
 *
 * <p>Implementations are immutable values with value equality, a {@code toString} in the seed's
 * form (e.g. {@code cron[hour='5']}), and a {@link #state() plain-data state} from which {@link
 * Triggers#fromState} rebuilds an equal trigger. {@link #nextFireTime} must terminate quickly for
 * every input and never return a time before {@code previousFireTime}.
 */
public interface Trigger {

  /** The alias this trigger is registered under, e.g. {@code cron}. */
  String alias();

  /**
   * The next time to fire, as the seed's {@code get_next_trigger_time(timezone, previous, now)}.
   *
   * <p>With no previous fire time, the first time at or after {@code now} (or at the start bound).
   * With a previous fire time, the first time strictly after it, even if that is long before {@code
   * now}: the scheduler lists every missed run by calling this repeatedly (catch-up).
   *
   * @param defaultZone the zone for naive times and wall-clock fields when the trigger has none
   * @param previousFireTime the last time this trigger fired, or {@code null} if it never did
   * @param now the current time
   * @return the next fire time, or empty when the trigger will never fire again
   */
  Optional<Instant> nextFireTime(ZoneId defaultZone, Instant previousFireTime, Instant now);

  /**
   * The last fire time at or before {@code now} when the next one after {@code previousFireTime} is
   * due: what a coalescing task runs after a long sleep. The default walks {@link #nextFireTime}
   * from {@code previousFireTime}; a trigger that can jump (an interval) overrides it, so that
   * waking after a day does not step through every missed millisecond.
   *
   * @return empty when no fire time after {@code previousFireTime} is at or before {@code now}
   */
  default Optional<Instant> lastFireTimeUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    Instant last = null;
    Optional<Instant> next = nextFireTime(defaultZone, previousFireTime, now);
    while (next.isPresent() && !next.get().isAfter(now)) {
      last = next.get();
      next = nextFireTime(defaultZone, last, now);
    }
    return Optional.ofNullable(last);
  }

  /**
   * How many times the trigger fires after {@code previousFireTime}, up to and including {@code
   * now}: the runs a coalescing task folds into one. The definition is that of stepping {@link
   * #nextFireTime} from {@code previousFireTime} while the result is at or before {@code now}. The
   * default steps, and gives up (empty) after {@value #COUNT_STEP_LIMIT} steps; triggers that can
   * count without stepping override it.
   *
   * @return the count, or empty when it cannot be had within the trigger's work bound
   */
  default OptionalLong countFireTimesUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    long count = 0;
    Optional<Instant> next = nextFireTime(defaultZone, previousFireTime, now);
    while (next.isPresent() && !next.get().isAfter(now)) {
      if (++count > COUNT_STEP_LIMIT) {
        return OptionalLong.empty();
      }
      next = nextFireTime(defaultZone, next.get(), now);
    }
    return OptionalLong.of(count);
  }

  /** How many fire times the default {@link #countFireTimesUpTo} steps through at most. */
  int COUNT_STEP_LIMIT = 100_000;

  /**
   * Whether a run may be arbitrarily late by default: true for a date trigger created without a run
   * time ("run now"), whose run must not be dropped as missed.
   */
  default boolean allowsMistriggerByDefault() {
    return false;
  }

  /** The plain-data state (alias and JSON-like fields) that {@link Triggers#fromState} reads. */
  TriggerState state();
}
