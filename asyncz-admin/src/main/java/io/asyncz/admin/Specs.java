package io.asyncz.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncz.InvalidInputException;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.Triggers;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the values operators give on every surface (the command line, configuration files, the
 * remote API): durations, JSON arguments and triggers, with messages that quote the input.
 */
public final class Specs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHORT_DURATION =
      Pattern.compile("(\\d{1,9})(ms|s|m|h|d|w)", Pattern.CASE_INSENSITIVE);

  /** What a duration may look like, for messages. */
  public static final String DURATION_FORMS =
      "expected a number with a unit (500ms, 10s, 5m, 2h, 1d, 1w) or an ISO-8601 duration (PT5M,"
          + " P1D)";

  private Specs() {}

  /**
   * Reads {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 1w}, {@code 500ms}, or ISO-8601
   * ({@code PT5M}, {@code P1D}).
   *
   * @throws InvalidInputException naming {@code option} and quoting the value
   */
  public static Duration duration(String option, String value) {
    if (value == null) {
      throw new InvalidInputException(option, null, "is missing; " + DURATION_FORMS);
    }
    String text = value.strip();
    Matcher m = SHORT_DURATION.matcher(text);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d =
          switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
          };
    } else {
      try {
        d = Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new InvalidInputException(option, value, "is not a duration; " + DURATION_FORMS);
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new InvalidInputException(option, value, "is not positive; " + DURATION_FORMS);
    }
    return d;
  }

  /** Reads a JSON array ({@code --args}). */
  public static List<Object> jsonList(String option, String value) {
    Object parsed = json(option, value, "a JSON array such as '[1, \"a\"]'");
    if (!(parsed instanceof List<?> list)) {
      throw new InvalidInputException(
          option, value, "is not a JSON array; expected a JSON array such as '[1, \"a\"]'");
    }
    @SuppressWarnings("unchecked")
    List<Object> result = (List<Object>) list;
    return result;
  }

  /** Reads a JSON object ({@code --kwargs}). */
  public static Map<String, Object> jsonMap(String option, String value) {
    Object parsed = json(option, value, "a JSON object such as '{\"to\": \"ops\"}'");
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new InvalidInputException(
          option,
          value,
          "is not a JSON object; expected a JSON object such as '{\"to\": \"ops\"}'");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) map;
    return new LinkedHashMap<>(result);
  }

  private static Object json(String option, String value, String expected) {
    try {
      return JSON.readValue(value, Object.class);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          option,
          value,
          "is not valid JSON ("
              + e.getOriginalMessage()
              + "); expected "
              + expected
              + " (quote it for the shell)");
    }
  }

  /**
   * The trigger the options name: exactly one of a crontab line, an interval or a date-time.
   *
   * @return the trigger, or {@code null} when none is given and {@code required} is false
   * @throws InvalidInputException when none (and one is required) or more than one is given
   */
  public static Trigger trigger(
      String cron, String every, String at, ZoneId zone, boolean required) {
    int given = (cron != null ? 1 : 0) + (every != null ? 1 : 0) + (at != null ? 1 : 0);
    if (given > 1) {
      throw new InvalidInputException(
          "trigger",
          (cron != null ? "--cron " : "")
              + (every != null ? "--every " : "")
              + (at != null ? "--at" : ""),
          "gives more than one trigger; expected one of --cron, --every or --at");
    }
    if (given == 0) {
      if (required) {
        throw new InvalidInputException(
            "trigger", null, "is missing; expected one of --cron, --every or --at");
      }
      return null;
    }
    if (cron != null) {
      try {
        return CronTrigger.fromCrontab(cron, zone);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(
            "--cron",
            cron,
            "is not a crontab line ("
                + e.getMessage()
                + "); expected 5 fields (minute hour day month weekday) or 6 with seconds first,"
                + " e.g. \"*/5 * * * *\"");
      }
    }
    if (every != null) {
      return IntervalTrigger.builder().interval(duration("--every", every)).timezone(zone).build();
    }
    try {
      return DateTrigger.at(at, zone);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          "--at",
          at,
          "is not a date-time; expected ISO-8601 such as 2030-01-31T09:00:00Z or"
              + " 2030-01-31T09:00 (in the scheduler's zone)");
    }
  }

  /**
   * The trigger of a configuration task: {@code every}, {@code cron} or {@code at} as on the
   * command line, or {@code type} (a trigger alias) with the trigger's options.
   */
  public static Trigger configTrigger(String where, Object spec, ZoneId zone, Clock clock) {
    if (spec instanceof String text) {
      String[] parts = text.strip().split("\\s+", 2);
      if (parts.length == 2) {
        return configTrigger(where, Map.of(parts[0], parts[1]), zone, clock);
      }
    }
    if (!(spec instanceof Map<?, ?> map)) {
      throw new InvalidInputException(
          where,
          spec,
          "is not a trigger; expected {every: 10s}, {cron: \"*/5 * * * *\"}, {at: ISO} or"
              + " {type: interval, seconds: 5}");
    }
    Map<String, Object> options = new LinkedHashMap<>();
    map.forEach((k, v) -> options.put(String.valueOf(k), v));
    Object type = options.remove("type");
    if (type != null) {
      return Triggers.create(String.valueOf(type), options, clock);
    }
    if (options.size() != 1) {
      throw new InvalidInputException(
          where, spec, "names no trigger; expected one of every, cron, at or type");
    }
    Map.Entry<String, Object> e = options.entrySet().iterator().next();
    String value = String.valueOf(e.getValue());
    return switch (e.getKey()) {
      case "every" -> trigger(null, value, null, zone, true);
      case "cron" -> trigger(value, null, null, zone, true);
      case "at" -> trigger(null, null, value, zone, true);
      default ->
          throw new InvalidInputException(
              where, e.getKey(), "is not a trigger; expected one of every, cron, at or type");
    };
  }
}
