package io.asyncz.trigger;

import static io.asyncz.trigger.TriggerTesting.UTC;
import static io.asyncz.trigger.TriggerTesting.first;
import static io.asyncz.trigger.TriggerTesting.utc;
import static io.asyncz.trigger.TriggerTesting.utcTimes;
import static io.asyncz.trigger.TriggerTesting.walk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The seed's keyword cron fields: every expression form, defaults, bounds and errors. */
class CronTriggerTest {
  private static final Instant JAN_15 = utc("2026-01-15T10:17:23"); // a Thursday

  @Nested
  class Expressions {
    @Test
    void starMatchesEveryValue() {
      CronTrigger t = CronTrigger.builder().second("*").build();
      assertThat(walk(t, JAN_15, 3))
          .containsExactlyElementsOf(
              utcTimes("2026-01-15T10:17:23", "2026-01-15T10:17:24", "2026-01-15T10:17:25"));
    }

    @Test
    void starWithStepCountsFromTheFieldMinimum() {
      CronTrigger t = CronTrigger.builder().minute("*/20").build();
      assertThat(walk(t, JAN_15, 3))
          .containsExactlyElementsOf(
              utcTimes("2026-01-15T10:20:00", "2026-01-15T10:40:00", "2026-01-15T11:00:00"));
    }

    @Test
    void singleValue() {
      CronTrigger t = CronTrigger.builder().hour(5).build();
      assertThat(walk(t, JAN_15, 2))
          .containsExactlyElementsOf(utcTimes("2026-01-16T05:00:00", "2026-01-17T05:00:00"));
    }

    @Test
    void range() {
      CronTrigger t = CronTrigger.builder().hour("11-12").build();
      assertThat(walk(t, JAN_15, 3))
          .containsExactlyElementsOf(
              utcTimes("2026-01-15T11:00:00", "2026-01-15T12:00:00", "2026-01-16T11:00:00"));
    }

    @Test
    void rangeWithStep() {
      CronTrigger t = CronTrigger.builder().minute("10-50/15").build();
      assertThat(walk(t, JAN_15, 4))
          .containsExactlyElementsOf(
              utcTimes(
                  "2026-01-15T10:25:00",
                  "2026-01-15T10:40:00",
                  "2026-01-15T11:10:00",
                  "2026-01-15T11:25:00"));
    }

    @Test
    void valueWithStepRunsToTheFieldMaximum() {
      CronTrigger t = CronTrigger.builder().hour("20/2").build();
      assertThat(walk(t, JAN_15, 3))
          .containsExactlyElementsOf(
              utcTimes("2026-01-15T20:00:00", "2026-01-15T22:00:00", "2026-01-16T20:00:00"));
    }

    @Test
    void monthNamesAndNameRanges() {
      CronTrigger t = CronTrigger.builder().month("Mar-apr,DEC").build();
      assertThat(walk(t, JAN_15, 4))
          .containsExactlyElementsOf(
              utcTimes(
                  "2026-03-01T00:00:00",
                  "2026-04-01T00:00:00",
                  "2026-12-01T00:00:00",
                  "2027-03-01T00:00:00"));
      assertThat(t).hasToString("cron[month='mar-apr,dec']");
    }

    @Test
    void weekdayNamesAndZeroIsMonday() {
      CronTrigger byName = CronTrigger.builder().dayOfWeek("sat-sun").hour(8).build();
      CronTrigger byNumber = CronTrigger.builder().dayOfWeek("5-6").hour(8).build();
      assertThat(walk(byName, JAN_15, 3))
          .containsExactlyElementsOf(
              utcTimes("2026-01-17T08:00:00", "2026-01-18T08:00:00", "2026-01-24T08:00:00"));
      assertThat(walk(byNumber, JAN_15, 3)).isEqualTo(walk(byName, JAN_15, 3));
      CronTrigger monday = CronTrigger.builder().dayOfWeek(0).build();
      assertThat(first(monday, JAN_15)).contains(utc("2026-01-19T00:00:00"));
    }

    @Test
    void lastDayOfMonth() {
      CronTrigger t = CronTrigger.builder().day("last").build();
      assertThat(walk(t, JAN_15, 4))
          .containsExactlyElementsOf(
              utcTimes(
                  "2026-01-31T00:00:00",
                  "2026-02-28T00:00:00",
                  "2026-03-31T00:00:00",
                  "2026-04-30T00:00:00"));
      assertThat(first(t, utc("2028-02-01T00:00:00"))).contains(utc("2028-02-29T00:00:00"));
    }

    @ParameterizedTest(name = "{0} of February 2026 is {1}")
    @CsvSource({
      "1st fri, 2026-02-06",
      "2nd fri, 2026-02-13",
      "3rd fri, 2026-02-20",
      "4th fri, 2026-02-27",
      "last fri, 2026-02-27",
      "1st sun, 2026-02-01",
      "last sat, 2026-02-28",
    })
    void weekdayPositions(String expression, String date) {
      CronTrigger t = CronTrigger.builder().month(2).day(expression).build();
      assertThat(first(t, utc("2026-01-01T00:00:00"))).contains(utc(date + "T00:00:00"));
    }

    @Test
    void fifthWeekdaySkipsMonthsThatHaveOnlyFour() {
      CronTrigger t = CronTrigger.builder().day("5th fri").build();
      // 2026: January has five Fridays (30th), then May (29th), July (31st).
      assertThat(walk(t, utc("2026-01-01T00:00:00"), 3))
          .containsExactlyElementsOf(
              utcTimes("2026-01-30T00:00:00", "2026-05-29T00:00:00", "2026-07-31T00:00:00"));
    }

    @Test
    void listsMixEveryForm() {
      CronTrigger t = CronTrigger.builder().day("1,10-11,last,2nd mon,*/20").hour(6).build();
      assertThat(walk(t, utc("2026-02-01T07:00:00"), 6))
          .containsExactlyElementsOf(
              utcTimes(
                  "2026-02-09T06:00:00", // 2nd Monday
                  "2026-02-10T06:00:00",
                  "2026-02-11T06:00:00",
                  "2026-02-21T06:00:00", // */20: 1, 21
                  "2026-02-28T06:00:00", // last
                  "2026-03-01T06:00:00"));
      assertThat(t).hasToString("cron[day='1,10-11,last,2nd mon,*/20', hour='6']");
    }

    @Test
    void dayAndDayOfWeekMustBothMatch() {
      CronTrigger t = CronTrigger.builder().day(13).dayOfWeek("fri").build();
      assertThat(walk(t, JAN_15, 2))
          .containsExactlyElementsOf(utcTimes("2026-02-13T00:00:00", "2026-03-13T00:00:00"));
    }

    @Test
    void isoWeekField() {
      CronTrigger t = CronTrigger.builder().week(1).dayOfWeek("mon").hour(9).build();
      // ISO week 1 of 2027 starts on Monday 2027-01-04; of 2028 on 2028-01-03.
      assertThat(walk(t, JAN_15, 2))
          .containsExactlyElementsOf(utcTimes("2027-01-04T09:00:00", "2028-01-03T09:00:00"));
    }

    @Test
    void yearField() {
      CronTrigger t = CronTrigger.builder().year("2028,2030-2031").build();
      assertThat(walk(t, JAN_15, 3))
          .containsExactlyElementsOf(
              utcTimes("2028-01-01T00:00:00", "2030-01-01T00:00:00", "2031-01-01T00:00:00"));
      assertThat(first(CronTrigger.builder().year(2025).build(), JAN_15)).isEmpty();
    }

    @Test
    void upperCaseAndSpacesAreAccepted() {
      CronTrigger t = CronTrigger.builder().day(" LAST  Fri ").dayOfWeek(" FRI ").build();
      assertThat(t).hasToString("cron[day='last fri', day_of_week='fri']");
    }
  }

  @Nested
  class Defaults {
    @Test
    void fieldsAfterTheLastGivenOneTakeTheirMinimum() {
      CronTrigger t = CronTrigger.builder().day(20).build();
      assertThat(walk(t, JAN_15, 2))
          .containsExactlyElementsOf(utcTimes("2026-01-20T00:00:00", "2026-02-20T00:00:00"));
    }

    @Test
    void fieldsBeforeTheLastGivenOneAreStar() {
      CronTrigger t = CronTrigger.builder().minute(30).build();
      assertThat(walk(t, JAN_15, 2))
          .containsExactlyElementsOf(utcTimes("2026-01-15T10:30:00", "2026-01-15T11:30:00"));
    }

    @Test
    void weekAndDayOfWeekStayStarAfterTheLastGivenField() {
      CronTrigger t = CronTrigger.builder().month(6).build();
      // day defaults to 1 (its minimum), day_of_week stays '*': 2026-06-01 is a Monday.
      assertThat(walk(t, JAN_15, 2))
          .containsExactlyElementsOf(utcTimes("2026-06-01T00:00:00", "2027-06-01T00:00:00"));
    }

    @Test
    void noFieldAtAllFiresEverySecond() {
      CronTrigger t = CronTrigger.builder().build();
      assertThat(first(t, utc("2026-01-15T10:17:23.4"))).contains(utc("2026-01-15T10:17:24"));
    }

    @Test
    void toStringShowsOnlyTheGivenFields() {
      assertThat(CronTrigger.builder().hour("5").build()).hasToString("cron[hour='5']");
      assertThat(CronTrigger.builder().minute("*/10").hour(5).build())
          .hasToString("cron[hour='5', minute='*/10']");
      assertThat(CronTrigger.builder().build()).hasToString("cron[]");
    }
  }

  @Nested
  class FireTimes {
    @Test
    void firstRunMayBeNowWhenNowMatchesExactly() {
      CronTrigger t = CronTrigger.builder().minute(30).build();
      assertThat(first(t, utc("2026-01-15T10:30:00"))).contains(utc("2026-01-15T10:30:00"));
    }

    @Test
    void nextAfterAPreviousRunIsStrictlyLater() {
      CronTrigger t = CronTrigger.builder().minute(30).build();
      Instant previous = utc("2026-01-15T10:30:00");
      assertThat(t.nextFireTime(UTC, previous, previous)).contains(utc("2026-01-15T11:30:00"));
    }

    @Test
    void catchUpListsEveryMissedRunFromThePreviousOne() {
      CronTrigger t = CronTrigger.builder().hour("*").minute(0).build();
      Instant previous = utc("2026-01-15T06:00:00");
      Instant now = utc("2026-01-15T10:17:23");
      assertThat(t.nextFireTime(UTC, previous, now)).contains(utc("2026-01-15T07:00:00"));
      assertThat(t.nextFireTime(UTC, utc("2026-01-15T07:00:00"), now))
          .contains(utc("2026-01-15T08:00:00"));
    }

    @Test
    void clockGoingBackDoesNotRepeatARun() {
      CronTrigger t = CronTrigger.builder().minute(30).build();
      Instant previous = utc("2026-01-15T10:30:00");
      assertThat(t.nextFireTime(UTC, previous, utc("2026-01-15T09:00:00")))
          .contains(utc("2026-01-15T11:30:00"));
    }

    @Test
    void startBoundIsInclusiveAndEndBoundToo() {
      CronTrigger t =
          CronTrigger.builder()
              .hour(12)
              .startAt("2026-02-01 12:00:00")
              .endAt("2026-02-03T12:00:00Z")
              .build();
      assertThat(walk(t, JAN_15, 5))
          .containsExactlyElementsOf(
              utcTimes("2026-02-01T12:00:00", "2026-02-02T12:00:00", "2026-02-03T12:00:00"));
    }

    @Test
    void naiveBoundsTakeTheTriggerZone() {
      ZoneId tokyo = ZoneId.of("Asia/Tokyo");
      CronTrigger t =
          CronTrigger.builder().hour(9).timezone(tokyo).startAt("2026-02-01 00:00:00").build();
      assertThat(first(t, JAN_15))
          .contains(ZonedDateTime.parse("2026-02-01T09:00:00+09:00[Asia/Tokyo]").toInstant());
    }

    @Test
    void zoneComesFromAZonedStartWhenNotGiven() {
      CronTrigger t = CronTrigger.builder().hour(9).startAt("2026-02-01T00:00:00+05:30").build();
      assertThat(t.timezone()).contains(ZoneId.of("+05:30"));
      assertThat(first(t, JAN_15)).contains(utc("2026-02-01T03:30:00"));
    }

    @Test
    void schedulerZoneAppliesWhenTheTriggerHasNone() {
      CronTrigger t = CronTrigger.builder().hour(9).build();
      ZoneId paris = ZoneId.of("Europe/Paris");
      assertThat(t.nextFireTime(paris, null, JAN_15)).contains(utc("2026-01-16T08:00:00"));
    }

    @Test
    void jitterDelaysWithinItsBoundAndNeverPastTheEnd() {
      CronTrigger t = CronTrigger.builder().minute(0).jitter(Duration.ofSeconds(30)).build();
      for (int i = 0; i < 500; i++) {
        Instant next = first(t, JAN_15).orElseThrow();
        assertThat(next).isBetween(utc("2026-01-15T11:00:00"), utc("2026-01-15T11:00:30"));
      }
      CronTrigger bounded =
          CronTrigger.builder()
              .minute(0)
              .endAt("2026-01-15T11:00:05Z")
              .jitter(Duration.ofSeconds(30))
              .build();
      for (int i = 0; i < 200; i++) {
        assertThat(first(bounded, JAN_15).orElseThrow())
            .isBetween(utc("2026-01-15T11:00:00"), utc("2026-01-15T11:00:05"));
      }
    }

    @Test
    void impossibleSchedulesEndQuickly() {
      assertThat(first(CronTrigger.builder().month(2).day(30).build(), JAN_15)).isEmpty();
      assertThat(first(CronTrigger.builder().month("4,6,9,11").day(31).build(), JAN_15)).isEmpty();
      assertThat(first(CronTrigger.builder().day("5th mon").month(2).week(1).build(), JAN_15))
          .isEmpty();
    }

    @Test
    void februaryTwentyNinthWaitsForALeapYear() {
      CronTrigger t = CronTrigger.builder().month(2).day(29).build();
      assertThat(walk(t, JAN_15, 3))
          .containsExactlyElementsOf(
              utcTimes("2028-02-29T00:00:00", "2032-02-29T00:00:00", "2036-02-29T00:00:00"));
      // 2100 is not a leap year.
      assertThat(first(t, utc("2097-01-01T00:00:00"))).contains(utc("2104-02-29T00:00:00"));
    }

    @Test
    void lastYearIsNineThousandNineHundredNinetyNine() {
      CronTrigger t = CronTrigger.builder().month(12).day(31).hour(23).minute(59).build();
      assertThat(first(t, utc("9999-12-31T23:59:00"))).contains(utc("9999-12-31T23:59:00"));
      assertThat(t.nextFireTime(UTC, utc("9999-12-31T23:59:00"), JAN_15)).isEmpty();
    }
  }

  @Nested
  class BadInput {
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "hour|25|Invalid cron field 'hour': \"25\" is out of range 0-23",
          "minute|60|Invalid cron field 'minute': \"60\" is out of range 0-59",
          "second|5-61|Invalid cron field 'second': \"5-61\" is out of range 0-59",
          "day|0|Invalid cron field 'day': \"0\" is out of range 1-31",
          "month|13|Invalid cron field 'month': \"13\" is out of range 1-12",
          "week|54|Invalid cron field 'week': \"54\" is out of range 1-53",
          "day_of_week|7|Invalid cron field 'day_of_week': \"7\" is out of range 0-6",
          "year|1969|Invalid cron field 'year': \"1969\" is out of range 1970-9999",
          "month|foo|Invalid cron field 'month': \"foo\" uses \"foo\", which is not a month name;"
              + " expected jan-dec",
          "day_of_week|mon-fry|Invalid cron field 'day_of_week': \"mon-fry\" uses \"fry\", which"
              + " is not a weekday name; expected mon-sun",
          "minute|*/0|Invalid cron field 'minute': \"*/0\" has a step of 0; expected a step of 1"
              + " or more",
          "second|*/60|Invalid cron field 'second': \"*/60\" has a step higher than the field's"
              + " range 59",
          "hour|5-3|Invalid cron field 'hour': \"5-3\" is a range whose start is after its end;"
              + " expected a-b with a <= b",
          "hour|1-3/0|Invalid cron field 'hour': \"1-3/0\" has a step of 0; expected a step of 1"
              + " or more",
          "day|6th fri|Invalid cron field 'day': \"6th fri\" is not a valid expression",
          "hour|last|Invalid cron field 'hour': \"last\" is not a valid expression",
          "hour|1,,2|Invalid cron field 'hour': \"\" is not a valid expression",
        })
    void outOfRangeOrMalformedFieldsAreRefusedWithTheFieldAndValue(
        String field, String value, String message) {
      assertThatThrownBy(() -> Triggers.create("cron", Map.of(field, value)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith(message);
    }

    @Test
    void messagesSayWhatIsAllowed() {
      assertThatThrownBy(() -> CronTrigger.builder().day("someday").build())
          .hasMessageContaining("'last'")
          .hasMessageContaining("'last fri'");
    }

    @Test
    void endBeforeStartIsRefused() {
      assertThatThrownBy(
              () ->
                  CronTrigger.builder()
                      .hour(1)
                      .startAt("2026-02-01 00:00:00")
                      .endAt("2026-01-01 00:00:00")
                      .build())
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(
              "Invalid end_at: \"2026-01-01T00:00:00\" is before start_at \"2026-02-01T00:00:00\";"
                  + " expected an end at or after the start");
    }

    @Test
    void unknownTimezoneIsRefused() {
      assertThatThrownBy(() -> CronTrigger.builder().timezone("Mars/Olympus"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("Invalid timezone: \"Mars/Olympus\" is not a time zone");
    }

    @Test
    void negativeJitterIsRefused() {
      assertThatThrownBy(() -> CronTrigger.builder().jitter(Duration.ofSeconds(-1)).build())
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("jitter");
    }

    @Test
    void fieldOfTheWrongTypeIsRefused() {
      // The builder takes only an int or a String; the alias form takes any value.
      assertThatThrownBy(() -> Triggers.create("cron", Map.of("hour", 1.5)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(
              "Invalid cron field 'hour': 1.5 is a Double; expected a string or an integer");
    }
  }
}
