package io.asyncz.trigger;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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

  /** The first wall time a schedule can match, 1970-01-01T00:00:00, in local epoch seconds. */
  static final long FIRST_LOCAL = 0;

  /** The last wall time a schedule can match, 9999-12-31T23:59:59, in local epoch seconds. */
  static final long LAST_LOCAL = epochDay(MAX_YEAR + 1, 1, 1) * SECONDS_PER_DAY - 1;

  // UTC offsets lie within 18 hours of UTC, so no fire time lies outside these instants; clamping
  // to them also keeps every Instant the search creates within Instant's range.
  static final long EARLIEST_INSTANT = FIRST_LOCAL - 18 * 3600;
  static final long LATEST_INSTANT = LAST_LOCAL + 18 * 3600;

  /**
   * Per ISO week 1..53 and month 1..12: the days (bits 1..31) that are in that week in some year.
   */
  private static final long[][] WEEK_DAYS = weekDays();

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
  private final boolean repeatingHour; // see the DST policy on CronTrigger
  private final long perHour; // matching times in one matching hour
  private final long perDay; // matching times in one matching day

  // Small caches of immutable entries: a race only costs a recomputation. Walks and searches
  // that cross a month or a transition touch two entries, hence more than one slot.
  private final MonthMask[] monthCache = new MonthMask[4];
  private final Segment[] segmentCache = new Segment[2];
  private int[] yearTypeCache; // only with a week field; see dayMaskByYearType

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
    // A month none of whose wanted days can be in a wanted week never matches: leaving it out
    // makes an impossible schedule such as week=1, day=15 empty at once, and shortens the
    // search of the others. (Days that depend on the month, such as 'last', may be any day.)
    long wantedDays = dayOrWeekday || !dayRules.isEmpty() ? ALL_DAYS : staticDays;
    this.months = weeks == 0 ? months : months & monthsHolding(weeks, wantedDays);
    this.years = years;
    this.staticDays = staticDays;
    this.dayRules = dayRules.toArray(new DayRule[0]);
    this.weekdayRules = weekdayRules.toArray(new DayRule[0]);
    this.weeks = weeks;
    this.dayOrWeekday = dayOrWeekday;
    this.repeatingHour = repeatingHour;
    this.perHour = (long) Long.bitCount(minutes) * Long.bitCount(seconds);
    this.perDay = perHour * Long.bitCount(hours);
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
    if (from > LATEST_INSTANT) {
      return NONE;
    }
    from = Math.max(from, EARLIEST_INSTANT);
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
    final boolean startIsOverlap;
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
      this.startIsOverlap = overlap;
      this.overlapEndLocal = overlap ? start + offsetBefore : Long.MIN_VALUE;
      this.gapImagesEnd = gap ? start + (offset - offsetBefore) : Long.MIN_VALUE;
    }
  }

  /**
   * The last fire time at or before {@code to} and at or after {@code lowest} (epoch seconds), or
   * {@link #NONE}: {@link #firstAtOrAfter} run backwards, with the same daylight-saving policy.
   */
  long lastAtOrBefore(long to, long lowest, ZoneId zone) {
    to = Math.min(to, LATEST_INSTANT);
    lowest = Math.max(lowest, EARLIEST_INSTANT);
    if (to < lowest) {
      return NONE;
    }
    if (zone instanceof ZoneOffset fixed) {
      int offset = fixed.getTotalSeconds();
      long local = prevLocal(to + offset, lowest + offset);
      return local == NONE ? NONE : local - offset;
    }
    ZoneRules rules = zone.getRules();
    if (rules.isFixedOffset()) {
      int offset = rules.getOffset(Instant.EPOCH).getTotalSeconds();
      long local = prevLocal(to + offset, lowest + offset);
      return local == NONE ? NONE : local - offset;
    }
    long t = to;
    while (true) {
      Segment seg = segment(rules, t);
      int offset = seg.offset;
      long floor = Math.max(seg.start, lowest);
      long floorLocal = floor + offset;
      if (!repeatingHour && floorLocal < seg.overlapEndLocal) {
        // A fixed-hour schedule fired these wall times before the clocks went back.
        floorLocal = seg.overlapEndLocal;
      }
      long candidate = prevLocal(t + offset, floorLocal);
      if (candidate != NONE) {
        candidate -= offset;
      }
      if (floor < seg.gapImagesEnd) {
        // Wall times skipped by the gap fire at the instant their old offset names.
        long top = Math.min(t, seg.gapImagesEnd - 1);
        long gapLocal = prevLocal(top + seg.offsetBefore, floor + seg.offsetBefore);
        if (gapLocal != NONE) {
          candidate = Math.max(candidate, gapLocal - seg.offsetBefore);
        }
      }
      if (candidate != NONE) {
        return candidate;
      }
      if (seg.start <= lowest) {
        return NONE;
      }
      if (seg.startIsOverlap) {
        // The first pass of a fall-back holds wall times later than this segment's earliest.
        t = seg.start - 1;
        continue;
      }
      // Before a gap (or at a change of offset that repeats nothing) wall times only fall as time
      // goes back: jump to two days after the previous matching wall time (more than any change
      // of offset), as the forward search jumps.
      long previous = prevLocal(seg.start + seg.offsetBefore - 1, lowest - 2L * SECONDS_PER_DAY);
      if (previous == NONE) {
        return NONE;
      }
      t = Math.min(seg.start - 1, previous - seg.offsetBefore + 2L * SECONDS_PER_DAY);
    }
  }

  /**
   * How many fire times lie in {@code [lo, hi]} (epoch seconds): exactly the times that {@link
   * #firstAtOrAfter} steps through, counted per field and per month instead of one by one.
   */
  long count(long lo, long hi, ZoneId zone) {
    lo = Math.max(lo, EARLIEST_INSTANT);
    hi = Math.min(hi, LATEST_INSTANT);
    if (lo > hi) {
      return 0;
    }
    if (zone instanceof ZoneOffset fixed) {
      int offset = fixed.getTotalSeconds();
      return countLocal(lo + offset, hi + offset);
    }
    ZoneRules rules = zone.getRules();
    if (rules.isFixedOffset()) {
      int offset = rules.getOffset(Instant.EPOCH).getTotalSeconds();
      return countLocal(lo + offset, hi + offset);
    }
    long count = 0;
    long t = lo;
    while (true) {
      Segment seg = segment(rules, t);
      long top = Math.min(hi, seg.end == Long.MAX_VALUE ? hi : seg.end - 1);
      int offset = seg.offset;
      long wallFrom = t + offset;
      if (!repeatingHour && wallFrom < seg.overlapEndLocal) {
        wallFrom = seg.overlapEndLocal;
      }
      count += countLocal(wallFrom, top + offset);
      if (t < seg.gapImagesEnd) {
        // The images of the gap's wall times, less those instants that the wall time after the
        // gap names too (an instant is one fire time however many wall times name it).
        long shift = offset - seg.offsetBefore;
        long from = t + seg.offsetBefore;
        long to = Math.min(top, seg.gapImagesEnd - 1) + seg.offsetBefore;
        count += countLocal(from, to) - countBoth(from, to, shift);
      }
      if (top >= hi) {
        return count;
      }
      t = seg.end;
    }
  }

  // ---------------------------------------------------------------- wall-clock search

  /**
   * The first matching wall time at or after {@code from}, both in local epoch seconds, or {@link
   * #NONE}: an odometer over the fields, from the year down to the second.
   */
  long nextLocal(long from) {
    if (months == 0 || from > LAST_LOCAL) {
      return NONE;
    }
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

  /**
   * The last matching wall time at or before {@code from} and at or after {@code floor}, both in
   * local epoch seconds, or {@link #NONE}: the odometer of {@link #nextLocal} turned backwards.
   */
  long prevLocal(long from, long floor) {
    from = Math.min(from, LAST_LOCAL);
    floor = Math.max(floor, FIRST_LOCAL);
    if (from < floor || months == 0) {
      return NONE;
    }
    long epochDay = Math.floorDiv(from, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(from, SECONDS_PER_DAY);
    long ymd = civil(epochDay);
    int y = (int) (ymd >> 9);
    int mo = (int) (ymd >> 5) & 0xF;
    int d = (int) ymd & 0x1F;
    int h = secondOfDay / 3600;
    int mi = secondOfDay / 60 % 60;
    int s = secondOfDay % 60;
    long floorYmd = civil(Math.floorDiv(floor, SECONDS_PER_DAY));
    int floorMonth = (int) (floorYmd >> 9) * 12 + ((int) (floorYmd >> 5) & 0xF);
    int examinedYear = y;
    int yearsExamined = 1;
    while (true) {
      if (y != examinedYear) {
        examinedYear = y;
        if (++yearsExamined > MAX_YEARS_EXAMINED) {
          return NONE;
        }
      }
      if (y * 12 + mo < floorMonth) {
        return NONE; // also stops before 1970, since the floor is not earlier
      }
      if (years != null && !years.get(y - MIN_YEAR)) {
        int previous = years.previousSetBit(y - MIN_YEAR);
        if (previous < 0) {
          return NONE;
        }
        y = previous + MIN_YEAR;
        mo = 12;
        d = 31;
        h = 23;
        mi = s = 59;
        continue;
      }
      int prevMonth = prevBit(months, mo);
      if (prevMonth < 0) {
        y--;
        mo = 12;
        d = 31;
        h = 23;
        mi = s = 59;
        continue;
      }
      if (prevMonth != mo) {
        mo = prevMonth;
        d = 31;
        h = 23;
        mi = s = 59;
        continue;
      }
      int prevDay = prevBit(dayMask(y, mo), d);
      if (prevDay < 0) {
        mo--;
        d = 31;
        h = 23;
        mi = s = 59;
        if (mo < 1) {
          y--;
          mo = 12;
        }
        continue;
      }
      if (prevDay != d) {
        d = prevDay;
        h = 23;
        mi = s = 59;
      }
      int prevHour = prevBit(hours, h);
      if (prevHour < 0) {
        d--;
        h = 23;
        mi = s = 59;
        continue;
      }
      if (prevHour != h) {
        h = prevHour;
        mi = s = 59;
      }
      int prevMinute = prevBit(minutes, mi);
      if (prevMinute < 0) {
        h--;
        mi = s = 59;
        continue;
      }
      if (prevMinute != mi) {
        mi = prevMinute;
        s = 59;
      }
      int prevSecond = prevBit(seconds, s);
      if (prevSecond < 0) {
        mi--;
        s = 59;
        continue;
      }
      long local = epochDay(y, mo, d) * SECONDS_PER_DAY + h * 3600L + mi * 60L + prevSecond;
      return local >= floor ? local : NONE;
    }
  }

  /** How many wall times in {@code [from, to]} (local epoch seconds) match. */
  long countLocal(long from, long to) {
    from = Math.max(from, FIRST_LOCAL);
    to = Math.min(to, LAST_LOCAL);
    if (from > to) {
      return 0;
    }
    long firstDay = Math.floorDiv(from, SECONDS_PER_DAY);
    long lastDay = Math.floorDiv(to, SECONDS_PER_DAY);
    int fromSecond = (int) (from - firstDay * SECONDS_PER_DAY);
    int toSecond = (int) (to - lastDay * SECONDS_PER_DAY);
    if (firstDay == lastDay) {
      return dayMatches(firstDay) ? timesUpTo(toSecond) - timesUpTo(fromSecond - 1) : 0;
    }
    long count = 0;
    if (dayMatches(firstDay)) {
      count += perDay - timesUpTo(fromSecond - 1);
    }
    if (dayMatches(lastDay)) {
      count += timesUpTo(toSecond);
    }
    if (lastDay - firstDay > 1) {
      count += countDays(firstDay + 1, lastDay - 1) * perDay;
    }
    return count;
  }

  /** How many matching times of day lie at or before second {@code x} of the day. */
  private long timesUpTo(int x) {
    if (x < 0) {
      return 0;
    }
    int h = x / 3600;
    int mi = x / 60 % 60;
    int s = x % 60;
    long count = Long.bitCount(hours & ((1L << h) - 1)) * perHour;
    if ((hours >>> h & 1) != 0) {
      count += (long) Long.bitCount(minutes & ((1L << mi) - 1)) * Long.bitCount(seconds);
      if ((minutes >>> mi & 1) != 0) {
        count += Long.bitCount(seconds & ((2L << s) - 1));
      }
    }
    return count;
  }

  /** How many days from {@code first} to {@code last} (epoch days, inclusive) match. */
  private long countDays(long first, long last) {
    long ymd = civil(first);
    int y = (int) (ymd >> 9);
    int mo = (int) (ymd >> 5) & 0xF;
    long monthStart = first - ((int) ymd & 0x1F) + 1;
    long lastYmd = civil(last);
    int lastYear = (int) (lastYmd >> 9);
    int lastMonth = (int) (lastYmd >> 5) & 0xF;
    long count = 0;
    while (true) {
      if (years != null && !years.get(y - MIN_YEAR)) {
        int next = years.nextSetBit(y - MIN_YEAR + 1);
        if (next < 0 || next + MIN_YEAR > lastYear) {
          return count;
        }
        y = next + MIN_YEAR;
        mo = 1;
        monthStart = epochDay(y, 1, 1);
        continue;
      }
      int length = monthLength(y, mo);
      if ((months & (1 << mo)) != 0) {
        int from = first > monthStart ? (int) (first - monthStart) + 1 : 1;
        int to = last < monthStart + length - 1 ? (int) (last - monthStart) + 1 : length;
        count += Long.bitCount(dayMask(y, mo) & ((2L << to) - 1) & (-1L << from));
      }
      if (y == lastYear && mo == lastMonth) {
        return count;
      }
      monthStart += length;
      if (++mo > 12) {
        mo = 1;
        y++;
      }
    }
  }

  /**
   * How many wall times {@code w} in {@code [from, to]} match while {@code w + shift} matches too:
   * the instants just after a gap that both a skipped wall time and a real one name.
   */
  private long countBoth(long from, long to, long shift) {
    long count = 0;
    if (shift % 60 == 0) {
      for (long minute = Math.floorDiv(from, 60) * 60; minute <= to; minute += 60) {
        if (matchesMinute(minute) && matchesMinute(minute + shift)) {
          int first = (int) Math.max(from - minute, 0);
          int last = (int) Math.min(to - minute, 59);
          count += Long.bitCount(seconds & ((2L << last) - 1) & (-1L << first));
        }
      }
      return count;
    }
    // Only offsets with seconds (Monrovia's -0:44:30 until 1972) take this path.
    for (long w = from; w <= to; w++) {
      if (matches(w) && matches(w + shift)) {
        count++;
      }
    }
    return count;
  }

  private boolean matches(long local) {
    return (seconds >>> (int) Math.floorMod(local, 60) & 1) != 0
        && matchesMinute(Math.floorDiv(local, 60) * 60);
  }

  private boolean matchesMinute(long localMinute) {
    if (localMinute < FIRST_LOCAL || localMinute > LAST_LOCAL) {
      return false;
    }
    long day = Math.floorDiv(localMinute, SECONDS_PER_DAY);
    int secondOfDay = (int) (localMinute - day * SECONDS_PER_DAY);
    return (hours >>> (secondOfDay / 3600) & 1) != 0
        && (minutes >>> (secondOfDay / 60 % 60) & 1) != 0
        && dayMatches(day);
  }

  private boolean dayMatches(long epochDay) {
    long ymd = civil(epochDay);
    int y = (int) (ymd >> 9);
    int mo = (int) (ymd >> 5) & 0xF;
    if (y < MIN_YEAR || y > MAX_YEAR || (months & (1 << mo)) == 0) {
      return false;
    }
    if (years != null && !years.get(y - MIN_YEAR)) {
      return false;
    }
    return (dayMask(y, mo) >>> ((int) ymd & 0x1F) & 1) != 0;
  }

  private static int prevBit(long bits, int from) {
    if (from < 0) {
      return -1;
    }
    long masked = from >= 63 ? bits : bits & ((2L << from) - 1);
    return masked == 0 ? -1 : 63 - Long.numberOfLeadingZeros(masked);
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
    if (weeks != 0) {
      return dayMaskByYearType(year, month);
    }
    int slot = (year * 12 + month) & (monthCache.length - 1);
    MonthMask cached = monthCache[slot];
    if (cached != null && cached.year == year && cached.month == month) {
      return cached.mask;
    }
    long mask = computeDayMask(year, month);
    monthCache[slot] = new MonthMask(year, month, mask);
    return mask;
  }

  /**
   * With a week field, a month's days depend on its year only through the year's type: leap or not,
   * the weekday of January 1, and whether the year before has 53 ISO weeks. A search over 400 years
   * of one or two months then computes about 40 masks, not 800.
   */
  private long dayMaskByYearType(int year, int month) {
    int[] cache = yearTypeCache;
    if (cache == null) {
      cache = new int[12 * 2 * 7 * 2];
      yearTypeCache = cache;
    }
    int january1 = (int) Math.floorMod(epochDay(year, 1, 1) + 3, 7);
    boolean leap = isLeap(year);
    boolean leapBefore = isLeap(year - 1);
    int january1Before = Math.floorMod(january1 - (leapBefore ? 366 : 365), 7);
    boolean longYearBefore = january1Before == 3 || (leapBefore && january1Before == 2);
    int key = (((month - 1) * 2 + (leap ? 1 : 0)) * 7 + january1) * 2 + (longYearBefore ? 1 : 0);
    int entry = cache[key];
    if (entry == 0) {
      // Bit 0 (never a day) marks the entry as computed; an int is written whole, so a race
      // costs at most a recomputation.
      entry = (int) computeDayMask(year, month) | 1;
      cache[key] = entry;
    }
    return entry & 0xFFFF_FFFEL;
  }

  long computeDayMask(int year, int month) {
    int length = monthLength(year, month);
    long first = epochDay(year, month, 1);
    int firstWeekday = (int) Math.floorMod(first + 3, 7); // 1970-01-01 was a Thursday
    long dayOfMonth = staticDays;
    for (DayRule rule : dayRules) {
      dayOfMonth |= rule.days(length, firstWeekday);
    }
    long dayOfWeek = weekdayPattern[firstWeekday];
    for (DayRule rule : weekdayRules) {
      dayOfWeek |= rule.days(length, firstWeekday);
    }
    long mask = dayOrWeekday ? dayOfMonth | dayOfWeek : dayOfMonth & dayOfWeek;
    mask &= (1L << (length + 1)) - 2;
    return weeks == 0 || mask == 0
        ? mask
        : mask & weekMask(year, first, firstWeekday, length, mask);
  }

  /** The days among {@code wanted} (bits 1..31) whose ISO week is a wanted one. */
  private long weekMask(int year, long first, int firstWeekday, int length, long wanted) {
    long mask = 0;
    int dayOfYear = (int) (first - epochDay(year, 1, 1)) + 1;
    // One ISO week at a time, from a day to the Sunday after it; only weeks with a wanted day.
    for (int day = 1; day <= length; ) {
      int weekday = (firstWeekday + day - 1) % 7;
      int sunday = Math.min(length, day + 6 - weekday);
      long days = ((2L << sunday) - 1) & (-1L << day);
      if ((wanted & days) != 0
          && (weeks >>> isoWeek(year, dayOfYear + day - 1, weekday) & 1) != 0) {
        mask |= days;
      }
      day = sunday + 1;
    }
    return mask;
  }

  /** The ISO week of a day, given its year, day of the year (1-based) and weekday (0 = Monday). */
  static int isoWeek(int year, int dayOfYear, int weekday) {
    int week = (dayOfYear - weekday + 9) / 7;
    if (week < 1) {
      return weeksIn(year - 1);
    }
    return week > weeksIn(year) ? 1 : week;
  }

  /** 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday; else 52. */
  private static int weeksIn(int year) {
    int january1 = (int) Math.floorMod(epochDay(year, 1, 1) + 3, 7);
    return january1 == 3 || (january1 == 2 && isLeap(year)) ? 53 : 52;
  }

  /** The months (bits 1..12) in which one of the days can be in one of the weeks (bits 1..53). */
  private static int monthsHolding(long weeks, long days) {
    int months = 0;
    for (int week = 1; week <= 53; week++) {
      if ((weeks >>> week & 1) != 0) {
        for (int month = 1; month <= 12; month++) {
          if ((WEEK_DAYS[week][month] & days) != 0) {
            months |= 1 << month;
          }
        }
      }
    }
    return months;
  }

  private static long[][] weekDays() {
    // The Gregorian calendar repeats every 400 years, weekdays and ISO weeks included.
    long[][] table = new long[54][13];
    for (int year = 2000; year < 2400; year++) {
      for (int month = 1; month <= 12; month++) {
        int firstWeekday = (int) Math.floorMod(epochDay(year, month, 1) + 3, 7);
        int dayOfYear = (int) (epochDay(year, month, 1) - epochDay(year, 1, 1)) + 1;
        for (int day = 1; day <= monthLength(year, month); day++) {
          int weekday = (firstWeekday + day - 1) % 7;
          table[isoWeek(year, dayOfYear + day - 1, weekday)][month] |= 1L << day;
        }
      }
    }
    return table;
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
