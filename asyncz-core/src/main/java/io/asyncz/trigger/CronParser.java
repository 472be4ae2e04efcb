package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the seed's keyword cron fields and standard crontab lines into a {@link CronSchedule}. */
final class CronParser {
  static final String[] FIELD_NAMES = {
    "year", "month", "day", "week", "day_of_week", "hour", "minute", "second"
  };
  static final int YEAR = 0;
  static final int MONTH = 1;
  static final int DAY = 2;
  static final int WEEK = 3;
  static final int DAY_OF_WEEK = 4;
  static final int HOUR = 5;
  static final int MINUTE = 6;
  static final int SECOND = 7;

  private static final int[] MIN = {CronSchedule.MIN_YEAR, 1, 1, 1, 0, 0, 0, 0};
  private static final int[] MAX = {CronSchedule.MAX_YEAR, 12, 31, 53, 6, 23, 59, 59};

  /** The seed's values for fields after the last one given. */
  private static final String[] DEFAULTS = {"*", "1", "1", "*", "*", "0", "0", "0"};

  private static final String[] MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
  };
  private static final String[] WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  private static final String[] CRON_WEEKDAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  private static final String[] POSITIONS = {"1st", "2nd", "3rd", "4th", "5th", "last"};

  private static final Pattern ALL = Pattern.compile("\\*(?:/(\\d+))?");
  private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+))?(?:/(\\d+))?");
  private static final Pattern NAME_RANGE = Pattern.compile("([a-z]+)(?:-([a-z]+))?");
  private static final Pattern POSITION =
      Pattern.compile("(1st|2nd|3rd|4th|5th|last) +(mon|tue|wed|thu|fri|sat|sun)");

  private static final Pattern CRON_RANGE =
      Pattern.compile("([0-9]+|[a-z]{3})(?:-([0-9]+|[a-z]{3}))?(?:/(\\d+))?");
  private static final Pattern CRON_LAST_MINUS = Pattern.compile("l(?:-(\\d+))?");
  private static final Pattern CRON_NEAREST_WEEKDAY = Pattern.compile("(\\d+)w");
  private static final Pattern CRON_LAST_WEEKDAY = Pattern.compile("([0-9]|[a-z]{3})l");
  private static final Pattern CRON_NTH_WEEKDAY = Pattern.compile("([0-9]|[a-z]{3})#(\\d+)");

  private static final long ALL_HOURS = (1L << 24) - 1;

  private CronParser() {}

  /** One parsed field: its values as bits, its month-dependent rules, and its canonical text. */
  static final class Field {
    final int index;
    final BitSet values = new BitSet();
    final List<DayRule> rules = new ArrayList<>();
    final List<String> texts = new ArrayList<>();
    boolean wildcard; // contains '*' (or '?')
    boolean stepped;

    Field(int index) {
      this.index = index;
    }

    long bits() {
      long bits = 0;
      for (int i = values.nextSetBit(0); i >= 0 && i < 64; i = values.nextSetBit(i + 1)) {
        bits |= 1L << i;
      }
      return bits;
    }

    String text() {
      return String.join(",", texts);
    }
  }

  // ------------------------------------------------------------------ the seed's keyword fields

  /**
   * Resolves the seed's keyword fields: fields before the last given one become {@code *}, fields
   * after it their minimum, week and day_of_week stay {@code *}.
   *
   * @param given the expressions indexed like {@link #FIELD_NAMES}, {@code null} when not given
   * @param isDefault receives which fields were filled in rather than given
   */
  static String[] resolveDefaults(String[] given, boolean[] isDefault) {
    int last = -1;
    for (int i = 0; i < given.length; i++) {
      if (given[i] != null) {
        last = i;
      }
    }
    String[] resolved = new String[given.length];
    for (int i = 0; i < given.length; i++) {
      if (given[i] != null) {
        resolved[i] = given[i];
      } else {
        resolved[i] = last >= 0 && i > last ? DEFAULTS[i] : "*";
        isDefault[i] = true;
      }
    }
    return resolved;
  }

  static Field parseKeywordField(int index, String expression) {
    String name = FIELD_NAMES[index];
    Field field = new Field(index);
    String trimmed = expression.strip();
    if (trimmed.isEmpty()) {
      throw new InvalidInputException(
          "cron field '" + name + "'", expression, "is empty; expected " + keywordForms(index));
    }
    for (String raw : trimmed.split(",", -1)) {
      String item = raw.strip().toLowerCase(Locale.ROOT);
      if (!parseKeywordItem(field, item)) {
        throw new InvalidInputException(
            "cron field '" + name + "'",
            raw.strip(),
            "is not a valid expression; expected " + keywordForms(index));
      }
    }
    return field;
  }

  private static boolean parseKeywordItem(Field field, String item) {
    int index = field.index;
    String name = FIELD_NAMES[index];
    Matcher m;
    if ((m = ALL.matcher(item)).matches()) {
      int step = m.group(1) == null ? 0 : step(name, item, m.group(1));
      if (step > MAX[index] - MIN[index]) {
        throw new InvalidInputException(
            "cron field '" + name + "'",
            item,
            "has a step higher than the field's range " + (MAX[index] - MIN[index]));
      }
      field.wildcard = true;
      field.stepped |= step > 0;
      addRange(field, MIN[index], MAX[index], Math.max(step, 1));
      field.texts.add(step > 0 ? "*/" + step : "*");
      return true;
    }
    if ((m = RANGE.matcher(item)).matches()) {
      int first = number(name, item, m.group(1));
      Integer last = m.group(2) == null ? null : number(name, item, m.group(2));
      int step = m.group(3) == null ? 0 : step(name, item, m.group(3));
      if (last == null && step == 0) {
        last = first;
      }
      int end = last == null ? MAX[index] : last;
      checkRange(name, item, first, end, MIN[index], MAX[index]);
      if (step > 0 && step > end - first) {
        throw new InvalidInputException(
            "cron field '" + name + "'",
            item,
            "has a step higher than its range "
                + (end - first)
                + "; expected a step of at most that");
      }
      field.stepped |= step > 0;
      addRange(field, first, end, Math.max(step, 1));
      String range = last != null && last != first ? first + "-" + last : Integer.toString(first);
      field.texts.add(step > 0 ? range + "/" + step : range);
      return true;
    }
    if (index == DAY && item.equals("last")) {
      field.rules.add(DayRule.lastDay());
      field.texts.add("last");
      return true;
    }
    if (index == DAY && (m = POSITION.matcher(item)).matches()) {
      int position = indexOf(POSITIONS, m.group(1));
      int weekday = indexOf(WEEKDAYS, m.group(2));
      String text = m.group(1) + " " + m.group(2);
      field.rules.add(DayRule.weekdayPosition(position, weekday, text));
      field.texts.add(text);
      return true;
    }
    if ((index == MONTH || index == DAY_OF_WEEK) && (m = NAME_RANGE.matcher(item)).matches()) {
      String[] names = index == MONTH ? MONTHS : WEEKDAYS;
      int base = index == MONTH ? 1 : 0;
      int first = name(name, item, names, m.group(1)) + base;
      int last = m.group(2) == null ? first : name(name, item, names, m.group(2)) + base;
      checkRange(name, item, first, last, MIN[index], MAX[index]);
      addRange(field, first, last, 1);
      field.texts.add(
          last != first ? names[first - base] + "-" + names[last - base] : names[first - base]);
      return true;
    }
    return false;
  }

  private static String keywordForms(int index) {
    String range = MIN[index] + "-" + MAX[index];
    String common = "*, */n, a, a-b, a-b/n, a/n or a comma list of them, with values in " + range;
    return switch (index) {
      case MONTH -> common + " or month names jan-dec";
      case DAY_OF_WEEK -> common + " (0 = Monday) or weekday names mon-sun";
      case DAY ->
          common + ", 'last', or '1st'..'5th'/'last' followed by a weekday name like 'last fri'";
      default -> common;
    };
  }

  // ------------------------------------------------------------------ standard crontab

  /** The parsed fields of a crontab line, in {@link #FIELD_NAMES} order (year and week are '*'). */
  static Field[] parseCrontab(String expression) {
    String text = expression.strip();
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("@")) {
      String expanded =
          switch (lower) {
            case "@yearly", "@annually" -> "0 0 1 1 *";
            case "@monthly" -> "0 0 1 * *";
            case "@weekly" -> "0 0 * * 0";
            case "@daily", "@midnight" -> "0 0 * * *";
            case "@hourly" -> "0 * * * *";
            default ->
                throw new InvalidInputException(
                    "crontab",
                    expression,
                    "is not a known macro; expected @yearly, @annually, @monthly, @weekly, @daily,"
                        + " @midnight or @hourly");
          };
      lower = expanded;
    }
    String[] parts = lower.isEmpty() ? new String[0] : lower.split("\\s+");
    if (parts.length != 5 && parts.length != 6) {
      throw new InvalidInputException(
          "crontab",
          expression,
          "has "
              + parts.length
              + " fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second"
              + " first)");
    }
    int offset = parts.length - 5;
    Field[] fields = new Field[FIELD_NAMES.length];
    fields[YEAR] = wildcard(YEAR);
    fields[WEEK] = wildcard(WEEK);
    fields[SECOND] =
        offset == 1 ? parseCrontabField(SECOND, parts[0], expression) : constant(SECOND, 0);
    fields[MINUTE] = parseCrontabField(MINUTE, parts[offset], expression);
    fields[HOUR] = parseCrontabField(HOUR, parts[offset + 1], expression);
    fields[DAY] = parseCrontabField(DAY, parts[offset + 2], expression);
    fields[MONTH] = parseCrontabField(MONTH, parts[offset + 3], expression);
    fields[DAY_OF_WEEK] = parseCrontabField(DAY_OF_WEEK, parts[offset + 4], expression);
    return fields;
  }

  /**
   * Whether a crontab field restricts days, for the day-of-month OR day-of-week rule: as in Vixie
   * cron, only a field whose text starts with '*' (or is '?') is unrestricted: {@code 5,*}
   * restricts.
   */
  static boolean isRestricted(Field field) {
    String text = field.text();
    return !(text.startsWith("*") || text.equals("?"));
  }

  private static Field parseCrontabField(int index, String text, String expression) {
    Field field = new Field(index);
    field.texts.add(text);
    for (String item : text.split(",", -1)) {
      parseCrontabItem(field, item, expression);
    }
    return field;
  }

  private static void parseCrontabItem(Field field, String item, String expression) {
    int index = field.index;
    String argument = "crontab field '" + crontabName(index) + "'";
    String context = " (in \"" + expression.strip() + "\")";
    int min = index == DAY_OF_WEEK ? 0 : MIN[index];
    int max = index == DAY_OF_WEEK ? 7 : MAX[index];
    Matcher m;
    if (item.equals("?") && (index == DAY || index == DAY_OF_WEEK)) {
      field.wildcard = true;
      addCrontabRange(field, min, max, 1);
      return;
    }
    if ((m = ALL.matcher(item)).matches()) {
      int step = m.group(1) == null ? 1 : step(argument, item, m.group(1));
      field.wildcard = true;
      field.stepped |= m.group(1) != null;
      addCrontabRange(field, min, index == DAY_OF_WEEK ? 6 : max, step);
      return;
    }
    if ((m = CRON_RANGE.matcher(item)).matches()) {
      int first = crontabValue(index, argument, item, m.group(1), context);
      int step = m.group(3) == null ? 1 : step(argument, item, m.group(3));
      int last;
      if (m.group(2) != null) {
        last = crontabValue(index, argument, item, m.group(2), context);
        if (index == DAY_OF_WEEK && last == 0 && first > 0) {
          last = 7; // "fri-sun" ends on Sunday
        }
      } else {
        last = m.group(3) != null ? (index == DAY_OF_WEEK ? 6 : max) : first;
      }
      if (first < min || first > max || last < min || last > max) {
        throw new InvalidInputException(
            argument, item, "is out of range " + min + "-" + max + context);
      }
      if (first > last) {
        throw new InvalidInputException(
            argument,
            item,
            "is a range whose start is after its end; expected a-b with a <= b" + context);
      }
      field.stepped |= m.group(3) != null;
      addCrontabRange(field, first, last, step);
      return;
    }
    if (index == DAY && (m = CRON_LAST_MINUS.matcher(item)).matches()) {
      if (m.group(1) == null) {
        field.rules.add(DayRule.lastDay());
      } else {
        int before = number(argument, item, m.group(1));
        if (before > 30) {
          throw new InvalidInputException(
              argument, item, "reaches before the 1st; expected L-0 to L-30" + context);
        }
        field.rules.add(DayRule.lastDayMinus(before, item.toUpperCase(Locale.ROOT)));
      }
      return;
    }
    if (index == DAY && item.equals("lw")) {
      field.rules.add(DayRule.nearestWeekday(0, "LW"));
      return;
    }
    if (index == DAY && (m = CRON_NEAREST_WEEKDAY.matcher(item)).matches()) {
      int day = number(argument, item, m.group(1));
      if (day < 1 || day > 31) {
        throw new InvalidInputException(argument, item, "is out of range 1W-31W" + context);
      }
      field.rules.add(DayRule.nearestWeekday(day, item.toUpperCase(Locale.ROOT)));
      return;
    }
    if (index == DAY_OF_WEEK && (m = CRON_LAST_WEEKDAY.matcher(item)).matches()) {
      int weekday = crontabValue(index, argument, item, m.group(1), context);
      field.rules.add(DayRule.weekdayPosition(DayRule.LAST, (weekday + 6) % 7, item));
      return;
    }
    if (index == DAY_OF_WEEK && (m = CRON_NTH_WEEKDAY.matcher(item)).matches()) {
      int weekday = crontabValue(index, argument, item, m.group(1), context);
      int nth = number(argument, item, m.group(2));
      if (nth < 1 || nth > 5) {
        throw new InvalidInputException(
            argument, item, "asks for occurrence " + nth + "; expected #1 to #5" + context);
      }
      field.rules.add(DayRule.weekdayPosition(nth - 1, (weekday + 6) % 7, item));
      return;
    }
    throw new InvalidInputException(
        argument, item, "is not a valid expression; expected " + crontabForms(index) + context);
  }

  private static void addCrontabRange(Field field, int first, int last, int step) {
    for (int v = first; v <= last; v += step) {
      // Crontab numbers weekdays from Sunday = 0 (and 7); the schedule from Monday = 0.
      field.values.set(field.index == DAY_OF_WEEK ? (v + 6) % 7 : v);
    }
  }

  private static int crontabValue(
      int index, String argument, String item, String token, String context) {
    if (Character.isDigit(token.charAt(0))) {
      return number(argument, item, token);
    }
    if (index == MONTH) {
      int i = indexOf(MONTHS, token);
      if (i >= 0) {
        return i + 1;
      }
      throw new InvalidInputException(
          argument,
          item,
          "uses \"" + token + "\", which is not a month name; expected JAN-DEC" + context);
    }
    if (index == DAY_OF_WEEK) {
      int i = indexOf(CRON_WEEKDAYS, token);
      if (i >= 0) {
        return i;
      }
      throw new InvalidInputException(
          argument,
          item,
          "uses \"" + token + "\", which is not a weekday name; expected SUN-SAT" + context);
    }
    throw new InvalidInputException(argument, item, "uses a name; expected numbers" + context);
  }

  private static String crontabName(int index) {
    return switch (index) {
      case DAY -> "day-of-month";
      case DAY_OF_WEEK -> "day-of-week";
      default -> FIELD_NAMES[index];
    };
  }

  private static String crontabForms(int index) {
    String common = "*, */n, a, a-b, a-b/n, a/n or a comma list of them";
    return switch (index) {
      case MONTH -> common + ", with values 1-12 or JAN-DEC";
      case DAY -> common + ", with values 1-31, or ?, L, L-n, nW, LW";
      case DAY_OF_WEEK -> common + ", with values 0-7 (0 and 7 = Sunday) or SUN-SAT, or ?, nL, n#k";
      default -> common + ", with values " + MIN[index] + "-" + MAX[index];
    };
  }

  // ------------------------------------------------------------------ shared helpers

  private static Field wildcard(int index) {
    Field field = new Field(index);
    field.wildcard = true;
    addRange(field, MIN[index], MAX[index], 1);
    field.texts.add("*");
    return field;
  }

  private static Field constant(int index, int value) {
    Field field = new Field(index);
    field.values.set(value);
    field.texts.add(Integer.toString(value));
    return field;
  }

  private static void addRange(Field field, int first, int last, int step) {
    int offset = field.index == YEAR ? CronSchedule.MIN_YEAR : 0;
    for (int v = first; v <= last; v += step) {
      field.values.set(v - offset);
    }
  }

  private static void checkRange(String name, String item, int first, int last, int min, int max) {
    if (first < min || first > max || last > max) {
      throw new InvalidInputException(
          "cron field '" + name + "'", item, "is out of range " + min + "-" + max);
    }
    if (first > last) {
      throw new InvalidInputException(
          "cron field '" + name + "'",
          item,
          "is a range whose start is after its end; expected a-b with a <= b");
    }
  }

  private static int number(String name, String item, String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(argumentName(name), item, "has a number that is too large");
    }
  }

  private static int step(String name, String item, String digits) {
    int step = number(name, item, digits);
    if (step == 0) {
      throw new InvalidInputException(
          argumentName(name), item, "has a step of 0; expected a step of 1 or more");
    }
    return step;
  }

  private static String argumentName(String name) {
    return name.startsWith("crontab") ? name : "cron field '" + name + "'";
  }

  private static int name(String field, String item, String[] names, String token) {
    int i = indexOf(names, token);
    if (i < 0) {
      throw new InvalidInputException(
          "cron field '" + field + "'",
          item,
          "uses \""
              + token
              + "\", which is not a "
              + (names == MONTHS
                  ? "month name; expected jan-dec"
                  : "weekday name; expected mon-sun"));
    }
    return i;
  }

  private static int indexOf(String[] names, String token) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(token)) {
        return i;
      }
    }
    return -1;
  }

  /** Builds the schedule from parsed fields. */
  static CronSchedule compile(Field[] fields, boolean crontab) {
    Field day = fields[DAY];
    Field weekday = fields[DAY_OF_WEEK];
    long staticDays = day.bits() & CronSchedule.allDays();
    int weekdays = (int) weekday.bits() & 0x7F;
    boolean either = crontab && isRestricted(day) && isRestricted(weekday);
    BitSet years = fields[YEAR].wildcard && !fields[YEAR].stepped ? null : fields[YEAR].values;
    long weeks = fields[WEEK].wildcard && !fields[WEEK].stepped ? 0 : fields[WEEK].bits();
    Field hour = fields[HOUR];
    // The daylight-saving rule depends on the set of hours and on steps, never on how a full set
    // is spelled: "0-23" and "0,1,...,23" are "*".
    boolean everyHour = (hour.bits() & ALL_HOURS) == ALL_HOURS;
    return new CronSchedule(
        fields[SECOND].bits(),
        fields[MINUTE].bits(),
        hour.bits(),
        (int) fields[MONTH].bits(),
        years,
        staticDays,
        day.rules,
        weekdays,
        weekday.rules,
        weeks,
        either,
        hour.wildcard || hour.stepped || everyHour);
  }
}
