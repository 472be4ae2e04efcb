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
 * Triggers#fromState} rebuilds an equal trigger. The scheduler calls these methods on its own
 * thread: each must terminate quickly for every input, never return a time before {@code
 * previousFireTime}, and never throw for a trigger that was accepted (near the end of {@link
 * Instant}'s range, or past the year 9999 for cron, a trigger reports no time instead).
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
   * The last time the trigger fires after {@code previousFireTime}, up to and including {@code
   * now}: the run a coalescing task makes of its missed runs. It is the last of the times that
   * stepping {@link #nextFireTime nextFireTime(zone, t, now)} from {@code previousFireTime} gives
   * while they are not after {@code now} ({@code previousFireTime} need not be a fire time itself).
   *
   * <p>Cron, interval and date triggers find it without stepping (a year of every-second runs takes
   * microseconds); combinations use their parts' answers where that is exact and step otherwise.
   * The default steps, at most {@link Triggers#MAX_EVALUATIONS} times; a trigger that has not
   * reached {@code now} by then answers the latest time it reached (so the scheduler makes progress
   * in bounded chunks). For a trigger with jitter, the answer is the time its schedule names,
   * without a random delay: the run is late anyway.
   *
   * @return empty when no fire time after {@code previousFireTime} is at or before {@code now}
   */
  default Optional<Instant> lastFireTimeUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    Instant last = null;
    Instant from = previousFireTime;
    for (int step = 0; step < Triggers.MAX_EVALUATIONS; step++) {
      Optional<Instant> next = nextFireTime(defaultZone, from, now);
      if (next.isEmpty() || next.get().isAfter(now)) {
        break;
      }
      last = from = next.get();
    }
    return Optional.ofNullable(last);
  }

  /**
   * How many times the trigger fires after {@code previousFireTime}, up to and including {@code
   * now}: the runs a coalescing task folds into one. The definition is stepping {@link
   * #nextFireTime nextFireTime(zone, t, now)} from {@code previousFireTime} and counting the
   * results while they are not after {@code now} ({@code previousFireTime} need not itself be a
   * fire time).
   *
   * <p>Cron, interval and date triggers count without stepping (a year of every-second runs takes
   * microseconds), daylight-saving gaps and overlaps counted exactly as stepping meets them; with
   * jitter they count the times their schedule names, without random delays. Combinations, and this
   * default, step at most {@link Triggers#MAX_EVALUATIONS} times.
   *
   * @return the count, or empty when it cannot be had within the trigger's work bound
   */
  default OptionalLong countFireTimesUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    long count = 0;
    Instant from = previousFireTime;
    for (int step = 0; step < Triggers.MAX_EVALUATIONS; step++) {
      Optional<Instant> next = nextFireTime(defaultZone, from, now);
      if (next.isEmpty() || next.get().isAfter(now)) {
        return OptionalLong.of(count);
      }
      count++;
      from = next.get();
    }
    return OptionalLong.empty();
  }

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
