package io.asyncz.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fires at the earliest time on which all of its triggers agree, and is finished as soon as any of
 * them is (alias {@code and}).
 *
 * <p>Unlike upstream, the search is bounded: the candidate time moves forward on every round, and
 * after {@value #MAX_ROUNDS} rounds without agreement the trigger reports no next time instead of
 * looping (an And of disjoint schedules, such as {@code hour=1} and {@code hour=2}, never agrees).
 */
public final class AndTrigger extends CombinationTrigger {
  /** The alias of this trigger. */
  public static final String ALIAS = "and";

  /** How many alignment rounds a search may take before it gives up. */
  public static final int MAX_ROUNDS = 10_000;

  private AndTrigger(List<? extends Trigger> triggers, Duration jitter) {
    super(ALIAS, triggers, jitter);
  }

  /** Combines the triggers. */
  public static AndTrigger of(Trigger... triggers) {
    return new AndTrigger(List.of(triggers), null);
  }

  /** Combines the triggers and delays each fire time by a random amount up to {@code jitter}. */
  public static AndTrigger of(List<? extends Trigger> triggers, Duration jitter) {
    return new AndTrigger(triggers, jitter);
  }

  static AndTrigger fromOptions(Map<String, ?> values, Clock clock) {
    Options o = Options.of(ALIAS, values, OPTIONS);
    return new AndTrigger(parts(o, clock), o.seconds("jitter"));
  }

  @Override
  public String alias() {
    return ALIAS;
  }

  @Override
  public Optional<Instant> nextFireTime(ZoneId defaultZone, Instant previousFireTime, Instant now) {
    // Round one asks each part as the seed does; later rounds ask each part for its first time at
    // or after the latest candidate, so the candidate only moves forward.
    Instant previous = previousFireTime;
    Instant from = now;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Instant earliest = null;
      Instant latest = null;
      for (Trigger t : triggers) {
        Optional<Instant> next = t.nextFireTime(defaultZone, previous, from);
        if (next.isEmpty()) {
          return Optional.empty();
        }
        Instant time = next.get();
        if (round > 0 && time.isBefore(from)) {
          // This part cannot reach the candidate (a date in the past): they never agree.
          return Optional.empty();
        }
        earliest = earliest == null || time.isBefore(earliest) ? time : earliest;
        latest = latest == null || time.isAfter(latest) ? time : latest;
      }
      if (earliest.equals(latest)) {
        return Optional.of(Jitter.apply(earliest, jitter));
      }
      previous = null;
      from = latest;
    }
    return Optional.empty();
  }
}
