package io.asyncz;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options an executor or store plugin is created with, and typed reads of them whose errors
 * name the option as the user wrote it (e.g. {@code asyncz.executors.default.max_workers} when the
 * options come from configuration, {@code max_workers} when they come from code).
 *
 * <p>Values may be typed ({@code 4}, {@code true}) or text, since {@link java.util.Properties} give
 * text: every reader accepts both.
 */
public final class PluginOptions {
  private final Map<String, Object> values;
  private final String keyPrefix;

  private PluginOptions(Map<String, ?> values, String keyPrefix) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.keyPrefix = keyPrefix;
  }

  /** Options given in code; errors name the bare option, e.g. {@code max_workers}. */
  public static PluginOptions of(Map<String, ?> values) {
    return of(values, "");
  }

  /**
   * Options read from configuration; errors name the option with {@code keyPrefix} in front, e.g.
   * {@code asyncz.executors.default.} + {@code max_workers}.
   */
  public static PluginOptions of(Map<String, ?> values, String keyPrefix) {
    Objects.requireNonNull(values, "options");
    for (Object key : values.keySet()) {
      if (!(key instanceof String)) {
        throw new InvalidInputException(
            "plugin option", key, "is not a string; option names are strings");
      }
    }
    return new PluginOptions(values, keyPrefix == null ? "" : keyPrefix);
  }

  /** No options. */
  public static PluginOptions none() {
    return new PluginOptions(Map.of(), "");
  }

  /** The options as given. */
  public Map<String, Object> asMap() {
    return values;
  }

  /** The option names. */
  public Set<String> names() {
    return values.keySet();
  }

  /** Whether no option is given. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The name an error gives to an option: the key prefix and the option name. */
  public String key(String name) {
    return keyPrefix + name;
  }

  /**
   * Refuses any option not in {@code allowed}, naming it and listing the allowed ones.
   *
   * @param what what the options are for, for the message, e.g. {@code "the threadpool executor"}
   * @throws InvalidInputException for the first unknown option
   */
  public PluginOptions requireOnly(Set<String> allowed, String what) {
    for (String name : values.keySet()) {
      if (!allowed.contains(name)) {
        Set<String> expected = new TreeSet<>();
        allowed.forEach(a -> expected.add(key(a)));
        throw new InvalidInputException(
            keyPrefix.isEmpty() ? "option" : "configuration key",
            key(name),
            "is not an option of "
                + what
                + (expected.isEmpty() ? "; it takes no options" : "; expected one of " + expected));
      }
    }
    return this;
  }

  /** The raw value of an option, if given and not null. */
  public Optional<Object> raw(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** A text option, or {@code defaultValue} when not given. */
  public String string(String name, String defaultValue) {
    Object value = values.get(name);
    return value == null ? defaultValue : value.toString();
  }

  /**
   * A whole-number option, or {@code defaultValue} when not given.
   *
   * @throws InvalidInputException when the value is not a whole number
   */
  public int integer(String name, int defaultValue) {
    Object value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    return integerValue(key(name), value);
  }

  /**
   * A whole-number option of at least 1, or {@code defaultValue} when not given.
   *
   * @throws InvalidInputException when the value is not a whole number of at least 1
   */
  public int positiveInteger(String name, int defaultValue) {
    int value = integer(name, defaultValue);
    if (value < 1) {
      throw new InvalidInputException(key(name), values.get(name), "is not 1 or more");
    }
    return value;
  }

  /**
   * A boolean option ({@code true}/{@code false}, any case), or {@code defaultValue} when not
   * given.
   *
   * @throws InvalidInputException when the value is not a boolean
   */
  public boolean bool(String name, boolean defaultValue) {
    Object value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    return booleanValue(key(name), value);
  }

  /**
   * A duration option: a number of seconds (fractions allowed), an ISO-8601 duration such as {@code
   * PT30S}, or a {@link Duration}; {@code defaultValue} when not given.
   *
   * @throws InvalidInputException when the value is none of those
   */
  public Duration seconds(String name, Duration defaultValue) {
    Object value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    return secondsValue(key(name), value);
  }

  // Value readers shared with the configuration reader.

  /** Reads a whole number, typed or text; the error names {@code key}. */
  public static int integerValue(String key, Object value) {
    try {
      if (value instanceof Number n) {
        return new BigDecimal(n.toString()).intValueExact();
      }
      if (value instanceof CharSequence s) {
        return Integer.parseInt(s.toString().strip());
      }
    } catch (ArithmeticException | NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException(key, value, "is not a whole number");
  }

  /**
   * Reads {@code true} or {@code false}, typed or text in any case; the error names {@code key}.
   */
  public static boolean booleanValue(String key, Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof CharSequence text) {
      String s = text.toString().strip().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        return Boolean.parseBoolean(s);
      }
    }
    throw new InvalidInputException(key, value, "is not a boolean; expected true or false");
  }

  /**
   * Reads a duration: seconds as a number or numeric text (fractions allowed), an ISO-8601 duration
   * such as {@code PT30S}, or a {@link Duration}; the error names {@code key}.
   */
  public static Duration secondsValue(String key, Object value) {
    if (value instanceof Duration d) {
      return d;
    }
    String expected =
        "is not a number of seconds, a Duration or an ISO-8601 duration like \"PT30S\"";
    if (value instanceof CharSequence text) {
      String s = text.toString().strip();
      if (s.startsWith("P") || s.startsWith("p") || s.startsWith("-P")) {
        try {
          return Duration.parse(s);
        } catch (DateTimeParseException e) {
          throw new InvalidInputException(key, value, expected);
        }
      }
    }
    try {
      BigDecimal secs =
          value instanceof Number n
              ? new BigDecimal(n.toString())
              : new BigDecimal(value.toString().strip());
      return Duration.ofNanos(secs.movePointRight(9).longValueExact());
    } catch (ArithmeticException | NumberFormatException e) {
      throw new InvalidInputException(key, value, expected);
    }
  }

  @Override
  public String toString() {
    return keyPrefix.isEmpty() ? values.toString() : keyPrefix + "*" + values;
  }
}
