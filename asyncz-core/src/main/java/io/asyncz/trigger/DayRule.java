package io.asyncz.trigger;

/**
 * A day-of-month rule whose days depend on the month: {@code last}, {@code 3rd fri}, {@code L-2},
 * {@code 15W}, {@code LW}. Implementations are immutable.
 */
interface DayRule {
  int LAST = 5;

  /**
   * The matching days of one month as bits 1..31.
   *
   * @param length the number of days in the month
   * @param firstWeekday the weekday of the 1st, 0 = Monday
   */
  long days(int length, int firstWeekday);

  /** The seed's {@code last}: the month's last day. */
  static DayRule lastDay() {
    return new DayRule() {
      @Override
      public long days(int length, int firstWeekday) {
        return 1L << length;
      }

      @Override
      public String toString() {
        return "last";
      }
    };
  }

  /**
   * The seed's {@code 1st fri} ... {@code 5th fri} and {@code last fri} (Quartz {@code 6#3} and
   * {@code 5L}).
   *
   * @param position 0..4 for 1st..5th, {@link #LAST} for the last
   * @param weekday 0 = Monday
   */
  static DayRule weekdayPosition(int position, int weekday, String text) {
    return new DayRule() {
      @Override
      public long days(int length, int firstWeekday) {
        int firstHit = weekday - firstWeekday + 1;
        if (firstHit <= 0) {
          firstHit += 7;
        }
        int target =
            position < LAST ? firstHit + position * 7 : firstHit + (length - firstHit) / 7 * 7;
        return target <= length ? 1L << target : 0L;
      }

      @Override
      public String toString() {
        return text;
      }
    };
  }

  /** Quartz {@code L-n}: {@code n} days before the month's last day. */
  static DayRule lastDayMinus(int offset, String text) {
    return new DayRule() {
      @Override
      public long days(int length, int firstWeekday) {
        int day = length - offset;
        return day >= 1 ? 1L << day : 0L;
      }

      @Override
      public String toString() {
        return text;
      }
    };
  }

  /**
   * Quartz {@code nW}: the weekday (Monday to Friday) nearest to day {@code n}, within the month;
   * {@code day} 0 means {@code LW}, the month's last weekday.
   */
  static DayRule nearestWeekday(int day, String text) {
    return new DayRule() {
      @Override
      public long days(int length, int firstWeekday) {
        int target = day == 0 ? length : day;
        if (target > length) {
          return 0L;
        }
        int weekday = (firstWeekday + target - 1) % 7;
        if (weekday == 5) {
          target = target > 1 ? target - 1 : target + 2;
        } else if (weekday == 6) {
          target = target < length ? target + 1 : target - 2;
        }
        return 1L << target;
      }

      @Override
      public String toString() {
        return text;
      }
    };
  }
}
