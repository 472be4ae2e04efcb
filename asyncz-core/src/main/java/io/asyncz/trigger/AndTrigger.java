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
 * <p>Unlike upstream, the search is bounded. Its candidate time moves forward on every round, and
 * one computation evaluates triggers at most {@link Triggers#MAX_EVALUATIONS} times in all, however
 * deeply {@code and} and {@code or} nest (each level's rounds share that one allowance). When the
 * triggers have not agreed by then, the And reports no next time: the scheduler then treats the
 * task as finished and removes it, as for any trigger that reports none. That is the answer for
 * schedules that never agree, such as an And of {@code hour=1} and {@code hour=2} in a zone whose
 * clocks never skip from one of those hours into the other, and for grids that agree too rarely to
 * be found: a flat And of two parts searches 10,000 rounds.
 */
public final class AndTrigger extends CombinationTrigger {
  /** The alias of this trigger. */
  public static final String ALIAS = "and";

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
    return new AndTrigger(parts(o, clock), o.jitter());
  }

  @Override
  public String alias() {
    return ALIAS;
  }

  @Override
  Optional<Instant> plainNext(ZoneId zone, Instant previous, Instant now, Work work) {
    // Round one asks each part as the seed does; later rounds ask each part for its first time at
    // or after the latest candidate, so the candidate only moves forward.
    Instant earliest = null;
    Instant latest = null;
    for (Trigger t : triggers) {
      Optional<Instant> next = work.next(t, zone, previous, now);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      Instant time = next.get();
      earliest = earliest == null || time.isBefore(earliest) ? time : earliest;
      latest = latest == null || time.isAfter(latest) ? time : latest;
    }
    return earliest.equals(latest) ? Optional.of(earliest) : plainFirst(zone, latest, work);
  }

  @Override
  Optional<Instant> plainFirst(ZoneId zone, Instant from, Work work) {
    while (true) {
      Instant earliest = null;
      Instant latest = null;
      for (Trigger t : triggers) {
        // Empty also for a part that cannot reach the candidate (a date in the past): no common
        // time is left.
        Optional<Instant> first = work.first(t, zone, from);
        if (first.isEmpty()) {
          return Optional.empty();
        }
        Instant time = first.get();
        earliest = earliest == null || time.isBefore(earliest) ? time : earliest;
        latest = latest == null || time.isAfter(latest) ? time : latest;
      }
      if (earliest.equals(latest)) {
        return Optional.of(earliest);
      }
      from = latest;
    }
  }

  @Override
  Optional<Instant> lastMemoryless(ZoneId zone, Instant previous, Instant now, Work work) {
    // The forward search run backwards: no common time lies after the earliest of the parts' last
    // times, so that becomes the new limit until all parts agree.
    Instant limit = now;
    while (true) {
      Instant earliest = null;
      Instant latest = null;
      for (Trigger t : triggers) {
        Optional<Instant> last = work.last(t, zone, previous, limit);
        if (last.isEmpty()) {
          return Optional.empty();
        }
        Instant time = last.get();
        earliest = earliest == null || time.isBefore(earliest) ? time : earliest;
        latest = latest == null || time.isAfter(latest) ? time : latest;
      }
      if (earliest.equals(latest)) {
        return Optional.of(earliest);
      }
      limit = earliest;
    }
  }
}
