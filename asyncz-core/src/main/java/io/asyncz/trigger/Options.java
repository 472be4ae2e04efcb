package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.time.TimePoint;
import io.asyncz.time.Zones;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Typed reads from an alias-form options map, with errors that name the option. */
final class Options {
  private final String alias;
  private final Map<String, ?> values;

  private Options(String alias, Map<String, ?> values) {
    this.alias = alias;
    this.values = values;
  }

  /** Wraps the options, refusing any key that the trigger does not know. */
  static Options of(String alias, Map<String, ?> values, Set<String> allowed) {
    for (String key : values.keySet()) {
      if (!allowed.contains(key)) {
        throw new InvalidInputException(
            alias + " trigger option",
            key,
            "is not an option of the "
                + alias
                + " trigger; expected one of "
                + new TreeSet<>(allowed));
      }
    }
    return new Options(alias, values);
  }

  Object raw(String key) {
    return values.get(key);
  }

  boolean has(String key) {
    return values.get(key) != null;
  }

  ZoneId zone(String key) {
    return Zones.parse(values.get(key), key);
  }

  TimePoint time(String key, ZoneId zone) {
    return TimePoint.from(values.get(key), zone, key);
  }

  boolean bool(String key) {
    Object value = values.get(key);
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new InvalidInputException(key, value, "is not a boolean; expected true or false");
  }

  /** A whole number such as {@code weeks}; accepts integral numbers and numeric strings. */
  long wholeNumber(String key) {
    Object value = values.get(key);
    if (value == null) {
      return 0;
    }
    try {
      BigDecimal number = decimal(value);
      return number.longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new InvalidInputException(key, value, "is not a whole number");
    }
  }

  /** A number of seconds, fractional allowed, or a Duration or ISO-8601 duration string. */
  Duration seconds(String key) {
    return durationOf(key, values.get(key));
  }

  static Duration durationOf(String key, Object value) {
    return value == null ? null : PluginOptions.secondsValue(key, value);
  }

  private static BigDecimal decimal(Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    if (value instanceof String s) {
      return new BigDecimal(s.strip());
    }
    throw new NumberFormatException(String.valueOf(value));
  }

  /** A list of nested trigger states or triggers, for and/or. */
  List<?> list(String key) {
    Object value = values.get(key);
    if (value instanceof List<?> list) {
      return list;
    }
    throw new InvalidInputException(
        key, value, "is not a list; the " + alias + " trigger needs a list of triggers");
  }

  /** Writes a duration as a JSON number of seconds: an integer when whole. */
  static Object secondsValue(Duration d) {
    if (d.getNano() == 0) {
      return d.getSeconds();
    }
    return new BigDecimal(d.getSeconds())
        .add(BigDecimal.valueOf(d.getNano(), 9))
        .stripTrailingZeros();
  }

  /** Starts a state map that drops null values. */
  static Map<String, Object> fields() {
    return new LinkedHashMap<>();
  }
}
