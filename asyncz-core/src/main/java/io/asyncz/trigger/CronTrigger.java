package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import io.asyncz.time.TimePoint;
import io.asyncz.time.Zones;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Fires when the wall-clock time matches every field, like UNIX cron (alias {@code cron}).
 *
 * <h2>Keyword fields (the seed's form)</h2>
 *
 * <p>{@code year} (1970-9999), {@code month} (1-12 or jan-dec), {@code day} (1-31), {@code week}
 * (ISO week 1-53), {@code day_of_week} (0-6 with 0 = Monday, or mon-sun), {@code hour} (0-23),
 * {@code minute}, {@code second} (0-59). Each takes {@code *}, {@code *}/n, {@code a}, {@code
 * a-b}, {@code a-b/n}, {@code a/n}, names, and comma lists of them; {@code day} also takes {@code
 * last}, {@code 1st fri} ... {@code 5th fri} and {@code last fri}. Fields before the last one given
 * default to {@code *}, fields after it to their minimum; {@code week} and {@code day_of_week}
 * default to {@code *}. When both {@code day} and {@code day_of_week} are given, a day must match
 * both.
 *
 * <h2>Crontab form</h2>
 *
 * <p>{@link #fromCrontab} reads the standard crontab its name promises: 5 fields (minute hour
 * day-of-month month day-of-week) or 6 with seconds first, day-of-week 0 and 7 = Sunday, and a day
 * matching day-of-month OR day-of-week when both are restricted (a field starting with {@code *}
 * or {@code ?} is unrestricted, as in Vixie cron). It also takes {@code @yearly}, {@code
 * @annually}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight}, {@code
 * @hourly}, and Quartz's {@code L}, {@code L-n}, {@code nW}, {@code LW}, {@code nL}, {@code n#k}
 * and {@code ?}. (The seed passes crontab fields to its keyword fields verbatim, so {@code 0 2 * *
 * 0} runs on Mondays there; here it runs on Sundays.)
 *
 * <h2>Daylight saving</h2>
 *
 * <p>A wall time inside a spring-forward gap fires at the instant that its pre-transition offset
 * names: 02:30 in New York's 02:00-03:00 gap fires at 03:30 summer time, so a daily job is never
 * skipped (an instant that both a skipped wall time and a real one name fires once). In a
 * fall-back overlap, a schedule with a fixed hour fires once, at the first occurrence; a schedule
 * whose hour field repeats fires at both occurrences and so keeps its real-time rhythm. The hour
 * field repeats when its expression contains {@code *} or a step ({@code *}/2, {@code 1-5/2},
 * {@code 1/12}), or when its values are all 24 hours however they are written ({@code 0-23},
 * {@code 0-23/1}, {@code 0,1,...,23}, {@code 0-11,12-23}): equal sets of hours give equal
 * schedules, except that a step is itself a rhythm ({@code 1/12} repeats, {@code 1,13} does not).
 * The minute and second fields play no part in this rule.
 *
 * <h2>Searches and limits</h2>
 *
 * <p>Fire times lie in the years 1970 to 9999 of the schedule's zone; past that a trigger reports
 * no time. The search for the next time examines at most {@value CronSchedule#MAX_YEARS_EXAMINED}
 * candidate years (the Gregorian calendar repeats every 400 years), leaving out at once the months
 * in which no wanted day can fall in a wanted ISO week: an impossible schedule such as February 30,
 * {@code week=1, day=15} or {@code week=1, day='2nd mon'} reports no next time within
 * microseconds. {@link #lastFireTimeUpTo} searches the fields
 * backwards from {@code now} and {@link #countFireTimesUpTo} counts per field and per month, so
 * neither steps through missed runs: a year of every-second runs costs about as much as one.
 */
public final class CronTrigger implements Trigger {
  /** The alias of this trigger. */
  public static final String ALIAS = "cron";

  static final Set<String> OPTIONS = options();

  private final String[] fields; // canonical text per field, null when defaulted (keyword form)
  private final String crontab; // canonical crontab line, or null for the keyword form
  private final TimePoint startAt;
  private final TimePoint endAt;
  private final ZoneId zone; // as given
  private final ZoneId ownZone; // as given, or the zone of a zoned start or end bound
  private final Duration jitter;
  private final CronSchedule schedule;

  private CronTrigger(
      String[] fields,
      String crontab,
      CronSchedule schedule,
      Object startAt,
      Object endAt,
      ZoneId zone,
      Duration jitter) {
    TimePoint start = Triggers.time(startAt, zone, "start_at");
    TimePoint end = Triggers.time(endAt, zone, "end_at");
    this.ownZone = Triggers.ownZone(zone, start, end);
    Triggers.checkBounds(start, end, ownZone);
    this.fields = fields;
    this.crontab = crontab;
    this.schedule = schedule;
    this.startAt = start;
    this.endAt = end;
    this.zone = zone;
    this.jitter = Jitter.check(jitter);
  }

  /** Starts a builder for the seed's keyword fields. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a standard crontab line; wall-clock fields are read in the scheduler's zone.
   *
   * @throws InvalidInputException naming the field and quoting the part that is wrong
   */
  public static CronTrigger fromCrontab(String expression) {
    return fromCrontab(expression, null);
  }

  /**
   * Reads a standard crontab line (see the class documentation) in the given zone.
   *
   * @param zone the zone of the wall-clock fields, or {@code null} for the scheduler's zone
   * @throws InvalidInputException naming the field and quoting the part that is wrong
   */
  public static CronTrigger fromCrontab(String expression, ZoneId zone) {
    Objects.requireNonNull(expression, "expression");
    // Applications schedule many tasks on few cron lines: a trigger is immutable, so equal lines
    // share one parsed trigger instead of parsing and keeping a schedule per task.
    ParsedKey key = new ParsedKey(expression, zone);
    CronTrigger trigger = PARSED.get(key);
    if (trigger == null) {
      trigger = crontab(expression, zone, null, null, null);
      if (PARSED.size() < PARSED_LIMIT) {
        PARSED.putIfAbsent(key, trigger);
      }
    }
    return trigger;
  }

  /** How many distinct crontab lines (with their zones) are kept parsed. */
  private static final int PARSED_LIMIT = 4096;

  private static final ConcurrentHashMap<ParsedKey, CronTrigger> PARSED = new ConcurrentHashMap<>();

  private record ParsedKey(String expression, ZoneId zone) {}

  private static CronTrigger crontab(
      String expression, ZoneId zone, Object startAt, Object endAt, Duration jitter) {
    Objects.requireNonNull(expression, "expression");
    CronParser.Field[] parsed = CronParser.parseCrontab(expression);
    String canonical = String.join(" ", expression.strip().split("\\s+"));
    return new CronTrigger(
        null, canonical, CronParser.compile(parsed, true), startAt, endAt, zone, jitter);
  }

  static CronTrigger fromOptions(Map<String, ?> values) {
    Options o = Options.of(ALIAS, values, OPTIONS);
    ZoneId zone = o.zone("timezone");
    Duration jitter = o.jitter();
    if (o.has("crontab")) {
      for (String name : CronParser.FIELD_NAMES) {
        if (o.has(name)) {
          throw new InvalidInputException(
              "cron trigger option",
              name,
              "cannot be combined with \"crontab\"; give either a crontab line or keyword fields");
        }
      }
      Object line = o.raw("crontab");
      if (!(line instanceof String text)) {
        throw new InvalidInputException(
            "crontab", line, "is not a string; expected a crontab line");
      }
      return crontab(text, zone, o.raw("start_at"), o.raw("end_at"), jitter);
    }
    Builder b =
        builder().timezone(zone).startAtValue(o.raw("start_at")).endAtValue(o.raw("end_at"));
    b.jitter(jitter);
    for (int i = 0; i < CronParser.FIELD_NAMES.length; i++) {
      Object value = o.raw(CronParser.FIELD_NAMES[i]);
      if (value != null) {
        b.field(i, value);
      }
    }
    return b.build();
  }

  /** The crontab line this trigger was read from, if it was. */
  public Optional<String> crontab() {
    return Optional.ofNullable(crontab);
  }

  /**
   * The zone of the wall-clock fields, if the trigger has its own: the zone given, or else the zone
   * of a zoned start or end bound given (as the seed infers it). Without one, the scheduler's.
   */
  public Optional<ZoneId> timezone() {
    return Optional.ofNullable(ownZone);
  }

  /** The earliest possible fire time, if bounded. */
  public Optional<TimePoint> startAt() {
    return Optional.ofNullable(startAt);
  }

  /** The latest possible fire time, if bounded. */
  public Optional<TimePoint> endAt() {
    return Optional.ofNullable(endAt);
  }

  /** The maximum random delay added to each fire time, if any. */
  public Optional<Duration> jitter() {
    return Optional.ofNullable(jitter);
  }

  @Override
  public String alias() {
    return ALIAS;
  }

  @Override
  public Optional<Instant> nextFireTime(ZoneId defaultZone, Instant previousFireTime, Instant now) {
    ZoneId tz = ownZone != null ? ownZone : defaultZone;
    long next = plainNext(tz, previousFireTime, now);
    if (next == CronSchedule.NONE) {
      return Optional.empty();
    }
    Instant time = Jitter.apply(Instant.ofEpochSecond(next), jitter);
    if (endAt != null && jitter != null) {
      Instant end = endAt.toInstant(tz);
      return Optional.of(time.isAfter(end) ? end : time);
    }
    return Optional.of(time);
  }

  /**
   * The last fire time after {@code previousFireTime} and at or before {@code now}, found by
   * searching the fields backwards from {@code now} (a year of every-second runs takes as long as
   * one), with the daylight-saving policy of the forward search. With jitter, the time is the
   * schedule's own, without a random delay: the run is late anyway.
   */
  @Override
  public Optional<Instant> lastFireTimeUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    ZoneId tz = ownZone != null ? ownZone : defaultZone;
    long last;
    if (previousFireTime == null) {
      // Stepping from nothing gives the first time at or after now: it is due only if it is now.
      last = plainNext(tz, null, now);
      if (last != CronSchedule.NONE && Instant.ofEpochSecond(last).isAfter(now)) {
        last = CronSchedule.NONE;
      }
    } else {
      last = schedule.lastAtOrBefore(upTo(tz, now), previousFireTime.getEpochSecond() + 1, tz);
    }
    return last == CronSchedule.NONE ? Optional.empty() : Optional.of(Instant.ofEpochSecond(last));
  }

  /**
   * How many times the schedule fires after {@code previousFireTime} up to {@code now}, counted per
   * field and per month (a year of every-second runs in microseconds), daylight-saving gaps and
   * overlaps counted exactly as stepping meets them. With jitter, the schedule's own times count.
   */
  @Override
  public OptionalLong countFireTimesUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    if (previousFireTime == null) {
      return OptionalLong.of(lastFireTimeUpTo(defaultZone, null, now).isPresent() ? 1 : 0);
    }
    ZoneId tz = ownZone != null ? ownZone : defaultZone;
    return OptionalLong.of(
        schedule.count(previousFireTime.getEpochSecond() + 1, upTo(tz, now), tz));
  }

  /**
   * Whether the next time after any instant is simply the schedule's first time after it: no
   * jitter, and no start bound that a search from no previous time would apply.
   */
  boolean isMemoryless() {
    return jitter == null && startAt == null;
  }

  /** The last whole second a fire time may have: {@code now}, or {@code end_at} if earlier. */
  private long upTo(ZoneId tz, Instant now) {
    long last = now.getEpochSecond();
    return endAt == null ? last : Math.min(last, endAt.toInstant(tz).getEpochSecond());
  }

  /** The next fire time without jitter, in epoch seconds, or {@link CronSchedule#NONE}. */
  private long plainNext(ZoneId tz, Instant previousFireTime, Instant now) {
    long fromSecond;
    if (previousFireTime != null) {
      // Catch-up: the first whole second after the previous time, even when that is long before
      // now. (The seed takes min(now, previous + 1 µs), which re-fires old times if the clock
      // goes back.)
      fromSecond = previousFireTime.getEpochSecond() + 1;
    } else {
      Instant from = now;
      if (startAt != null) {
        Instant start = startAt.toInstant(tz);
        if (start.isAfter(from)) {
          from = start;
        }
      }
      fromSecond = from.getNano() == 0 ? from.getEpochSecond() : from.getEpochSecond() + 1;
    }
    long next = schedule.firstAtOrAfter(fromSecond, tz);
    if (next != CronSchedule.NONE && endAt != null && next > endAt.toInstant(tz).getEpochSecond()) {
      return CronSchedule.NONE;
    }
    return next;
  }

  @Override
  public TriggerState state() {
    Map<String, Object> state = Options.fields();
    if (crontab != null) {
      state.put("crontab", crontab);
    } else {
      for (int i = 0; i < fields.length; i++) {
        if (fields[i] != null) {
          state.put(CronParser.FIELD_NAMES[i], fields[i]);
        }
      }
    }
    if (startAt != null) {
      state.put("start_at", startAt.toIsoString());
    }
    if (endAt != null) {
      state.put("end_at", endAt.toIsoString());
    }
    if (zone != null) {
      state.put("timezone", zone.getId());
    }
    if (jitter != null) {
      state.put("jitter", Options.secondsValue(jitter));
    }
    return new TriggerState(ALIAS, state);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronTrigger other
        && Arrays.equals(fields, other.fields)
        && Objects.equals(crontab, other.crontab)
        && Objects.equals(startAt, other.startAt)
        && Objects.equals(endAt, other.endAt)
        && Objects.equals(zone, other.zone)
        && Objects.equals(jitter, other.jitter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(fields), crontab, startAt, endAt, zone, jitter);
  }

  /** The seed's form: the fields that were given, e.g. {@code cron[hour='5', minute='*\/10']}. */
  @Override
  public String toString() {
    StringJoiner joiner = new StringJoiner(", ", "cron[", "]");
    if (crontab != null) {
      joiner.add("crontab='" + crontab + "'");
    } else {
      for (int i = 0; i < fields.length; i++) {
        if (fields[i] != null) {
          joiner.add(CronParser.FIELD_NAMES[i] + "='" + fields[i] + "'");
        }
      }
    }
    return joiner.toString();
  }

  private static Set<String> options() {
    Set<String> names = new HashSet<>(Arrays.asList(CronParser.FIELD_NAMES));
    names.addAll(Set.of("start_at", "end_at", "timezone", "jitter", "crontab"));
    return Set.copyOf(names);
  }

  /** Builds a {@link CronTrigger} from the seed's keyword fields. */
  public static final class Builder {
    private final String[] given = new String[CronParser.FIELD_NAMES.length];
    private Object startAt;
    private Object endAt;
    private ZoneId zone;
    private Duration jitter;

    private Builder() {}

    // The alias form's values: a string or a whole number, as configuration and stores give them.
    Builder field(int index, Object expression) {
      if (!(expression instanceof CharSequence
          || expression instanceof Integer
          || expression instanceof Long
          || expression instanceof Short)) {
        throw new InvalidInputException(
            "cron field '" + CronParser.FIELD_NAMES[index] + "'",
            expression,
            "is a " + expression.getClass().getSimpleName() + "; expected a string or an integer");
      }
      given[index] = expression.toString();
      return this;
    }

    private Builder field(int index, String expression) {
      given[index] = Objects.requireNonNull(expression, CronParser.FIELD_NAMES[index]);
      return this;
    }

    private Builder field(int index, int value) {
      given[index] = Integer.toString(value);
      return this;
    }

    /** The year (1970-9999). */
    public Builder year(int year) {
      return field(CronParser.YEAR, year);
    }

    /** The year as an expression: {@code "2026"}, {@code "2026-2030/2"}, {@code "*"}. */
    public Builder year(String expression) {
      return field(CronParser.YEAR, expression);
    }

    /** The month, 1-12 (1 = January). */
    public Builder month(int month) {
      return field(CronParser.MONTH, month);
    }

    /**
     * The months, e.g. {@code month(Month.JANUARY, Month.JULY)}; the same as {@code
     * month("jan,jul")}.
     */
    public Builder month(Month... months) {
      return field(CronParser.MONTH, names(months, "month", m -> m.name().substring(0, 3)));
    }

    /** The month as an expression: {@code "1-3"}, {@code "jan-mar,dec"}, {@code "1-12/3"}. */
    public Builder month(String expression) {
      return field(CronParser.MONTH, expression);
    }

    /** The day of the month (1-31). */
    public Builder day(int day) {
      return field(CronParser.DAY, day);
    }

    /**
     * The day of the month as an expression: {@code "1,15"}, {@code "last"}, {@code "3rd fri"},
     * {@code "last sun"}.
     */
    public Builder day(String expression) {
      return field(CronParser.DAY, expression);
    }

    /** The ISO week of the year (1-53). */
    public Builder week(int week) {
      return field(CronParser.WEEK, week);
    }

    /** The ISO week of the year as an expression: {@code "1-26"}, {@code "1-53/2"}. */
    public Builder week(String expression) {
      return field(CronParser.WEEK, expression);
    }

    /**
     * The day of the week as the seed numbers it: 0-6 with <b>0 = Monday</b>. {@link
     * #dayOfWeek(DayOfWeek...)} says the same without numbers.
     */
    public Builder dayOfWeek(int dayOfWeek) {
      return field(CronParser.DAY_OF_WEEK, dayOfWeek);
    }

    /**
     * The days of the week, e.g. {@code dayOfWeek(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY)}; the same
     * as {@code dayOfWeek("sat,sun")}.
     */
    public Builder dayOfWeek(DayOfWeek... days) {
      return field(
          CronParser.DAY_OF_WEEK, names(days, "day_of_week", d -> d.name().substring(0, 3)));
    }

    /** The day of the week as an expression: {@code "mon-fri"}, {@code "0,6"} (0 = Monday). */
    public Builder dayOfWeek(String expression) {
      return field(CronParser.DAY_OF_WEEK, expression);
    }

    /** The hour (0-23). */
    public Builder hour(int hour) {
      return field(CronParser.HOUR, hour);
    }

    /** The hour as an expression: {@code "9-17"}, {@code "8,20"}, {@code "0-23/2"}. */
    public Builder hour(String expression) {
      return field(CronParser.HOUR, expression);
    }

    /** The minute (0-59). */
    public Builder minute(int minute) {
      return field(CronParser.MINUTE, minute);
    }

    /** The minute as an expression: {@code "0,30"}, {@code "0-59/10"}. */
    public Builder minute(String expression) {
      return field(CronParser.MINUTE, expression);
    }

    /** The second (0-59). */
    public Builder second(int second) {
      return field(CronParser.SECOND, second);
    }

    /** The second as an expression: {@code "0,30"}, {@code "0-59/5"}. */
    public Builder second(String expression) {
      return field(CronParser.SECOND, expression);
    }

    /** The earliest possible fire time, inclusive. */
    public Builder startAt(Instant startAt) {
      return startAtValue(startAt);
    }

    /** The earliest possible fire time, inclusive, in its own zone (see {@link #timezone}). */
    public Builder startAt(ZonedDateTime startAt) {
      return startAtValue(startAt);
    }

    /** The earliest possible fire time, inclusive, at its offset (see {@link #timezone}). */
    public Builder startAt(OffsetDateTime startAt) {
      return startAtValue(startAt);
    }

    /**
     * The earliest possible fire time as a wall-clock time in the trigger's or scheduler's zone.
     */
    public Builder startAt(LocalDateTime startAt) {
      return startAtValue(startAt);
    }

    /**
     * The earliest possible fire time: midnight of the date in the trigger's or scheduler's zone.
     */
    public Builder startAt(LocalDate startAt) {
      return startAtValue(startAt);
    }

    /**
     * The earliest possible fire time as text: the seed's {@code "2026-03-09 14:30:00"} (naive,
     * with an optional {@code Z} or {@code ±HH:MM}) or ISO-8601, as configuration gives it.
     */
    public Builder startAt(String startAt) {
      return startAtValue(startAt);
    }

    /** The latest possible fire time, inclusive. */
    public Builder endAt(Instant endAt) {
      return endAtValue(endAt);
    }

    /** The latest possible fire time, inclusive, in its own zone. */
    public Builder endAt(ZonedDateTime endAt) {
      return endAtValue(endAt);
    }

    /** The latest possible fire time, inclusive, at its offset. */
    public Builder endAt(OffsetDateTime endAt) {
      return endAtValue(endAt);
    }

    /** The latest possible fire time, inclusive, as a wall-clock time. */
    public Builder endAt(LocalDateTime endAt) {
      return endAtValue(endAt);
    }

    /** The latest possible fire time, inclusive: midnight of the date. */
    public Builder endAt(LocalDate endAt) {
      return endAtValue(endAt);
    }

    /** The latest possible fire time, inclusive, as text (see {@link #startAt(String)}). */
    public Builder endAt(String endAt) {
      return endAtValue(endAt);
    }

    // The date-time is read at build(), in the zone given by then, as the alias form reads it.
    Builder startAtValue(Object startAt) {
      this.startAt = startAt;
      return this;
    }

    Builder endAtValue(Object endAt) {
      this.endAt = endAt;
      return this;
    }

    /**
     * The zone of the wall-clock fields (default: the scheduler's, or the zone of a zoned start or
     * end).
     */
    public Builder timezone(ZoneId zone) {
      this.zone = zone;
      return this;
    }

    /**
     * The zone of the wall-clock fields by name: {@code "Europe/Berlin"}, {@code "UTC"}, {@code
     * "+02:00"}; blank means none.
     *
     * @throws InvalidInputException when the name is not a known zone
     */
    public Builder timezone(String zone) {
      this.zone = Zones.parse(zone, "timezone");
      return this;
    }

    /** Delays each fire time by a random amount up to {@code jitter}. */
    public Builder jitter(Duration jitter) {
      this.jitter = jitter;
      return this;
    }

    /** The seed's names of the values, comma-separated: {@code MONDAY, FRIDAY} gives "mon,fri". */
    private static <T> String names(T[] values, String field, Function<T, String> name) {
      Objects.requireNonNull(values, field);
      StringJoiner joiner = new StringJoiner(",");
      for (T value : values) {
        joiner.add(name.apply(Objects.requireNonNull(value, field)).toLowerCase(Locale.ROOT));
      }
      return joiner.toString();
    }

    /**
     * Builds the trigger.
     *
     * @throws InvalidInputException naming the field and quoting the expression that is wrong
     */
    public CronTrigger build() {
      boolean[] isDefault = new boolean[given.length];
      String[] resolved = CronParser.resolveDefaults(given, isDefault);
      CronParser.Field[] parsed = new CronParser.Field[resolved.length];
      String[] texts = new String[resolved.length];
      for (int i = 0; i < resolved.length; i++) {
        parsed[i] = CronParser.parseKeywordField(i, resolved[i]);
        texts[i] = isDefault[i] ? null : parsed[i].text();
      }
      return new CronTrigger(
          texts, null, CronParser.compile(parsed, false), startAt, endAt, zone, jitter);
    }
  }
}
