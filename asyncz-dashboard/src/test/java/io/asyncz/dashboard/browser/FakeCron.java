package io.asyncz.dashboard.browser;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * A five-field crontab reader for the fake API, enough for the pages' previews and validation
 * messages; the real API uses the core's CronTrigger.
 */
final class FakeCron {
  private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
  private static final String[] NAMES = {"minute", "hour", "day of month", "month", "day of week"};
  private final BitSet[] fields = new BitSet[5];

  private FakeCron(String expression) {
    String[] parts = expression.trim().split("\\s+");
    if (expression.isBlank() || parts.length != 5) {
      throw new IllegalArgumentException(
          "\"" + expression + "\" is not a crontab: expected 5 fields, got " + count(expression));
    }
    for (int i = 0; i < 5; i++) {
      fields[i] = parse(parts[i], i);
    }
    if (fields[4].get(7)) {
      fields[4].set(0);
    }
  }

  private static int count(String expression) {
    return expression.isBlank() ? 0 : expression.trim().split("\\s+").length;
  }

  static FakeCron parse(String expression) {
    return new FakeCron(expression);
  }

  private static BitSet parse(String field, int index) {
    int low = RANGES[index][0];
    int high = RANGES[index][1];
    BitSet bits = new BitSet();
    for (String item : field.split(",")) {
      String range = item;
      int step = 1;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        step = number(item.substring(slash + 1), index, 1, high);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = low;
        to = high;
      } else if (range.contains("-")) {
        from = number(range.substring(0, range.indexOf('-')), index, low, high);
        to = number(range.substring(range.indexOf('-') + 1), index, low, high);
      } else {
        from = number(range, index, low, high);
        to = slash >= 0 ? high : from;
      }
      for (int v = from; v <= to; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String text, int index, int low, int high) {
    try {
      int value = Integer.parseInt(text);
      if (value < low || value > high) {
        throw new IllegalArgumentException(
            "Invalid cron field '"
                + NAMES[index]
                + "': \""
                + text
                + "\" is out of range "
                + low
                + "-"
                + high);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid cron field '" + NAMES[index] + "': \"" + text + "\" is not a number");
    }
  }

  Instant next(Instant after) {
    ZonedDateTime t =
        after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    for (int i = 0; i < 366 * 24 * 60; i++) {
      if (fields[0].get(t.getMinute())
          && fields[1].get(t.getHour())
          && fields[2].get(t.getDayOfMonth())
          && fields[3].get(t.getMonthValue())
          && fields[4].get(t.getDayOfWeek().getValue() % 7)) {
        return t.toInstant();
      }
      t = t.plusMinutes(1);
    }
    return null;
  }
}
