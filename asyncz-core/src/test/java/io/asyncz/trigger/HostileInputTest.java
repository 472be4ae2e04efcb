package io.asyncz.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.asyncz.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile numbers and date-times for every numeric option of every trigger, through the builders,
 * through {@link Triggers#create} (text, as configuration and {@code @ScheduledTask} give it) and
 * through {@link Triggers#fromState} (typed JSON numbers, as a store reads a record): each is
 * refused with an {@link InvalidInputException} that names the option and quotes the value, never
 * an {@link ArithmeticException} or a {@link java.time.DateTimeException} (which a store would not
 * quarantine) and never silently wrapped into another value. What is accepted never throws when
 * stepped.
 */
class HostileInputTest {
  private static final Instant NOW = Instant.parse("2026-01-15T10:17:23Z");

  private static TriggerState state(String alias, Map<String, Object> fields) {
    return new TriggerState(alias, fields);
  }

  private static Arguments refused(
      String name, Supplier<Trigger> create, String argument, String quoted, String reason) {
    return argumentSet(name, create, argument, quoted, reason);
  }

  @SuppressWarnings("deprecation") // the clock that fixes a start at build time
  static Stream<Arguments> hostile() {
    String tooLarge = "is too large";
    String outOfRange = "is outside the years 1-9999";
    return Stream.of(
        // ------------------------------------------------ interval, by builder
        refused(
            "builder weeks 2635249153387078803 (wrapped to 5 days)",
            () -> IntervalTrigger.builder().weeks(2635249153387078803L).startAt(NOW).build(),
            "weeks",
            "2635249153387078803",
            tooLarge),
        refused(
            "builder days 2e14 (ArithmeticException)",
            () -> IntervalTrigger.builder().days(200_000_000_000_000L).startAt(NOW).build(),
            "days",
            "200000000000000",
            tooLarge),
        refused(
            "builder days 1e13 (DateTimeException when stepped)",
            () -> IntervalTrigger.builder().days(10_000_000_000_000L).startAt(NOW).build(),
            "days",
            "10000000000000",
            tooLarge),
        refused(
            "builder hours Long.MAX_VALUE",
            () -> IntervalTrigger.builder().hours(Long.MAX_VALUE).startAt(NOW).build(),
            "hours",
            String.valueOf(Long.MAX_VALUE),
            tooLarge),
        refused(
            "builder minutes Long.MIN_VALUE",
            () -> IntervalTrigger.builder().minutes(Long.MIN_VALUE).startAt(NOW).build(),
            "minutes",
            String.valueOf(Long.MIN_VALUE),
            tooLarge),
        refused(
            "builder seconds Long.MAX_VALUE",
            () -> IntervalTrigger.builder().seconds(Long.MAX_VALUE).startAt(NOW).build(),
            "seconds",
            String.valueOf(Long.MAX_VALUE),
            tooLarge),
        refused(
            "builder interval of Long.MAX_VALUE seconds",
            () ->
                IntervalTrigger.builder()
                    .interval(Duration.ofSeconds(Long.MAX_VALUE))
                    .startAt(NOW)
                    .build(),
            "interval",
            "\"106751991167300 days",
            "is longer than 10,000 years"),
        refused(
            "builder parts adding up to more than 10,000 years",
            () -> IntervalTrigger.builder().weeks(521_775).days(1).startAt(NOW).build(),
            "interval",
            "\"3652426 days, 0:00:00\"",
            "is longer than 10,000 years"),
        refused(
            "builder default start after 9999 (now + interval)",
            () ->
                IntervalTrigger.builder()
                    .days(3_000_000)
                    .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                    .build(),
            "interval",
            "\"3000000 days, 0:00:00\"",
            "puts the first run (now + interval) after the year 9999"),
        refused(
            "builder jitter 1e10 s",
            () ->
                IntervalTrigger.builder()
                    .hours(1)
                    .startAt(NOW)
                    .jitter(Duration.ofSeconds(10_000_000_000L))
                    .build(),
            "jitter",
            "PT2777777H46M40S",
            tooLarge),
        refused(
            "builder start_at Instant.MAX (DateTimeException)",
            () -> IntervalTrigger.builder().hours(1).startAt(Instant.MAX).build(),
            "start_at",
            Instant.MAX.toString(),
            outOfRange),
        refused(
            "builder end_at LocalDateTime.MAX",
            () -> IntervalTrigger.builder().hours(1).startAt(NOW).endAt(LocalDateTime.MAX).build(),
            "end_at",
            LocalDateTime.MAX.toString(),
            outOfRange),
        refused(
            "builder start_at year 0",
            () -> IntervalTrigger.builder().hours(1).startAt(LocalDate.of(0, 1, 1)).build(),
            "start_at",
            "0000-01-01",
            outOfRange),
        // ------------------------------------------------ interval, by alias with text
        refused(
            "alias weeks \"2635249153387078803\"",
            () -> Triggers.create("interval", Map.of("weeks", "2635249153387078803")),
            "weeks",
            "\"2635249153387078803\"",
            tooLarge),
        refused(
            "alias days \"2e14\"",
            () -> Triggers.create("interval", Map.of("days", "2e14")),
            "days",
            "\"2e14\"",
            tooLarge),
        refused(
            "alias days \"1e13\"",
            () -> Triggers.create("interval", Map.of("days", "1e13")),
            "days",
            "\"1e13\"",
            tooLarge),
        refused(
            "alias minutes with 200 digits",
            () -> Triggers.create("interval", Map.of("minutes", "9".repeat(200))),
            "minutes",
            "\"999",
            tooLarge),
        refused(
            "alias hours \"1.5\"",
            () -> Triggers.create("interval", Map.of("hours", "1.5")),
            "hours",
            "\"1.5\"",
            "is not a whole number"),
        refused(
            "alias seconds \"1e12\"",
            () -> Triggers.create("interval", Map.of("seconds", "1e12")),
            "seconds",
            "\"1e12\"",
            tooLarge),
        refused(
            "alias seconds \"1e-10\"",
            () -> Triggers.create("interval", Map.of("seconds", "1e-10", "minutes", 1)),
            "seconds",
            "\"1e-10\"",
            "is finer than a nanosecond"),
        refused(
            "alias seconds \"NaN\"",
            () -> Triggers.create("interval", Map.of("seconds", "NaN")),
            "seconds",
            "\"NaN\"",
            "is not a number of seconds"),
        refused(
            "alias jitter \"1e10\" (refused as not a number)",
            () -> Triggers.create("interval", Map.of("hours", 1, "jitter", "1e10")),
            "jitter",
            "\"1e10\"",
            tooLarge),
        refused(
            "alias jitter \"PT99999999999999999H\"",
            () -> Triggers.create("interval", Map.of("hours", 1, "jitter", "PT99999999999999999H")),
            "jitter",
            "\"PT99999999999999999H\"",
            tooLarge),
        refused(
            "alias start_at \"+10000-01-01T00:00:00Z\"",
            () ->
                Triggers.create(
                    "interval", Map.of("hours", 1, "start_at", "+10000-01-01T00:00:00Z")),
            "start_at",
            "\"+10000-01-01T00:00:00Z\"",
            outOfRange),
        // ------------------------------------------------ interval, from a stored state
        refused(
            "state weeks 1000000000000000 (the issue's record)",
            () -> Triggers.fromState(state("interval", Map.of("weeks", 1_000_000_000_000_000L))),
            "weeks",
            "1000000000000000",
            tooLarge),
        refused(
            "state weeks as a BigInteger",
            () ->
                Triggers.fromState(
                    state("interval", Map.of("weeks", new BigInteger("1" + "0".repeat(30))))),
            "weeks",
            "1" + "0".repeat(30),
            tooLarge),
        refused(
            "state days 2E+14 as a BigDecimal",
            () -> Triggers.fromState(state("interval", Map.of("days", new BigDecimal("2E+14")))),
            "days",
            "2E+14",
            tooLarge),
        refused(
            "state days 1e13 as a Double",
            () -> Triggers.fromState(state("interval", Map.of("days", 1e13))),
            "days",
            "1.0E13",
            tooLarge),
        refused(
            "state seconds Infinity",
            () ->
                Triggers.fromState(state("interval", Map.of("seconds", Double.POSITIVE_INFINITY))),
            "seconds",
            "Infinity",
            "is not a number of seconds"),
        refused(
            "state jitter 1e10 as a Double",
            () -> Triggers.fromState(state("interval", Map.of("hours", 1, "jitter", 1e10))),
            "jitter",
            "1.0E10",
            tooLarge),
        // ------------------------------------------------ cron
        refused(
            "cron year 10000",
            () -> Triggers.create("cron", Map.of("year", "10000")),
            "cron field 'year'",
            "\"10000\"",
            "is out of range 1970-9999"),
        refused(
            "cron year Long.MAX_VALUE",
            () -> Triggers.create("cron", Map.of("year", Long.MAX_VALUE)),
            "cron field 'year'",
            "\"" + Long.MAX_VALUE + "\"",
            "has a number that is too large"),
        refused(
            "cron second */99999999999",
            () -> Triggers.create("cron", Map.of("second", "*/99999999999")),
            "cron field 'second'",
            "\"*/99999999999\"",
            "has a number that is too large"),
        refused(
            "cron hour as a BigInteger",
            () ->
                Triggers.fromState(
                    state("cron", Map.of("hour", new BigInteger("99999999999999999999")))),
            "cron field 'hour'",
            "99999999999999999999",
            "expected a string or an integer"),
        refused(
            "crontab L-99999999999",
            () -> CronTrigger.fromCrontab("0 0 L-99999999999 * *"),
            "crontab field 'day-of-month'",
            "\"l-99999999999\"",
            "has a number that is too large"),
        refused(
            "crontab 5#99999999999",
            () -> CronTrigger.fromCrontab("0 0 * * 5#99999999999"),
            "crontab field 'day-of-week'",
            "\"5#99999999999\"",
            "has a number that is too large"),
        refused(
            "cron jitter 1e10",
            () -> Triggers.create("cron", Map.of("hour", "1", "jitter", "1e10")),
            "jitter",
            "\"1e10\"",
            tooLarge),
        refused(
            "cron jitter 367 days by builder",
            () -> CronTrigger.builder().hour(1).jitter(Duration.ofDays(367)).build(),
            "jitter",
            "PT8808H",
            tooLarge),
        refused(
            "cron start_at Instant.MIN",
            () -> CronTrigger.builder().hour(1).startAt(Instant.MIN).build(),
            "start_at",
            Instant.MIN.toString(),
            outOfRange),
        refused(
            "cron end_at \"+99999-12-31T00:00:00Z\" in a state",
            () ->
                Triggers.fromState(
                    state("cron", Map.of("hour", "1", "end_at", "+99999-12-31T00:00:00Z"))),
            "end_at",
            "\"+99999-12-31T00:00:00Z\"",
            outOfRange),
        // ------------------------------------------------ date
        refused(
            "date Instant.MAX (DateTimeException)",
            () -> DateTrigger.at(Instant.MAX),
            "run_at",
            Instant.MAX.toString(),
            outOfRange),
        refused(
            "date Instant.MIN",
            () -> DateTrigger.at(Instant.MIN),
            "run_at",
            Instant.MIN.toString(),
            outOfRange),
        refused(
            "date \"+10000-01-01T00:00:00Z\" in a state",
            () -> Triggers.fromState(state("date", Map.of("run_at", "+10000-01-01T00:00:00Z"))),
            "run_at",
            "\"+10000-01-01T00:00:00Z\"",
            outOfRange),
        refused(
            "date LocalDateTime.MIN",
            () -> DateTrigger.at(LocalDateTime.MIN),
            "run_at",
            LocalDateTime.MIN.toString(),
            outOfRange),
        // ------------------------------------------------ and / or
        refused(
            "or jitter 1e10",
            () ->
                Triggers.create(
                    "or",
                    Map.of(
                        "triggers",
                        List.of(Map.of("alias", "cron", "fields", Map.of("hour", "1"))),
                        "jitter",
                        "1e10")),
            "jitter",
            "\"1e10\"",
            tooLarge),
        refused(
            "and nested 33 levels deep",
            () -> {
              Trigger t = CronTrigger.builder().hour(1).build();
              for (int i = 0; i < 33; i++) {
                t = i % 2 == 0 ? AndTrigger.of(t) : OrTrigger.of(t);
              }
              return t;
            },
            "triggers",
            "\"33 levels of and/or\"",
            "nest too deeply; expected at most 32"));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void hostileValueIsRefusedNamingTheOptionAndQuotingTheValue(
      Supplier<Trigger> create, String argument, String quoted, String reason) {
    assertThatThrownBy(create::get)
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid " + argument + ": ")
        .hasMessageContaining(quoted)
        .hasMessageContaining(reason);
  }

  /** The largest values that are accepted, which the hostile ones lie just beyond. */
  @Test
  void valuesAtTheLimitsAreAccepted() {
    assertThat(
            IntervalTrigger.builder()
                .interval(IntervalTrigger.MAX_INTERVAL)
                .startAt(NOW)
                .build()
                .interval())
        .isEqualTo(Duration.ofDays(3_652_425));
    assertThat(
            Triggers.create(
                "interval", Map.of("seconds", "1e10", "start_at", "2026-01-01T00:00:00Z")))
        .isEqualTo(
            IntervalTrigger.builder()
                .seconds(10_000_000_000L)
                .startAt(Instant.parse("2026-01-01T00:00:00Z"))
                .build());
    assertThat(
            Triggers.create("interval", Map.of("seconds", "0.000000001", "start_at", "2026-01-01")))
        .extracting(t -> ((IntervalTrigger) t).interval())
        .isEqualTo(Duration.ofNanos(1));
    assertThat(CronTrigger.builder().hour(1).jitter(Triggers.MAX_JITTER).build().jitter())
        .contains(Duration.ofDays(366));
    assertThat(DateTrigger.at("9999-12-31T23:59:59.999999999-18:00").runAt().dateTime().getYear())
        .isEqualTo(9999);
    assertThat(DateTrigger.at("0001-01-01T00:00:00+18:00").runAt().dateTime().getYear())
        .isEqualTo(1);
  }

  // ------------------------------------------------------------------ accepted extremes never
  // throw

  static List<Trigger> extremes() {
    Instant lastSecond = Instant.parse("9999-12-31T23:59:59Z");
    return List.of(
        IntervalTrigger.builder()
            .interval(IntervalTrigger.MAX_INTERVAL)
            .startAt(lastSecond)
            .build(),
        IntervalTrigger.builder().interval(Duration.ofNanos(1)).startAt("0001-01-01").build(),
        IntervalTrigger.builder()
            .seconds(1)
            .startAt("0001-01-01")
            .endAt("9999-12-31T23:59:59.999999999Z")
            .jitter(Triggers.MAX_JITTER)
            .build(),
        CronTrigger.builder().second("*").build(),
        CronTrigger.builder()
            .year(9999)
            .month(12)
            .day(31)
            .hour(23)
            .minute(59)
            .second(59)
            .timezone("-12:00")
            .jitter(Triggers.MAX_JITTER)
            .build(),
        CronTrigger.builder()
            .second("*")
            .startAt("0001-01-01T00:00:00Z")
            .endAt("9999-12-31T23:59:59.999999999-18:00")
            .build(),
        DateTrigger.at("9999-12-31T23:59:59.999999999-18:00"),
        DateTrigger.at("0001-01-01T00:00:00+18:00"),
        OrTrigger.of(
            List.of(
                DateTrigger.at("9999-12-31T23:59:59.999999999-18:00"),
                IntervalTrigger.builder()
                    .interval(Duration.ofNanos(1))
                    .startAt(lastSecond)
                    .build()),
            Triggers.MAX_JITTER),
        AndTrigger.of(
            CronTrigger.builder().second("*").build(),
            IntervalTrigger.builder().seconds(1).startAt("0001-01-01").build()));
  }

  @Test
  void acceptedTriggersNeverThrowWhenSteppedNearTheEndsOfTime() {
    List<Instant> times =
        List.of(
            Instant.MIN,
            Instant.parse("0001-01-01T00:00:00Z"),
            Instant.EPOCH,
            NOW,
            Instant.parse("9999-12-31T23:59:59Z"),
            Instant.parse("+10000-01-02T00:00:00Z"),
            Instant.MAX.minusSeconds(1),
            Instant.MAX);
    List<Instant> previous = new ArrayList<>(times);
    previous.add(null);
    List<ZoneId> zones =
        List.of(
            ZoneOffset.UTC,
            ZoneOffset.ofHours(14),
            ZoneOffset.ofHours(-12),
            ZoneId.of("Europe/Berlin"));
    for (Trigger trigger : extremes()) {
      for (ZoneId zone : zones) {
        for (Instant p : previous) {
          for (Instant now : times) {
            if (!zone.getRules().isFixedOffset()
                && p != null
                && p.isBefore(NOW)
                && now.isAfter(NOW)) {
              continue; // eight thousand years of transitions: right, but slow for a unit test
            }
            String what = trigger + " in " + zone + ", previous=" + p + ", now=" + now;
            assertThatCode(
                    () -> {
                      Optional<Instant> next = trigger.nextFireTime(zone, p, now);
                      if (p != null && next.isPresent()) {
                        assertThat(next.get()).as(what).isAfter(p);
                      }
                      trigger.lastFireTimeUpTo(zone, p, now);
                      trigger.countFireTimesUpTo(zone, p, now);
                    })
                .as(what)
                .doesNotThrowAnyException();
          }
        }
        // Past the end of time there is no next time.
        assertThat(trigger.nextFireTime(zone, Instant.MAX, Instant.MAX))
            .as("%s", trigger)
            .isEmpty();
      }
    }
  }
}
