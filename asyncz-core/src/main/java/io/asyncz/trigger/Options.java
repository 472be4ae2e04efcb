package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import io.asyncz.time.TimePoint;
import io.asyncz.time.Zones;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
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
    return Triggers.time(values.get(key), zone, key);
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

  /**
   * A whole number such as {@code weeks}, from {@code -max} to {@code max}; accepts integral
   * numbers and numeric strings.
   */
  long wholeNumber(String key, long max, String expectation) {
    Object value = values.get(key);
    if (value == null) {
      return 0;
    }
    BigDecimal number;
    try {
      number = decimal(value);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(key, value, "is not a whole number");
    }
    if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
      throw new InvalidInputException(key, value, "is not a whole number");
    }
    if (number.abs().compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new InvalidInputException(key, value, "is too large; expected " + expectation);
    }
    return number.longValueExact();
  }

  /** The {@code jitter} option: a duration up to {@link Triggers#MAX_JITTER}. */
  Duration jitter() {
    return seconds("jitter", Triggers.MAX_JITTER, Jitter.TOO_LARGE);
  }

  /**
   * A duration from {@code -max} to {@code max}: a number of seconds (fractions down to the
   * nanosecond), a {@link Duration}, or an ISO-8601 duration such as {@code PT30S}.
   */
  Duration seconds(String key, Duration max, String tooLarge) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    Duration duration;
    if (value instanceof Duration d) {
      duration = d;
    } else if (value instanceof CharSequence text && isIsoDuration(text.toString().strip())) {
      try {
        duration = Duration.parse(text.toString().strip());
      } catch (DateTimeParseException e) {
        if (e.getCause() instanceof ArithmeticException) {
          throw new InvalidInputException(key, value, tooLarge);
        }
        throw new InvalidInputException(key, value, NOT_A_DURATION);
      }
    } else {
      BigDecimal number;
      try {
        number = decimal(value);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(key, value, NOT_A_DURATION);
      }
      if (number.abs().compareTo(new BigDecimal(max.getSeconds()).add(BigDecimal.ONE)) > 0) {
        throw new InvalidInputException(key, value, tooLarge);
      }
      if (number.stripTrailingZeros().scale() > 9) {
        throw new InvalidInputException(
            key, value, "is finer than a nanosecond; expected at most 9 decimal places");
      }
      BigDecimal[] parts = number.divideAndRemainder(BigDecimal.ONE);
      duration =
          Duration.ofSeconds(
              parts[0].longValueExact(), parts[1].movePointRight(9).longValueExact());
    }
    if (duration.compareTo(max) > 0 || duration.compareTo(max.negated()) < 0) {
      throw new InvalidInputException(key, value, tooLarge);
    }
    return duration;
  }

  private static final String NOT_A_DURATION =
      "is not a number of seconds, a Duration or an ISO-8601 duration like \"PT30S\"";

  private static boolean isIsoDuration(String s) {
    return s.startsWith("P") || s.startsWith("p") || s.startsWith("-P") || s.startsWith("-p");
  }

  /** The longest numeric text read: more digits than this is no schedule's number. */
  private static final int MAX_DIGITS = 1000;

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
    String text;
    if (value instanceof Number n) {
      text = n.toString(); // NaN and Infinity do not parse
    } else if (value instanceof String s) {
      text = s.strip();
    } else {
      throw new NumberFormatException(String.valueOf(value));
    }
    if (text.length() > MAX_DIGITS) {
      throw new NumberFormatException(text);
    }
    return new BigDecimal(text);
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
