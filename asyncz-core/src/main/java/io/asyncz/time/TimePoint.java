package io.asyncz.time;

import io.asyncz.InvalidInputException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A date-time as the user gave it: either pinned to a zone or an offset, or naive, a wall-clock
 * reading whose zone is decided later by the trigger or the scheduler (the seed's naive {@code
 * datetime}).
 *
 * @param dateTime the wall-clock reading
 * @param zone the zone or offset it is read in, or {@code null} for a naive time
 * @param offset the offset that settles a wall time a fall-back transition repeats (the second
 *     occurrence), or {@code null} to take the first occurrence
 */
public record TimePoint(LocalDateTime dateTime, ZoneId zone, ZoneOffset offset) {

  /** The seed's {@code to_datetime} string form: {@code YYYY-M-D[ H:M:S[.ffffff][Z|±HH:MM]]}. */
  private static final Pattern SEED_FORM =
      Pattern.compile(
          "(\\d{4})-(\\d{1,2})-(\\d{1,2})"
              + "(?:[ T](\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d{1,9}))?"
              + "(Z|[+-]\\d{2}:\\d{2})?)?");

  private static final DateTimeFormatter SEED_PRINT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  /** Creates a time point; {@code dateTime} is required, {@code zone} may be null (naive). */
  public TimePoint {
    Objects.requireNonNull(dateTime, "dateTime");
    if (offset != null && (zone == null || zone instanceof ZoneOffset)) {
      offset = null; // only a region has wall times to settle
    }
  }

  /**
   * A time point read in {@code zone} (null: naive); a repeated wall time is its first occurrence.
   */
  public TimePoint(LocalDateTime dateTime, ZoneId zone) {
    this(dateTime, zone, null);
  }

  /** A time point for an instant, read in UTC. */
  public static TimePoint of(Instant instant) {
    return new TimePoint(LocalDateTime.ofInstant(instant, ZoneOffset.UTC), ZoneOffset.UTC);
  }

  /**
   * A time point for a zoned date-time, keeping its zone, and its offset when it is the second
   * occurrence of a wall time that a fall-back transition repeats, so the instant is kept.
   */
  public static TimePoint of(ZonedDateTime dateTime) {
    LocalDateTime local = dateTime.toLocalDateTime();
    ZoneId zone = dateTime.getZone();
    boolean secondOccurrence =
        !(zone instanceof ZoneOffset)
            && !ZonedDateTime.ofLocal(local, zone, null).getOffset().equals(dateTime.getOffset());
    return new TimePoint(local, zone, secondOccurrence ? dateTime.getOffset() : null);
  }

  /** A naive time point: the zone is decided when it is used. */
  public static TimePoint naive(LocalDateTime dateTime) {
    return new TimePoint(dateTime, null);
  }

  /** Whether this time point has no zone of its own. */
  public boolean isNaive() {
    return zone == null;
  }

  /**
   * The instant this time point names.
   *
   * @param fallbackZone the zone for a naive time point (the trigger's or the scheduler's)
   */
  public Instant toInstant(ZoneId fallbackZone) {
    ZoneId effective = zone != null ? zone : fallbackZone;
    return ZonedDateTime.ofLocal(dateTime, effective, offset).toInstant();
  }

  /** The same time point with the given zone when it is naive, unchanged otherwise. */
  public TimePoint withDefaultZone(ZoneId defaultZone) {
    return zone == null && defaultZone != null ? new TimePoint(dateTime, defaultZone) : this;
  }

  /**
   * Reads a date-time input the way the seed's {@code to_datetime} does.
   *
   * <p>Accepts a {@link TimePoint}, {@link Instant}, {@link ZonedDateTime}, {@link OffsetDateTime},
   * {@link LocalDateTime}, {@link LocalDate} (midnight), or a string in the seed's form ({@code
   * 2026-3-9}, {@code 2026-03-09 14:30:00}, {@code 2026-03-09T14:30:00.250+02:00}, {@code ...Z}) or
   * ISO-8601 (also {@code 2026-03-09T14:30}, {@code 2026-03-09T14:30:00+01:00[Europe/Paris]}). A
   * naive input takes {@code zone} when one is given.
   *
   * @param value the input; {@code null} gives {@code null}
   * @param zone the zone for naive inputs, or {@code null} to keep them naive
   * @param argument the argument name for error messages, e.g. {@code start_at}
   * @throws InvalidInputException when the input is neither form
   */
  public static TimePoint from(Object value, ZoneId zone, String argument) {
    if (value == null) {
      return null;
    }
    TimePoint point;
    if (value instanceof TimePoint p) {
      point = p;
    } else if (value instanceof Instant instant) {
      point = of(instant);
    } else if (value instanceof ZonedDateTime zoned) {
      point = of(zoned);
    } else if (value instanceof OffsetDateTime offset) {
      point = new TimePoint(offset.toLocalDateTime(), offset.getOffset());
    } else if (value instanceof LocalDateTime local) {
      point = naive(local);
    } else if (value instanceof LocalDate date) {
      point = naive(date.atStartOfDay());
    } else if (value instanceof CharSequence text) {
      point = parse(text.toString(), argument);
    } else {
      throw new InvalidInputException(
          argument,
          value,
          "is a "
              + value.getClass().getName()
              + "; expected a date-time (Instant, ZonedDateTime, OffsetDateTime, LocalDateTime,"
              + " LocalDate) or a string like \"2026-03-09 14:30:00\"");
    }
    return point.withDefaultZone(zone);
  }

  /**
   * Parses the seed's string form or ISO-8601.
   *
   * @throws InvalidInputException naming {@code argument} and quoting {@code text}
   */
  public static TimePoint parse(String text, String argument) {
    String s = text.strip();
    Matcher m = SEED_FORM.matcher(s);
    try {
      if (m.matches()) {
        return fromSeedForm(m);
      }
      return fromIso(s);
    } catch (DateTimeException e) {
      throw new InvalidInputException(
          argument,
          text,
          "is not a valid date-time; expected \"YYYY-M-D\" optionally followed by \" H:M:S\","
              + " a fraction and \"Z\" or \"±HH:MM\", or an ISO-8601 date-time ("
              + e.getMessage()
              + ")");
    }
  }

  private static TimePoint fromSeedForm(Matcher m) {
    LocalDate date =
        LocalDate.of(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)));
    LocalDateTime local = date.atStartOfDay();
    if (m.group(4) != null) {
      int nanos = 0;
      if (m.group(7) != null) {
        String fraction = (m.group(7) + "000000000").substring(0, 9);
        nanos = Integer.parseInt(fraction);
      }
      local =
          date.atTime(
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              Integer.parseInt(m.group(6)),
              nanos);
    }
    String offset = m.group(8);
    if (offset == null) {
      return naive(local);
    }
    return new TimePoint(local, offset.equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(offset));
  }

  private static TimePoint fromIso(String s) {
    DateTimeParseException first = null;
    try {
      var parsed =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(
              s, ZonedDateTime::from, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof ZonedDateTime zoned) {
        return of(zoned);
      }
      if (parsed instanceof OffsetDateTime offset) {
        return new TimePoint(offset.toLocalDateTime(), offset.getOffset());
      }
      return naive((LocalDateTime) parsed);
    } catch (DateTimeParseException e) {
      first = e;
    }
    try {
      return naive(LocalDate.parse(s, DateTimeFormatter.ISO_DATE).atStartOfDay());
    } catch (DateTimeParseException e) {
      throw first;
    }
  }

  /** The ISO-8601 form, which {@link #parse} reads back: zoned, offset or naive. */
  public String toIsoString() {
    if (zone == null) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(dateTime);
    }
    ZonedDateTime zoned = ZonedDateTime.ofLocal(dateTime, zone, offset);
    if (zone instanceof ZoneOffset) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(zoned);
    }
    return DateTimeFormatter.ISO_ZONED_DATE_TIME.format(zoned);
  }

  /** The seed's display form {@code 2009-07-06 00:00:00 CEST} (no zone for a naive time). */
  public String toDisplayString() {
    String wall = SEED_PRINT.format(dateTime);
    if (dateTime.get(ChronoField.NANO_OF_SECOND) != 0) {
      wall =
          wall + "." + String.format(Locale.ROOT, "%09d", dateTime.getNano()).replaceAll("0+$", "");
    }
    if (zone == null) {
      return wall;
    }
    ZonedDateTime zoned = ZonedDateTime.ofLocal(dateTime, zone, offset);
    String name;
    if (zone.equals(ZoneOffset.UTC)) {
      name = "UTC";
    } else if (zone instanceof ZoneOffset offset) {
      name = offset.getId();
    } else {
      name = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH).format(zoned);
    }
    return wall + " " + name;
  }

  @Override
  public String toString() {
    return toIsoString();
  }
}
