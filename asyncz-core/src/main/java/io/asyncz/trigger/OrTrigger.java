package io.asyncz.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fires at the earliest next time of any of its triggers, and is finished when all of them are
 * (alias {@code or}). A date part keeps its date when another part fired first (see {@link
 * DateTrigger}); nested combinations share one work bound (see {@link AndTrigger}).
 */
public final class OrTrigger extends CombinationTrigger {
  /** The alias of this trigger. */
  public static final String ALIAS = "or";

  private OrTrigger(List<? extends Trigger> triggers, Duration jitter) {
    super(ALIAS, triggers, jitter);
  }

  /** Combines the triggers. */
  public static OrTrigger of(Trigger... triggers) {
    return new OrTrigger(List.of(triggers), null);
  }

  /** Combines the triggers and delays each fire time by a random amount up to {@code jitter}. */
  public static OrTrigger of(List<? extends Trigger> triggers, Duration jitter) {
    return new OrTrigger(triggers, jitter);
  }

  static OrTrigger fromOptions(Map<String, ?> values, Clock clock) {
    Options o = Options.of(ALIAS, values, OPTIONS);
    return new OrTrigger(parts(o, clock), o.jitter());
  }

  @Override
  public String alias() {
    return ALIAS;
  }

  @Override
  Optional<Instant> plainNext(ZoneId zone, Instant previous, Instant now, Work work) {
    Instant earliest = null;
    for (Trigger t : triggers) {
      Optional<Instant> next = work.next(t, zone, previous, now);
      if (next.isPresent() && (earliest == null || next.get().isBefore(earliest))) {
        earliest = next.get();
      }
    }
    return Optional.ofNullable(earliest);
  }

  @Override
  Optional<Instant> plainFirst(ZoneId zone, Instant from, Work work) {
    Instant earliest = null;
    for (Trigger t : triggers) {
      Optional<Instant> first = work.first(t, zone, from);
      if (first.isPresent() && (earliest == null || first.get().isBefore(earliest))) {
        earliest = first.get();
      }
    }
    return Optional.ofNullable(earliest);
  }

  @Override
  Optional<Instant> lastMemoryless(ZoneId zone, Instant previous, Instant now, Work work) {
    Instant latest = null;
    for (Trigger t : triggers) {
      Optional<Instant> last = work.last(t, zone, previous, now);
      if (last.isPresent() && (latest == null || last.get().isAfter(latest))) {
        latest = last.get();
      }
    }
    return Optional.ofNullable(latest);
  }
}
