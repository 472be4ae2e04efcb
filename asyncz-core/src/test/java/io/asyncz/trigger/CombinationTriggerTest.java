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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CombinationTriggerTest {
  private static final Instant NOW = utc("2026-01-15T10:17:23");

  @Test
  void andFiresWhereAllPartsAgree() {
    AndTrigger t =
        AndTrigger.of(
            CronTrigger.builder().day(13).build(), CronTrigger.builder().dayOfWeek("fri").build());
    assertThat(walk(t, NOW, 3))
        .containsExactlyElementsOf(
            utcTimes("2026-02-13T00:00:00", "2026-03-13T00:00:00", "2026-11-13T00:00:00"));
  }

  @Test
  void andOfCronAndIntervalAlignsBothGrids() {
    AndTrigger t =
        AndTrigger.of(
            CronTrigger.builder().minute("*/5").build(),
            IntervalTrigger.builder().minutes(7).startAt("2026-01-15 10:00:00").build());
    assertThat(walk(t, NOW, 2))
        .containsExactlyElementsOf(utcTimes("2026-01-15T10:35:00", "2026-01-15T11:10:00"));
  }

  @Test
  void andOfDisjointSchedulesEndsInsteadOfLooping() {
    AndTrigger t =
        AndTrigger.of(CronTrigger.builder().hour(1).build(), CronTrigger.builder().hour(2).build());
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(first(t, NOW)).isEmpty());
    AndTrigger pastDate =
        AndTrigger.of(DateTrigger.at("2020-01-01 00:00:00"), CronTrigger.builder().hour(1).build());
    assertTimeoutPreemptively(
        Duration.ofSeconds(5), () -> assertThat(first(pastDate, NOW)).isEmpty());
  }

  /**
   * An And of {@code hour=1} and {@code hour=2} never agrees where the clocks never jump from 01:00
   * to 02:00; in London they do, and 01:00 GMT (inside the gap) and 02:00 BST are one instant.
   */
  @Test
  void andOfHourOneAndHourTwoAgreesOnlyWhereTheClocksJumpFromOneToTwo() {
    AndTrigger t =
        AndTrigger.of(CronTrigger.builder().hour(1).build(), CronTrigger.builder().hour(2).build());
    Instant newYear = utc("2026-01-01T00:00:00");
    for (String zone : List.of("UTC", "+05:30", "America/New_York", "Europe/Berlin")) {
      assertThat(t.nextFireTime(ZoneId.of(zone), null, newYear)).as(zone).isEmpty();
    }
    ZoneId london = ZoneId.of("Europe/London");
    assertThat(walk(t, london, newYear, 2))
        .containsExactlyElementsOf(utcTimes("2026-03-29T01:00:00", "2027-03-28T01:00:00"));
  }

  @Test
  void andIsFinishedWhenAnyPartIs() {
    AndTrigger t =
        AndTrigger.of(
            CronTrigger.builder().hour(6).endAt("2026-01-17T23:00:00Z").build(),
            CronTrigger.builder().minute(0).build());
    assertThat(walk(t, NOW, 5))
        .containsExactlyElementsOf(utcTimes("2026-01-16T06:00:00", "2026-01-17T06:00:00"));
  }

  @Test
  void orFiresAtTheEarliestOfItsParts() {
    OrTrigger t =
        OrTrigger.of(
            CronTrigger.builder().hour(8).build(),
            CronTrigger.builder().hour(20).minute(30).build());
    assertThat(walk(t, NOW, 4))
        .containsExactlyElementsOf(
            utcTimes(
                "2026-01-15T20:30:00",
                "2026-01-16T08:00:00",
                "2026-01-16T20:30:00",
                "2026-01-17T08:00:00"));
  }

  @Test
  void orIsFinishedOnlyWhenAllPartsAre() {
    OrTrigger t =
        OrTrigger.of(
            DateTrigger.at("2026-01-20 00:00:00"),
            CronTrigger.builder().hour(12).endAt("2026-01-16T12:00:00Z").build());
    assertThat(walk(t, NOW, 5))
        .containsExactlyElementsOf(
            utcTimes("2026-01-15T12:00:00", "2026-01-16T12:00:00", "2026-01-20T00:00:00"));
  }

  /**
   * In an Or, the previous fire time may be another part's: the date part still fires at its date
   * after the interval fired, and also after a forced run (previous = now) before the date.
   */
  @Test
  void orKeepsItsDateAfterAnotherPartFired() {
    OrTrigger t =
        OrTrigger.of(
            DateTrigger.at("2026-01-15 10:30:00"),
            IntervalTrigger.builder().minutes(10).startAt("2026-01-15 10:05:00").build());
    assertThat(walk(t, NOW, 4))
        .containsExactlyElementsOf(
            utcTimes(
                "2026-01-15T10:25:00",
                "2026-01-15T10:30:00",
                "2026-01-15T10:40:00",
                "2026-01-15T10:50:00"));
    // A forced run at 10:29 (previous = now): the interval's next is 10:39, the date's 10:30.
    Instant forced = utc("2026-01-15T10:29:00");
    assertThat(t.nextFireTime(UTC, forced, forced)).contains(utc("2026-01-15T10:30:00"));
  }

  /** In an And, a previous time before the date (a forced run) leaves the date to agree on. */
  @Test
  void andKeepsItsDateAfterAnEarlierPreviousTime() {
    AndTrigger t =
        AndTrigger.of(
            DateTrigger.at("2026-01-15 10:30:00"), CronTrigger.builder().minute("*/5").build());
    assertThat(t.nextFireTime(UTC, NOW, NOW)).contains(utc("2026-01-15T10:30:00"));
    assertThat(t.nextFireTime(UTC, utc("2026-01-15T10:30:00"), NOW)).isEmpty();
    Trigger nested =
        OrTrigger.of(t, IntervalTrigger.builder().hours(1).startAt("2026-01-15 10:20:00").build());
    assertThat(walk(nested, NOW, 3))
        .containsExactlyElementsOf(
            utcTimes("2026-01-15T10:20:00", "2026-01-15T10:30:00", "2026-01-15T11:30:00"));
  }

  /**
   * An Or inside an And still fires after its date part's date has passed: the And's later search
   * rounds ask the Or for its first time at or after the candidate, where a past date is no answer.
   */
  @Test
  void andOfAnOrWhoseDateHasPassedFiresWhereTheOrsOtherPartsAgree() {
    Trigger everyFiveMinutes =
        OrTrigger.of(
            DateTrigger.at("2026-01-15 10:20:00"), CronTrigger.builder().minute("*/5").build());
    AndTrigger withDate = AndTrigger.of(everyFiveMinutes, DateTrigger.at("2026-01-15 10:45:00"));
    assertThat(walk(withDate, UTC, NOW, 2)).containsExactly(utc("2026-01-15T10:45:00"));
    AndTrigger withHour = AndTrigger.of(everyFiveMinutes, CronTrigger.builder().hour(11).build());
    assertThat(walk(withHour, UTC, NOW, 2))
        .containsExactlyElementsOf(utcTimes("2026-01-15T11:00:00", "2026-01-16T11:00:00"));
    Instant evening = utc("2026-01-15T20:00:00");
    assertThat(withHour.nextFireTime(UTC, null, evening)).contains(utc("2026-01-16T11:00:00"));
  }

  /**
   * The case the missed-runs property found (seed 6721086493158080742): stepping, the last missed
   * time and the count agree that the And fires once, at its date part's date, where the Or's
   * every-second cron agrees; the Or's own date part passed nine days before.
   */
  @Test
  void missedRunsOfAnAndWithAPassedDateInsideItsOrAgreeWithStepping() {
    ZoneId cairo = ZoneId.of("Africa/Cairo");
    AndTrigger t =
        AndTrigger.of(
            OrTrigger.of(
                DateTrigger.at("2036-03-27 09:34:39", UTC),
                CronTrigger.builder().dayOfWeek("wed").hour("17/2").build(),
                OrTrigger.of(
                    CronTrigger.builder().build(),
                    CronTrigger.builder().day("6-8,16").hour("15-17").build(),
                    CronTrigger.builder().dayOfWeek("sat").hour(7).build())),
            DateTrigger.at("2036-04-04 18:47:59", UTC));
    Instant previous = utc("2036-03-19T04:28:33");
    Instant now = utc("2036-04-06T01:08:20");
    Instant date = utc("2036-04-04T18:47:59");
    assertThat(t.nextFireTime(cairo, previous, now)).contains(date);
    assertThat(t.nextFireTime(cairo, date, now)).isEmpty();
    assertThat(t.lastFireTimeUpTo(cairo, previous, now)).contains(date);
    assertThat(t.countFireTimesUpTo(cairo, previous, now)).hasValue(1);
  }

  @Test
  void jitterDelaysTheCombinedTime() {
    OrTrigger t =
        OrTrigger.of(List.of(CronTrigger.builder().hour(12).build()), Duration.ofSeconds(20));
    for (int i = 0; i < 200; i++) {
      assertThat(first(t, NOW).orElseThrow())
          .isBetween(utc("2026-01-15T12:00:00"), utc("2026-01-15T12:00:20"));
    }
  }

  @Test
  void printsTheSeedsForm() {
    Trigger t =
        AndTrigger.of(
            CronTrigger.builder().hour(5).build(),
            OrTrigger.of(
                IntervalTrigger.builder().minutes(1).startAt(NOW).build(),
                ShutdownTrigger.instance()));
    assertThat(t).hasToString("and[cron[hour='5'], or[interval[0:01:00], shutdown[]]]");
  }

  @Test
  void aliasFormTakesNestedStates() {
    Trigger t =
        Triggers.create(
            "or",
            Map.of(
                "triggers",
                List.of(
                    Map.of("alias", "cron", "fields", Map.of("hour", "8")),
                    Map.of("alias", "cron", "fields", Map.of("hour", "20")))));
    assertThat(t)
        .isEqualTo(
            OrTrigger.of(
                CronTrigger.builder().hour(8).build(), CronTrigger.builder().hour(20).build()));
  }

  @Test
  void emptyOrMalformedPartsAreRefused() {
    assertThatThrownBy(() -> AndTrigger.of())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid triggers: \"[]\" is empty; the and trigger needs at least one trigger");
    assertThatThrownBy(() -> Triggers.create("or", Map.of("triggers", "cron")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid triggers: \"cron\" is not a list; the or trigger needs a list of triggers");
    assertThatThrownBy(() -> Triggers.create("or", Map.of("triggers", List.of(42))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid triggers: 42 contains an item that is not a trigger");
    assertThatThrownBy(
            () ->
                Triggers.create(
                    "and",
                    Map.of("triggers", List.of(Map.of("alias", "cronn", "fields", Map.of())))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid trigger alias: \"cronn\" is not a known trigger");
  }

  @Test
  void shutdownTriggerNeverFiresOnASchedule() {
    assertThat(first(ShutdownTrigger.instance(), NOW)).isEmpty();
    assertThat(ShutdownTrigger.instance().nextFireTime(UTC, NOW, NOW)).isEmpty();
    assertThat(Triggers.create("shutdown", Map.of())).isSameAs(ShutdownTrigger.instance());
  }
}
