package io.asyncz.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The typed builder methods give the same triggers, and refuse the same input with the same
 * messages, as the alias form (which takes the values as configuration gives them, {@code Object}s)
 * and the string forms.
 */
class TypedOverloadsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Instant INSTANT = Instant.parse("2026-03-09T13:30:00Z");
  private static final ZonedDateTime ZONED =
      ZonedDateTime.of(2026, 3, 9, 14, 30, 0, 0, ZoneId.of("Europe/Paris"));
  private static final OffsetDateTime OFFSET =
      OffsetDateTime.of(2026, 3, 9, 14, 30, 0, 0, ZoneOffset.ofHours(2));
  private static final LocalDateTime LOCAL = LocalDateTime.of(2026, 3, 9, 14, 30);
  private static final LocalDate DATE = LocalDate.of(2026, 3, 9);
  private static final String TEXT = "2026-03-09 14:30:00";

  private static Map<String, Object> options(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static Arguments row(String name, Supplier<Trigger> typed, Supplier<Trigger> reference) {
    return Arguments.of(name, typed, reference);
  }

  private static Trigger cron(Object... keysAndValues) {
    return Triggers.create("cron", options(keysAndValues));
  }

  private static Trigger interval(Object... keysAndValues) {
    Map<String, Object> map = options(keysAndValues);
    map.put("hours", 1);
    return Triggers.create("interval", map);
  }

  private static CronTrigger.Builder cronBuilder() {
    return CronTrigger.builder();
  }

  private static IntervalTrigger.Builder hourly() {
    return IntervalTrigger.builder().hours(1);
  }

  static Stream<Arguments> sameTriggers() {
    return Stream.of(
        // cron fields: an int, a String, and the Object the alias form takes
        row("year(int)", () -> cronBuilder().year(2027).build(), () -> cron("year", 2027)),
        row("year(String)", () -> cronBuilder().year("2027").build(), () -> cron("year", 2027)),
        row("month(int)", () -> cronBuilder().month(3).build(), () -> cron("month", 3)),
        row("month(String)", () -> cronBuilder().month("3").build(), () -> cron("month", "3")),
        row(
            "month(Month...)",
            () -> cronBuilder().month(Month.MARCH, Month.DECEMBER).build(),
            () -> cron("month", "mar,dec")),
        row("day(int)", () -> cronBuilder().day(13).build(), () -> cron("day", 13)),
        row(
            "day(String)",
            () -> cronBuilder().day("last fri").build(),
            () -> cron("day", "last fri")),
        row("week(int)", () -> cronBuilder().week(10).build(), () -> cron("week", 10)),
        row("week(String)", () -> cronBuilder().week("10").build(), () -> cron("week", 10)),
        row(
            "dayOfWeek(int), 0 = Monday",
            () -> cronBuilder().dayOfWeek(0).build(),
            () -> cron("day_of_week", 0)),
        row(
            "dayOfWeek(String)",
            () -> cronBuilder().dayOfWeek("mon-fri").build(),
            () -> cron("day_of_week", "mon-fri")),
        row(
            "dayOfWeek(DayOfWeek...)",
            () -> cronBuilder().dayOfWeek(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY).build(),
            () -> cron("day_of_week", "sat,sun")),
        row("hour(int)", () -> cronBuilder().hour(5).build(), () -> cron("hour", 5)),
        row("hour(String)", () -> cronBuilder().hour("*/2").build(), () -> cron("hour", "*/2")),
        row("minute(int)", () -> cronBuilder().minute(30).build(), () -> cron("minute", 30)),
        row("minute(String)", () -> cronBuilder().minute("30").build(), () -> cron("minute", 30)),
        row("second(int)", () -> cronBuilder().second(15).build(), () -> cron("second", 15)),
        row("second(String)", () -> cronBuilder().second("15").build(), () -> cron("second", 15)),
        // cron bounds and zone
        row(
            "cron startAt(Instant)",
            () -> cronBuilder().hour(5).startAt(INSTANT).build(),
            () -> cron("hour", 5, "start_at", INSTANT)),
        row(
            "cron startAt(ZonedDateTime)",
            () -> cronBuilder().hour(5).startAt(ZONED).build(),
            () -> cron("hour", 5, "start_at", ZONED)),
        row(
            "cron startAt(OffsetDateTime)",
            () -> cronBuilder().hour(5).startAt(OFFSET).build(),
            () -> cron("hour", 5, "start_at", OFFSET)),
        row(
            "cron startAt(LocalDateTime)",
            () -> cronBuilder().hour(5).startAt(LOCAL).timezone(BERLIN).build(),
            () -> cron("hour", 5, "start_at", LOCAL, "timezone", BERLIN)),
        row(
            "cron startAt(LocalDate)",
            () -> cronBuilder().hour(5).startAt(DATE).build(),
            () -> cron("hour", 5, "start_at", DATE)),
        row(
            "cron startAt(String)",
            () -> cronBuilder().hour(5).startAt(TEXT).build(),
            () -> cron("hour", 5, "start_at", LOCAL)),
        row(
            "cron endAt(Instant)",
            () -> cronBuilder().hour(5).endAt(INSTANT).build(),
            () -> cron("hour", 5, "end_at", INSTANT)),
        row(
            "cron endAt(ZonedDateTime)",
            () -> cronBuilder().hour(5).endAt(ZONED).build(),
            () -> cron("hour", 5, "end_at", ZONED)),
        row(
            "cron endAt(OffsetDateTime)",
            () -> cronBuilder().hour(5).endAt(OFFSET).build(),
            () -> cron("hour", 5, "end_at", OFFSET)),
        row(
            "cron endAt(LocalDateTime)",
            () -> cronBuilder().hour(5).endAt(LOCAL).build(),
            () -> cron("hour", 5, "end_at", LOCAL)),
        row(
            "cron endAt(LocalDate)",
            () -> cronBuilder().hour(5).endAt(DATE).build(),
            () -> cron("hour", 5, "end_at", DATE)),
        row(
            "cron endAt(String), ISO-8601",
            () -> cronBuilder().hour(5).endAt("2026-03-09T14:30+02:00").build(),
            () -> cron("hour", 5, "end_at", OFFSET)),
        row(
            "cron timezone(ZoneId)",
            () -> cronBuilder().hour(5).timezone(BERLIN).build(),
            () -> cron("hour", 5, "timezone", "Europe/Berlin")),
        row(
            "cron timezone(String)",
            () -> cronBuilder().hour(5).timezone("Europe/Berlin").build(),
            () -> cron("hour", 5, "timezone", BERLIN)),
        // interval bounds and zone
        row(
            "interval startAt(Instant)",
            () -> hourly().startAt(INSTANT).build(),
            () -> interval("start_at", INSTANT)),
        row(
            "interval startAt(ZonedDateTime)",
            () -> hourly().startAt(ZONED).build(),
            () -> interval("start_at", ZONED)),
        row(
            "interval startAt(OffsetDateTime)",
            () -> hourly().startAt(OFFSET).build(),
            () -> interval("start_at", OFFSET)),
        row(
            "interval startAt(LocalDateTime)",
            () -> hourly().timezone(BERLIN).startAt(LOCAL).build(),
            () -> interval("start_at", LOCAL, "timezone", "Europe/Berlin")),
        row(
            "interval startAt(LocalDate)",
            () -> hourly().startAt(DATE).build(),
            () -> interval("start_at", DATE)),
        row(
            "interval startAt(String)",
            () -> hourly().startAt(TEXT).build(),
            () -> interval("start_at", LOCAL)),
        row(
            "interval endAt(Instant)",
            () -> hourly().endAt(INSTANT).build(),
            () -> interval("end_at", INSTANT)),
        row(
            "interval endAt(ZonedDateTime)",
            () -> hourly().endAt(ZONED).build(),
            () -> interval("end_at", ZONED)),
        row(
            "interval endAt(OffsetDateTime)",
            () -> hourly().endAt(OFFSET).build(),
            () -> interval("end_at", OFFSET)),
        row(
            "interval endAt(LocalDateTime)",
            () -> hourly().endAt(LOCAL).build(),
            () -> interval("end_at", LOCAL)),
        row(
            "interval endAt(LocalDate)",
            () -> hourly().endAt(DATE).build(),
            () -> interval("end_at", DATE)),
        row(
            "interval endAt(String)",
            () -> hourly().endAt("2026-03-09T13:30:00Z").build(),
            () -> interval("end_at", INSTANT)),
        row(
            "interval timezone(ZoneId)",
            () -> hourly().timezone(BERLIN).build(),
            () -> interval("timezone", "Europe/Berlin")),
        row(
            "interval timezone(String)",
            () -> hourly().timezone("+02:00").build(),
            () -> interval("timezone", ZoneOffset.ofHours(2))),
        // date
        row("date at(Instant)", () -> DateTrigger.at(INSTANT), () -> date("run_at", INSTANT)),
        row("date at(ZonedDateTime)", () -> DateTrigger.at(ZONED), () -> date("run_at", ZONED)),
        row("date at(OffsetDateTime)", () -> DateTrigger.at(OFFSET), () -> date("run_at", OFFSET)),
        row("date at(LocalDateTime)", () -> DateTrigger.at(LOCAL), () -> date("run_at", LOCAL)),
        row(
            "date at(LocalDateTime, ZoneId)",
            () -> DateTrigger.at(LOCAL, BERLIN),
            () -> date("run_at", LOCAL, "timezone", "Europe/Berlin")),
        row("date at(LocalDate)", () -> DateTrigger.at(DATE), () -> date("run_at", DATE)),
        row("date at(String)", () -> DateTrigger.at(TEXT), () -> date("run_at", LOCAL)),
        row(
            "date at(String, ZoneId)",
            () -> DateTrigger.at(TEXT, BERLIN),
            () -> date("run_at", TEXT, "timezone", BERLIN)));
  }

  private static Trigger date(Object... keysAndValues) {
    return Triggers.create("date", options(keysAndValues));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sameTriggers")
  void aTypedCallGivesTheTriggerOfTheAliasForm(
      String name, Supplier<Trigger> typed, Supplier<Trigger> reference) {
    Trigger expected = reference.get();
    Trigger actual = typed.get();
    assertThat(actual).isEqualTo(expected).hasToString(expected.toString());
    assertThat(actual.state()).isEqualTo(expected.state());
    Instant now = Instant.parse("2026-01-15T10:17:23Z");
    assertThat(actual.nextFireTime(ZoneOffset.UTC, null, now))
        .isEqualTo(expected.nextFireTime(ZoneOffset.UTC, null, now));
  }

  static Stream<Arguments> sameRefusals() {
    return Stream.of(
        refusal(() -> cronBuilder().hour(25).build(), () -> cron("hour", 25)),
        refusal(() -> cronBuilder().hour("25").build(), () -> cron("hour", "25")),
        refusal(() -> cronBuilder().dayOfWeek(7).build(), () -> cron("day_of_week", 7)),
        refusal(() -> cronBuilder().month(-1).build(), () -> cron("month", -1)),
        refusal(
            () -> cronBuilder().dayOfWeek(new DayOfWeek[0]).build(), () -> cron("day_of_week", "")),
        refusal(() -> cronBuilder().month(new Month[0]).build(), () -> cron("month", "")),
        refusal(
            () -> cronBuilder().startAt("2026-02-30 10:00:00").build(),
            () -> cron("start_at", "2026-02-30 10:00:00")),
        refusal(
            () -> cronBuilder().startAt(Instant.MAX).build(), () -> cron("start_at", Instant.MAX)),
        refusal(
            () -> cronBuilder().endAt(LocalDateTime.MAX).build(),
            () -> cron("end_at", LocalDateTime.MAX)),
        refusal(
            () -> cronBuilder().startAt(INSTANT).endAt(DATE).build(),
            () -> cron("start_at", INSTANT, "end_at", DATE)),
        refusal(
            () -> cronBuilder().timezone("Mars/Olympus"), () -> cron("timezone", "Mars/Olympus")),
        refusal(
            () -> hourly().startAt("next tuesday").build(),
            () -> interval("start_at", "next tuesday")),
        refusal(
            () -> hourly().startAt(LocalDate.of(0, 1, 1)).build(),
            () -> interval("start_at", LocalDate.of(0, 1, 1))),
        refusal(() -> hourly().endAt(Instant.MIN).build(), () -> interval("end_at", Instant.MIN)),
        refusal(
            () -> hourly().startAt(ZONED).endAt(OFFSET.minusDays(1)).build(),
            () -> interval("start_at", ZONED, "end_at", OFFSET.minusDays(1))),
        refusal(() -> hourly().timezone("CEST"), () -> interval("timezone", "CEST")),
        refusal(() -> DateTrigger.at("next tuesday"), () -> date("run_at", "next tuesday")),
        refusal(() -> DateTrigger.at(LocalDateTime.MIN), () -> date("run_at", LocalDateTime.MIN)),
        refusal(
            () -> DateTrigger.at("2026-02-30", BERLIN),
            () -> date("run_at", "2026-02-30", "timezone", BERLIN)));
  }

  private static Arguments refusal(ThrowingCallable typed, ThrowingCallable reference) {
    return Arguments.of(typed, reference);
  }

  @ParameterizedTest
  @MethodSource("sameRefusals")
  void aTypedCallRefusesWithTheMessageOfTheAliasForm(
      ThrowingCallable typed, ThrowingCallable reference) {
    Throwable expected = catchInvalidInput(reference);
    assertThatThrownBy(typed)
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(expected.getMessage());
  }

  private static Throwable catchInvalidInput(ThrowingCallable call) {
    try {
      call.call();
    } catch (InvalidInputException e) {
      return e;
    } catch (Throwable e) {
      throw new AssertionError("expected an InvalidInputException", e);
    }
    throw new AssertionError("the alias form accepted the input");
  }

  /** The alias form keeps refusing what the typed methods no longer compile with. */
  @Test
  void theAliasFormStillNamesAValueOfTheWrongType() {
    assertThatThrownBy(() -> cron("hour", 1.5))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid cron field 'hour': 1.5 is a Double; expected a string or an integer");
    assertThatThrownBy(() -> interval("start_at", 12))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid start_at: 12 is a java.lang.Integer; expected a date-time");
    assertThatThrownBy(() -> interval("timezone", 2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid timezone: 2 is a java.lang.Integer; expected a ZoneId or a zone name");
  }

  /**
   * The trigger API a user writes against takes typed values only; {@code Object} stays where
   * configuration needs it ({@code Triggers.create} takes a {@code Map}, and the time package's
   * {@code TimePoint.from} and {@code Zones.parse}).
   */
  @Test
  void noPublicTriggerMethodTakesAnObject() {
    List<Class<?>> types =
        List.of(
            Trigger.class,
            DateTrigger.class,
            IntervalTrigger.class,
            IntervalTrigger.Builder.class,
            CronTrigger.class,
            CronTrigger.Builder.class,
            AndTrigger.class,
            OrTrigger.class,
            ShutdownTrigger.class,
            Triggers.class,
            TriggerState.class,
            TriggerFactory.class);
    List<String> offenders = new ArrayList<>();
    for (Class<?> type : types) {
      for (Method m : type.getMethods()) {
        boolean objectParameter =
            Arrays.stream(m.getParameterTypes()).anyMatch(p -> p == Object.class);
        if (Modifier.isPublic(m.getModifiers())
            && objectParameter
            && !m.getName().equals("equals")) {
          offenders.add(type.getSimpleName() + "." + m.getName());
        }
      }
    }
    assertThat(offenders).isEmpty();
  }
}
