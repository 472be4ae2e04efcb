package io.asyncz.trigger;

import static io.asyncz.trigger.TriggerTesting.first;
import static io.asyncz.trigger.TriggerTesting.utc;
import static io.asyncz.trigger.TriggerTesting.utcTimes;
import static io.asyncz.trigger.TriggerTesting.walk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link CronTrigger#fromCrontab}: the standard crontab, Quartz extensions, macros, errors. */
class CrontabTest {
  private static final Instant JAN_15 = utc("2026-01-15T10:17:23"); // a Thursday

  @Test
  void fiveFieldsAreMinuteHourDayMonthWeekday() {
    CronTrigger t = CronTrigger.fromCrontab("15 10 * * *");
    assertThat(walk(t, JAN_15, 2))
        .containsExactlyElementsOf(utcTimes("2026-01-16T10:15:00", "2026-01-17T10:15:00"));
  }

  @Test
  void equalLinesShareOneParsedTriggerPerZone() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    CronTrigger first = CronTrigger.fromCrontab("7 3 * * mon-fri");
    assertThat(CronTrigger.fromCrontab("7 3 * * mon-fri")).isSameAs(first);
    assertThat(CronTrigger.fromCrontab("7 3 * * mon-fri", paris))
        .isNotSameAs(first)
        .isSameAs(CronTrigger.fromCrontab("7 3 * * mon-fri", paris));
    assertThat(CronTrigger.fromCrontab("7 3 * * mon-fri", paris).nextFireTime(null, null, JAN_15))
        .contains(utc("2026-01-16T02:07:00"));
    assertThatThrownBy(() -> CronTrigger.fromCrontab("7 3 * * funday"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CronTrigger.fromCrontab("7 3 * * funday"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void sixFieldsPutSecondsFirst() {
    CronTrigger t = CronTrigger.fromCrontab("*/20 18 10 * * *");
    assertThat(walk(t, JAN_15, 4))
        .containsExactlyElementsOf(
            utcTimes(
                "2026-01-15T10:18:00",
                "2026-01-15T10:18:20",
                "2026-01-15T10:18:40",
                "2026-01-16T10:18:00"));
  }

  @ParameterizedTest(name = "\"{0}\" fires on Sunday")
  @CsvSource({"0 2 * * 0", "0 2 * * 7", "0 2 * * SUN", "0 2 * * sun"})
  void zeroAndSevenAreSunday(String expression) {
    assertThat(first(CronTrigger.fromCrontab(expression), JAN_15))
        .contains(utc("2026-01-18T02:00:00"));
  }

  @Test
  void weekdayRangesAndNames() {
    CronTrigger byNumber = CronTrigger.fromCrontab("30 9 * * 1-5");
    CronTrigger byName = CronTrigger.fromCrontab("30 9 * * MON-FRI");
    assertThat(walk(byNumber, JAN_15, 3))
        .containsExactlyElementsOf(
            utcTimes("2026-01-16T09:30:00", "2026-01-19T09:30:00", "2026-01-20T09:30:00"));
    assertThat(walk(byName, JAN_15, 3)).isEqualTo(walk(byNumber, JAN_15, 3));
    assertThat(walk(CronTrigger.fromCrontab("0 0 * * FRI-SUN"), JAN_15, 3))
        .containsExactlyElementsOf(
            utcTimes("2026-01-16T00:00:00", "2026-01-17T00:00:00", "2026-01-18T00:00:00"));
    assertThat(walk(CronTrigger.fromCrontab("0 0 * * 5-7"), JAN_15, 3))
        .isEqualTo(walk(CronTrigger.fromCrontab("0 0 * * FRI-SUN"), JAN_15, 3));
  }

  @Test
  void monthNames() {
    assertThat(walk(CronTrigger.fromCrontab("0 0 1 JAN,jul *"), JAN_15, 2))
        .containsExactlyElementsOf(utcTimes("2026-07-01T00:00:00", "2027-01-01T00:00:00"));
  }

  @Test
  void dayOfMonthOrDayOfWeekWhenBothAreRestricted() {
    // The 13th, and every Friday.
    CronTrigger t = CronTrigger.fromCrontab("0 0 13 * 5");
    assertThat(walk(t, utc("2026-02-01T00:00:00"), 4))
        .containsExactlyElementsOf(
            utcTimes(
                "2026-02-06T00:00:00",
                "2026-02-13T00:00:00", // both
                "2026-02-20T00:00:00",
                "2026-02-27T00:00:00"));
    assertThat(walk(t, utc("2026-03-07T00:00:00"), 2))
        .containsExactlyElementsOf(utcTimes("2026-03-13T00:00:00", "2026-03-20T00:00:00"));
  }

  @Test
  void aStarredFieldLeavesTheOtherOneInCharge() {
    assertThat(walk(CronTrigger.fromCrontab("0 0 * * 5"), utc("2026-02-01T00:00:00"), 2))
        .containsExactlyElementsOf(utcTimes("2026-02-06T00:00:00", "2026-02-13T00:00:00"));
    assertThat(walk(CronTrigger.fromCrontab("0 0 13 * ?"), utc("2026-02-01T00:00:00"), 2))
        .containsExactlyElementsOf(utcTimes("2026-02-13T00:00:00", "2026-03-13T00:00:00"));
    // As in Vixie cron, a field that starts with '*' counts as unrestricted: */2 AND Friday.
    assertThat(walk(CronTrigger.fromCrontab("0 0 */2 * 5"), utc("2026-02-01T00:00:00"), 2))
        .containsExactlyElementsOf(utcTimes("2026-02-13T00:00:00", "2026-02-27T00:00:00"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "@yearly, 2027-01-01T00:00:00, 2028-01-01T00:00:00",
    "@annually, 2027-01-01T00:00:00, 2028-01-01T00:00:00",
    "@monthly, 2026-02-01T00:00:00, 2026-03-01T00:00:00",
    "@weekly, 2026-01-18T00:00:00, 2026-01-25T00:00:00",
    "@daily, 2026-01-16T00:00:00, 2026-01-17T00:00:00",
    "@midnight, 2026-01-16T00:00:00, 2026-01-17T00:00:00",
    "@hourly, 2026-01-15T11:00:00, 2026-01-15T12:00:00",
  })
  void macros(String macro, String firstTime, String secondTime) {
    assertThat(walk(CronTrigger.fromCrontab(macro), JAN_15, 2))
        .containsExactlyElementsOf(utcTimes(firstTime, secondTime));
  }

  @Test
  void lastDayOfMonthAndDaysBeforeIt() {
    assertThat(walk(CronTrigger.fromCrontab("0 0 L * ?"), JAN_15, 2))
        .containsExactlyElementsOf(utcTimes("2026-01-31T00:00:00", "2026-02-28T00:00:00"));
    assertThat(walk(CronTrigger.fromCrontab("0 0 L-2 * ?"), JAN_15, 2))
        .containsExactlyElementsOf(utcTimes("2026-01-29T00:00:00", "2026-02-26T00:00:00"));
  }

  @ParameterizedTest(name = "{0} in {1} is {2}")
  @CsvSource({
    "15W, 2026-08, 2026-08-14", // 15th is a Saturday: the Friday before
    "15W, 2026-03, 2026-03-16", // 15th is a Sunday: the Monday after
    "15W, 2026-01, 2026-01-15", // a Thursday: itself
    "1W, 2026-08, 2026-08-03", // 1st is a Saturday: Monday the 3rd, never the month before
    "31W, 2026-05, 2026-05-29", // 31st is a Sunday and the last day: the Friday before
    "LW, 2026-01, 2026-01-30", // last day is a Saturday
    "LW, 2026-05, 2026-05-29", // last day is a Sunday
    "LW, 2026-03, 2026-03-31", // a Tuesday
  })
  void nearestWeekday(String day, String month, String expected) {
    CronTrigger t = CronTrigger.fromCrontab("0 0 " + day + " * ?");
    assertThat(first(t, utc(month + "-01T00:00:00"))).contains(utc(expected + "T00:00:00"));
  }

  @Test
  void nearestWeekdayOfADayTheMonthLacksNeverFires() {
    CronTrigger t = CronTrigger.fromCrontab("0 0 31W * ?");
    assertThat(first(t, utc("2026-04-01T00:00:00"))).contains(utc("2026-05-29T00:00:00"));
  }

  @Test
  void nthAndLastWeekdayOfTheMonth() {
    assertThat(walk(CronTrigger.fromCrontab("0 0 ? * FRI#3"), JAN_15, 2))
        .containsExactlyElementsOf(utcTimes("2026-01-16T00:00:00", "2026-02-20T00:00:00"));
    assertThat(walk(CronTrigger.fromCrontab("0 0 ? * 5#3"), JAN_15, 2))
        .isEqualTo(walk(CronTrigger.fromCrontab("0 0 ? * FRI#3"), JAN_15, 2));
    assertThat(walk(CronTrigger.fromCrontab("0 0 ? * 5L"), JAN_15, 2))
        .containsExactlyElementsOf(utcTimes("2026-01-30T00:00:00", "2026-02-27T00:00:00"));
    assertThat(walk(CronTrigger.fromCrontab("0 0 ? * 1#5"), JAN_15, 2))
        .containsExactlyElementsOf(utcTimes("2026-03-30T00:00:00", "2026-06-29T00:00:00"));
  }

  @Test
  void stepsRangesAndListsInEveryField() {
    CronTrigger t = CronTrigger.fromCrontab("0,30 8-10/2 1-2,15 */6 *");
    assertThat(walk(t, JAN_15, 5))
        .containsExactlyElementsOf(
            utcTimes(
                "2026-01-15T10:30:00",
                "2026-07-01T08:00:00",
                "2026-07-01T08:30:00",
                "2026-07-01T10:00:00",
                "2026-07-01T10:30:00"));
  }

  @Test
  void keepsItsZoneAndItsLineInStateAndText() {
    CronTrigger t = CronTrigger.fromCrontab("  0   2 * *  0 ", ZoneId.of("Europe/Berlin"));
    assertThat(t).hasToString("cron[crontab='0 2 * * 0']");
    assertThat(t.state().fields())
        .containsExactly(Map.entry("crontab", "0 2 * * 0"), Map.entry("timezone", "Europe/Berlin"));
    assertThat(Triggers.fromState(t.state())).isEqualTo(t);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 2 * *|Invalid crontab: \"0 2 * *\" has 4 fields; expected 5 (minute hour day-of-month"
            + " month day-of-week) or 6 (second first)",
        "0 0 0 0 2 * * *|Invalid crontab: \"0 0 0 0 2 * * *\" has 8 fields",
        "@reboot|Invalid crontab: \"@reboot\" is not a known macro",
        "0 25 * * *|Invalid crontab field 'hour': \"25\" is out of range 0-23 (in \"0 25 * * *\")",
        "61 * * * *|Invalid crontab field 'minute': \"61\" is out of range 0-59",
        "0 0 32 * *|Invalid crontab field 'day-of-month': \"32\" is out of range 1-31",
        "0 0 * 13 *|Invalid crontab field 'month': \"13\" is out of range 1-12",
        "0 0 * * 8|Invalid crontab field 'day-of-week': \"8\" is out of range 0-7",
        "0 0 * FOO *|Invalid crontab field 'month': \"foo\" uses \"foo\", which is not a month name",
        "0 0 * * MON-FRY|Invalid crontab field 'day-of-week': \"mon-fry\" uses \"fry\"",
        "*/0 * * * *|Invalid crontab field 'minute': \"*/0\" has a step of 0",
        "0 5-3 * * *|Invalid crontab field 'hour': \"5-3\" is a range whose start is after its end",
        "0 0 ? * ?|",
        "0 ? * * *|Invalid crontab field 'hour': \"?\" is not a valid expression",
        "0 0 L-31 * *|Invalid crontab field 'day-of-month': \"l-31\" reaches before the 1st",
        "0 0 * * 5#6|Invalid crontab field 'day-of-week': \"5#6\" asks for occurrence 6",
        "0 0 32W * *|Invalid crontab field 'day-of-month': \"32w\" is out of range 1W-31W",
        "0 0 * * L|Invalid crontab field 'day-of-week': \"l\" is not a valid expression",
      })
  void badLinesAreRefusedWithTheFieldAndThePart(String line, String message) {
    if (message == null) {
      assertThat(CronTrigger.fromCrontab(line)).isNotNull(); // '?' in both day fields is fine
      return;
    }
    assertThatThrownBy(() -> CronTrigger.fromCrontab(line))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aliasFormTakesACrontabLineButNotAlsoKeywordFields() {
    Trigger t = Triggers.create("cron", Map.of("crontab", "0 2 * * 0", "timezone", "UTC"));
    assertThat(t).isEqualTo(CronTrigger.fromCrontab("0 2 * * 0", ZoneId.of("UTC")));
    assertThatThrownBy(() -> Triggers.create("cron", Map.of("crontab", "0 2 * * 0", "hour", "3")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid cron trigger option: \"hour\" cannot be combined with \"crontab\"; give either"
                + " a crontab line or keyword fields");
  }
}
