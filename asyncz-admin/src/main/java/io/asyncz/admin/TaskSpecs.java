package io.asyncz.admin;

import io.asyncz.InvalidInputException;
import io.asyncz.time.TimePoint;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a task spec or a set of changes (plain data, the shape of {@code asyncz add} and
 * configuration files) into checked values; every refusal names the field and quotes the value.
 */
final class TaskSpecs {
  static final List<String> SPEC_KEYS =
      List.of(
          "id",
          "name",
          "function",
          "trigger",
          "crontab",
          "args",
          "kwargs",
          "executor",
          "store",
          "options",
          "max_instances",
          "coalesce",
          "mistrigger_grace_time",
          "paused");
  static final List<String> OPTION_KEYS =
      List.of("executor", "store", "max_instances", "coalesce", "mistrigger_grace_time", "paused");

  private TaskSpecs() {}

  /**
   * A spec, read.
   *
   * @param graceGiven whether {@code mistrigger_grace_time} was given ({@code grace} null then
   *     means no limit)
   */
  record Parsed(
      String id,
      String name,
      String function,
      Trigger trigger,
      List<Object> args,
      Map<String, Object> kwargs,
      String executor,
      String store,
      Integer maxInstances,
      Boolean coalesce,
      boolean graceGiven,
      Duration grace,
      Boolean paused,
      Instant nextRunTime) {}

  /**
   * Reads a spec or changes.
   *
   * @param changes whether these are changes to a task (no id; {@code next_run_time} allowed)
   */
  static Parsed read(Map<String, Object> spec, boolean changes, ZoneId zone, Clock clock) {
    if (spec == null) {
      throw new InvalidInputException("body", null, "is missing; expected a JSON object");
    }
    Map<String, Object> all = new LinkedHashMap<>(spec);
    Object options = all.remove("options");
    if (options != null) {
      if (!(options instanceof Map<?, ?> map)) {
        throw new InvalidInputException(
            "options", options, "is not an object; expected {\"max_instances\": 2, ...}");
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (!OPTION_KEYS.contains(key)) {
          throw new InvalidInputException(
              "options", key, "is unknown; expected one of " + OPTION_KEYS);
        }
        if (all.containsKey(key)) {
          throw new InvalidInputException(
              "options." + key, e.getValue(), "is given twice (also at the top level)");
        }
        all.put(key, e.getValue());
      }
    }
    for (String key : all.keySet()) {
      boolean allowed =
          changes
              ? !key.equals("id") && (SPEC_KEYS.contains(key) || key.equals("next_run_time"))
              : SPEC_KEYS.contains(key);
      if (!allowed) {
        throw new InvalidInputException(
            "field",
            key,
            "is unknown; expected one of "
                + (changes
                    ? "name, function, trigger, crontab, args, kwargs, executor, store,"
                        + " max_instances, coalesce, mistrigger_grace_time, paused, next_run_time"
                    : SPEC_KEYS));
      }
    }
    String id = text(all, "id");
    if (id != null) {
      io.asyncz.Identifiers.checkTaskId("id", id);
    }
    Trigger trigger = trigger(all, zone, clock);
    Instant next = null;
    if (all.containsKey("next_run_time")) {
      Object v = all.get("next_run_time");
      if (v == null) {
        throw new InvalidInputException(
            "next_run_time", null, "is null; expected an ISO-8601 date-time (pause with paused)");
      }
      try {
        next = TimePoint.from(String.valueOf(v), null, "next_run_time").toInstant(zone);
      } catch (RuntimeException e) {
        throw new InvalidInputException(
            "next_run_time",
            v,
            "is not a date-time; expected ISO-8601 such as 2030-01-31T09:00:00Z");
      }
    }
    boolean graceGiven = all.containsKey("mistrigger_grace_time");
    return new Parsed(
        id,
        text(all, "name"),
        text(all, "function"),
        trigger,
        list(all, "args"),
        map(all, "kwargs"),
        text(all, "executor"),
        text(all, "store"),
        maxInstances(all.get("max_instances")),
        bool(all, "coalesce"),
        graceGiven,
        graceGiven ? grace(all.get("mistrigger_grace_time")) : null,
        bool(all, "paused"),
        next);
  }

  private static Trigger trigger(Map<String, Object> all, ZoneId zone, Clock clock) {
    Object crontab = all.get("crontab");
    Object trigger = all.get("trigger");
    if (crontab != null && trigger != null) {
      throw new InvalidInputException(
          "crontab", crontab, "is given with a trigger; expected one of trigger or crontab");
    }
    if (crontab != null) {
      try {
        return CronTrigger.fromCrontab(String.valueOf(crontab), zone);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(
            "crontab",
            crontab,
            "is not a crontab line ("
                + e.getMessage()
                + "); expected 5 fields (minute hour day month weekday) or 6 with seconds first,"
                + " e.g. \"*/5 * * * *\"");
      }
    }
    if (trigger == null) {
      return null;
    }
    try {
      return Specs.configTrigger("trigger", trigger, zone, clock);
    } catch (InvalidInputException e) {
      if (e.argument().startsWith("trigger")) {
        throw e;
      }
      if (e.argument().startsWith("--")) {
        // The command line's option names (--every, --cron, --at) are trigger keys here.
        throw new InvalidInputException(
            "trigger." + e.argument().substring(2), e.value(), expectation(e));
      }
      // A trigger option out of range: say that it is the trigger's, and keep its own words.
      throw new InvalidInputException("trigger." + e.argument(), e.value(), expectation(e));
    }
  }

  private static String expectation(InvalidInputException e) {
    return OperationError.of(e).expected();
  }

  private static String text(Map<String, Object> all, String key) {
    Object v = all.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new InvalidInputException(key, v, "is not a string");
    }
    if (s.isBlank()) {
      throw new InvalidInputException(key, s, "is blank; expected text");
    }
    return s.strip();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> all, String key) {
    Object v = all.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l)) {
      throw new InvalidInputException(key, v, "is not a JSON array; expected e.g. [1, \"a\"]");
    }
    return (List<Object>) l;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> all, String key) {
    Object v = all.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new InvalidInputException(
          key, v, "is not a JSON object; expected e.g. {\"to\": \"ops\"}");
    }
    return new LinkedHashMap<>((Map<String, Object>) m);
  }

  private static Boolean bool(Map<String, Object> all, String key) {
    Object v = all.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new InvalidInputException(key, v, "is not a boolean; expected true or false");
  }

  private static Integer maxInstances(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Integer n && n >= 1) {
      return n;
    }
    if (v instanceof String s
        && s.strip().matches("\\d{1,9}")
        && Integer.parseInt(s.strip()) >= 1) {
      return Integer.parseInt(s.strip());
    }
    throw new InvalidInputException("max_instances", v, "is not a whole number of 1 or more");
  }

  private static Duration grace(Object v) {
    if (v == null || (v instanceof String s && s.strip().equalsIgnoreCase("none"))) {
      return null;
    }
    if (v instanceof Number n) {
      double seconds = n.doubleValue();
      if (!(seconds > 0) || seconds > 1e9) {
        throw new InvalidInputException(
            "mistrigger_grace_time",
            v,
            "is not positive; expected seconds (a number), a duration such as \"30s\", or null");
      }
      return Duration.ofMillis(Math.round(seconds * 1000));
    }
    return Specs.duration("mistrigger_grace_time", String.valueOf(v));
  }
}
