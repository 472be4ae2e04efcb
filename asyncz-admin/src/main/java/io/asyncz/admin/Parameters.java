package io.asyncz.admin;

import io.asyncz.InvalidInputException;
import io.asyncz.time.TimePoint;
import java.time.Instant;
import java.util.Map;

/** Reads query parameters, quoting what it refuses. */
public final class Parameters {
  private Parameters() {}

  /**
   * A whole number, or {@code fallback} when absent.
   *
   * @throws InvalidInputException quoting the value
   */
  public static int integer(Map<String, String> p, String name, int fallback) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    if (!v.strip().matches("-?\\d{1,9}")) {
      throw new InvalidInputException(name, v, "is not a whole number");
    }
    return Integer.parseInt(v.strip());
  }

  /**
   * A whole number within bounds, or {@code fallback} when absent.
   *
   * @throws InvalidInputException quoting the value and the bounds
   */
  public static int integer(Map<String, String> p, String name, int fallback, int min, int max) {
    int n = integer(p, name, fallback);
    if (n < min || n > max) {
      throw new InvalidInputException(
          name, p.get(name), "is out of range; expected " + min + " to " + max);
    }
    return n;
  }

  /**
   * {@code true} or {@code false}, or {@code fallback} when absent.
   *
   * @throws InvalidInputException quoting the value
   */
  public static boolean bool(Map<String, String> p, String name, boolean fallback) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    return switch (v.strip()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new InvalidInputException(name, v, "is not a boolean; expected true or false");
    };
  }

  /**
   * An ISO-8601 instant, or {@code null} when absent.
   *
   * @throws InvalidInputException quoting the value
   */
  public static Instant instant(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return TimePoint.from(v.strip(), null, name).toInstant(java.time.ZoneOffset.UTC);
    } catch (RuntimeException e) {
      throw new InvalidInputException(
          name, v, "is not a date-time; expected ISO-8601 such as 2030-01-31T09:00:00Z");
    }
  }
}
