package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import io.asyncz.time.TimePoint;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * Creates triggers by alias ({@code date}, {@code interval}, {@code cron}, {@code and}, {@code or},
 * {@code shutdown}, and any alias a {@link TriggerFactory} on the class path adds) and rebuilds
 * them from their {@link TriggerState}.
 */
public final class Triggers {
  /**
   * How many trigger evaluations one computation may make, however deeply {@code and} and {@code
   * or} nest: one call of {@link Trigger#nextFireTime}, {@link Trigger#lastFireTimeUpTo} or {@link
   * Trigger#countFireTimesUpTo} on a combination (and the default stepping of those two on any
   * trigger) evaluates its parts at most this many times in all. When the bound is reached, {@code
   * nextFireTime} reports no next time, {@code lastFireTimeUpTo} the latest fire time it reached,
   * and {@code countFireTimesUpTo} no count.
   */
  public static final int MAX_EVALUATIONS = 20_000;

  /** The longest jitter a trigger takes: 366 days. */
  public static final Duration MAX_JITTER = Duration.ofDays(366);

  private static final Map<String, TriggerFactory> FACTORIES = loadFactories();

  private Triggers() {}

  /** Every alias that {@link #create} accepts. */
  public static Set<String> aliases() {
    return FACTORIES.keySet();
  }

  /**
   * Creates a trigger from its alias and options, reading the system clock where an option defaults
   * to "now" (only a date trigger without {@code run_at}).
   *
   * @throws InvalidInputException for an unknown alias or an invalid option
   */
  public static Trigger create(String alias, Map<String, ?> options) {
    return create(alias, options, Clock.systemUTC());
  }

  /**
   * Creates a trigger from its alias and options, e.g. {@code create("cron", Map.of("hour", "3"))}.
   *
   * @param clock the clock read where an option defaults to "now": a date trigger without {@code
   *     run_at} runs at the clock's now. (An interval trigger without {@code start_at} reads no
   *     clock: it first fires one interval after the now the scheduler passes.)
   * @throws InvalidInputException for an unknown alias or an invalid option
   */
  public static Trigger create(String alias, Map<String, ?> options, Clock clock) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(clock, "clock");
    TriggerFactory factory = alias == null ? null : FACTORIES.get(alias);
    if (factory == null) {
      throw new InvalidInputException(
          "trigger alias", alias, "is not a known trigger; expected one of " + FACTORIES.keySet());
    }
    return factory.create(alias, options, clock);
  }

  /**
   * Rebuilds a trigger from its state; the result equals the trigger the state came from.
   *
   * @throws InvalidInputException when the state names an unknown alias or holds invalid fields
   */
  public static Trigger fromState(TriggerState state) {
    return create(state.alias(), state.fields(), Clock.systemUTC());
  }

  /** The seed's zone inference: the zone given, else a zoned start's, else a zoned end's. */
  static ZoneId ownZone(ZoneId given, TimePoint start, TimePoint end) {
    if (given != null) {
      return given;
    }
    if (start != null && !start.isNaive()) {
      return start.zone();
    }
    return end != null && !end.isNaive() ? end.zone() : null;
  }

  /**
   * Reads a date-time option as {@link TimePoint#from} does, and refuses one outside the years 1 to
   * 9999 (the seed's range, and the cron fields' upper bound), whose instant some stores and
   * arithmetic cannot hold.
   */
  static TimePoint time(Object value, ZoneId zone, String argument) {
    TimePoint point;
    try {
      point = TimePoint.from(value, zone, argument);
    } catch (DateTimeException e) {
      // An Instant beyond the range of LocalDateTime, such as Instant.MAX.
      throw new InvalidInputException(argument, value, OUT_OF_RANGE);
    }
    if (point != null) {
      int year = point.dateTime().getYear();
      if (year < 1 || year > 9999) {
        throw new InvalidInputException(argument, value, OUT_OF_RANGE);
      }
    }
    return point;
  }

  private static final String OUT_OF_RANGE =
      "is outside the years 1-9999; expected a date-time from 0001-01-01 to 9999-12-31";

  /** {@code time + amount}, or {@code null} when that is beyond {@link Instant#MAX}. */
  static Instant plus(Instant time, Duration amount) {
    return time.isAfter(Instant.MAX.minus(amount)) ? null : time.plus(amount);
  }

  /** Refuses an end bound before the start bound; naive bounds compare in {@code zone} or UTC. */
  static void checkBounds(TimePoint start, TimePoint end, ZoneId zone) {
    if (start == null || end == null) {
      return;
    }
    ZoneId tz = zone != null ? zone : ZoneOffset.UTC;
    if (end.toInstant(tz).isBefore(start.toInstant(tz))) {
      throw new InvalidInputException(
          "end_at",
          end.toIsoString(),
          "is before start_at \""
              + start.toIsoString()
              + "\"; expected an end at or after the start");
    }
  }

  private static Map<String, TriggerFactory> loadFactories() {
    Map<String, TriggerFactory> factories = new TreeMap<>();
    for (TriggerFactory factory :
        ServiceLoader.load(TriggerFactory.class, Triggers.class.getClassLoader())) {
      for (String alias : factory.aliases()) {
        factories.putIfAbsent(alias, factory);
      }
    }
    return Collections.unmodifiableMap(factories);
  }
}
