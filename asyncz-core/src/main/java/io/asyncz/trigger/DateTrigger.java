package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import io.asyncz.time.TimePoint;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Fires once, at the given date-time (alias {@code date}).
 *
 * <p>Created without a run time it fires "now" (the clock's instant when it was created) and allows
 * its run to be arbitrarily late, as the seed does.
 *
 * <p>As in the seed, any previous fire time means the trigger has fired: {@link #nextFireTime} then
 * reports no next time, also when the previous run came before the date (a forced run of the task
 * finishes it). As a part of an {@link OrTrigger} or {@link AndTrigger}, whose previous fire time
 * may be another part's, it fires at its date until a previous fire time reaches the date.
 */
public final class DateTrigger implements Trigger {
  /** The alias of this trigger. */
  public static final String ALIAS = "date";

  static final Set<String> OPTIONS = Set.of("run_at", "timezone", "allow_mistrigger_by_default");

  // A zoned run time is kept as an instant and its zone, a naive one as its wall time: a scheduler
  // may hold a million date triggers, so this class keeps two small fields, not a TimePoint.
  private final Instant instant; // null when naive
  private final Object
      zoneOrLocal; // the ZoneId of a zoned time, or the LocalDateTime of a naive one
  private final boolean allowMistrigger;

  private DateTrigger(TimePoint runAt, boolean allowMistrigger) {
    Objects.requireNonNull(runAt, "runAt");
    if (runAt.isNaive()) {
      this.instant = null;
      this.zoneOrLocal = runAt.dateTime();
    } else {
      this.instant = runAt.toInstant(runAt.zone());
      this.zoneOrLocal = runAt.zone();
    }
    this.allowMistrigger = allowMistrigger;
  }

  /** The first and last instants of the years 1 to 9999, the range every trigger keeps to. */
  private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");

  private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private DateTrigger(Instant instant, ZoneId zone, boolean allowMistrigger) {
    this.instant = instant;
    this.zoneOrLocal = zone;
    this.allowMistrigger = allowMistrigger;
  }

  /** Fires once at {@code runAt}. */
  public static DateTrigger at(Instant runAt) {
    Objects.requireNonNull(runAt, "runAt");
    if (runAt.isBefore(FIRST) || runAt.isAfter(LAST)) {
      return of(runAt, null); // refused there, with the message every form gives
    }
    // The common case of a task due at an instant, without a round trip through wall time.
    return new DateTrigger(runAt, ZoneOffset.UTC, false);
  }

  /** Fires once at {@code runAt}, printed in its zone. */
  public static DateTrigger at(ZonedDateTime runAt) {
    return of(runAt, null);
  }

  /** Fires once at {@code runAt}, printed at its offset. */
  public static DateTrigger at(OffsetDateTime runAt) {
    return of(runAt, null);
  }

  /** Fires once at the wall-clock time {@code runAt} in the scheduler's zone. */
  public static DateTrigger at(LocalDateTime runAt) {
    return of(runAt, null);
  }

  /** Fires once at the wall-clock time {@code runAt} in {@code zone}. */
  public static DateTrigger at(LocalDateTime runAt, ZoneId zone) {
    return of(runAt, zone);
  }

  /** Fires once at midnight of {@code runAt} in the scheduler's zone. */
  public static DateTrigger at(LocalDate runAt) {
    return of(runAt, null);
  }

  /**
   * Fires once at {@code runAt} given as text: the seed's {@code "2026-03-09 14:30:00"} (with an
   * optional {@code Z} or {@code ±HH:MM}) or ISO-8601, as configuration gives it; a time without a
   * zone or offset takes the scheduler's zone.
   *
   * @throws InvalidInputException quoting the text when it is neither form
   */
  public static DateTrigger at(String runAt) {
    return of(runAt, null);
  }

  /**
   * Fires once at {@code runAt} given as text (see {@link #at(String)}); a time without a zone or
   * offset is read in {@code zone}.
   */
  public static DateTrigger at(String runAt, ZoneId zone) {
    return of(runAt, zone);
  }

  private static DateTrigger of(Object runAt, ZoneId zone) {
    Objects.requireNonNull(runAt, "runAt");
    return new DateTrigger(Triggers.time(runAt, zone, "run_at"), false);
  }

  /** Fires once, now, with no limit on how late the run may start. */
  public static DateTrigger now(Clock clock) {
    Instant now = clock.instant();
    if (now.isBefore(FIRST) || now.isAfter(LAST)) {
      return new DateTrigger(TimePoint.of(now), true); // refused there
    }
    return new DateTrigger(now, ZoneOffset.UTC, true);
  }

  static DateTrigger fromOptions(Map<String, ?> values, Clock clock) {
    Options options = Options.of(ALIAS, values, OPTIONS);
    ZoneId zone = options.zone("timezone");
    if (!options.has("run_at")) {
      return now(clock);
    }
    return new DateTrigger(
        options.time("run_at", zone), options.bool("allow_mistrigger_by_default"));
  }

  /** The run time as given. */
  public TimePoint runAt() {
    if (instant == null) {
      return TimePoint.naive((LocalDateTime) zoneOrLocal);
    }
    return TimePoint.of(instant.atZone((ZoneId) zoneOrLocal));
  }

  @Override
  public String alias() {
    return ALIAS;
  }

  @Override
  public Optional<Instant> nextFireTime(ZoneId defaultZone, Instant previousFireTime, Instant now) {
    // The seed's rule: once the trigger has fired it is finished, whenever that was.
    return previousFireTime != null ? Optional.empty() : Optional.of(time(defaultZone));
  }

  @Override
  public Optional<Instant> lastFireTimeUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    Instant time = time(defaultZone);
    return previousFireTime == null && !time.isAfter(now) ? Optional.of(time) : Optional.empty();
  }

  @Override
  public OptionalLong countFireTimesUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    return OptionalLong.of(
        lastFireTimeUpTo(defaultZone, previousFireTime, now).isPresent() ? 1 : 0);
  }

  /**
   * The next fire time as a part of a combination: the date, unless the previous fire time (the
   * combination's, which another part may have set) has reached it. Combinations ask their date
   * parts this way, so that {@code or(date, interval)} still fires at the date after the interval
   * fired; asking {@link #nextFireTime} would finish the date at the interval's first run.
   */
  Optional<Instant> nextAsPart(ZoneId defaultZone, Instant previousFireTime) {
    Instant time = time(defaultZone);
    if (previousFireTime != null && !previousFireTime.isBefore(time)) {
      return Optional.empty();
    }
    return Optional.of(time);
  }

  /**
   * The last fire time as a part: the date, if it lies after {@code previous} and by {@code now}.
   */
  Optional<Instant> lastAsPart(ZoneId defaultZone, Instant previousFireTime, Instant now) {
    Instant time = time(defaultZone);
    boolean after = previousFireTime == null || previousFireTime.isBefore(time);
    return after && !time.isAfter(now) ? Optional.of(time) : Optional.empty();
  }

  private Instant time(ZoneId defaultZone) {
    return instant != null
        ? instant
        : ((LocalDateTime) zoneOrLocal).atZone(defaultZone).toInstant();
  }

  @Override
  public boolean allowsMistriggerByDefault() {
    return allowMistrigger;
  }

  @Override
  public TriggerState state() {
    Map<String, Object> fields = Options.fields();
    fields.put("run_at", runAt().toIsoString());
    if (allowMistrigger) {
      fields.put("allow_mistrigger_by_default", true);
    }
    return new TriggerState(ALIAS, fields);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DateTrigger other
        && Objects.equals(instant, other.instant)
        && zoneOrLocal.equals(other.zoneOrLocal)
        && allowMistrigger == other.allowMistrigger;
  }

  @Override
  public int hashCode() {
    return Objects.hash(instant, zoneOrLocal, allowMistrigger);
  }

  @Override
  public String toString() {
    return "date[" + runAt().toDisplayString() + "]";
  }
}
