package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import io.asyncz.time.TimePoint;
import io.asyncz.time.Zones;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Fires every {@code interval}, starting at {@code start_at} (default: creation time + interval),
 * until {@code end_at} (alias {@code interval}).
 *
 * <p>The interval is elapsed time: across a daylight-saving change a 1-hour interval stays 60
 * minutes of real time, never a wall-clock hour.
 */
public final class IntervalTrigger implements Trigger {
  /** The alias of this trigger. */
  public static final String ALIAS = "interval";

  static final Set<String> OPTIONS =
      Set.of(
          "weeks",
          "days",
          "hours",
          "minutes",
          "seconds",
          "start_at",
          "end_at",
          "timezone",
          "jitter");

  private final Duration interval;
  private final TimePoint startAt;
  private final TimePoint endAt;
  private final ZoneId zone; // as given
  private final ZoneId ownZone; // as given, or the zone of a zoned start or end bound
  private final Duration jitter;

  private IntervalTrigger(Builder b) {
    if (b.interval.isZero() || b.interval.isNegative()) {
      throw new InvalidInputException(
          "interval",
          formatDelta(b.interval),
          "is not positive; expected an interval of more than 0 seconds");
    }
    this.interval = b.interval;
    TimePoint start = TimePoint.from(b.startAt, b.zone, "start_at");
    TimePoint end = TimePoint.from(b.endAt, b.zone, "end_at");
    this.ownZone = Triggers.ownZone(b.zone, start, end);
    if (start == null) {
      Clock clock = b.clock != null ? b.clock : Clock.systemUTC();
      Instant first = clock.instant().plus(interval);
      start = b.zone != null ? TimePoint.of(first.atZone(b.zone)) : TimePoint.of(first);
    }
    Triggers.checkBounds(start, end, ownZone);
    this.zone = b.zone;
    this.startAt = start;
    this.endAt = end;
    this.jitter = Jitter.check(b.jitter);
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Fires every {@code interval}, starting one interval from now on the system clock. */
  public static IntervalTrigger every(Duration interval) {
    return builder().interval(interval).build();
  }

  static IntervalTrigger fromOptions(Map<String, ?> values, Clock clock) {
    Options o = Options.of(ALIAS, values, OPTIONS);
    Duration interval =
        Duration.ofDays(7 * o.wholeNumber("weeks"))
            .plusDays(o.wholeNumber("days"))
            .plusHours(o.wholeNumber("hours"))
            .plusMinutes(o.wholeNumber("minutes"));
    Duration seconds = o.seconds("seconds");
    if (seconds != null) {
      interval = interval.plus(seconds);
    }
    return builder()
        .interval(interval)
        .timezone(o.zone("timezone"))
        .startAt(o.raw("start_at"))
        .endAt(o.raw("end_at"))
        .jitter(o.seconds("jitter"))
        .clock(clock)
        .build();
  }

  /** The interval between fire times. */
  public Duration interval() {
    return interval;
  }

  /** The first fire time. */
  public TimePoint startAt() {
    return startAt;
  }

  /** The last possible fire time, if bounded. */
  public Optional<TimePoint> endAt() {
    return Optional.ofNullable(endAt);
  }

  /**
   * The trigger's own zone for naive bounds, if it has one: the zone given, or else the zone of a
   * zoned start or end bound given (as the seed infers it).
   */
  public Optional<ZoneId> timezone() {
    return Optional.ofNullable(ownZone);
  }

  /** The maximum random delay added to each fire time, if any. */
  public Optional<Duration> jitter() {
    return Optional.ofNullable(jitter);
  }

  @Override
  public String alias() {
    return ALIAS;
  }

  @Override
  public Optional<Instant> nextFireTime(ZoneId defaultZone, Instant previousFireTime, Instant now) {
    ZoneId tz = ownZone != null ? ownZone : defaultZone;
    Instant start = startAt.toInstant(tz);
    Instant next;
    if (previousFireTime != null) {
      next = previousFireTime.plus(interval);
    } else if (start.isAfter(now)) {
      next = start;
    } else {
      Duration elapsed = Duration.between(start, now);
      long steps = elapsed.dividedBy(interval);
      next = start.plus(interval.multipliedBy(steps));
      if (next.isBefore(now)) {
        next = next.plus(interval);
      }
    }
    next = Jitter.apply(next, jitter);
    if (endAt != null && next.isAfter(endAt.toInstant(tz))) {
      return Optional.empty();
    }
    return Optional.of(next);
  }

  @Override
  public Optional<Instant> lastFireTimeUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    if (jitter != null || previousFireTime == null) {
      return Trigger.super.lastFireTimeUpTo(defaultZone, previousFireTime, now);
    }
    // previous + k * interval for the largest k >= 1 that is not after now (and not after end_at).
    Instant limit = now;
    if (endAt != null) {
      Instant end = endAt.toInstant(ownZone != null ? ownZone : defaultZone);
      limit = end.isBefore(limit) ? end : limit;
    }
    if (limit.isBefore(previousFireTime.plus(interval))) {
      return Optional.empty();
    }
    long steps = Duration.between(previousFireTime, limit).dividedBy(interval);
    return Optional.of(previousFireTime.plus(interval.multipliedBy(steps)));
  }

  @Override
  public TriggerState state() {
    Map<String, Object> fields = Options.fields();
    long totalSeconds = interval.getSeconds();
    long weeks = totalSeconds / (7 * 86_400L);
    long days = totalSeconds / 86_400L % 7;
    long hours = totalSeconds / 3_600L % 24;
    long minutes = totalSeconds / 60L % 60;
    Duration seconds = Duration.ofSeconds(totalSeconds % 60, interval.getNano());
    if (weeks != 0) {
      fields.put("weeks", weeks);
    }
    if (days != 0) {
      fields.put("days", days);
    }
    if (hours != 0) {
      fields.put("hours", hours);
    }
    if (minutes != 0) {
      fields.put("minutes", minutes);
    }
    if (!seconds.isZero()) {
      fields.put("seconds", Options.secondsValue(seconds));
    }
    fields.put("start_at", startAt.toIsoString());
    if (endAt != null) {
      fields.put("end_at", endAt.toIsoString());
    }
    if (zone != null) {
      fields.put("timezone", zone.getId());
    }
    if (jitter != null) {
      fields.put("jitter", Options.secondsValue(jitter));
    }
    return new TriggerState(ALIAS, fields);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IntervalTrigger other
        && interval.equals(other.interval)
        && startAt.equals(other.startAt)
        && Objects.equals(endAt, other.endAt)
        && Objects.equals(zone, other.zone)
        && Objects.equals(jitter, other.jitter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(interval, startAt, endAt, zone, jitter);
  }

  /** The seed's form, e.g. {@code interval[0:01:00]} or {@code interval[1 day, 2:00:00]}. */
  @Override
  public String toString() {
    return "interval[" + formatDelta(interval) + "]";
  }

  /** Formats a duration as Python's {@code str(timedelta)} does. */
  static String formatDelta(Duration d) {
    StringBuilder sb = new StringBuilder();
    long total = d.getSeconds();
    long days = Math.floorDiv(total, 86_400L);
    long rest = Math.floorMod(total, 86_400L);
    if (days != 0) {
      sb.append(days).append(Math.abs(days) == 1 ? " day, " : " days, ");
    }
    sb.append(rest / 3600)
        .append(String.format(Locale.ROOT, ":%02d:%02d", rest / 60 % 60, rest % 60));
    int nanos = d.getNano();
    if (nanos != 0) {
      sb.append(
          nanos % 1000 == 0
              ? String.format(Locale.ROOT, ".%06d", nanos / 1000)
              : String.format(Locale.ROOT, ".%09d", nanos));
    }
    return sb.toString();
  }

  /** Builds an {@link IntervalTrigger}; the parts of the interval add up. */
  public static final class Builder {
    private Duration interval = Duration.ZERO;
    private Object startAt;
    private Object endAt;
    private ZoneId zone;
    private Duration jitter;
    private Clock clock;

    private Builder() {}

    /** Adds weeks to the interval. */
    public Builder weeks(long weeks) {
      interval = interval.plusDays(Math.multiplyExact(weeks, 7));
      return this;
    }

    /** Adds days (24 hours each) to the interval. */
    public Builder days(long days) {
      interval = interval.plusDays(days);
      return this;
    }

    /** Adds hours to the interval. */
    public Builder hours(long hours) {
      interval = interval.plusHours(hours);
      return this;
    }

    /** Adds minutes to the interval. */
    public Builder minutes(long minutes) {
      interval = interval.plusMinutes(minutes);
      return this;
    }

    /** Adds seconds to the interval. */
    public Builder seconds(long seconds) {
      interval = interval.plusSeconds(seconds);
      return this;
    }

    /** Adds a duration to the interval. */
    public Builder interval(Duration duration) {
      interval = interval.plus(Objects.requireNonNull(duration, "interval"));
      return this;
    }

    /** The first fire time (default: the clock's now plus one interval). */
    public Builder startAt(Object startAt) {
      this.startAt = startAt;
      return this;
    }

    /** The last possible fire time, inclusive. */
    public Builder endAt(Object endAt) {
      this.endAt = endAt;
      return this;
    }

    /** The zone for naive start and end times (a {@link ZoneId} or a zone name). */
    public Builder timezone(Object zone) {
      this.zone = Zones.parse(zone, "timezone");
      return this;
    }

    /** Delays each fire time by a random amount up to {@code jitter}. */
    public Builder jitter(Duration jitter) {
      this.jitter = jitter;
      return this;
    }

    /** The clock read for the default start time. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Builds the trigger.
     *
     * @throws InvalidInputException when the interval is not positive, the jitter is negative or
     *     the end is before the start
     */
    public IntervalTrigger build() {
      return new IntervalTrigger(this);
    }
  }
}
