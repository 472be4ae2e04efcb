package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import io.asyncz.time.TimePoint;
import java.time.Clock;
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
  private static final Map<String, TriggerFactory> FACTORIES = loadFactories();

  private Triggers() {}

  /** Every alias that {@link #create} accepts. */
  public static Set<String> aliases() {
    return FACTORIES.keySet();
  }

  /**
   * Creates a trigger from its alias and options, reading the system clock where an option defaults
   * to "now".
   *
   * @throws InvalidInputException for an unknown alias or an invalid option
   */
  public static Trigger create(String alias, Map<String, ?> options) {
    return create(alias, options, Clock.systemUTC());
  }

  /**
   * Creates a trigger from its alias and options, e.g. {@code create("cron", Map.of("hour", "3"))}.
   *
   * @param clock the clock read where an option defaults to "now" (the interval's start, the date's
   *     run time)
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
