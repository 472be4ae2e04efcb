package io.asyncz.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The daylight-saving policy documented on {@link CronTrigger}, {@link IntervalTrigger} and {@link
 * DateTrigger}, checked against the JDK's tz rules for the 2026 transitions of five zones with
 * daylight saving (whole-hour, 30-minute and midnight shifts) and two fixed offsets.
 *
 * <p>Every expectation is a literal with an explicit offset. Where a literal depends on a
 * transition, {@link #theJdkRulesPutTheTwentyTwentySixTransitionsWhereTheseExpectationsAssume} pins
 * that transition, and the wall-time cases are also cross-checked against {@link #policyInstant},
 * which derives the policy's instant from the JDK's rules.
 */
class DaylightSavingTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");
  private static final ZoneId CAIRO = ZoneId.of("Africa/Cairo");
  private static final ZoneId PLUS_FIVE = ZoneOffset.ofHours(5);
  private static final ZoneId PLUS_FIVE_THIRTY = ZoneId.of("+05:30");

  // ------------------------------------------------------------------ the tz rules themselves

  static Stream<Arguments> transitions2026() {
    return Stream.of(
        argumentSet(
            "America/New_York",
            NEW_YORK,
            odt("2026-03-08T02:00-05:00"),
            odt("2026-03-08T03:00-04:00"),
            odt("2026-11-01T02:00-04:00"),
            odt("2026-11-01T01:00-05:00")),
        argumentSet(
            "Europe/London",
            LONDON,
            odt("2026-03-29T01:00Z"),
            odt("2026-03-29T02:00+01:00"),
            odt("2026-10-25T02:00+01:00"),
            odt("2026-10-25T01:00Z")),
        argumentSet(
            "Europe/Berlin",
            BERLIN,
            odt("2026-03-29T02:00+01:00"),
            odt("2026-03-29T03:00+02:00"),
            odt("2026-10-25T03:00+02:00"),
            odt("2026-10-25T02:00+01:00")),
        argumentSet(
            "Australia/Lord_Howe: 30-minute shift, spring in October",
            LORD_HOWE,
            odt("2026-10-04T02:00+10:30"),
            odt("2026-10-04T02:30+11:00"),
            odt("2026-04-05T02:00+11:00"),
            odt("2026-04-05T01:30+10:30")),
        argumentSet(
            "Africa/Cairo: at midnight",
            CAIRO,
            odt("2026-04-24T00:00+02:00"),
            odt("2026-04-24T01:00+03:00"),
            odt("2026-10-30T00:00+03:00"),
            odt("2026-10-29T23:00+02:00")));
  }

  @ParameterizedTest
  @MethodSource("transitions2026")
  void theJdkRulesPutTheTwentyTwentySixTransitionsWhereTheseExpectationsAssume(
      ZoneId zone,
      OffsetDateTime gapBefore,
      OffsetDateTime gapAfter,
      OffsetDateTime overlapBefore,
      OffsetDateTime overlapAfter) {
    ZoneOffsetTransition gap = firstTransition2026(zone, true);
    ZoneOffsetTransition overlap = firstTransition2026(zone, false);

    assertThat(gap.getDateTimeBefore().atOffset(gap.getOffsetBefore())).isEqualTo(gapBefore);
    assertThat(gap.getDateTimeAfter().atOffset(gap.getOffsetAfter())).isEqualTo(gapAfter);
    assertThat(gap.getInstant()).isEqualTo(gapBefore.toInstant());
    assertThat(overlap.getDateTimeBefore().atOffset(overlap.getOffsetBefore()))
        .isEqualTo(overlapBefore);
    assertThat(overlap.getDateTimeAfter().atOffset(overlap.getOffsetAfter()))
        .isEqualTo(overlapAfter);
    assertThat(overlap.getInstant()).isEqualTo(overlapBefore.toInstant());
  }

  @Test
  void lordHoweShiftsByThirtyMinutesOnTheFirstSundaysOfAprilAndOctober() {
    ZoneOffsetTransition end = firstTransition2026(LORD_HOWE, false);
    ZoneOffsetTransition start = firstTransition2026(LORD_HOWE, true);

    assertThat(end.getDuration()).isEqualTo(Duration.ofMinutes(-30));
    assertThat(end.getDateTimeBefore()).isEqualTo(LocalDateTime.parse("2026-04-05T02:00"));
    assertThat(end.getDateTimeBefore().getDayOfWeek()).hasToString("SUNDAY");
    assertThat(start.getDuration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(start.getDateTimeBefore()).isEqualTo(LocalDateTime.parse("2026-10-04T02:00"));
    assertThat(start.getDateTimeBefore().getDayOfWeek()).hasToString("SUNDAY");
  }

  @Test
  void cairoMovesItsClocksAtMidnightOnTheLastFridayOfAprilAndAfterTheLastThursdayOfOctober() {
    ZoneOffsetTransition spring = firstTransition2026(CAIRO, true);
    ZoneOffsetTransition autumn = firstTransition2026(CAIRO, false);

    // Friday 2026-04-24 00:00 -> 01:00.
    assertThat(spring.getDateTimeBefore()).isEqualTo(LocalDateTime.parse("2026-04-24T00:00"));
    assertThat(spring.getDateTimeBefore().getDayOfWeek()).hasToString("FRIDAY");
    assertThat(spring.getDuration()).isEqualTo(Duration.ofHours(1));
    // Thursday 2026-10-29 24:00 -> 23:00: the hour 23:00-24:00 of the Thursday happens twice.
    assertThat(autumn.getDateTimeAfter()).isEqualTo(LocalDateTime.parse("2026-10-29T23:00"));
    assertThat(autumn.getDateTimeAfter().getDayOfWeek()).hasToString("THURSDAY");
    assertThat(autumn.getDuration()).isEqualTo(Duration.ofHours(-1));
  }

  // ------------------------------------------------------------------ (1) fixed time in a gap

  static Stream<Arguments> fixedTimesInsideTheGap() {
    return Stream.of(
        argumentSet(
            "America/New_York 02:30 -> 03:30 EDT",
            NEW_YORK,
            2,
            30,
            odt("2026-03-06T00:00-05:00"),
            odts(
                "2026-03-06T02:30-05:00",
                "2026-03-07T02:30-05:00",
                "2026-03-08T03:30-04:00",
                "2026-03-09T02:30-04:00",
                "2026-03-10T02:30-04:00")),
        argumentSet(
            "Europe/London 01:30 -> 02:30 BST",
            LONDON,
            1,
            30,
            odt("2026-03-27T00:00Z"),
            odts(
                "2026-03-27T01:30Z",
                "2026-03-28T01:30Z",
                "2026-03-29T02:30+01:00",
                "2026-03-30T01:30+01:00",
                "2026-03-31T01:30+01:00")),
        argumentSet(
            "Europe/Berlin 02:30 -> 03:30 CEST",
            BERLIN,
            2,
            30,
            odt("2026-03-27T00:00+01:00"),
            odts(
                "2026-03-27T02:30+01:00",
                "2026-03-28T02:30+01:00",
                "2026-03-29T03:30+02:00",
                "2026-03-30T02:30+02:00",
                "2026-03-31T02:30+02:00")),
        argumentSet(
            "Australia/Lord_Howe 02:15 -> 02:45 +11:00",
            LORD_HOWE,
            2,
            15,
            odt("2026-10-02T00:00+10:30"),
            odts(
                "2026-10-02T02:15+10:30",
                "2026-10-03T02:15+10:30",
                "2026-10-04T02:45+11:00",
                "2026-10-05T02:15+11:00",
                "2026-10-06T02:15+11:00")),
        argumentSet(
            "Africa/Cairo 00:30 -> 01:30 +03:00",
            CAIRO,
            0,
            30,
            odt("2026-04-22T00:00+02:00"),
            odts(
                "2026-04-22T00:30+02:00",
                "2026-04-23T00:30+02:00",
                "2026-04-24T01:30+03:00",
                "2026-04-25T00:30+03:00",
                "2026-04-26T00:30+03:00")));
  }

  @ParameterizedTest
  @MethodSource("fixedTimesInsideTheGap")
  void fixedWallTimeInsideTheGapFiresOnceThatDayAtTheInstantItsPreTransitionOffsetNames(
      ZoneId zone, int hour, int minute, OffsetDateTime start, List<OffsetDateTime> expected) {
    for (CronTrigger trigger : daily(zone, hour, minute)) {
      List<OffsetDateTime> fires = walk(trigger, zone, start, expected.size());

      assertThat(fires).as("%s", trigger).containsExactlyElementsOf(expected);
      assertThat(fires).extracting(OffsetDateTime::toLocalDate).doesNotHaveDuplicates();
    }
    assertThat(expected)
        .allSatisfy(
            fire ->
                assertThat(fire.toInstant())
                    .isEqualTo(policyInstant(zone, fire.toLocalDate().atTime(hour, minute))));
  }

  // ------------------------------------------------------------------ (2) repeating through a gap

  static Stream<Arguments> repeatingSchedulesThroughTheGap() {
    return Stream.of(
        argumentSet(
            "America/New_York every 30 minutes",
            NEW_YORK,
            "*/30",
            odt("2026-03-08T01:00-05:00"),
            odts(
                "2026-03-08T01:00-05:00",
                "2026-03-08T01:30-05:00",
                "2026-03-08T03:00-04:00",
                "2026-03-08T03:30-04:00",
                "2026-03-08T04:00-04:00")),
        argumentSet(
            "Europe/London every 30 minutes",
            LONDON,
            "*/30",
            odt("2026-03-29T00:00Z"),
            odts(
                "2026-03-29T00:00Z",
                "2026-03-29T00:30Z",
                "2026-03-29T02:00+01:00",
                "2026-03-29T02:30+01:00",
                "2026-03-29T03:00+01:00")),
        argumentSet(
            "Europe/Berlin every 15 minutes",
            BERLIN,
            "*/15",
            odt("2026-03-29T01:30+01:00"),
            odts(
                "2026-03-29T01:30+01:00",
                "2026-03-29T01:45+01:00",
                "2026-03-29T03:00+02:00",
                "2026-03-29T03:15+02:00",
                "2026-03-29T03:30+02:00")),
        argumentSet(
            "Australia/Lord_Howe every 15 minutes",
            LORD_HOWE,
            "*/15",
            odt("2026-10-04T01:30+10:30"),
            odts(
                "2026-10-04T01:30+10:30",
                "2026-10-04T01:45+10:30",
                "2026-10-04T02:30+11:00",
                "2026-10-04T02:45+11:00",
                "2026-10-04T03:00+11:00")),
        argumentSet(
            "Africa/Cairo every 30 minutes",
            CAIRO,
            "*/30",
            odt("2026-04-23T23:00+02:00"),
            odts(
                "2026-04-23T23:00+02:00",
                "2026-04-23T23:30+02:00",
                "2026-04-24T01:00+03:00",
                "2026-04-24T01:30+03:00",
                "2026-04-24T02:00+03:00")));
  }

  @ParameterizedTest
  @MethodSource("repeatingSchedulesThroughTheGap")
  void repeatingScheduleWalksThroughTheGapWithoutDuplicatesAtItsRealTimeSpacing(
      ZoneId zone, String minute, OffsetDateTime start, List<OffsetDateTime> expected) {
    Duration step = Duration.ofMinutes(Integer.parseInt(minute.substring(2)));
    for (CronTrigger trigger :
        List.of(
            CronTrigger.builder().minute(minute).timezone(zone).build(),
            CronTrigger.fromCrontab(minute + " * * * *", zone))) {
      List<OffsetDateTime> fires = walk(trigger, zone, start, expected.size());

      assertThat(fires).as("%s", trigger).containsExactlyElementsOf(expected);
      assertThat(instants(fires)).doesNotHaveDuplicates().isSorted();
      assertThat(spacings(fires)).containsOnly(step);
    }
  }

  // ------------------------------------------------------------------ (3) fixed hour in an overlap

  static Stream<Arguments> fixedTimesInsideTheOverlap() {
    return Stream.of(
        argumentSet(
            "America/New_York 01:30 -> 01:30 EDT only",
            NEW_YORK,
            1,
            30,
            odt("2026-10-31T00:00-04:00"),
            odts("2026-10-31T01:30-04:00", "2026-11-01T01:30-04:00", "2026-11-02T01:30-05:00")),
        argumentSet(
            "Europe/London 01:30 -> 01:30 BST only",
            LONDON,
            1,
            30,
            odt("2026-10-24T00:00+01:00"),
            odts("2026-10-24T01:30+01:00", "2026-10-25T01:30+01:00", "2026-10-26T01:30Z")),
        argumentSet(
            "Europe/Berlin 02:30 -> 02:30 CEST only",
            BERLIN,
            2,
            30,
            odt("2026-10-24T00:00+02:00"),
            odts("2026-10-24T02:30+02:00", "2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00")),
        argumentSet(
            "Australia/Lord_Howe 01:45 -> 01:45 +11:00 only",
            LORD_HOWE,
            1,
            45,
            odt("2026-04-04T00:00+11:00"),
            odts("2026-04-04T01:45+11:00", "2026-04-05T01:45+11:00", "2026-04-06T01:45+10:30")),
        argumentSet(
            "Africa/Cairo 23:30 -> 23:30 +03:00 only",
            CAIRO,
            23,
            30,
            odt("2026-10-28T00:00+03:00"),
            odts("2026-10-28T23:30+03:00", "2026-10-29T23:30+03:00", "2026-10-30T23:30+02:00")));
  }

  @ParameterizedTest
  @MethodSource("fixedTimesInsideTheOverlap")
  void fixedHourInsideTheOverlapFiresOnceAtTheFirstOccurrenceAndNormallyTheNextDay(
      ZoneId zone, int hour, int minute, OffsetDateTime start, List<OffsetDateTime> expected) {
    for (CronTrigger trigger : daily(zone, hour, minute)) {
      List<OffsetDateTime> fires = walk(trigger, zone, start, expected.size());

      assertThat(fires).as("%s", trigger).containsExactlyElementsOf(expected);
      assertThat(fires).extracting(OffsetDateTime::toLocalDate).doesNotHaveDuplicates();
    }
    assertThat(expected)
        .allSatisfy(
            fire ->
                assertThat(fire.toInstant())
                    .isEqualTo(policyInstant(zone, fire.toLocalDate().atTime(hour, minute))));
  }

  // ------------------------------------------------------------------ (4) repeating in an overlap

  static Stream<Arguments> repeatingSchedulesThroughTheOverlap() {
    return Stream.of(
        argumentSet(
            "America/New_York every 30 minutes",
            NEW_YORK,
            "*/30",
            odt("2026-11-01T00:30-04:00"),
            odts(
                "2026-11-01T00:30-04:00",
                "2026-11-01T01:00-04:00",
                "2026-11-01T01:30-04:00",
                "2026-11-01T01:00-05:00",
                "2026-11-01T01:30-05:00",
                "2026-11-01T02:00-05:00")),
        argumentSet(
            "Europe/London every 30 minutes",
            LONDON,
            "*/30",
            odt("2026-10-25T00:30+01:00"),
            odts(
                "2026-10-25T00:30+01:00",
                "2026-10-25T01:00+01:00",
                "2026-10-25T01:30+01:00",
                "2026-10-25T01:00Z",
                "2026-10-25T01:30Z",
                "2026-10-25T02:00Z")),
        argumentSet(
            "Europe/Berlin every 30 minutes",
            BERLIN,
            "*/30",
            odt("2026-10-25T01:30+02:00"),
            odts(
                "2026-10-25T01:30+02:00",
                "2026-10-25T02:00+02:00",
                "2026-10-25T02:30+02:00",
                "2026-10-25T02:00+01:00",
                "2026-10-25T02:30+01:00",
                "2026-10-25T03:00+01:00")),
        argumentSet(
            "Australia/Lord_Howe every 15 minutes",
            LORD_HOWE,
            "*/15",
            odt("2026-04-05T01:15+11:00"),
            odts(
                "2026-04-05T01:15+11:00",
                "2026-04-05T01:30+11:00",
                "2026-04-05T01:45+11:00",
                "2026-04-05T01:30+10:30",
                "2026-04-05T01:45+10:30",
                "2026-04-05T02:00+10:30")),
        argumentSet(
            "Africa/Cairo every 30 minutes",
            CAIRO,
            "*/30",
            odt("2026-10-29T22:30+03:00"),
            odts(
                "2026-10-29T22:30+03:00",
                "2026-10-29T23:00+03:00",
                "2026-10-29T23:30+03:00",
                "2026-10-29T23:00+02:00",
                "2026-10-29T23:30+02:00",
                "2026-10-30T00:00+02:00")));
  }

  @ParameterizedTest
  @MethodSource("repeatingSchedulesThroughTheOverlap")
  void repeatingScheduleFiresThroughBothPassesOfTheOverlapInStrictlyIncreasingInstants(
      ZoneId zone, String minute, OffsetDateTime start, List<OffsetDateTime> expected) {
    Duration step = Duration.ofMinutes(Integer.parseInt(minute.substring(2)));
    for (CronTrigger trigger :
        List.of(
            CronTrigger.builder().minute(minute).timezone(zone).build(),
            CronTrigger.fromCrontab(minute + " * * * *", zone))) {
      List<OffsetDateTime> fires = walk(trigger, zone, start, expected.size());

      assertThat(fires).as("%s", trigger).containsExactlyElementsOf(expected);
      assertThat(instants(fires)).doesNotHaveDuplicates().isSorted();
      assertThat(spacings(fires)).containsOnly(step);
      // Two wall times were each reached twice, once per offset.
      assertThat(fires.stream().map(OffsetDateTime::toLocalDateTime).distinct())
          .hasSize(fires.size() - 2);
    }
  }

  @Test
  void everySpellingOfARepeatingHourFiresAtBothOccurrencesAndEveryFixedSpellingOnce() {
    OffsetDateTime start = odt("2026-11-01T00:00-04:00");
    List<OffsetDateTime> bothPasses = odts("2026-11-01T01:30-04:00", "2026-11-01T01:30-05:00");
    List<OffsetDateTime> firstPass = odts("2026-11-01T01:30-04:00");
    OffsetDateTime until = odt("2026-11-01T02:00-05:00");

    for (String hour : List.of("*", "*/1", "1/12", "1-13/12", "0-23/1")) {
      CronTrigger keyword =
          CronTrigger.builder().hour(hour).minute("30").timezone(NEW_YORK).build();
      assertThat(walkUntil(keyword, NEW_YORK, start, until))
          .as("hour='%s'", hour)
          .endsWith(bothPasses.toArray(OffsetDateTime[]::new));
    }
    for (String hour : List.of("*", "*/1", "1/12", "1-13/12", "0-23/1")) {
      CronTrigger crontab = CronTrigger.fromCrontab("30 " + hour + " * * *", NEW_YORK);
      assertThat(walkUntil(crontab, NEW_YORK, start, until))
          .as("crontab hour '%s'", hour)
          .endsWith(bothPasses.toArray(OffsetDateTime[]::new));
    }
    for (String hour : List.of("1", "1,13", "13,1")) {
      CronTrigger keyword =
          CronTrigger.builder().hour(hour).minute("30").timezone(NEW_YORK).build();
      CronTrigger crontab = CronTrigger.fromCrontab("30 " + hour + " * * *", NEW_YORK);
      assertThat(walkUntil(keyword, NEW_YORK, start, until))
          .as("hour='%s'", hour)
          .containsExactlyElementsOf(firstPass);
      assertThat(walkUntil(crontab, NEW_YORK, start, until))
          .as("crontab hour '%s'", hour)
          .containsExactlyElementsOf(firstPass);
    }
  }

  static Stream<Arguments> zonesWithDaylightSaving() {
    return Stream.of(
        argumentSet("America/New_York", NEW_YORK),
        argumentSet("Europe/London", LONDON),
        argumentSet("Europe/Berlin", BERLIN),
        argumentSet("Australia/Lord_Howe: a repeated half hour", LORD_HOWE),
        argumentSet("Africa/Cairo: 23:00-24:00 repeated", CAIRO));
  }

  /**
   * Equal expressions, equal schedules: an hour field whose values are every hour is {@code *},
   * however it is spelled (a range, a list, ranges, a step of 1), so it fires at both passes of the
   * repeated wall time, exactly as {@code *} does; one hour fewer makes it a fixed-hour schedule.
   */
  @ParameterizedTest
  @MethodSource("zonesWithDaylightSaving")
  void anHourFieldNamingEveryHourFiresAtBothPassesOfTheOverlapAsStarDoes(ZoneId zone) {
    ZoneOffsetTransition overlap = firstTransition2026(zone, false);
    LocalDateTime repeated =
        overlap.getDateTimeAfter().plus(overlap.getDuration().abs().dividedBy(2));
    int minute = repeated.getMinute();
    OffsetDateTime firstPass = repeated.atOffset(overlap.getOffsetBefore());
    OffsetDateTime secondPass = repeated.atOffset(overlap.getOffsetAfter());
    OffsetDateTime start = firstPass.minusHours(3);
    OffsetDateTime until = secondPass.plusHours(3);
    List<OffsetDateTime> star =
        walkUntil(
            CronTrigger.builder().hour("*").minute(minute).timezone(zone).build(),
            zone,
            start,
            until);
    assertThat(star).contains(firstPass, secondPass);

    List<String> hours = new ArrayList<>();
    for (int h = 0; h < 24; h++) {
      hours.add(Integer.toString(h));
    }
    String list = String.join(",", hours);
    for (String hour : List.of("0-23", "0-23/1", list, "0-11,12-23", "12-23,0-11", "0-5,6,7-23")) {
      CronTrigger keyword = CronTrigger.builder().hour(hour).minute(minute).timezone(zone).build();
      CronTrigger crontab = CronTrigger.fromCrontab(minute + " " + hour + " * * *", zone);
      assertThat(walkUntil(keyword, zone, start, until)).as("hour='%s'", hour).isEqualTo(star);
      assertThat(walkUntil(crontab, zone, start, until))
          .as("crontab hour '%s'", hour)
          .isEqualTo(star);
    }

    hours.remove(Integer.toString((repeated.getHour() + 12) % 24));
    String allButOne = String.join(",", hours);
    List<OffsetDateTime> fixed =
        walkUntil(
            CronTrigger.builder().hour(allButOne).minute(minute).timezone(zone).build(),
            zone,
            start,
            until);
    assertThat(fixed).as("hour='%s'", allButOne).contains(firstPass).doesNotContain(secondPass);
  }

  @Test
  void fixedHourScheduleCreatedDuringTheSecondPassWaitsForTheNextDayAsItsFirstOccurrencePassed() {
    CronTrigger trigger = CronTrigger.fromCrontab("30 1 * * *", NEW_YORK);

    assertThat(walk(trigger, NEW_YORK, odt("2026-11-01T01:15-05:00"), 1))
        .containsExactly(odt("2026-11-02T01:30-05:00"));
  }

  @Test
  void scheduleCreatedAfterTheClocksSprangForwardStillFiresTheShiftedTimeThatDay() {
    CronTrigger trigger = CronTrigger.fromCrontab("30 2 * * *", NEW_YORK);

    assertThat(walk(trigger, NEW_YORK, odt("2026-03-08T03:10-04:00"), 2))
        .containsExactly(odt("2026-03-08T03:30-04:00"), odt("2026-03-09T02:30-04:00"));
  }

  // ------------------------------------------------------------------ (5) midnight in Cairo

  @Test
  void dailyMidnightInCairoFiresAtOneOClockOnTheDayWhoseMidnightDoesNotExist() {
    ZoneOffsetTransition spring = firstTransition2026(CAIRO, true);
    List<OffsetDateTime> expected =
        odts(
            "2026-04-22T00:00+02:00",
            "2026-04-23T00:00+02:00",
            "2026-04-24T01:00+03:00",
            "2026-04-25T00:00+03:00",
            "2026-04-26T00:00+03:00");

    for (CronTrigger trigger :
        List.of(
            CronTrigger.builder().hour("0").minute("0").timezone(CAIRO).build(),
            CronTrigger.fromCrontab("0 0 * * *", CAIRO),
            CronTrigger.fromCrontab("@midnight", CAIRO),
            CronTrigger.fromCrontab("@daily", CAIRO))) {
      assertThat(walk(trigger, CAIRO, odt("2026-04-21T12:00+02:00"), 5))
          .as("%s", trigger)
          .containsExactlyElementsOf(expected);
    }
    // 01:00 +03:00 is the pre-transition offset's 00:00, the very instant the clocks moved.
    assertThat(expected.get(2).toInstant())
        .isEqualTo(
            LocalDateTime.parse("2026-04-24T00:00").atOffset(spring.getOffsetBefore()).toInstant())
        .isEqualTo(spring.getInstant());
  }

  @Test
  void dailyMidnightInCairoFiresOnceAroundTheNightTheClocksGoBackAtMidnight() {
    CronTrigger trigger = CronTrigger.fromCrontab("0 0 * * *", CAIRO);

    assertThat(walk(trigger, CAIRO, odt("2026-10-28T12:00+03:00"), 3))
        .containsExactly(
            odt("2026-10-29T00:00+03:00"),
            odt("2026-10-30T00:00+02:00"),
            odt("2026-10-31T00:00+02:00"));
  }

  // ------------------------------------------------------------------ (6) Lord Howe, hour '*'

  @Test
  void everyHourAtHalfPastInLordHoweMeetsTheThirtyMinuteSpringShiftWithoutLosingAnHour() {
    ZoneOffsetTransition spring = firstTransition2026(LORD_HOWE, true);
    CronTrigger trigger = CronTrigger.builder().hour("*").minute("30").timezone(LORD_HOWE).build();

    List<OffsetDateTime> fires = walk(trigger, LORD_HOWE, odt("2026-10-04T00:00+10:30"), 4);

    // 02:30 is the first wall time after the gap 02:00-02:30: it exists, and nothing in the gap
    // matches minute 30, so only real time between 01:30 and 02:30 shrinks to 30 minutes.
    assertThat(fires)
        .containsExactly(
            odt("2026-10-04T00:30+10:30"),
            odt("2026-10-04T01:30+10:30"),
            odt("2026-10-04T02:30+11:00"),
            odt("2026-10-04T03:30+11:00"));
    assertThat(fires.get(2).toInstant()).isEqualTo(spring.getInstant());
    assertThat(spacings(fires))
        .containsExactly(Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofHours(1));
  }

  @Test
  void everyHourAtHalfPastInLordHoweFiresAtBothOccurrencesOfTheRepeatedHalfHour() {
    ZoneOffsetTransition autumn = firstTransition2026(LORD_HOWE, false);
    CronTrigger trigger = CronTrigger.fromCrontab("30 * * * *", LORD_HOWE);

    List<OffsetDateTime> fires = walk(trigger, LORD_HOWE, odt("2026-04-05T00:00+11:00"), 4);

    assertThat(fires)
        .containsExactly(
            odt("2026-04-05T00:30+11:00"),
            odt("2026-04-05T01:30+11:00"),
            odt("2026-04-05T01:30+10:30"),
            odt("2026-04-05T02:30+10:30"));
    // The second 01:30 is the instant the clocks went back from 02:00 to 01:30.
    assertThat(fires.get(2).toInstant()).isEqualTo(autumn.getInstant());
    assertThat(spacings(fires))
        .containsExactly(Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofHours(1));
  }

  @Test
  void fixedHourAtHalfPastInLordHoweFiresOnlyAtTheFirstOccurrenceOfTheRepeatedHalfHour() {
    CronTrigger trigger = CronTrigger.fromCrontab("30 1 * * *", LORD_HOWE);

    assertThat(walk(trigger, LORD_HOWE, odt("2026-04-05T00:00+11:00"), 2))
        .containsExactly(odt("2026-04-05T01:30+11:00"), odt("2026-04-06T01:30+10:30"));
  }

  // ------------------------------------------------------------------ (7) interval triggers

  static Stream<Arguments> intervalsAcrossTheChanges() {
    Duration hour = Duration.ofHours(1);
    Duration day = Duration.ofDays(1);
    return Stream.of(
        argumentSet(
            "America/New_York hourly, spring",
            NEW_YORK,
            hour,
            odts("2026-03-08T01:30-05:00", "2026-03-08T03:30-04:00", "2026-03-08T04:30-04:00")),
        argumentSet(
            "America/New_York hourly, autumn",
            NEW_YORK,
            hour,
            odts(
                "2026-11-01T00:30-04:00",
                "2026-11-01T01:30-04:00",
                "2026-11-01T01:30-05:00",
                "2026-11-01T02:30-05:00")),
        argumentSet(
            "America/New_York daily, spring",
            NEW_YORK,
            day,
            odts("2026-03-07T09:00-05:00", "2026-03-08T10:00-04:00", "2026-03-09T10:00-04:00")),
        argumentSet(
            "America/New_York daily, autumn",
            NEW_YORK,
            day,
            odts("2026-10-31T09:00-04:00", "2026-11-01T08:00-05:00", "2026-11-02T08:00-05:00")),
        argumentSet(
            "Europe/London hourly, spring",
            LONDON,
            hour,
            odts("2026-03-29T00:30Z", "2026-03-29T02:30+01:00", "2026-03-29T03:30+01:00")),
        argumentSet(
            "Europe/London hourly, autumn",
            LONDON,
            hour,
            odts(
                "2026-10-25T00:30+01:00",
                "2026-10-25T01:30+01:00",
                "2026-10-25T01:30Z",
                "2026-10-25T02:30Z")),
        argumentSet(
            "Europe/London daily, spring",
            LONDON,
            day,
            odts("2026-03-28T09:00Z", "2026-03-29T10:00+01:00", "2026-03-30T10:00+01:00")),
        argumentSet(
            "Europe/London daily, autumn",
            LONDON,
            day,
            odts("2026-10-24T09:00+01:00", "2026-10-25T08:00Z", "2026-10-26T08:00Z")),
        argumentSet(
            "Europe/Berlin hourly, spring",
            BERLIN,
            hour,
            odts("2026-03-29T01:30+01:00", "2026-03-29T03:30+02:00", "2026-03-29T04:30+02:00")),
        argumentSet(
            "Europe/Berlin hourly, autumn",
            BERLIN,
            hour,
            odts(
                "2026-10-25T01:30+02:00",
                "2026-10-25T02:30+02:00",
                "2026-10-25T02:30+01:00",
                "2026-10-25T03:30+01:00")),
        argumentSet(
            "Europe/Berlin daily, spring",
            BERLIN,
            day,
            odts("2026-03-28T09:00+01:00", "2026-03-29T10:00+02:00", "2026-03-30T10:00+02:00")),
        argumentSet(
            "Europe/Berlin daily, autumn",
            BERLIN,
            day,
            odts("2026-10-24T09:00+02:00", "2026-10-25T08:00+01:00", "2026-10-26T08:00+01:00")),
        argumentSet(
            "Australia/Lord_Howe hourly, spring (October)",
            LORD_HOWE,
            hour,
            odts("2026-10-04T01:45+10:30", "2026-10-04T03:15+11:00", "2026-10-04T04:15+11:00")),
        argumentSet(
            "Australia/Lord_Howe hourly, autumn (April)",
            LORD_HOWE,
            hour,
            odts(
                "2026-04-05T00:45+11:00",
                "2026-04-05T01:45+11:00",
                "2026-04-05T02:15+10:30",
                "2026-04-05T03:15+10:30")),
        argumentSet(
            "Australia/Lord_Howe daily, spring (October)",
            LORD_HOWE,
            day,
            odts("2026-10-03T09:00+10:30", "2026-10-04T09:30+11:00", "2026-10-05T09:30+11:00")),
        argumentSet(
            "Australia/Lord_Howe daily, autumn (April)",
            LORD_HOWE,
            day,
            odts("2026-04-04T09:00+11:00", "2026-04-05T08:30+10:30", "2026-04-06T08:30+10:30")),
        argumentSet(
            "Africa/Cairo hourly, spring",
            CAIRO,
            hour,
            odts("2026-04-23T23:30+02:00", "2026-04-24T01:30+03:00", "2026-04-24T02:30+03:00")),
        argumentSet(
            "Africa/Cairo hourly, autumn",
            CAIRO,
            hour,
            odts(
                "2026-10-29T22:30+03:00",
                "2026-10-29T23:30+03:00",
                "2026-10-29T23:30+02:00",
                "2026-10-30T00:30+02:00")),
        argumentSet(
            "Africa/Cairo daily, spring",
            CAIRO,
            day,
            odts("2026-04-23T09:00+02:00", "2026-04-24T10:00+03:00", "2026-04-25T10:00+03:00")),
        argumentSet(
            "Africa/Cairo daily, autumn",
            CAIRO,
            day,
            odts("2026-10-29T09:00+03:00", "2026-10-30T08:00+02:00", "2026-10-31T08:00+02:00")));
  }

  @ParameterizedTest
  @MethodSource("intervalsAcrossTheChanges")
  void intervalAddsElapsedTimeAcrossTheChangeSoTheWallTimeShiftsInstead(
      ZoneId zone, Duration interval, List<OffsetDateTime> expected) {
    OffsetDateTime start = expected.get(0);
    for (IntervalTrigger trigger :
        List.of(
            IntervalTrigger.builder().interval(interval).startAt(start).build(),
            IntervalTrigger.builder()
                .interval(interval)
                .startAt(start.toLocalDateTime())
                .timezone(zone)
                .build())) {
      List<OffsetDateTime> fires = walk(trigger, zone, start, expected.size());

      assertThat(fires)
          .as("%s from %s", trigger, trigger.startAt())
          .containsExactlyElementsOf(expected);
      assertThat(spacings(fires)).containsOnly(interval);
    }
  }

  // ------------------------------------------------------------------ (8) catch-up

  static Stream<Arguments> catchUpsAcrossTheChanges() {
    return Stream.of(
        argumentSet(
            "America/New_York daily 02:30 over the gap",
            NEW_YORK,
            CronTrigger.fromCrontab("30 2 * * *", NEW_YORK),
            odt("2026-03-07T02:30-05:00"),
            odt("2026-03-10T12:00-04:00"),
            odt("2026-03-08T03:30-04:00")),
        argumentSet(
            "America/New_York daily 01:30 over the overlap",
            NEW_YORK,
            CronTrigger.fromCrontab("30 1 * * *", NEW_YORK),
            odt("2026-10-31T01:30-04:00"),
            odt("2026-11-03T12:00-05:00"),
            odt("2026-11-01T01:30-04:00")),
        argumentSet(
            "America/New_York every 30 minutes, from the first pass",
            NEW_YORK,
            CronTrigger.fromCrontab("*/30 * * * *", NEW_YORK),
            odt("2026-11-01T01:30-04:00"),
            odt("2026-11-02T12:00-05:00"),
            odt("2026-11-01T01:00-05:00")),
        argumentSet(
            "America/New_York hourly interval over the gap",
            NEW_YORK,
            IntervalTrigger.builder().hours(1).startAt(odt("2026-03-08T00:30-05:00")).build(),
            odt("2026-03-08T01:30-05:00"),
            odt("2026-03-08T12:00-04:00"),
            odt("2026-03-08T03:30-04:00")),
        argumentSet(
            "Europe/London daily 01:30 over the gap",
            LONDON,
            CronTrigger.fromCrontab("30 1 * * *", LONDON),
            odt("2026-03-28T01:30Z"),
            odt("2026-03-31T12:00+01:00"),
            odt("2026-03-29T02:30+01:00")),
        argumentSet(
            "Europe/London every 30 minutes, from the first pass",
            LONDON,
            CronTrigger.builder().minute("*/30").timezone(LONDON).build(),
            odt("2026-10-25T01:30+01:00"),
            odt("2026-10-26T12:00Z"),
            odt("2026-10-25T01:00Z")),
        argumentSet(
            "Europe/London hourly interval over the overlap",
            LONDON,
            IntervalTrigger.builder().hours(1).startAt(odt("2026-10-25T00:30+01:00")).build(),
            odt("2026-10-25T01:30+01:00"),
            odt("2026-10-26T12:00Z"),
            odt("2026-10-25T01:30Z")),
        argumentSet(
            "Europe/Berlin daily 02:30 over the gap",
            BERLIN,
            CronTrigger.builder().hour("2").minute("30").timezone(BERLIN).build(),
            odt("2026-03-28T02:30+01:00"),
            odt("2026-03-31T12:00+02:00"),
            odt("2026-03-29T03:30+02:00")),
        argumentSet(
            "Europe/Berlin every 30 minutes, from the first pass",
            BERLIN,
            CronTrigger.fromCrontab("*/30 * * * *", BERLIN),
            odt("2026-10-25T02:30+02:00"),
            odt("2026-10-26T12:00+01:00"),
            odt("2026-10-25T02:00+01:00")),
        argumentSet(
            "Australia/Lord_Howe daily 02:15 over the gap",
            LORD_HOWE,
            CronTrigger.fromCrontab("15 2 * * *", LORD_HOWE),
            odt("2026-10-03T02:15+10:30"),
            odt("2026-10-06T12:00+11:00"),
            odt("2026-10-04T02:45+11:00")),
        argumentSet(
            "Australia/Lord_Howe every 15 minutes, from the first pass",
            LORD_HOWE,
            CronTrigger.fromCrontab("*/15 * * * *", LORD_HOWE),
            odt("2026-04-05T01:45+11:00"),
            odt("2026-04-06T12:00+10:30"),
            odt("2026-04-05T01:30+10:30")),
        argumentSet(
            "Australia/Lord_Howe daily interval over the overlap",
            LORD_HOWE,
            IntervalTrigger.builder().days(1).startAt(odt("2026-04-03T09:00+11:00")).build(),
            odt("2026-04-04T09:00+11:00"),
            odt("2026-04-10T12:00+10:30"),
            odt("2026-04-05T08:30+10:30")),
        argumentSet(
            "Africa/Cairo daily 00:30 over the gap",
            CAIRO,
            CronTrigger.fromCrontab("30 0 * * *", CAIRO),
            odt("2026-04-23T00:30+02:00"),
            odt("2026-04-26T12:00+03:00"),
            odt("2026-04-24T01:30+03:00")),
        argumentSet(
            "Africa/Cairo every 30 minutes, from the first pass",
            CAIRO,
            CronTrigger.fromCrontab("*/30 * * * *", CAIRO),
            odt("2026-10-29T23:30+03:00"),
            odt("2026-10-31T12:00+02:00"),
            odt("2026-10-29T23:00+02:00")));
  }

  @ParameterizedTest
  @MethodSource("catchUpsAcrossTheChanges")
  void catchUpAfterTheChangeReturnsTheFirstTimeAfterThePreviousFireWithoutSkipping(
      ZoneId zone,
      Trigger trigger,
      OffsetDateTime previous,
      OffsetDateTime now,
      OffsetDateTime expected) {
    Optional<Instant> next = trigger.nextFireTime(zone, previous.toInstant(), now.toInstant());

    assertThat(next.map(t -> t.atZone(zone).toOffsetDateTime())).contains(expected);
  }

  // ------------------------------------------------------------------ date triggers

  static Stream<Arguments> naiveRunTimesAtTheChanges() {
    return Stream.of(
        argumentSet("America/New_York gap", NEW_YORK, "2026-03-08T02:30", "2026-03-08T03:30-04:00"),
        argumentSet(
            "America/New_York overlap", NEW_YORK, "2026-11-01T01:30", "2026-11-01T01:30-04:00"),
        argumentSet("Europe/London gap", LONDON, "2026-03-29T01:30", "2026-03-29T02:30+01:00"),
        argumentSet("Europe/London overlap", LONDON, "2026-10-25T01:30", "2026-10-25T01:30+01:00"),
        argumentSet("Europe/Berlin gap", BERLIN, "2026-03-29T02:30", "2026-03-29T03:30+02:00"),
        argumentSet("Europe/Berlin overlap", BERLIN, "2026-10-25T02:30", "2026-10-25T02:30+02:00"),
        argumentSet(
            "Australia/Lord_Howe gap", LORD_HOWE, "2026-10-04T02:15", "2026-10-04T02:45+11:00"),
        argumentSet(
            "Australia/Lord_Howe overlap", LORD_HOWE, "2026-04-05T01:45", "2026-04-05T01:45+11:00"),
        argumentSet("Africa/Cairo gap", CAIRO, "2026-04-24T00:30", "2026-04-24T01:30+03:00"),
        argumentSet(
            "Africa/Cairo gap at midnight", CAIRO, "2026-04-24T00:00", "2026-04-24T01:00+03:00"),
        argumentSet("Africa/Cairo overlap", CAIRO, "2026-10-29T23:30", "2026-10-29T23:30+03:00"),
        argumentSet("+05:30", PLUS_FIVE_THIRTY, "2026-03-08T02:30", "2026-03-08T02:30+05:30"));
  }

  @ParameterizedTest
  @MethodSource("naiveRunTimesAtTheChanges")
  void naiveDateRunTimeInAGapTakesThePreTransitionOffsetAndInAnOverlapTheEarlierOne(
      ZoneId zone, String naive, String expected) {
    Instant now = odt("2026-01-01T00:00Z").toInstant();
    LocalDateTime wall = LocalDateTime.parse(naive);

    Optional<Instant> ownZone = DateTrigger.at(wall, zone).nextFireTime(ZoneOffset.UTC, null, now);
    Optional<Instant> schedulerZone =
        DateTrigger.at(naive.replace('T', ' ') + ":00").nextFireTime(zone, null, now);

    assertThat(ownZone.map(t -> t.atZone(zone).toOffsetDateTime())).contains(odt(expected));
    assertThat(schedulerZone.map(t -> t.atZone(zone).toOffsetDateTime())).contains(odt(expected));
    assertThat(ownZone).contains(policyInstant(zone, wall));
  }

  // ------------------------------------------------------------------ fixed offsets

  @Test
  void fixedOffsetFiresAtTheExactWallTimeEveryDayTwentyFourHoursApart() {
    CronTrigger trigger = CronTrigger.fromCrontab("30 2 * * *", PLUS_FIVE);

    List<OffsetDateTime> fires =
        walkUntil(trigger, PLUS_FIVE, odt("2026-01-01T00:00+05:00"), odt("2028-01-01T00:00+05:00"));

    assertThat(fires).hasSize(365 + 365);
    assertThat(fires.get(0)).isEqualTo(odt("2026-01-01T02:30+05:00"));
    assertThat(fires.get(fires.size() - 1)).isEqualTo(odt("2027-12-31T02:30+05:00"));
    assertThat(fires)
        .allSatisfy(
            fire -> {
              assertThat(fire.toLocalTime()).isEqualTo(LocalTime.of(2, 30));
              assertThat(fire.getOffset()).isEqualTo(ZoneOffset.ofHours(5));
            });
    assertThat(spacings(fires)).containsOnly(Duration.ofDays(1));
  }

  @Test
  void fixedOffsetRepeatingScheduleKeepsItsSpacingOnOtherZonesChangeDays() {
    CronTrigger trigger = CronTrigger.builder().minute("*/30").timezone(PLUS_FIVE_THIRTY).build();

    for (OffsetDateTime start :
        odts(
            "2026-03-08T10:00+05:30", // New York springs forward at 12:30 +05:30
            "2026-03-29T05:00+05:30", // London and Berlin spring forward at 06:30 +05:30
            "2026-10-25T05:00+05:30",
            "2026-11-01T10:00+05:30")) {
      List<OffsetDateTime> fires = walk(trigger, PLUS_FIVE_THIRTY, start, 12);

      assertThat(fires.get(0)).isEqualTo(start);
      assertThat(fires.get(11)).isEqualTo(start.plusHours(5).plusMinutes(30));
      assertThat(spacings(fires)).containsOnly(Duration.ofMinutes(30));
    }
  }

  // ------------------------------------------------------------------ (9) a year of daily fires

  @Test
  void dailyTwoThirtyInNewYorkFiresExactlyOncePerCalendarDayForAWholeYear() {
    CronTrigger trigger = CronTrigger.builder().hour("2").minute("30").timezone(NEW_YORK).build();

    List<OffsetDateTime> fires =
        walkUntil(trigger, NEW_YORK, odt("2026-01-01T00:00-05:00"), odt("2027-01-01T00:00-05:00"));

    assertThat(fires).hasSize(365);
    assertThat(instants(fires)).doesNotHaveDuplicates().isSorted();
    assertThat(fires)
        .extracting(OffsetDateTime::toLocalDate)
        .containsExactlyElementsOf(daysOf2026());
    assertThat(fires)
        .contains(
            odt("2026-03-07T02:30-05:00"),
            odt("2026-03-08T03:30-04:00"),
            odt("2026-03-09T02:30-04:00"),
            odt("2026-11-01T02:30-05:00"));
    assertThat(fires)
        .filteredOn(fire -> !fire.toLocalTime().equals(LocalTime.of(2, 30)))
        .containsExactly(odt("2026-03-08T03:30-04:00"));
  }

  static Stream<Arguments> dailyTimesHittingTheChanges() {
    return Stream.of(
        argumentSet(
            "America/New_York 02:30 (gap)", NEW_YORK, 2, 30, odts("2026-03-08T03:30-04:00")),
        argumentSet(
            "America/New_York 01:30 (overlap)", NEW_YORK, 1, 30, odts("2026-11-01T01:30-04:00")),
        argumentSet(
            "Europe/London 01:30 (gap and overlap)",
            LONDON,
            1,
            30,
            odts("2026-03-29T02:30+01:00", "2026-10-25T01:30+01:00")),
        argumentSet(
            "Europe/Berlin 02:30 (gap and overlap)",
            BERLIN,
            2,
            30,
            odts("2026-03-29T03:30+02:00", "2026-10-25T02:30+02:00")),
        argumentSet(
            "Australia/Lord_Howe 02:15 (gap)", LORD_HOWE, 2, 15, odts("2026-10-04T02:45+11:00")),
        argumentSet(
            "Australia/Lord_Howe 01:45 (overlap)",
            LORD_HOWE,
            1,
            45,
            odts("2026-04-05T01:45+11:00")),
        argumentSet("Africa/Cairo 00:00 (gap)", CAIRO, 0, 0, odts("2026-04-24T01:00+03:00")),
        argumentSet("Africa/Cairo 00:30 (gap)", CAIRO, 0, 30, odts("2026-04-24T01:30+03:00")),
        argumentSet("Africa/Cairo 23:30 (overlap)", CAIRO, 23, 30, odts("2026-10-29T23:30+03:00")),
        argumentSet(
            "+05:30 02:30 (no changes)",
            PLUS_FIVE_THIRTY,
            2,
            30,
            odts("2026-03-08T02:30+05:30", "2026-11-01T02:30+05:30")));
  }

  @ParameterizedTest
  @MethodSource("dailyTimesHittingTheChanges")
  void dailyJobFiresExactlyOncePerCalendarDayForAWholeYear(
      ZoneId zone, int hour, int minute, List<OffsetDateTime> changeDayFires) {
    LocalTime time = LocalTime.of(hour, minute);
    OffsetDateTime start = LocalDate.of(2026, 1, 1).atStartOfDay(zone).toOffsetDateTime();
    OffsetDateTime end = LocalDate.of(2027, 1, 1).atStartOfDay(zone).toOffsetDateTime();

    for (CronTrigger trigger : daily(zone, hour, minute)) {
      List<OffsetDateTime> fires = walkUntil(trigger, zone, start, end);

      assertThat(fires).as("%s", trigger).hasSize(365);
      assertThat(instants(fires)).doesNotHaveDuplicates().isSorted();
      assertThat(fires)
          .extracting(OffsetDateTime::toLocalDate)
          .containsExactlyElementsOf(daysOf2026());
      assertThat(fires).containsAll(changeDayFires);
      assertThat(fires)
          .allSatisfy(
              fire ->
                  assertThat(fire.toInstant())
                      .isEqualTo(policyInstant(zone, fire.toLocalDate().atTime(time))));
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The same daily wall time in both forms: keyword fields and a crontab line. */
  private static List<CronTrigger> daily(ZoneId zone, int hour, int minute) {
    return List.of(
        CronTrigger.builder().hour(hour).minute(minute).timezone(zone).build(),
        CronTrigger.fromCrontab(minute + " " + hour + " * * *", zone));
  }

  /**
   * The instant the documented policy assigns to a wall time, derived from the JDK's rules: a wall
   * time that is skipped (gap) or repeated (overlap) is read in the offset before the transition;
   * any other wall time in its only offset.
   */
  private static Instant policyInstant(ZoneId zone, LocalDateTime wall) {
    ZoneRules rules = zone.getRules();
    ZoneOffsetTransition transition = rules.getTransition(wall);
    ZoneOffset offset = transition == null ? rules.getOffset(wall) : transition.getOffsetBefore();
    return wall.atOffset(offset).toInstant();
  }

  private static ZoneOffsetTransition firstTransition2026(ZoneId zone, boolean gap) {
    ZoneRules rules = zone.getRules();
    ZoneOffsetTransition t = rules.nextTransition(Instant.parse("2026-01-01T00:00:00Z"));
    while (t.isGap() != gap) {
      t = rules.nextTransition(t.getInstant());
    }
    assertThat(t.getInstant()).isBefore(Instant.parse("2027-01-01T00:00:00Z"));
    return t;
  }

  /** Walks a trigger as the scheduler does: now stays at {@code start}, previous advances. */
  private static List<OffsetDateTime> walk(
      Trigger trigger, ZoneId zone, OffsetDateTime start, int count) {
    List<OffsetDateTime> fires = new ArrayList<>();
    Instant now = start.toInstant();
    Instant previous = null;
    while (fires.size() < count) {
      Optional<Instant> next = trigger.nextFireTime(zone, previous, now);
      if (next.isEmpty()) {
        break;
      }
      if (previous != null) {
        assertThat(next.get()).as("the fire after %s", previous).isAfter(previous);
      }
      fires.add(next.get().atZone(zone).toOffsetDateTime());
      previous = next.get();
    }
    return fires;
  }

  /** Walks a trigger from {@code start} up to, not including, {@code end}. */
  private static List<OffsetDateTime> walkUntil(
      Trigger trigger, ZoneId zone, OffsetDateTime start, OffsetDateTime end) {
    List<OffsetDateTime> fires = new ArrayList<>();
    Instant now = start.toInstant();
    Instant previous = null;
    while (true) {
      Optional<Instant> next = trigger.nextFireTime(zone, previous, now);
      if (next.isEmpty() || !next.get().isBefore(end.toInstant())) {
        return fires;
      }
      if (previous != null) {
        assertThat(next.get()).as("the fire after %s", previous).isAfter(previous);
      }
      fires.add(next.get().atZone(zone).toOffsetDateTime());
      previous = next.get();
    }
  }

  private static List<Instant> instants(List<OffsetDateTime> fires) {
    return fires.stream().map(OffsetDateTime::toInstant).toList();
  }

  private static List<Duration> spacings(List<OffsetDateTime> fires) {
    List<Duration> spacings = new ArrayList<>();
    for (int i = 1; i < fires.size(); i++) {
      spacings.add(Duration.between(fires.get(i - 1), fires.get(i)));
    }
    return spacings;
  }

  private static List<LocalDate> daysOf2026() {
    return LocalDate.of(2026, 1, 1).datesUntil(LocalDate.of(2027, 1, 1)).toList();
  }

  private static OffsetDateTime odt(String text) {
    return OffsetDateTime.parse(text);
  }

  private static List<OffsetDateTime> odts(String... texts) {
    return Arrays.stream(texts).map(OffsetDateTime::parse).toList();
  }
}
