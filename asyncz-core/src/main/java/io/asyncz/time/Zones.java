package io.asyncz.time;

import io.asyncz.InvalidInputException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.TimeZone;

/** Turns the time-zone inputs the seed accepts (a zone, a zone name, an offset) into a ZoneId. */
public final class Zones {
  private Zones() {}

  /**
   * Reads a time zone.
   *
   * @param value a {@link ZoneId}, a {@link TimeZone}, or a string such as {@code "Europe/Berlin"},
   *     {@code "UTC"} or {@code "+02:00"}; {@code null} gives {@code null}
   * @param argument the name of the argument, used in the error message
   * @return the zone, or {@code null} when {@code value} is {@code null} or blank
   * @throws InvalidInputException when the value is not a known zone
   */
  public static ZoneId parse(Object value, String argument) {
    if (value == null) {
      return null;
    }
    if (value instanceof ZoneId zone) {
      return zone;
    }
    if (value instanceof TimeZone timeZone) {
      return timeZone.toZoneId();
    }
    if (value instanceof CharSequence text) {
      String name = text.toString().strip();
      if (name.isEmpty()) {
        return null;
      }
      try {
        return ZoneId.of(name, ZoneId.SHORT_IDS);
      } catch (DateTimeException e) {
        throw new InvalidInputException(
            argument,
            value,
            "is not a time zone; expected a region id like \"Europe/Berlin\", \"UTC\" or an"
                + " offset like \"+02:00\"");
      }
    }
    throw new InvalidInputException(
        argument,
        value,
        "is a " + value.getClass().getName() + "; expected a ZoneId or a zone name");
  }
}
