package io.asyncz.trigger;

import static io.asyncz.trigger.TriggerTesting.UTC;
import static io.asyncz.trigger.TriggerTesting.first;
import static io.asyncz.trigger.TriggerTesting.utc;
import static io.asyncz.trigger.TriggerTesting.walk;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An interval trigger built without a start time reads no clock: its first fire time is one
 * interval after the {@code now} it is first asked with, and its state stores no start.
 */
class IntervalWithoutStartTest {
  // Far from the system clock's time, so a trigger that read the system clock would show it.
  private static final Instant NOW = utc("2031-05-04T09:00:17");

  @Test
  void firstFireTimeIsOneIntervalAfterTheNowItIsAskedWith() {
    IntervalTrigger t = IntervalTrigger.every(Duration.ofMinutes(5));
    assertThat(first(t, NOW)).contains(NOW.plusSeconds(300));
    assertThat(first(t, NOW.plusSeconds(3600))).contains(NOW.plusSeconds(3900));
    assertThat(walk(t, NOW, 3))
        .containsExactly(NOW.plusSeconds(300), NOW.plusSeconds(600), NOW.plusSeconds(900));
  }

  @Test
  void nothingIsDueBeforeTheFirstFireTime() {
    IntervalTrigger t = IntervalTrigger.every(Duration.ofMinutes(5));
    assertThat(t.lastFireTimeUpTo(UTC, null, NOW)).isEmpty();
    assertThat(t.countFireTimesUpTo(UTC, null, NOW)).hasValue(0);
    assertThat(t.lastFireTimeUpTo(UTC, NOW, NOW.plusSeconds(1000))).contains(NOW.plusSeconds(900));
  }

  @Test
  void itsStateHoldsNoStartAndRebuildsAnEqualTrigger() {
    IntervalTrigger t =
        IntervalTrigger.builder().minutes(15).timezone(ZoneId.of("Europe/Berlin")).build();
    assertThat(t.state().fields())
        .containsExactlyInAnyOrderEntriesOf(Map.of("minutes", 15L, "timezone", "Europe/Berlin"));
    Trigger rebuilt = Triggers.fromState(t.state());
    assertThat(rebuilt).isEqualTo(t).hasSameHashCodeAs(t).hasToString("interval[0:15:00]");
    assertThat(first(rebuilt, NOW)).contains(NOW.plusSeconds(900));
    assertThat(t).isNotEqualTo(IntervalTrigger.builder().minutes(15).startAt(NOW).build());
  }

  @Test
  void theAliasFormWithoutStartAtReadsNoClockEither() {
    Trigger t = Triggers.create("interval", Map.of("minutes", 5));
    assertThat(t).isEqualTo(IntervalTrigger.every(Duration.ofMinutes(5)));
    assertThat(first(t, NOW)).contains(NOW.plusSeconds(300));
  }

  /** A record written before this change holds the computed start; it keeps its grid. */
  @Test
  void aStoredStartComputedAtCreationStillReads() {
    TriggerState old =
        new TriggerState("interval", Map.of("minutes", 5, "start_at", "2031-05-04T08:58:00Z"));
    Trigger t = Triggers.fromState(old);
    assertThat(first(t, NOW)).contains(utc("2031-05-04T09:03:00"));
    assertThat(t.state().fields()).containsEntry("start_at", "2031-05-04T08:58:00Z");
  }

  @Test
  void anEndBeforeTheFirstFireTimeMeansNoFireTime() {
    IntervalTrigger t = IntervalTrigger.builder().hours(1).endAt(NOW.plusSeconds(1800)).build();
    assertThat(first(t, NOW)).isEmpty();
    assertThat(first(t, NOW.minusSeconds(1800))).contains(NOW.plusSeconds(1800));
    assertThat(walk(t, NOW.minusSeconds(7200), 5)).containsExactly(NOW.minusSeconds(3600), NOW);
  }

  @Test
  void jitterDelaysTheFirstFireTimeFromNowPlusTheInterval() {
    IntervalTrigger t = IntervalTrigger.builder().minutes(1).jitter(Duration.ofSeconds(10)).build();
    for (int i = 0; i < 200; i++) {
      assertThat(first(t, NOW).orElseThrow()).isBetween(NOW.plusSeconds(60), NOW.plusSeconds(70));
    }
  }

  @Test
  void aFirstFireTimeAfterTheYear9999IsNoFireTime() {
    IntervalTrigger t = IntervalTrigger.builder().days(3_000_000).build();
    assertThat(first(t, NOW)).isEmpty();
    assertThat(first(t, utc("0001-01-01T00:00:00"))).contains(utc("8214-09-22T00:00:00"));
  }

  // On a whole minute, so that the 7-minute grid meets the cron parts' second 0.
  private static final Instant COMBINED_NOW = utc("2031-05-04T09:00:00");

  static Stream<Arguments> combinations() {
    Duration seven = Duration.ofMinutes(7);
    Duration ninety = Duration.ofSeconds(90);
    return Stream.of(
        Arguments.of(
            "and(every 7 min, minute */10)",
            (Function<Function<Duration, Trigger>, Trigger>)
                every ->
                    AndTrigger.of(
                        every.apply(seven), CronTrigger.builder().minute("*/10").build())),
        Arguments.of(
            "and(and(every 7 min, minute */10), hour */2)",
            (Function<Function<Duration, Trigger>, Trigger>)
                every ->
                    AndTrigger.of(
                        AndTrigger.of(
                            every.apply(seven), CronTrigger.builder().minute("*/10").build()),
                        CronTrigger.builder().hour("*/2").minute("*").build())),
        Arguments.of(
            "or(every 7 min, minute 30)",
            (Function<Function<Duration, Trigger>, Trigger>)
                every ->
                    OrTrigger.of(every.apply(seven), CronTrigger.builder().minute(30).build())),
        Arguments.of(
            "and(every 90 s, every 7 min)",
            (Function<Function<Duration, Trigger>, Trigger>)
                every -> AndTrigger.of(every.apply(ninety), every.apply(seven))));
  }

  /**
   * Inside an And or an Or, an interval without a start keeps the grid that a start of {@code now +
   * interval} gives, before and after the combination fires: the same times as the trigger with
   * that start. (Its grid runs through the combination's previous fire time, which lies on the grid
   * of every part of an And.)
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("combinations")
  void insideACombinationItKeepsTheGridOfNowPlusTheInterval(
      String name, Function<Function<Duration, Trigger>, Trigger> combination) {
    Trigger lazy = combination.apply(IntervalTrigger::every);
    Trigger started =
        combination.apply(
            d -> IntervalTrigger.builder().interval(d).startAt(COMBINED_NOW.plus(d)).build());
    List<Instant> expected = walk(started, COMBINED_NOW, 6);
    assertThat(expected).hasSize(6);
    assertThat(walk(lazy, COMBINED_NOW, 6)).isEqualTo(expected);
    Instant later = expected.get(5).plus(Duration.ofDays(1));
    assertThat(lazy.lastFireTimeUpTo(UTC, expected.get(0), later))
        .isEqualTo(started.lastFireTimeUpTo(UTC, expected.get(0), later));
    assertThat(lazy.countFireTimesUpTo(UTC, expected.get(0), later))
        .isEqualTo(started.countFireTimesUpTo(UTC, expected.get(0), later));
  }
}
