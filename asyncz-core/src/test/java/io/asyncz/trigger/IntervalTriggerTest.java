package io.asyncz.trigger;

import static io.asyncz.trigger.TriggerTesting.UTC;
import static io.asyncz.trigger.TriggerTesting.first;
import static io.asyncz.trigger.TriggerTesting.utc;
import static io.asyncz.trigger.TriggerTesting.utcTimes;
import static io.asyncz.trigger.TriggerTesting.walk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.asyncz.InvalidInputException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntervalTriggerTest {
  private static final Instant NOW = utc("2026-01-15T10:17:23");

  /** The deprecated clock still fixes the start when the trigger is built, as it always did. */
  @Test
  @SuppressWarnings("deprecation")
  void aClockFixesTheStartWhenTheTriggerIsBuilt() {
    Clock clock = Clock.fixed(NOW, UTC);
    IntervalTrigger t = IntervalTrigger.builder().minutes(5).clock(clock).build();
    assertThat(t.startAt().orElseThrow().toInstant(UTC)).isEqualTo(NOW.plusSeconds(300));
    assertThat(t.state().fields()).containsEntry("start_at", "2026-01-15T10:22:23Z");
    assertThat(walk(t, NOW, 3))
        .containsExactlyElementsOf(
            utcTimes("2026-01-15T10:22:23", "2026-01-15T10:27:23", "2026-01-15T10:32:23"));
  }

  @Test
  void allPartsAddUp() {
    IntervalTrigger t =
        IntervalTrigger.builder()
            .weeks(1)
            .days(2)
            .hours(3)
            .minutes(4)
            .seconds(5)
            .startAt("2026-01-01 00:00:00")
            .build();
    assertThat(t.interval()).isEqualTo(Duration.parse("P9DT3H4M5S"));
    assertThat(t).hasToString("interval[9 days, 3:04:05]");
  }

  @ParameterizedTest(name = "{0} s prints as {1}")
  @CsvSource(
      delimiter = '|',
      value = {"60|0:01:00", "3600|1:00:00", "86400|1 day, 0:00:00", "180061|2 days, 2:01:01"})
  void printsLikePythonTimedelta(long seconds, String text) {
    IntervalTrigger t =
        IntervalTrigger.builder().seconds(seconds).startAt("2026-01-01 00:00:00").build();
    assertThat(t).hasToString("interval[" + text + "]");
  }

  @Test
  void printsFractionsAsMicroseconds() {
    IntervalTrigger t =
        IntervalTrigger.builder().interval(Duration.ofMillis(1500)).startAt(NOW).build();
    assertThat(t).hasToString("interval[0:00:01.500000]");
  }

  @ParameterizedTest(name = "{0} prints as {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PT1H2M3.000000005S|1:02:03.000000005",
        "PT0.000001S|0:00:00.000001",
        "PT10H0.25S|10:00:00.250000",
        "P100DT23H59M59S|100 days, 23:59:59"
      })
  void printsEveryPartZeroPadded(String interval, String text) {
    IntervalTrigger t =
        IntervalTrigger.builder().interval(Duration.parse(interval)).startAt(NOW).build();
    assertThat(t).hasToString("interval[" + text + "]");
  }

  @Test
  void firstRunIsTheStartWhenTheStartIsAhead() {
    IntervalTrigger t = IntervalTrigger.builder().hours(1).startAt("2026-02-01 06:00:00").build();
    assertThat(first(t, NOW)).contains(utc("2026-02-01T06:00:00"));
  }

  @Test
  void firstRunAfterAPastStartIsTheNextPointOnItsGrid() {
    IntervalTrigger t =
        IntervalTrigger.builder().minutes(10).startAt("2026-01-15 08:03:00").build();
    assertThat(first(t, NOW)).contains(utc("2026-01-15T10:23:00"));
    assertThat(first(t, utc("2026-01-15T10:23:00"))).contains(utc("2026-01-15T10:23:00"));
  }

  @Test
  void catchUpAddsTheIntervalToThePreviousRun() {
    IntervalTrigger t =
        IntervalTrigger.builder().minutes(10).startAt("2026-01-15 08:03:00").build();
    Instant previous = utc("2026-01-15T08:13:00");
    assertThat(t.nextFireTime(UTC, previous, NOW)).contains(utc("2026-01-15T08:23:00"));
  }

  @Test
  void endBoundIsInclusive() {
    IntervalTrigger t =
        IntervalTrigger.builder()
            .hours(1)
            .startAt("2026-01-15 10:00:00")
            .endAt("2026-01-15 12:00:00")
            .build();
    assertThat(walk(t, utc("2026-01-15T09:00:00"), 10))
        .containsExactlyElementsOf(
            utcTimes("2026-01-15T10:00:00", "2026-01-15T11:00:00", "2026-01-15T12:00:00"));
  }

  @Test
  void naiveStartTakesTheTriggerZoneOrTheSchedulerZone() {
    ZoneId tokyo = ZoneId.of("Asia/Tokyo");
    IntervalTrigger own =
        IntervalTrigger.builder().hours(1).timezone(tokyo).startAt("2026-02-01 06:00:00").build();
    assertThat(first(own, NOW)).contains(utc("2026-01-31T21:00:00"));
    IntervalTrigger inherited =
        IntervalTrigger.builder().hours(1).startAt("2026-02-01 06:00:00").build();
    assertThat(inherited.nextFireTime(tokyo, null, NOW)).contains(utc("2026-01-31T21:00:00"));
  }

  @Test
  void addsElapsedTimeAcrossDaylightSaving() {
    ZoneId newYork = ZoneId.of("America/New_York");
    IntervalTrigger t =
        IntervalTrigger.builder().days(1).timezone(newYork).startAt("2026-03-07 09:00:00").build();
    assertThat(walk(t, newYork, utc("2026-03-07T00:00:00"), 2))
        .containsExactly(
            ZonedDateTime.parse("2026-03-07T09:00-05:00[America/New_York]").toInstant(),
            ZonedDateTime.parse("2026-03-08T10:00-04:00[America/New_York]").toInstant());
  }

  @Test
  void jitterStaysWithinItsBound() {
    IntervalTrigger t =
        IntervalTrigger.builder()
            .minutes(1)
            .startAt("2026-01-15 10:00:00")
            .jitter(Duration.ofSeconds(10))
            .build();
    for (int i = 0; i < 500; i++) {
      assertThat(first(t, NOW).orElseThrow())
          .isBetween(utc("2026-01-15T10:18:00"), utc("2026-01-15T10:18:10"));
    }
  }

  @Test
  void lastFireTimeUpToJumpsStraightToTheLastMissedRun() {
    IntervalTrigger t =
        IntervalTrigger.builder().interval(Duration.ofMillis(1)).startAt(NOW).build();
    Instant dayLater = NOW.plus(Duration.ofDays(1)).plusNanos(500_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(1),
        () ->
            assertThat(t.lastFireTimeUpTo(UTC, NOW, dayLater))
                .contains(NOW.plus(Duration.ofDays(1))));
    assertThat(t.lastFireTimeUpTo(UTC, NOW, NOW.plusNanos(999_999))).isEmpty();
    IntervalTrigger bounded =
        IntervalTrigger.builder()
            .hours(1)
            .startAt(NOW)
            .endAt(NOW.plusSeconds(3 * 3600 + 5))
            .build();
    assertThat(bounded.lastFireTimeUpTo(UTC, NOW, NOW.plus(Duration.ofDays(2))))
        .contains(NOW.plusSeconds(3 * 3600));
    // The default walk gives the same answer.
    CronTrigger hourly = CronTrigger.builder().minute(0).build();
    assertThat(hourly.lastFireTimeUpTo(UTC, utc("2026-01-15T06:00:00"), NOW))
        .contains(utc("2026-01-15T10:00:00"));
  }

  @Test
  void zeroIntervalIsRefused() {
    assertThatThrownBy(() -> IntervalTrigger.builder().build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid interval: \"0:00:00\" is not positive; expected an interval of more than 0"
                + " seconds");
  }

  @Test
  void negativeIntervalIsRefused() {
    assertThatThrownBy(() -> Triggers.create("interval", Map.of("minutes", -5)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid interval: \"-1 day, 23:55:00\" is not positive");
  }

  @Test
  void endBeforeStartIsRefused() {
    assertThatThrownBy(
            () ->
                IntervalTrigger.builder()
                    .hours(1)
                    .startAt("2026-02-01 00:00:00")
                    .endAt("2026-01-01 00:00:00")
                    .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid end_at: \"2026-01-01T00:00:00\" is before start_at");
  }

  @Test
  void aliasFormReadsTheSeedsOptions() {
    Trigger t =
        Triggers.create(
            "interval",
            Map.of("hours", 2, "seconds", "1.5", "start_at", "2026-01-01T00:00:00Z", "jitter", 3));
    assertThat(t)
        .isEqualTo(
            IntervalTrigger.builder()
                .interval(Duration.ofMillis(7_201_500))
                .startAt(Instant.parse("2026-01-01T00:00:00Z"))
                .jitter(Duration.ofSeconds(3))
                .build());
  }

  @Test
  void aliasFormRefusesNonNumbersAndUnknownOptions() {
    assertThatThrownBy(() -> Triggers.create("interval", Map.of("hours", "two")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid hours: \"two\" is not a whole number");
    assertThatThrownBy(() -> Triggers.create("interval", Map.of("hour", 2)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid interval trigger option: \"hour\" is not an option of the interval trigger;"
                + " expected one of [days, end_at, hours, jitter, minutes, seconds, start_at,"
                + " timezone, weeks]");
  }
}
