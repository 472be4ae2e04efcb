package io.asyncz.trigger;

import static io.asyncz.trigger.TriggerTesting.UTC;
import static io.asyncz.trigger.TriggerTesting.utc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One work bound per trigger computation, however deeply combinations nest; schedules that can
 * never fire answer empty. (The time limits here only guard against hangs; speed is measured by
 * {@code TriggerCatchUpBenchmark}.)
 */
class WorkBoundTest {
  private static final Instant NOW = utc("2026-01-15T10:17:23");
  private static final LocalDate NOW_DATE = LocalDate.of(2026, 1, 15);
  private static final Duration HANG_GUARD = Duration.ofSeconds(2);

  /** Counts the evaluations of a trigger, to check the bound without timing anything. */
  static final class Counting implements Trigger {
    private final Trigger inner;
    private final AtomicLong calls;

    Counting(Trigger inner, AtomicLong calls) {
      this.inner = inner;
      this.calls = calls;
    }

    @Override
    public String alias() {
      return inner.alias();
    }

    @Override
    public Optional<Instant> nextFireTime(ZoneId zone, Instant previous, Instant now) {
      calls.incrementAndGet();
      return inner.nextFireTime(zone, previous, now);
    }

    @Override
    public TriggerState state() {
      return inner.state();
    }
  }

  private static IntervalTrigger every(double seconds, Instant start) {
    return IntervalTrigger.builder()
        .interval(Duration.ofNanos((long) (seconds * 1e9)))
        .startAt(start)
        .build();
  }

  /**
   * The nested example of the reliability issue: the inner And agrees every 3001 × 3011 s, on whole
   * seconds; the 2 s grid offset by half a second never meets it. Each level used to have its own
   * round limit, so one next time took more than 30 s.
   */
  @Test
  void nestedAndThatNeverAgreesIsAnsweredWithinOneBound() {
    AtomicLong calls = new AtomicLong();
    Instant start = utc("2026-01-01T00:00:00");
    Trigger and =
        AndTrigger.of(
            AndTrigger.of(
                new Counting(every(3001, start), calls), new Counting(every(3011, start), calls)),
            new Counting(every(2, start.plusMillis(500)), calls));

    Optional<Instant> next =
        assertTimeoutPreemptively(HANG_GUARD, () -> and.nextFireTime(UTC, null, NOW));

    assertThat(next).isEmpty();
    assertThat(calls.get()).isLessThanOrEqualTo(Triggers.MAX_EVALUATIONS);
  }

  /** The bound is per computation: nesting four levels deep does not multiply it. */
  @Test
  void deeperNestingSharesTheSameBound() {
    AtomicLong calls = new AtomicLong();
    Instant start = utc("2026-01-01T00:00:00");
    Trigger inner =
        AndTrigger.of(
            new Counting(every(3001, start), calls), new Counting(every(3011, start), calls));
    for (int level = 0; level < 3; level++) {
      inner =
          level % 2 == 0
              ? AndTrigger.of(inner, new Counting(every(2, start.plusMillis(500)), calls))
              : OrTrigger.of(inner, new Counting(every(7, start.plusMillis(250)), calls));
    }
    Trigger nested = inner;

    assertTimeoutPreemptively(HANG_GUARD, () -> nested.nextFireTime(UTC, null, NOW));
    assertThat(calls.get()).isLessThanOrEqualTo(Triggers.MAX_EVALUATIONS);
  }

  /** Agreement that takes many rounds is still found within the bound: 3001 × 3011 s apart. */
  @Test
  void aRareButRealAgreementIsStillFound() {
    Instant start = utc("2026-01-01T00:00:00");
    AndTrigger and = AndTrigger.of(every(3001, start), every(3011, start));
    Instant first = start.plusSeconds(3001L * 3011);

    assertThat(assertTimeoutPreemptively(HANG_GUARD, () -> and.nextFireTime(UTC, null, NOW)))
        .contains(first);
  }

  /** And: the bound holds for lastFireTimeUpTo and countFireTimesUpTo too. */
  @Test
  void missedRunsOfANeverAgreeingAndAreBounded() {
    AtomicLong calls = new AtomicLong();
    Instant start = utc("2026-01-01T00:00:00");
    Trigger and =
        AndTrigger.of(
            AndTrigger.of(
                new Counting(every(3001, start), calls), new Counting(every(3011, start), calls)),
            new Counting(every(2, start.plusMillis(500)), calls));
    Instant previous = NOW;
    Instant now = NOW.plus(Duration.ofDays(365));

    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          assertThat(and.lastFireTimeUpTo(UTC, previous, now)).isEmpty();
          assertThat(and.countFireTimesUpTo(UTC, previous, now)).isEmpty();
        });
    assertThat(calls.get()).isLessThanOrEqualTo(2L * Triggers.MAX_EVALUATIONS);
  }

  /**
   * A custom trigger's default last time and count step at most {@link Triggers#MAX_EVALUATIONS}
   * times: the count is then unknown, and the last time is the latest reached.
   */
  @Test
  void defaultSteppingOfACustomTriggerIsBounded() {
    AtomicLong calls = new AtomicLong();
    Trigger custom = new Counting(every(1, NOW), calls);
    Instant now = NOW.plus(Duration.ofDays(1));

    assertThat(custom.countFireTimesUpTo(UTC, NOW, now)).isEmpty();
    Instant last = custom.lastFireTimeUpTo(UTC, NOW, now).orElseThrow();
    assertThat(last).isEqualTo(NOW.plusSeconds(Triggers.MAX_EVALUATIONS));
    assertThat(calls.get()).isLessThanOrEqualTo(2L * Triggers.MAX_EVALUATIONS);
    // Within the bound it is exact.
    assertThat(custom.countFireTimesUpTo(UTC, NOW, NOW.plusSeconds(100))).hasValue(100);
  }

  // ------------------------------------------------------------------ cron that never fires

  static Stream<Arguments> neverFiring() {
    return Stream.of(
        Arguments.of("week=1, day=15", CronTrigger.builder().week(1).day(15).build()),
        Arguments.of("week=1, month=6", CronTrigger.builder().week(1).month(6).build()),
        Arguments.of("week=26, month=jan", CronTrigger.builder().month("jan").week(26).build()),
        Arguments.of("week=2-5, month=12", CronTrigger.builder().month(12).week("2-5").build()),
        Arguments.of(
            "week=53, month=1, day=10", CronTrigger.builder().month(1).day(10).week(53).build()),
        Arguments.of("month=2, day=30", CronTrigger.builder().month(2).day(30).build()),
        Arguments.of(
            "day=31 in 30-day months", CronTrigger.builder().month("4,6,9,11").day(31).build()),
        Arguments.of("week=1, day=2nd mon", CronTrigger.builder().week(1).day("2nd mon").build()),
        // January 3 is in the last week of the year before only when that year has 53 weeks.
        Arguments.of(
            "week=52, month=1, day=3", CronTrigger.builder().month(1).day(3).week(52).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("neverFiring")
  void cronThatCanNeverFireIsEmpty(String name, CronTrigger trigger) {
    for (ZoneId zone :
        List.of(UTC, ZoneId.of("America/New_York"), ZoneId.of("Australia/Lord_Howe"))) {
      assertThat(trigger.nextFireTime(zone, null, NOW)).as("%s in %s", name, zone).isEmpty();
      assertThat(trigger.nextFireTime(zone, NOW, NOW)).as("%s in %s", name, zone).isEmpty();
      assertThat(trigger.lastFireTimeUpTo(zone, utc("1990-01-01T00:00:00"), NOW)).isEmpty();
      assertThat(trigger.countFireTimesUpTo(zone, utc("1990-01-01T00:00:00"), NOW)).hasValue(0);
    }
  }

  /**
   * The weeks that reach into the next or previous year: ISO week 1 can hold December 29-31 and
   * week 52 or 53 January 1-3, so those months are still searched for them (against a scan with
   * {@link IsoFields}).
   */
  @ParameterizedTest(name = "month={0}, day={1}, week={2}")
  @CsvSource({"12,29,1", "12,31,1", "1,1,53", "1,3,53", "1,2,52", "1,1,52", "12,28,52", "1,4,1"})
  void weeksAtTheTurnOfTheYearFindTheirDaysInTheOtherYear(int month, int day, int week) {
    CronTrigger trigger = CronTrigger.builder().month(month).day(day).week(week).build();
    List<Instant> expected = new ArrayList<>();
    for (int year = 2026; year < 2080; year++) {
      LocalDate date = LocalDate.of(year, month, day);
      if (date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) == week && date.isAfter(NOW_DATE)) {
        expected.add(date.atStartOfDay(UTC).toInstant());
      }
    }
    assertThat(expected).isNotEmpty();
    assertThat(TriggerTesting.walk(trigger, NOW, expected.size())).isEqualTo(expected);
    Instant last = expected.get(expected.size() - 1);
    assertThat(trigger.lastFireTimeUpTo(UTC, NOW, last.plusSeconds(86_400))).contains(last);
    assertThat(trigger.countFireTimesUpTo(UTC, NOW, last)).hasValue(expected.size());
  }
}
