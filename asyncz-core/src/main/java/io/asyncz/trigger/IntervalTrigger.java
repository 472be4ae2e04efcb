package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import io.asyncz.time.TimePoint;
import io.asyncz.time.Zones;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Fires every {@code interval}, starting at {@code start_at}, until {@code end_at} (alias {@code
 * interval}).
 *
 * <p>Without {@code start_at} the trigger reads no clock: its first fire time is one interval after
 * the {@code now} that the scheduler passes to {@link #nextFireTime nextFireTime(zone, null, now)}
 * (when the task is added, or when the scheduler starts for a task added before), so it runs on the
 * scheduler's clock. Its state then holds no start. Inside an {@link AndTrigger} or {@link
 * OrTrigger} its grid runs through the combination's previous fire time, or before the first one
 * through {@code now} plus one interval.
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

  /** The longest interval: 10,000 years of 365.2425 days, that is 3,652,425 days. */
  public static final Duration MAX_INTERVAL = Duration.ofDays(3_652_425);

  private static final String TOO_LONG = "an interval is at most 10,000 years";
  private static final String TOO_LONG_TOTAL =
      "is longer than 10,000 years; expected at most 3652425 days";
  private static final Instant YEAR_10000 = Instant.parse("+10000-01-02T00:00:00Z");
  private static final Instant YEAR_10000_UTC = Instant.parse("+10000-01-01T00:00:00Z");

  // Two spans below this many seconds still add up to a long of nanoseconds.
  private static final long NANOS_FIT_SECONDS = Long.MAX_VALUE / 2_000_000_000L;
  private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

  private final Duration interval;
  private final TimePoint startAt; // null: one interval after the now of the first computation
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
    if (b.interval.compareTo(MAX_INTERVAL) > 0) {
      throw new InvalidInputException("interval", formatDelta(b.interval), TOO_LONG_TOTAL);
    }
    this.interval = b.interval;
    TimePoint start = Triggers.time(b.startAt, b.zone, "start_at");
    TimePoint end = Triggers.time(b.endAt, b.zone, "end_at");
    this.ownZone = Triggers.ownZone(b.zone, start, end);
    if (start == null && b.clock != null) {
      start = defaultStart(Triggers.plus(b.clock.instant(), interval), b.zone, interval);
    }
    Triggers.checkBounds(start, end, ownZone);
    this.zone = b.zone;
    this.startAt = start;
    this.endAt = end;
    this.jitter = Jitter.check(b.jitter);
  }

  /**
   * Now plus one interval, which like every start must lie in the years 1 to 9999 (only for the
   * deprecated {@link Builder#clock}).
   */
  private static TimePoint defaultStart(Instant first, ZoneId zone, Duration interval) {
    if (first != null && first.isBefore(YEAR_10000)) {
      TimePoint start = zone != null ? TimePoint.of(first.atZone(zone)) : TimePoint.of(first);
      if (start.dateTime().getYear() <= 9999) {
        return start;
      }
    }
    throw new InvalidInputException(
        "interval",
        formatDelta(interval),
        "puts the first run (now + interval) after the year 9999; expected a start_at or a"
            + " shorter interval");
  }

  /**
   * The first fire time of a trigger without a start: {@code now} plus one interval, or null when
   * that lies after the year 9999 (in UTC), the last year a start may have.
   */
  private Instant firstAfter(Instant now) {
    Instant first = Triggers.plus(now, interval);
    return first == null || !first.isBefore(YEAR_10000_UTC) ? null : first;
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Fires every {@code interval}, starting one interval after the scheduler's now. */
  public static IntervalTrigger every(Duration interval) {
    return builder().interval(interval).build();
  }

  static IntervalTrigger fromOptions(Map<String, ?> values) {
    Options o = Options.of(ALIAS, values, OPTIONS);
    Builder b = builder();
    b.add("weeks", o.wholeNumber("weeks", maxOf(WEEK), WEEKS_LIMIT), WEEK);
    b.add("days", o.wholeNumber("days", maxOf(DAY), DAYS_LIMIT), DAY);
    b.add("hours", o.wholeNumber("hours", maxOf(HOUR), HOURS_LIMIT), HOUR);
    b.add("minutes", o.wholeNumber("minutes", maxOf(MINUTE), MINUTES_LIMIT), MINUTE);
    Duration seconds = o.seconds("seconds", MAX_INTERVAL, SECONDS_TOO_LARGE);
    if (seconds != null) {
      b.interval(seconds);
    }
    return b.timezone(o.zone("timezone"))
        .startAtValue(o.raw("start_at"))
        .endAtValue(o.raw("end_at"))
        .jitter(o.jitter())
        .build();
  }

  private static final long WEEK = 7 * 86_400L;
  private static final long DAY = 86_400L;
  private static final long HOUR = 3_600L;
  private static final long MINUTE = 60L;

  // The messages of fromOptions, made once: a store rebuilds a trigger for every record it reads.
  private static final String WEEKS_LIMIT = partLimit("weeks", WEEK);
  private static final String DAYS_LIMIT = partLimit("days", DAY);
  private static final String HOURS_LIMIT = partLimit("hours", HOUR);
  private static final String MINUTES_LIMIT = partLimit("minutes", MINUTE);
  private static final String SECONDS_TOO_LARGE = "is too large; " + partLimit("seconds", 1);

  /** The largest number of a unit an interval holds. */
  private static long maxOf(long unitSeconds) {
    return MAX_INTERVAL.getSeconds() / unitSeconds;
  }

  private static String partLimit(String name, long unitSeconds) {
    return "expected at most " + maxOf(unitSeconds) + " " + name + " (" + TOO_LONG + ")";
  }

  /** The interval between fire times. */
  public Duration interval() {
    return interval;
  }

  /**
   * The first fire time, if the trigger has one of its own; without one it first fires one interval
   * after the scheduler's now.
   */
  public Optional<TimePoint> startAt() {
    return Optional.ofNullable(startAt);
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
    return bounded(tz, Jitter.apply(plainNext(tz, previousFireTime, now), jitter));
  }

  /**
   * The next fire time as a part of a combination, asked with no previous time of its own (an And
   * after its first round): a trigger without a start takes the grid through the combination's
   * previous fire time ({@code anchorPrevious}), or through {@code anchorNow} plus one interval
   * before the combination first fired, so that it keeps one grid through every round.
   */
  Optional<Instant> nextAsPart(
      ZoneId defaultZone, Instant now, Instant anchorPrevious, Instant anchorNow) {
    if (startAt != null) {
      return nextFireTime(defaultZone, null, now);
    }
    ZoneId tz = ownZone != null ? ownZone : defaultZone;
    Instant anchor = anchorPrevious != null ? anchorPrevious : firstAfter(anchorNow);
    return bounded(tz, Jitter.apply(fromGrid(anchor, now), jitter));
  }

  /** The time, unless it is null or after the end bound. */
  private Optional<Instant> bounded(ZoneId tz, Instant next) {
    if (next == null || (endAt != null && next.isAfter(endAt.toInstant(tz)))) {
      return Optional.empty();
    }
    return Optional.of(next);
  }

  /**
   * The last fire time after {@code previousFireTime} and at or before {@code now}, in one step:
   * {@code previous + k × interval} for the largest such k. With jitter, the time is the one
   * without a random delay (the run is late anyway).
   */
  @Override
  public Optional<Instant> lastFireTimeUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    ZoneId tz = ownZone != null ? ownZone : defaultZone;
    Instant limit = limit(tz, now);
    if (previousFireTime == null) {
      // Stepping from nothing gives the first time at or after now: it is due only if it is now.
      Instant first = plainNext(tz, null, now);
      return first != null && !first.isAfter(limit) ? Optional.of(first) : Optional.empty();
    }
    Instant first = Triggers.plus(previousFireTime, interval);
    if (first == null || first.isAfter(limit)) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        onGrid(previousFireTime, Duration.between(previousFireTime, limit), interval, false));
  }

  /**
   * How many times the trigger fires after {@code previousFireTime} up to {@code now}, in one
   * division; with jitter, the times without their random delays count.
   */
  @Override
  public OptionalLong countFireTimesUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    if (previousFireTime == null) {
      return OptionalLong.of(lastFireTimeUpTo(defaultZone, null, now).isPresent() ? 1 : 0);
    }
    Instant limit = limit(ownZone != null ? ownZone : defaultZone, now);
    Instant first = Triggers.plus(previousFireTime, interval);
    if (first == null || first.isAfter(limit)) {
      return OptionalLong.of(0);
    }
    BigInteger steps = nanos(Duration.between(previousFireTime, limit)).divide(nanos(interval));
    return steps.bitLength() < 64 ? OptionalLong.of(steps.longValue()) : OptionalLong.empty();
  }

  /** {@code now}, or the end bound if it is earlier. */
  private Instant limit(ZoneId tz, Instant now) {
    if (endAt == null) {
      return now;
    }
    Instant end = endAt.toInstant(tz);
    return end.isBefore(now) ? end : now;
  }

  /** The next fire time without jitter (and before checking the end bound), or null. */
  private Instant plainNext(ZoneId tz, Instant previousFireTime, Instant now) {
    if (previousFireTime != null) {
      return Triggers.plus(previousFireTime, interval);
    }
    return fromGrid(startAt != null ? startAt.toInstant(tz) : firstAfter(now), now);
  }

  /** The first time at or after {@code now} on the grid {@code start + k × interval}, or null. */
  private Instant fromGrid(Instant start, Instant now) {
    if (start == null || start.isAfter(now)) {
      return start;
    }
    return onGrid(start, Duration.between(start, now), interval, true);
  }

  /**
   * {@code base + k × step} for {@code k = span / step} rounded down (or up), or null beyond {@link
   * Instant#MAX}; exact for any span, however many steps it holds.
   */
  private static Instant onGrid(Instant base, Duration span, Duration step, boolean roundUp) {
    Duration amount;
    if (span.getSeconds() < NANOS_FIT_SECONDS && step.getSeconds() < NANOS_FIT_SECONDS) {
      long spanNanos = span.toNanos();
      long stepNanos = step.toNanos();
      long k = spanNanos / stepNanos;
      if (roundUp && k * stepNanos < spanNanos) {
        k++;
      }
      amount = Duration.ofNanos(k * stepNanos);
    } else {
      BigInteger stepNanos = nanos(step);
      BigInteger[] quotient = nanos(span).divideAndRemainder(stepNanos);
      BigInteger k = quotient[0];
      if (roundUp && quotient[1].signum() != 0) {
        k = k.add(BigInteger.ONE);
      }
      BigInteger[] seconds = k.multiply(stepNanos).divideAndRemainder(BILLION);
      amount = Duration.ofSeconds(seconds[0].longValueExact(), seconds[1].longValue());
    }
    return Triggers.plus(base, amount);
  }

  private static BigInteger nanos(Duration d) {
    return BigInteger.valueOf(d.getSeconds())
        .multiply(BILLION)
        .add(BigInteger.valueOf(d.getNano()));
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
    if (startAt != null) {
      fields.put("start_at", startAt.toIsoString());
    }
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
        && Objects.equals(startAt, other.startAt)
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
    // Zero-padded by hand rather than with String.format: a listing prints this for every
    // interval task, and the formatter is costly in a short-lived process (docs/cli.md).
    sb.append(rest / 3600).append(':');
    padded(sb, rest / 60 % 60, 2).append(':');
    padded(sb, rest % 60, 2);
    int nanos = d.getNano();
    if (nanos != 0) {
      sb.append('.');
      if (nanos % 1000 == 0) {
        padded(sb, nanos / 1000, 6);
      } else {
        padded(sb, nanos, 9);
      }
    }
    return sb.toString();
  }

  /** Appends {@code value}, not negative, with leading zeros up to {@code digits} digits. */
  private static StringBuilder padded(StringBuilder sb, long value, int digits) {
    String text = Long.toString(value);
    for (int i = text.length(); i < digits; i++) {
      sb.append('0');
    }
    return sb.append(text);
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
      return add("weeks", weeks, WEEK);
    }

    /** Adds days (24 hours each) to the interval. */
    public Builder days(long days) {
      return add("days", days, DAY);
    }

    /** Adds hours to the interval. */
    public Builder hours(long hours) {
      return add("hours", hours, HOUR);
    }

    /** Adds minutes to the interval. */
    public Builder minutes(long minutes) {
      return add("minutes", minutes, MINUTE);
    }

    /** Adds seconds to the interval. */
    public Builder seconds(long seconds) {
      return add("seconds", seconds, 1);
    }

    /** Adds a duration to the interval. */
    public Builder interval(Duration duration) {
      Objects.requireNonNull(duration, "interval");
      if (duration.compareTo(MAX_INTERVAL) > 0 || duration.compareTo(MAX_INTERVAL.negated()) < 0) {
        throw new InvalidInputException("interval", formatDelta(duration), TOO_LONG_TOTAL);
      }
      interval = interval.plus(duration);
      return this;
    }

    private Builder add(String name, long amount, long unitSeconds) {
      long max = maxOf(unitSeconds);
      if (amount > max || amount < -max) {
        throw new InvalidInputException(
            name, amount, "is too large; " + partLimit(name, unitSeconds));
      }
      interval = interval.plusSeconds(amount * unitSeconds);
      return this;
    }

    /** The first fire time (default: one interval after the scheduler's now). */
    public Builder startAt(Instant startAt) {
      return startAtValue(startAt);
    }

    /** The first fire time, in its own zone (which becomes the trigger's, unless one is given). */
    public Builder startAt(ZonedDateTime startAt) {
      return startAtValue(startAt);
    }

    /**
     * The first fire time, at its offset (which becomes the trigger's zone, unless one is given).
     */
    public Builder startAt(OffsetDateTime startAt) {
      return startAtValue(startAt);
    }

    /** The first fire time as a wall-clock time in the trigger's zone, else the scheduler's. */
    public Builder startAt(LocalDateTime startAt) {
      return startAtValue(startAt);
    }

    /** The first fire time: midnight of the date in the trigger's zone, else the scheduler's. */
    public Builder startAt(LocalDate startAt) {
      return startAtValue(startAt);
    }

    /**
     * The first fire time as text: the seed's {@code "2026-03-09 14:30:00"} (naive, with an
     * optional {@code Z} or {@code ±HH:MM}) or ISO-8601, as configuration gives it.
     */
    public Builder startAt(String startAt) {
      return startAtValue(startAt);
    }

    /** The last possible fire time, inclusive. */
    public Builder endAt(Instant endAt) {
      return endAtValue(endAt);
    }

    /** The last possible fire time, inclusive, in its own zone. */
    public Builder endAt(ZonedDateTime endAt) {
      return endAtValue(endAt);
    }

    /** The last possible fire time, inclusive, at its offset. */
    public Builder endAt(OffsetDateTime endAt) {
      return endAtValue(endAt);
    }

    /** The last possible fire time, inclusive, as a wall-clock time (see {@link #startAt}). */
    public Builder endAt(LocalDateTime endAt) {
      return endAtValue(endAt);
    }

    /** The last possible fire time, inclusive: midnight of the date (see {@link #startAt}). */
    public Builder endAt(LocalDate endAt) {
      return endAtValue(endAt);
    }

    /** The last possible fire time, inclusive, as text (see {@link #startAt(String)}). */
    public Builder endAt(String endAt) {
      return endAtValue(endAt);
    }

    // The date-time is read at build(), in the zone given by then, as the alias form reads it.
    Builder startAtValue(Object startAt) {
      this.startAt = startAt;
      return this;
    }

    Builder endAtValue(Object endAt) {
      this.endAt = endAt;
      return this;
    }

    /** The zone for naive start and end times (default: the scheduler's). */
    public Builder timezone(ZoneId zone) {
      this.zone = zone;
      return this;
    }

    /**
     * The zone for naive start and end times by name: {@code "Europe/Berlin"}, {@code "UTC"},
     * {@code "+02:00"}; blank means none.
     *
     * @throws InvalidInputException when the name is not a known zone
     */
    public Builder timezone(String zone) {
      this.zone = Zones.parse(zone, "timezone");
      return this;
    }

    /** Delays each fire time by a random amount up to {@code jitter}. */
    public Builder jitter(Duration jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * Fixes the start at build time: {@code clock}'s now plus one interval.
     *
     * @deprecated no longer needed: a trigger built without a start time first fires one interval
     *     after the now that the scheduler passes, so it runs on the scheduler's clock. To fix the
     *     start when the trigger is built, give {@code startAt(clock.instant().plus(interval))}.
     */
    @Deprecated
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Builds the trigger.
     *
     * @throws InvalidInputException when the interval is not positive or longer than {@link
     *     #MAX_INTERVAL}, the jitter is negative or longer than {@link Triggers#MAX_JITTER}, a
     *     date-time lies outside the years 1-9999 or the end is before the start
     */
    public IntervalTrigger build() {
      return new IntervalTrigger(this);
    }
  }
}
