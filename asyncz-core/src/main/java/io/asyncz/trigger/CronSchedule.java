package io.asyncz.trigger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.BitSet;
import java.util.List;

/**
 * A compiled cron schedule: one bit set per field, the month-dependent day rules, and the search
 * for the next matching time, with the daylight-saving policy of {@link CronTrigger}.
 *
 * <p>Times are handled as epoch seconds: "local" seconds count wall-clock time as if it were UTC,
 * so that {@code instant = local - offset}. The search allocates nothing on its common path.
 */
final class CronSchedule {
  /** No next time. */
  static final long NONE = Long.MIN_VALUE;

  static final int MIN_YEAR = 1970;
  static final int MAX_YEAR = 9999;

  /** A schedule that matches no day in this many examined years never matches. */
  static final int MAX_YEARS_EXAMINED = 400;

  private static final long ALL_DAYS = 0xFFFF_FFFEL; // bits 1..31
  private static final int SECONDS_PER_DAY = 86_400;

  private final long seconds; // bits 0..59
  private final long minutes; // bits 0..59
  private final long hours; // bits 0..23
  private final int months; // bits 1..12
  private final BitSet years; // bit (year - MIN_YEAR); null = every year
  private final long staticDays; // bits 1..31 of the day-of-month field
  private final DayRule[] dayRules; // month-dependent day-of-month rules
  private final long[] weekdayPattern; // per weekday of the 1st: days 1..31 whose weekday matches
  private final DayRule[] weekdayRules; // crontab's n#k and nL, part of the day-of-week side
  private final long weeks; // ISO week bits 1..53; 0 = every week
  private final boolean dayOrWeekday; // crontab: day-of-month OR day-of-week
  private final boolean repeatingHour; // the hour field is '*' or stepped: see DST policy

  // Small caches of immutable entries: a race only costs a recomputation. Walks and searches
  // that cross a month or a transition touch two entries, hence more than one slot.
  private final MonthMask[] monthCache = new MonthMask[4];
  private final Segment[] segmentCache = new Segment[2];

  CronSchedule(
      long seconds,
      long minutes,
      long hours,
      int months,
      BitSet years,
      long staticDays,
      List<DayRule> dayRules,
      int weekdays,
      List<DayRule> weekdayRules,
      long weeks,
      boolean dayOrWeekday,
      boolean repeatingHour) {
    this.seconds = seconds;
    this.minutes = minutes;
    this.hours = hours;
    this.months = months;
    this.years = years;
    this.staticDays = staticDays;
    this.dayRules = dayRules.toArray(new DayRule[0]);
    this.weekdayRules = weekdayRules.toArray(new DayRule[0]);
    this.weeks = weeks;
    this.dayOrWeekday = dayOrWeekday;
    this.repeatingHour = repeatingHour;
    this.weekdayPattern = new long[7];
    for (int first = 0; first < 7; first++) {
      long pattern = 0;
      for (int day = 1; day <= 31; day++) {
        if ((weekdays & (1 << ((first + day - 1) % 7))) != 0) {
          pattern |= 1L << day;
        }
      }
      weekdayPattern[first] = pattern;
    }
  }

  // ---------------------------------------------------------------- instants and zones

  /**
   * The first fire time at or after {@code from} (epoch seconds), or {@link #NONE}.
   *
   * <p>Daylight-saving policy: a wall time in a spring-forward gap fires at the instant its
   * pre-transition offset names (02:30 in a 02:00-03:00 gap fires at 03:30 summer time); a wall
   * time in a fall-back overlap fires at its first occurrence, and at its second occurrence too
   * when the hour field repeats ({@code *} or a step).
   */
  long firstAtOrAfter(long from, ZoneId zone) {
    if (zone instanceof ZoneOffset fixed) {
      int offset = fixed.getTotalSeconds();
      long local = nextLocal(from + offset);
      return local == NONE ? NONE : local - offset;
    }
    ZoneRules rules = zone.getRules();
    if (rules.isFixedOffset()) {
      int offset = rules.getOffset(Instant.EPOCH).getTotalSeconds();
      long local = nextLocal(from + offset);
      return local == NONE ? NONE : local - offset;
    }
    long t = from;
    while (true) {
      Segment seg = segment(rules, t);
      int offset = seg.offset;
      long fromLocal = t + offset;
      if (!repeatingHour && fromLocal < seg.overlapEndLocal) {
        // A fixed-hour schedule already fired these wall times before the clocks went back.
        fromLocal = seg.overlapEndLocal;
      }
      long local = nextLocal(fromLocal);
      long candidate = local == NONE ? NONE : local - offset;
      if (candidate != NONE && candidate >= seg.end) {
        candidate = NONE;
      }
      if (t < seg.gapImagesEnd) {
        // Wall times skipped by the gap fire at the instant their old offset names.
        long gapLocal = nextLocal(t + seg.offsetBefore);
        if (gapLocal != NONE && gapLocal < seg.start + offset) {
          long image = gapLocal - seg.offsetBefore;
          candidate = candidate == NONE ? image : Math.min(candidate, image);
        }
      }
      if (candidate != NONE) {
        return candidate;
      }
      if (local == NONE || seg.end == Long.MAX_VALUE) {
        return NONE;
      }
      // The next match lies beyond this segment. Walking transition by transition is only
      // needed at a fall-back, whose second pass may hold earlier wall times; otherwise jump to
      // two days before the match (more than any offset change).
      long jumpTo = local - offset - 2L * SECONDS_PER_DAY;
      t = seg.endIsOverlap ? seg.end : Math.max(seg.end, jumpTo);
    }
  }

  private Segment segment(ZoneRules rules, long t) {
    Segment[] cache = segmentCache;
    for (Segment cached : cache) {
      if (cached != null && cached.rules == rules && t >= cached.start && t < cached.end) {
        return cached;
      }
    }
    Segment seg = new Segment(rules, t);
    cache[1] = cache[0];
    cache[0] = seg;
    return seg;
  }

  /** A stretch of time with one UTC offset, and what its opening transition left behind. */
  private static final class Segment {
    final ZoneRules rules;
    final long start;
    final long end;
    final int offset;
    final int offsetBefore;
    final boolean endIsOverlap;
    final long overlapEndLocal; // wall times below this were already passed before a fall-back
    final long gapImagesEnd; // instants below this may be images of wall times in a gap

    Segment(ZoneRules rules, long t) {
      this.rules = rules;
      ZoneOffsetTransition prev = rules.previousTransition(Instant.ofEpochSecond(t + 1));
      ZoneOffsetTransition next = rules.nextTransition(Instant.ofEpochSecond(t));
      this.offset = rules.getOffset(Instant.ofEpochSecond(t)).getTotalSeconds();
      this.start = prev == null ? Long.MIN_VALUE : prev.toEpochSecond();
      this.end = next == null ? Long.MAX_VALUE : next.toEpochSecond();
      this.endIsOverlap = next != null && next.isOverlap();
      this.offsetBefore = prev == null ? offset : prev.getOffsetBefore().getTotalSeconds();
      boolean overlap = prev != null && prev.isOverlap();
      boolean gap = prev != null && prev.isGap();
      this.overlapEndLocal = overlap ? start + offsetBefore : Long.MIN_VALUE;
      this.gapImagesEnd = gap ? start + (offset - offsetBefore) : Long.MIN_VALUE;
    }
  }

  // ---------------------------------------------------------------- wall-clock search

  /**
   * The first matching wall time at or after {@code from}, both in local epoch seconds, or {@link
   * #NONE}: an odometer over the fields, from the year down to the second.
   */
  long nextLocal(long from) {
    long epochDay = Math.floorDiv(from, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(from, SECONDS_PER_DAY);
    long ymd = civil(epochDay);
    int y = (int) (ymd >> 9);
    int mo = (int) (ymd >> 5) & 0xF;
    int d = (int) ymd & 0x1F;
    int h = secondOfDay / 3600;
    int mi = secondOfDay / 60 % 60;
    int s = secondOfDay % 60;
    if (y < MIN_YEAR) {
      y = MIN_YEAR;
      mo = 1;
      d = 1;
      h = mi = s = 0;
    }
    int examinedYear = y;
    int yearsExamined = 1;
    while (true) {
      if (y != examinedYear) {
        examinedYear = y;
        if (++yearsExamined > MAX_YEARS_EXAMINED) {
          return NONE;
        }
      }
      if (y > MAX_YEAR) {
        return NONE;
      }
      if (years != null && !years.get(y - MIN_YEAR)) {
        int next = years.nextSetBit(y - MIN_YEAR);
        if (next < 0) {
          return NONE;
        }
        y = next + MIN_YEAR;
        mo = 1;
        d = 1;
        h = mi = s = 0;
        continue;
      }
      int nextMonth = nextBit(months, mo);
      if (nextMonth < 0) {
        y++;
        mo = 1;
        d = 1;
        h = mi = s = 0;
        continue;
      }
      if (nextMonth != mo) {
        mo = nextMonth;
        d = 1;
        h = mi = s = 0;
      }
      int nextDay = nextBit(dayMask(y, mo), d);
      if (nextDay < 0) {
        mo++;
        d = 1;
        h = mi = s = 0;
        if (mo > 12) {
          y++;
          mo = 1;
        }
        continue;
      }
      if (nextDay != d) {
        d = nextDay;
        h = mi = s = 0;
      }
      int nextHour = nextBit(hours, h);
      if (nextHour < 0) {
        d++;
        h = mi = s = 0;
        continue;
      }
      if (nextHour != h) {
        h = nextHour;
        mi = s = 0;
      }
      int nextMinute = nextBit(minutes, mi);
      if (nextMinute < 0) {
        h++;
        mi = s = 0;
        continue;
      }
      if (nextMinute != mi) {
        mi = nextMinute;
        s = 0;
      }
      int nextSecond = nextBit(seconds, s);
      if (nextSecond < 0) {
        mi++;
        s = 0;
        continue;
      }
      return epochDay(y, mo, d) * SECONDS_PER_DAY + h * 3600L + mi * 60L + nextSecond;
    }
  }

  private static int nextBit(long bits, int from) {
    if (from > 63) {
      return -1;
    }
    long masked = bits & (-1L << from);
    return masked == 0 ? -1 : Long.numberOfTrailingZeros(masked);
  }

  /** The days of one month that match the day, week and day-of-week fields, as bits 1..31. */
  private long dayMask(int year, int month) {
    int slot = (year * 12 + month) & (monthCache.length - 1);
    MonthMask cached = monthCache[slot];
    if (cached != null && cached.year == year && cached.month == month) {
      return cached.mask;
    }
    long mask = computeDayMask(year, month);
    monthCache[slot] = new MonthMask(year, month, mask);
    return mask;
  }

  long computeDayMask(int year, int month) {
    int length = monthLength(year, month);
    int firstWeekday = (int) Math.floorMod(epochDay(year, month, 1) + 3, 7); // 1970-01-01: Thu
    long dayOfMonth = staticDays;
    for (DayRule rule : dayRules) {
      dayOfMonth |= rule.days(length, firstWeekday);
    }
    long dayOfWeek = weekdayPattern[firstWeekday];
    for (DayRule rule : weekdayRules) {
      dayOfWeek |= rule.days(length, firstWeekday);
    }
    long mask = dayOrWeekday ? dayOfMonth | dayOfWeek : dayOfMonth & dayOfWeek;
    if (weeks != 0) {
      mask &= weekMask(year, month, length);
    }
    long lengthMask = (1L << (length + 1)) - 2;
    return mask & lengthMask;
  }

  private long weekMask(int year, int month, int length) {
    long mask = 0;
    for (int day = 1; day <= length; day++) {
      int week = LocalDate.of(year, month, day).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      if ((weeks & (1L << week)) != 0) {
        mask |= 1L << day;
      }
    }
    return mask;
  }

  private record MonthMask(int year, int month, long mask) {}

  static boolean isLeap(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  static int monthLength(int year, int month) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
  static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  /** The date of an epoch day packed as {@code year << 9 | month << 5 | day}. */
  static long civil(long epochDay) {
    long z = epochDay + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    return year << 9 | month << 5 | day;
  }

  static long allDays() {
    return ALL_DAYS;
  }
}
