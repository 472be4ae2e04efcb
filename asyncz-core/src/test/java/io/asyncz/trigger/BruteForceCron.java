package io.asyncz.trigger;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A slow, independent reference for cron schedules, used by the property tests.
 *
 * <p>Schedules are generated as structured data ({@link Spec}) and rendered both to the text the
 * engine parses (keyword fields or a crontab line) and to this class's own predicates; nothing here
 * calls the engine's parser. The reference enumerates matching wall-clock times day by day (the
 * hour, minute and second loops only visit values their fields accept) and maps each matching wall
 * time to its fire instants with the documented daylight-saving policy:
 *
 * <ul>
 *   <li>a wall time with one valid offset fires at that instant;
 *   <li>a wall time in a spring-forward gap fires at the instant the offset <em>before</em> the
 *       transition names;
 *   <li>a wall time in a fall-back overlap fires at its earlier instant, and at its later instant
 *       too only when the hour expression repeats (contains {@code *} or a step, or names every
 *       hour).
 * </ul>
 */
final class BruteForceCron {
  static final int YEAR = 0;
  static final int MONTH = 1;
  static final int DAY = 2;
  static final int WEEK = 3;
  static final int DAY_OF_WEEK = 4;
  static final int HOUR = 5;
  static final int MINUTE = 6;
  static final int SECOND = 7;

  static final String[] FIELD_NAMES = {
    "year", "month", "day", "week", "day_of_week", "hour", "minute", "second"
  };
  private static final int[] MIN = {1970, 1, 1, 1, 0, 0, 0, 0};
  private static final int[] KEYWORD_MAX = {9999, 12, 31, 53, 6, 23, 59, 59};

  // ================================================================== structured schedules

  enum Form {
    KEYWORD,
    CRONTAB
  }

  enum Kind {
    /** {@code *}. */
    STAR,
    /** {@code *}/n. */
    STAR_STEP,
    /** a. */
    VALUE,
    /** a-b. */
    RANGE,
    /** a-b/n. */
    RANGE_STEP,
    /** a/n: a up to the field's maximum, stepping n. */
    FROM_STEP,
    /** Crontab {@code ?}. */
    QUESTION,
    /** Keyword {@code last}, crontab {@code L}: the month's last day. */
    LAST,
    /** Crontab {@code L-a}. */
    LAST_MINUS,
    /** Crontab {@code aW}. */
    NEAREST_WEEKDAY,
    /** Crontab {@code LW}. */
    LAST_WEEKDAY,
    /** The b-th (1..5) weekday a (ISO 1 = Monday .. 7 = Sunday) of the month. */
    NTH_WEEKDAY,
    /** The last weekday a (ISO) of the month. */
    LAST_OF_WEEKDAY
  }

  /** One comma-separated item: its meaning (kind, a, b, step) and its rendered text. */
  record Item(Kind kind, int a, int b, int step, String text) {
    boolean isStatic() {
      return switch (kind) {
        case STAR, STAR_STEP, VALUE, RANGE, RANGE_STEP, FROM_STEP -> true;
        default -> false;
      };
    }
  }

  /** One field: its items; the text is the items' texts joined by commas. */
  record Field(List<Item> items) {
    String text() {
      StringJoiner j = new StringJoiner(",");
      items.forEach(i -> j.add(i.text()));
      return j.toString();
    }

    static Field of(Item... items) {
      return new Field(List.of(items));
    }
  }

  /**
   * A generated schedule.
   *
   * @param form keyword fields or crontab line
   * @param fields indexed like {@link #FIELD_NAMES}; for the keyword form {@code null} = not given;
   *     for the crontab form year and week are null and second is null for a 5-field line
   * @param macro a crontab macro such as {@code @daily} (fields then hold its expansion)
   * @param integerArgs keyword fields passed as Integer rather than String (by index)
   * @param separator the whitespace between crontab fields
   */
  record Spec(Form form, Field[] fields, String macro, boolean[] integerArgs, String separator) {

    String crontabLine() {
      if (macro != null) {
        return macro;
      }
      StringJoiner j = new StringJoiner(separator);
      if (fields[SECOND] != null) {
        j.add(fields[SECOND].text());
      }
      j.add(fields[MINUTE].text());
      j.add(fields[HOUR].text());
      j.add(fields[DAY].text());
      j.add(fields[MONTH].text());
      j.add(fields[DAY_OF_WEEK].text());
      return j.toString();
    }

    /** Builds the engine's trigger for this schedule. */
    CronTrigger build(ZoneId zone, Object startAt, Object endAt, java.time.Duration jitter) {
      if (form == Form.CRONTAB) {
        String line = crontabLine();
        if (startAt == null && endAt == null && jitter == null) {
          return CronTrigger.fromCrontab(line, zone);
        }
        java.util.Map<String, Object> options = new java.util.HashMap<>();
        options.put("crontab", line);
        if (zone != null) {
          options.put("timezone", zone);
        }
        if (startAt != null) {
          options.put("start_at", startAt);
        }
        if (endAt != null) {
          options.put("end_at", endAt);
        }
        if (jitter != null) {
          options.put("jitter", jitter);
        }
        return CronTrigger.fromOptions(options);
      }
      CronTrigger.Builder b = CronTrigger.builder();
      for (int i = 0; i < fields.length; i++) {
        if (fields[i] == null) {
          continue;
        }
        String text = fields[i].text();
        if (integerArgs[i]) {
          int value = Integer.parseInt(text);
          switch (i) {
            case YEAR -> b.year(value);
            case MONTH -> b.month(value);
            case DAY -> b.day(value);
            case WEEK -> b.week(value);
            case DAY_OF_WEEK -> b.dayOfWeek(value);
            case HOUR -> b.hour(value);
            case MINUTE -> b.minute(value);
            default -> b.second(value);
          }
        } else {
          switch (i) {
            case YEAR -> b.year(text);
            case MONTH -> b.month(text);
            case DAY -> b.day(text);
            case WEEK -> b.week(text);
            case DAY_OF_WEEK -> b.dayOfWeek(text);
            case HOUR -> b.hour(text);
            case MINUTE -> b.minute(text);
            default -> b.second(text);
          }
        }
      }
      // The generated bounds are of any date-time type, as the alias form takes them.
      return b.timezone(zone).startAtValue(startAt).endAtValue(endAt).jitter(jitter).build();
    }

    @Override
    public String toString() {
      if (form == Form.CRONTAB) {
        return "crontab '" + crontabLine() + "'";
      }
      StringJoiner j = new StringJoiner(", ", "keyword[", "]");
      for (int i = 0; i < fields.length; i++) {
        if (fields[i] != null) {
          String quote = integerArgs[i] ? "" : "'";
          j.add(FIELD_NAMES[i] + "=" + quote + fields[i].text() + quote);
        }
      }
      return j.toString();
    }
  }

  // ================================================================== the reference

  private final Spec spec;
  private final ZoneId zone;
  private final ZoneRules rules;
  private final boolean[] years = new boolean[10_000];
  private final boolean[] months = new boolean[13];
  private final boolean[] weeks = new boolean[54];
  private final boolean[] hours = new boolean[24];
  private final boolean[] minutes = new boolean[60];
  private final boolean[] seconds = new boolean[60];
  private final boolean[] staticDays = new boolean[32]; // plain items of the day field
  private final List<Item> dayRules = new ArrayList<>(); // the day field's other items
  private final boolean[] staticWeekdays = new boolean[8]; // plain items, the form's numbering
  private final List<Item> weekdayRules = new ArrayList<>();
  private final boolean dayOrWeekday;
  private final boolean repeatingHour;

  BruteForceCron(Spec spec, ZoneId zone) {
    this.spec = spec;
    this.zone = zone;
    this.rules = zone.getRules();
    Field[] f = resolve(spec);
    fill(years, f[YEAR], YEAR);
    fill(months, f[MONTH], MONTH);
    fill(weeks, f[WEEK], WEEK);
    fill(hours, f[HOUR], HOUR);
    fill(minutes, f[MINUTE], MINUTE);
    fill(seconds, f[SECOND], SECOND);
    for (Item item : f[DAY].items()) {
      if (item.isStatic()) {
        staticValues(item, DAY).forEach(v -> staticDays[v] = true);
      } else {
        dayRules.add(item);
      }
    }
    for (Item item : f[DAY_OF_WEEK].items()) {
      if (item.isStatic()) {
        staticValues(item, DAY_OF_WEEK).forEach(v -> staticWeekdays[v] = true);
      } else {
        weekdayRules.add(item);
      }
    }
    if (spec.form() == Form.CRONTAB) {
      dayOrWeekday = restricts(f[DAY].text()) && restricts(f[DAY_OF_WEEK].text());
    } else {
      dayOrWeekday = false;
    }
    String hourText = f[HOUR].text();
    boolean everyHour = true;
    for (boolean h : hours) {
      everyHour &= h;
    }
    repeatingHour = hourText.contains("*") || hourText.contains("/") || everyHour;
  }

  /** Crontab: a field restricts days unless its text starts with '*' or is '?'. */
  private static boolean restricts(String text) {
    return !(text.startsWith("*") || text.equals("?"));
  }

  /** Every field filled in: the keyword defaulting rule, or crontab's implicit fields. */
  static Field[] resolve(Spec spec) {
    Field[] given = spec.fields();
    Field[] out = new Field[8];
    Field star = Field.of(new Item(Kind.STAR, 0, 0, 0, "*"));
    if (spec.form() == Form.CRONTAB) {
      for (int i = 0; i < 8; i++) {
        out[i] = given[i] != null ? given[i] : star;
      }
      if (given[SECOND] == null) {
        out[SECOND] = Field.of(new Item(Kind.VALUE, 0, 0, 0, "0"));
      }
      return out;
    }
    int last = -1;
    for (int i = 0; i < 8; i++) {
      if (given[i] != null) {
        last = i;
      }
    }
    for (int i = 0; i < 8; i++) {
      if (given[i] != null) {
        out[i] = given[i];
      } else if (i < last || last < 0 || i == WEEK || i == DAY_OF_WEEK) {
        out[i] = star;
      } else {
        out[i] = Field.of(new Item(Kind.VALUE, MIN[i], 0, 0, Integer.toString(MIN[i])));
      }
    }
    return out;
  }

  private void fill(boolean[] target, Field field, int index) {
    for (Item item : field.items()) {
      for (int v : staticValues(item, index)) {
        target[v] = true;
      }
    }
  }

  /** The values of a plain item in the field's own numbering. */
  private List<Integer> staticValues(Item item, int index) {
    int lo = MIN[index];
    int hi = KEYWORD_MAX[index];
    if (spec.form() == Form.CRONTAB && index == DAY_OF_WEEK) {
      lo = 0;
      hi = 6; // '*' and 'a/n' run over 0-6 (Sunday = 0); explicit ranges may name 7
    }
    List<Integer> values = new ArrayList<>();
    switch (item.kind()) {
      case STAR, QUESTION -> addRange(values, lo, hi, 1);
      case STAR_STEP -> addRange(values, lo, hi, item.step());
      case VALUE -> values.add(item.a());
      case RANGE -> addRange(values, item.a(), item.b(), 1);
      case RANGE_STEP -> addRange(values, item.a(), item.b(), item.step());
      case FROM_STEP -> addRange(values, item.a(), hi, item.step());
      default -> {
        // month-dependent day rules: evaluated per date
      }
    }
    return values;
  }

  private static void addRange(List<Integer> values, int from, int to, int step) {
    for (int v = from; v <= to; v += step) {
      values.add(v);
    }
  }

  /** Whether a date matches the year, month, week, day and day-of-week fields. */
  boolean dateMatches(LocalDate d) {
    if (!years[d.getYear()] || !months[d.getMonthValue()]) {
      return false;
    }
    if (!weeks[d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)]) {
      return false;
    }
    boolean day = staticDays[d.getDayOfMonth()];
    for (Item item : dayRules) {
      day |= dayRuleMatches(item, d);
    }
    DayOfWeek dow = d.getDayOfWeek();
    boolean weekday;
    if (spec.form() == Form.KEYWORD) {
      weekday = staticWeekdays[dow.getValue() - 1]; // 0 = Monday
    } else {
      // 0 = Sunday, and 7 = Sunday too
      weekday =
          staticWeekdays[dow.getValue() % 7] || (dow == DayOfWeek.SUNDAY && staticWeekdays[7]);
    }
    for (Item item : weekdayRules) {
      weekday |= item.kind() == Kind.QUESTION || positionMatches(item, d);
    }
    return dayOrWeekday ? day || weekday : day && weekday;
  }

  private static boolean dayRuleMatches(Item item, LocalDate d) {
    int day = d.getDayOfMonth();
    int length = d.lengthOfMonth();
    return switch (item.kind()) {
      case QUESTION -> true;
      case LAST -> day == length;
      case LAST_MINUS -> day == length - item.a();
      case NEAREST_WEEKDAY -> day == nearestWeekday(YearMonth.from(d), item.a());
      case LAST_WEEKDAY -> day == nearestWeekday(YearMonth.from(d), length);
      case NTH_WEEKDAY, LAST_OF_WEEKDAY -> positionMatches(item, d);
      default -> throw new IllegalStateException(item.toString());
    };
  }

  private static boolean positionMatches(Item item, LocalDate d) {
    if (d.getDayOfWeek().getValue() != item.a()) {
      return false;
    }
    if (item.kind() == Kind.LAST_OF_WEEKDAY) {
      return d.getDayOfMonth() + 7 > d.lengthOfMonth();
    }
    return (d.getDayOfMonth() - 1) / 7 + 1 == item.b();
  }

  /** Quartz's nW, written from its description; -1 when the month has no day n. */
  static int nearestWeekday(YearMonth month, int n) {
    int length = month.lengthOfMonth();
    if (n > length) {
      return -1;
    }
    DayOfWeek dow = month.atDay(n).getDayOfWeek();
    if (dow == DayOfWeek.SATURDAY) {
      return n == 1 ? 3 : n - 1;
    }
    if (dow == DayOfWeek.SUNDAY) {
      return n == length ? n - 2 : n + 1;
    }
    return n;
  }

  boolean repeatingHour() {
    return repeatingHour;
  }

  /**
   * The fire instants of one matching wall time (local epoch seconds), by the daylight-saving
   * policy.
   */
  private long[] images(long local) {
    LocalDateTime wall = LocalDateTime.ofEpochSecond(local, 0, ZoneOffset.UTC);
    List<ZoneOffset> valid = rules.getValidOffsets(wall);
    if (valid.size() == 1) {
      return new long[] {local - valid.get(0).getTotalSeconds()};
    }
    if (valid.isEmpty()) {
      ZoneOffsetTransition gap = rules.getTransition(wall);
      return new long[] {local - gap.getOffsetBefore().getTotalSeconds()};
    }
    long a = local - valid.get(0).getTotalSeconds();
    long b = local - valid.get(1).getTotalSeconds();
    long earlier = Math.min(a, b);
    long later = Math.max(a, b);
    return repeatingHour ? new long[] {earlier, later} : new long[] {earlier};
  }

  /**
   * The first fire instant {@code f} with {@code from <= f < limit} (whole seconds, so {@code from}
   * is rounded up), or empty.
   */
  Optional<Instant> firstAtOrAfter(Instant from, Instant limit) {
    long fromS = ceilSeconds(from);
    long limitS = ceilSeconds(limit); // f < limit  <=>  f < ceil(limit) for whole seconds f
    if (fromS >= limitS) {
      return Optional.empty();
    }
    long scanFrom = fromS - 2 * 86_400L;
    long scanTo = limitS + 2 * 86_400L;
    int[] offsets =
        scanFrom >= OFFSETS_FROM && scanTo <= OFFSETS_TO
            ? commonOffsets()
            : offsetRange(scanFrom, scanTo);
    int minOff = offsets[0];
    int maxOff = offsets[1];
    // A fire instant f of wall time M is M - offset for an offset the zone uses within a day of f:
    // M in [f + minOff, f + maxOff]. The loose bounds pick the days; each matching day then uses
    // the offsets around it only, so the scan wastes no time on wall times outside [from, best).
    long best = Long.MAX_VALUE;
    for (long day = Math.floorDiv(fromS + minOff, 86_400L); ; day++) {
      long dayStart = day * 86_400L;
      if (dayStart - maxOff >= Math.min(best, limitS)) {
        break;
      }
      LocalDate date = LocalDate.ofEpochDay(day);
      if (date.getYear() > 9999) {
        break;
      }
      if (date.getYear() < 1970 || !dateMatches(date)) {
        continue;
      }
      int[] near = offsetRange(dayStart - 2 * 86_400L, dayStart + 3 * 86_400L);
      int dayMin = near[0];
      int dayMax = near[1];
      hourLoop:
      for (int h = 0; h < 24; h++) {
        if (!hours[h]) {
          continue;
        }
        long hourStart = dayStart + h * 3600L;
        if (hourStart + 3599 - dayMin < fromS) {
          continue; // every image of this hour's wall times is before from
        }
        for (int mi = 0; mi < 60; mi++) {
          if (!minutes[mi]) {
            continue;
          }
          long minuteStart = hourStart + mi * 60L;
          if (minuteStart + 59 - dayMin < fromS) {
            continue;
          }
          for (int s = 0; s < 60; s++) {
            if (!seconds[s]) {
              continue;
            }
            long local = minuteStart + s;
            if (local - dayMin < fromS) {
              continue;
            }
            if (local - dayMax >= Math.min(best, limitS)) {
              break hourLoop; // every image of this and later wall times is too late
            }
            for (long f : images(local)) {
              if (f >= fromS && f < limitS && f < best) {
                best = f;
              }
            }
          }
        }
      }
    }
    return best == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochSecond(best));
  }

  // The smallest and largest offsets between 1990 and 2070, which hold every case's window: a
  // wider range than needed only makes the scan start earlier and stop later.
  private static final long OFFSETS_FROM = Instant.parse("1990-01-01T00:00:00Z").getEpochSecond();
  private static final long OFFSETS_TO = Instant.parse("2070-01-01T00:00:00Z").getEpochSecond();
  private int[] commonOffsetsCache;

  private int[] commonOffsets() {
    if (commonOffsetsCache == null) {
      commonOffsetsCache = offsetRange(OFFSETS_FROM, OFFSETS_TO);
    }
    return commonOffsetsCache;
  }

  /** The smallest and largest UTC offsets (seconds) the zone uses between two instants. */
  private int[] offsetRange(long from, long to) {
    int o = rules.getOffset(Instant.ofEpochSecond(from)).getTotalSeconds();
    int minOff = o;
    int maxOff = o;
    ZoneOffsetTransition tr = rules.nextTransition(Instant.ofEpochSecond(from));
    while (tr != null && tr.toEpochSecond() <= to) {
      for (ZoneOffset off : List.of(tr.getOffsetBefore(), tr.getOffsetAfter())) {
        minOff = Math.min(minOff, off.getTotalSeconds());
        maxOff = Math.max(maxOff, off.getTotalSeconds());
      }
      tr = rules.nextTransition(tr.getInstant());
    }
    return new int[] {minOff, maxOff};
  }

  /**
   * How many fire instants {@code f} lie in {@code after < f <= upTo}: day by day, with each day
   * that a transition touches enumerated wall time by wall time (its images collected in a set, so
   * that an instant two wall times name counts once) and every other day counted per minute.
   */
  long countBetween(Instant after, Instant upTo) {
    long lo = after.getEpochSecond() + 1; // f > after, for whole seconds f
    long hi = upTo.getEpochSecond(); // f <= upTo
    if (lo > hi) {
      return 0;
    }
    long count = 0;
    int secondsPerMinute = 0;
    for (boolean sec : seconds) {
      secondsPerMinute += sec ? 1 : 0;
    }
    java.util.Set<Long> nearTransitions = new java.util.HashSet<>();
    long firstDay = Math.floorDiv(lo, 86_400L) - 2;
    long lastDay = Math.floorDiv(hi, 86_400L) + 2;
    for (long day = firstDay; day <= lastDay; day++) {
      LocalDate date = LocalDate.ofEpochDay(day);
      if (date.getYear() < 1970 || date.getYear() > 9999 || !dateMatches(date)) {
        continue;
      }
      long dayStart = day * 86_400L;
      // The day's wall times fire within a day of its UTC midnight, at offsets within 18 hours.
      int[] near = offsetRange(dayStart - 86_400L, dayStart + 2 * 86_400L);
      if (near[0] != near[1]) {
        for (int h = 0; h < 24; h++) {
          for (int mi = 0; mi < 60 && hours[h]; mi++) {
            for (int sec = 0; sec < 60 && minutes[mi]; sec++) {
              if (seconds[sec]) {
                for (long f : images(dayStart + h * 3600L + mi * 60L + sec)) {
                  if (f >= lo && f <= hi) {
                    nearTransitions.add(f);
                  }
                }
              }
            }
          }
        }
        continue;
      }
      // One offset all around this day: wall time w fires at w - offset.
      long wallLo = lo + near[0] - dayStart;
      long wallHi = hi + near[0] - dayStart;
      for (int h = 0; h < 24; h++) {
        for (int mi = 0; mi < 60 && hours[h]; mi++) {
          if (!minutes[mi]) {
            continue;
          }
          long minuteStart = h * 3600L + mi * 60L;
          if (minuteStart + 59 < wallLo || minuteStart > wallHi) {
            continue;
          }
          if (minuteStart >= wallLo && minuteStart + 59 <= wallHi) {
            count += secondsPerMinute;
            continue;
          }
          for (int sec = 0; sec < 60; sec++) {
            long w = minuteStart + sec;
            if (seconds[sec] && w >= wallLo && w <= wallHi) {
              count++;
            }
          }
        }
      }
    }
    return count + nearTransitions.size();
  }

  /**
   * About how many wall times {@link #countBetween} enumerates one by one: the matching times of
   * day on the three days around each transition.
   */
  long enumerationCost(Instant after, Instant upTo) {
    long perDay = 0;
    for (int h = 0; h < 24; h++) {
      for (int mi = 0; mi < 60; mi++) {
        for (int sec = 0; sec < 60; sec++) {
          perDay += hours[h] && minutes[mi] && seconds[sec] ? 1 : 0;
        }
      }
    }
    long transitions = 0;
    ZoneOffsetTransition tr = rules.nextTransition(after.minusSeconds(3 * 86_400L));
    while (tr != null && tr.getInstant().isBefore(upTo.plusSeconds(3 * 86_400L))) {
      transitions++;
      tr = rules.nextTransition(tr.getInstant());
    }
    return 3 * transitions * perDay;
  }

  /** Whether {@code t} is a fire instant. */
  boolean isFireTime(Instant t) {
    return t.getNano() == 0 && firstAtOrAfter(t, t.plusSeconds(1)).isPresent();
  }

  static long ceilSeconds(Instant t) {
    return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
  }

  // ================================================================== generators

  static final List<ZoneId> ZONES =
      List.of(
          ZoneOffset.UTC,
          ZoneId.of("UTC"),
          ZoneOffset.ofHoursMinutes(5, 30),
          ZoneOffset.ofHoursMinutes(-9, -30),
          ZoneId.of("America/New_York"),
          ZoneId.of("Europe/London"),
          ZoneId.of("Europe/Berlin"),
          ZoneId.of("Australia/Lord_Howe"),
          ZoneId.of("Africa/Cairo"));

  /** Zones with daylight saving, for the cases that concentrate on transitions. */
  static final List<ZoneId> DST_ZONES = ZONES.subList(4, ZONES.size());

  static ZoneId randomZone(Random r) {
    // Weigh the zones with rules twice as much as the fixed ones.
    return r.nextInt(3) == 0 ? ZONES.get(r.nextInt(4)) : DST_ZONES.get(r.nextInt(5));
  }

  private static final long FIRST = Instant.parse("1998-01-01T00:00:00Z").getEpochSecond();
  private static final long LAST = Instant.parse("2042-01-01T00:00:00Z").getEpochSecond();

  /**
   * A random instant between 1998 and 2042; in zones with rules, often within a day of a transition
   * (sometimes within seconds of it), and sometimes with a fraction of a second.
   */
  static Instant randomInstant(Random r, ZoneId zone) {
    long s = FIRST + (long) (r.nextDouble() * (LAST - FIRST));
    ZoneRules rules = zone.getRules();
    if (!rules.isFixedOffset() && r.nextInt(10) < 6) {
      ZoneOffsetTransition tr = rules.nextTransition(Instant.ofEpochSecond(s));
      if (tr != null) {
        long t = tr.toEpochSecond();
        int shape = r.nextInt(4);
        s =
            switch (shape) {
              case 0 -> t + r.nextInt(7) - 3;
              case 1 -> t + r.nextInt(2 * 3600 + 1) - 3600;
              default -> t + r.nextInt(2 * 86_400 + 1) - 86_400;
            };
      }
    }
    Instant t = Instant.ofEpochSecond(s);
    int fraction = r.nextInt(10);
    if (fraction == 0) {
      t = t.plusNanos(1 + r.nextInt(999_999_999));
    } else if (fraction == 1) {
      t = t.plusMillis(1 + r.nextInt(999));
    }
    return t;
  }

  private static final String[] KEYWORD_MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
  };
  private static final String[] KEYWORD_WEEKDAYS = {
    "mon", "tue", "wed", "thu", "fri", "sat", "sun"
  };
  private static final String[] CRONTAB_WEEKDAYS = {
    "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"
  };
  private static final String[] POSITIONS = {"1st", "2nd", "3rd", "4th", "5th"};

  static int between(Random r, int lo, int hi) {
    return lo + r.nextInt(hi - lo + 1);
  }

  /** A step in 1..max, usually small. */
  private static int step(Random r, int max) {
    if (max <= 1) {
      return 1;
    }
    return r.nextInt(4) == 0 ? between(r, 1, max) : between(r, 1, Math.min(max, 7));
  }

  /**
   * A plain item (no names) over lo..hi; {@code top} is where {@code *} and {@code a/n} end. Every
   * step fits its range, as both forms require.
   */
  private static Item plainItem(Random r, int lo, int hi, int top, int index, Form form) {
    int roll = r.nextInt(100);
    if (roll < 5) {
      return new Item(Kind.STAR, 0, 0, 0, "*");
    }
    if (roll < 20) {
      int n = step(r, top - lo);
      return new Item(Kind.STAR_STEP, 0, 0, n, "*/" + n);
    }
    if (roll < 55) {
      int a = between(r, lo, hi);
      return new Item(Kind.VALUE, a, 0, 0, Integer.toString(a));
    }
    if (roll < 72) {
      int a = between(r, lo, hi);
      int b = between(r, a, Math.min(hi, a + Math.max(1, (hi - lo) / 2)));
      String text = a == b && r.nextBoolean() ? Integer.toString(a) : a + "-" + b;
      return new Item(a == b ? Kind.VALUE : Kind.RANGE, a, b, 0, text);
    }
    if (roll < 88) {
      int a = between(r, lo, hi - 1);
      int b = between(r, a + 1, hi);
      int n = step(r, b - a);
      return new Item(Kind.RANGE_STEP, a, b, n, a + "-" + b + "/" + n);
    }
    int a = between(r, lo, top - 1);
    int n = step(r, top - a);
    if (form == Form.CRONTAB && index == DAY_OF_WEEK && a >= 1 && (7 - a) % n == 0) {
      // Whether "a/n" reaches 7 (Sunday again) is not specified; stay clear of it.
      return new Item(Kind.VALUE, a, 0, 0, Integer.toString(a));
    }
    return new Item(Kind.FROM_STEP, a, 0, n, a + "/" + n);
  }

  /** A month or weekday value or range written with names. */
  private static Item namedItem(Random r, int index, Form form) {
    String[] names;
    int base;
    if (index == MONTH) {
      names = form == Form.KEYWORD ? KEYWORD_MONTHS : upper(KEYWORD_MONTHS);
      base = 1;
    } else {
      names = form == Form.KEYWORD ? KEYWORD_WEEKDAYS : CRONTAB_WEEKDAYS;
      base = 0;
    }
    if (form == Form.CRONTAB && r.nextBoolean()) {
      names = lower(names);
    }
    int a = r.nextInt(names.length);
    if (r.nextBoolean()) {
      return new Item(Kind.VALUE, a + base, 0, 0, names[a]);
    }
    int b = between(r, a, names.length - 1);
    return new Item(Kind.RANGE, a + base, b + base, 0, names[a] + "-" + names[b]);
  }

  private static String[] upper(String[] names) {
    String[] out = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = names[i].toUpperCase(Locale.ROOT);
    }
    return out;
  }

  private static String[] lower(String[] names) {
    String[] out = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = names[i].toLowerCase(Locale.ROOT);
    }
    return out;
  }

  private static int itemCount(Random r) {
    int roll = r.nextInt(10);
    return roll < 7 ? 1 : roll < 9 ? 2 : 3;
  }

  /** A keyword field expression for field {@code index}; {@code year} centres year values. */
  static Field keywordField(Random r, int index, int year) {
    List<Item> items = new ArrayList<>();
    int count = itemCount(r);
    for (int k = 0; k < count; k++) {
      int roll = r.nextInt(100);
      if (index == YEAR) {
        items.add(yearItem(r, year));
      } else if (index == DAY && roll < 10) {
        items.add(new Item(Kind.LAST, 0, 0, 0, "last"));
      } else if (index == DAY && roll < 25) {
        int weekday = between(r, 1, 7);
        String name = KEYWORD_WEEKDAYS[weekday - 1];
        if (r.nextInt(4) == 0) {
          items.add(new Item(Kind.LAST_OF_WEEKDAY, weekday, 0, 0, "last " + name));
        } else {
          int nth = between(r, 1, 5);
          items.add(new Item(Kind.NTH_WEEKDAY, weekday, nth, 0, POSITIONS[nth - 1] + " " + name));
        }
      } else if ((index == MONTH || index == DAY_OF_WEEK) && roll < 30) {
        items.add(namedItem(r, index, Form.KEYWORD));
      } else {
        items.add(plainItem(r, MIN[index], KEYWORD_MAX[index], KEYWORD_MAX[index], index, null));
      }
    }
    return new Field(items);
  }

  private static Item yearItem(Random r, int year) {
    int roll = r.nextInt(10);
    if (roll < 4) {
      int a = between(r, year - 1, year + 4);
      return new Item(Kind.VALUE, a, 0, 0, Integer.toString(a));
    }
    if (roll < 6) {
      int a = between(r, year - 3, year + 1);
      int b = between(r, a, year + 6);
      return new Item(a == b ? Kind.VALUE : Kind.RANGE, a, b, 0, a == b ? "" + a : a + "-" + b);
    }
    if (roll < 7) {
      int n = between(r, 1, 6);
      return new Item(Kind.STAR_STEP, 0, 0, n, "*/" + n);
    }
    if (roll < 8) {
      int a = between(r, year - 5, year + 2);
      int b = between(r, a + 1, year + 12);
      int n = step(r, b - a);
      return new Item(Kind.RANGE_STEP, a, b, n, a + "-" + b + "/" + n);
    }
    if (roll < 9) {
      int a = between(r, year - 5, year + 2);
      int n = between(r, 1, 5);
      return new Item(Kind.FROM_STEP, a, 0, n, a + "/" + n);
    }
    return new Item(Kind.STAR, 0, 0, 0, "*");
  }

  /**
   * A random keyword schedule. The last given field decides the density: a schedule whose last
   * field is the second fires often, one ending at the day fires once a day at most.
   */
  static Spec randomKeyword(Random r, int year) {
    int roll = r.nextInt(100);
    int last;
    if (roll < 3) {
      last = -1; // nothing given: every second
    } else if (roll < 20) {
      last = SECOND;
    } else if (roll < 40) {
      last = MINUTE;
    } else if (roll < 60) {
      last = HOUR;
    } else if (roll < 68) {
      last = DAY_OF_WEEK;
    } else if (roll < 72) {
      last = WEEK;
    } else if (roll < 88) {
      last = DAY;
    } else if (roll < 96) {
      last = MONTH;
    } else {
      last = YEAR;
    }
    Field[] fields = new Field[8];
    boolean[] ints = new boolean[8];
    for (int i = 0; i <= last; i++) {
      double p =
          switch (i) {
            case YEAR -> 0.08;
            case WEEK -> 0.10;
            case MONTH -> 0.25;
            default -> 0.4;
          };
      if (i == last || r.nextDouble() < p) {
        fields[i] = keywordField(r, i, year);
        List<Item> items = fields[i].items();
        ints[i] =
            items.size() == 1
                && items.get(0).kind() == Kind.VALUE
                && items.get(0).text().matches("\\d+")
                && r.nextInt(3) == 0;
      }
    }
    return new Spec(Form.KEYWORD, fields, null, ints, " ");
  }

  private static final String[] MACROS = {"@yearly", "@monthly", "@weekly", "@daily", "@hourly"};
  private static final String[][] MACRO_FIELDS = {
    {"0", "0", "1", "1", "*"},
    {"0", "0", "1", "*", "*"},
    {"0", "0", "*", "*", "0"},
    {"0", "0", "*", "*", "*"},
    {"0", "*", "*", "*", "*"}
  };

  /** A random crontab line, with Quartz's extras, names, lists, steps, ranges and macros. */
  static Spec randomCrontab(Random r) {
    Field[] fields = new Field[8];
    if (r.nextInt(100) < 5) {
      int m = r.nextInt(MACROS.length);
      String[] f = MACRO_FIELDS[m];
      fields[MINUTE] = Field.of(parseSimple(f[0]));
      fields[HOUR] = Field.of(parseSimple(f[1]));
      fields[DAY] = Field.of(parseSimple(f[2]));
      fields[MONTH] = Field.of(parseSimple(f[3]));
      fields[DAY_OF_WEEK] = Field.of(parseSimple(f[4]));
      return new Spec(Form.CRONTAB, fields, MACROS[m], new boolean[8], " ");
    }
    if (r.nextInt(10) < 4) {
      fields[SECOND] = crontabTimeField(r, SECOND, r.nextInt(3) == 0 ? 55 : 20);
    }
    int density = r.nextInt(3); // 0: dense minutes, 1: some minutes, 2: fixed minute
    fields[MINUTE] = crontabTimeField(r, MINUTE, density == 0 ? 60 : density == 1 ? 30 : 0);
    fields[HOUR] = crontabTimeField(r, HOUR, 40);
    fields[DAY] = crontabDayField(r);
    fields[MONTH] = crontabMonthField(r);
    fields[DAY_OF_WEEK] = crontabWeekdayField(r);
    String separator = r.nextInt(10) == 0 ? "  " : r.nextInt(20) == 0 ? "\t" : " ";
    return new Spec(Form.CRONTAB, fields, null, new boolean[8], separator);
  }

  private static Item parseSimple(String text) {
    return text.equals("*")
        ? new Item(Kind.STAR, 0, 0, 0, "*")
        : new Item(Kind.VALUE, Integer.parseInt(text), 0, 0, text);
  }

  /** A second, minute or hour field; {@code starPercent} of the time just '*'. */
  private static Field crontabTimeField(Random r, int index, int starPercent) {
    if (r.nextInt(100) < starPercent) {
      return Field.of(new Item(Kind.STAR, 0, 0, 0, "*"));
    }
    List<Item> items = new ArrayList<>();
    int count = itemCount(r);
    for (int k = 0; k < count; k++) {
      items.add(plainItem(r, MIN[index], KEYWORD_MAX[index], KEYWORD_MAX[index], index, null));
    }
    return new Field(items);
  }

  private static Field crontabMonthField(Random r) {
    if (r.nextInt(100) < 60) {
      return Field.of(new Item(Kind.STAR, 0, 0, 0, "*"));
    }
    List<Item> items = new ArrayList<>();
    int count = itemCount(r);
    for (int k = 0; k < count; k++) {
      items.add(
          r.nextInt(3) == 0
              ? namedItem(r, MONTH, Form.CRONTAB)
              : plainItem(r, 1, 12, 12, MONTH, Form.CRONTAB));
    }
    return new Field(items);
  }

  private static Field crontabDayField(Random r) {
    int roll = r.nextInt(100);
    if (roll < 40) {
      return Field.of(new Item(Kind.STAR, 0, 0, 0, "*"));
    }
    if (roll < 46) {
      return Field.of(new Item(Kind.QUESTION, 0, 0, 0, "?"));
    }
    List<Item> items = new ArrayList<>();
    int count = itemCount(r);
    for (int k = 0; k < count; k++) {
      int kind = r.nextInt(100);
      if (kind < 55) {
        items.add(plainItem(r, 1, 31, 31, DAY, Form.CRONTAB));
      } else if (kind < 65) {
        items.add(new Item(Kind.LAST, 0, 0, 0, r.nextBoolean() ? "L" : "l"));
      } else if (kind < 75) {
        int n = r.nextInt(5) == 0 ? between(r, 0, 30) : between(r, 0, 6);
        items.add(new Item(Kind.LAST_MINUS, n, 0, 0, "L-" + n));
      } else if (kind < 90) {
        int[] edges = {1, 2, 28, 29, 30, 31};
        int n = r.nextInt(3) == 0 ? edges[r.nextInt(edges.length)] : between(r, 1, 28);
        items.add(new Item(Kind.NEAREST_WEEKDAY, n, 0, 0, n + (r.nextBoolean() ? "W" : "w")));
      } else {
        items.add(new Item(Kind.LAST_WEEKDAY, 0, 0, 0, "LW"));
      }
    }
    if (r.nextInt(20) == 0) {
      // A '*' that is not the field's first character: the field still restricts days.
      int n = between(r, 1, 15);
      items.add(new Item(Kind.STAR_STEP, 0, 0, n, "*/" + n));
    }
    return new Field(items);
  }

  private static Field crontabWeekdayField(Random r) {
    int roll = r.nextInt(100);
    if (roll < 45) {
      return Field.of(new Item(Kind.STAR, 0, 0, 0, "*"));
    }
    if (roll < 50) {
      return Field.of(new Item(Kind.QUESTION, 0, 0, 0, "?"));
    }
    List<Item> items = new ArrayList<>();
    int count = itemCount(r);
    for (int k = 0; k < count; k++) {
      int kind = r.nextInt(100);
      if (kind < 45) {
        // 0-7 with both 0 and 7 for Sunday; '*' and 'a/n' stop at 6.
        Item item = plainItem(r, 0, 7, 6, DAY_OF_WEEK, Form.CRONTAB);
        items.add(item);
      } else if (kind < 65) {
        items.add(namedItem(r, DAY_OF_WEEK, Form.CRONTAB));
      } else if (kind < 80) {
        int cron = between(r, 0, 7);
        int iso = cron == 0 ? 7 : cron;
        String token = r.nextInt(4) == 0 ? CRONTAB_WEEKDAYS[cron % 7] : Integer.toString(cron);
        items.add(new Item(Kind.LAST_OF_WEEKDAY, iso, 0, 0, token + "L"));
      } else {
        int cron = between(r, 0, 7);
        int iso = cron == 0 ? 7 : cron;
        int nth = between(r, 1, 5);
        String token = r.nextInt(4) == 0 ? CRONTAB_WEEKDAYS[cron % 7] : Integer.toString(cron);
        items.add(new Item(Kind.NTH_WEEKDAY, iso, nth, 0, token + "#" + nth));
      }
    }
    if (r.nextInt(20) == 0) {
      int n = between(r, 2, 6);
      items.add(new Item(Kind.STAR_STEP, 0, 0, n, "*/" + n));
    }
    return new Field(items);
  }

  // ================================================================== seeded cases

  /**
   * Runs seeded property cases. The master seed is random unless {@code -Dasyncz.props.seed=N} is
   * given; {@code -Dasyncz.props.case=N} replays one failing case; {@code -Dasyncz.props.scale=X}
   * multiplies the number of cases.
   */
  static final class Cases {
    static final long MASTER_SEED =
        Long.getLong("asyncz.props.seed", new SplittableRandom().nextLong());
    private static final Long REPLAY = Long.getLong("asyncz.props.case");
    private static final double SCALE =
        Double.parseDouble(System.getProperty("asyncz.props.scale", "1"));

    private Cases() {}

    /**
     * Runs {@code body} for {@code cases} seeded cases of {@code property}, adding them to {@code
     * counter}; a failure names the case's seed.
     */
    static void forAll(String property, int cases, AtomicLong counter, Consumer<Random> body) {
      int n = REPLAY != null ? 1 : Math.max(1, (int) Math.round(cases * SCALE));
      long propertySeed = MASTER_SEED ^ (property.hashCode() * 0x9E3779B97F4A7C15L);
      SplittableRandom seeds = new SplittableRandom(propertySeed);
      for (int i = 0; i < n; i++) {
        long seed = REPLAY != null ? REPLAY : seeds.nextLong();
        try {
          body.accept(new Random(seed));
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(
              "property '"
                  + property
                  + "' failed in case "
                  + i
                  + "; replay with -Dasyncz.props.case="
                  + seed
                  + " (master seed -Dasyncz.props.seed="
                  + MASTER_SEED
                  + ")\n"
                  + e,
              e);
        }
        counter.incrementAndGet();
      }
    }
  }
}
