package io.asyncz.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimePointTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @ParameterizedTest(name = "\"{0}\" reads as {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2026-3-9|2026-03-09T00:00",
        "2026-03-09 14:30:00|2026-03-09T14:30",
        "2026-3-9 4:5:6|2026-03-09T04:05:06",
        "2026-03-09T14:30:00|2026-03-09T14:30",
        "2026-03-09 14:30:00.25|2026-03-09T14:30:00.250",
        "2026-03-09 14:30:00.123456|2026-03-09T14:30:00.123456",
        "2026-03-09T14:30|2026-03-09T14:30",
        "  2026-03-09  |2026-03-09T00:00",
      })
  void naiveFormsStayNaive(String text, String local) {
    TimePoint p = TimePoint.parse(text, "run_at");
    assertThat(p.isNaive()).isTrue();
    assertThat(p.dateTime()).isEqualTo(LocalDateTime.parse(local));
  }

  @ParameterizedTest(name = "\"{0}\" is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2026-03-09 14:30:00Z|2026-03-09T14:30:00Z",
        "2026-03-09 14:30:00+02:00|2026-03-09T12:30:00Z",
        "2026-03-09T14:30:00-05:30|2026-03-09T20:00:00Z",
        "2026-03-09 14:30:00.5Z|2026-03-09T14:30:00.500Z",
        "2026-03-09T14:30:00+01:00[Europe/Paris]|2026-03-09T13:30:00Z",
        "2026-03-09T14:30Z|2026-03-09T14:30:00Z",
      })
  void zonedFormsNameAnInstant(String text, String instant) {
    TimePoint p = TimePoint.parse(text, "run_at");
    assertThat(p.isNaive()).isFalse();
    assertThat(p.toInstant(BERLIN)).isEqualTo(Instant.parse(instant));
  }

  @Test
  void naiveTimeResolvesInTheFallbackZone() {
    TimePoint p = TimePoint.parse("2026-07-01 12:00:00", "run_at");
    assertThat(p.toInstant(BERLIN)).isEqualTo(Instant.parse("2026-07-01T10:00:00Z"));
    assertThat(p.toInstant(ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-07-01T12:00:00Z"));
  }

  @Test
  void naiveInputTakesTheGivenZone() {
    TimePoint p = TimePoint.from(LocalDate.of(2026, 7, 1), BERLIN, "start_at");
    assertThat(p.zone()).isEqualTo(BERLIN);
    assertThat(p.toInstant(ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-06-30T22:00:00Z"));
  }

  @Test
  void acceptsJavaTimeValues() {
    Instant instant = Instant.parse("2026-07-01T12:00:00Z");
    assertThat(TimePoint.from(instant, null, "x").toInstant(BERLIN)).isEqualTo(instant);
    assertThat(TimePoint.from(instant.atZone(BERLIN), null, "x").zone()).isEqualTo(BERLIN);
    assertThat(
            TimePoint.from(OffsetDateTime.parse("2026-07-01T14:00+02:00"), null, "x")
                .toInstant(ZoneOffset.UTC))
        .isEqualTo(instant);
    assertThat(TimePoint.from(null, BERLIN, "x")).isNull();
  }

  @Test
  void isoFormReadsBackToAnEqualPoint() {
    for (TimePoint p :
        new TimePoint[] {
          TimePoint.naive(LocalDateTime.parse("2026-07-01T12:00:00.000001")),
          TimePoint.of(ZonedDateTime.parse("2026-07-01T12:00+02:00[Europe/Berlin]")),
          new TimePoint(LocalDateTime.parse("2026-07-01T12:00"), ZoneOffset.ofHoursMinutes(5, 30)),
          TimePoint.of(Instant.parse("2026-07-01T12:00:00Z")),
        }) {
      assertThat(TimePoint.parse(p.toIsoString(), "x")).isEqualTo(p);
    }
  }

  @Test
  void displayFormIsTheSeeds() {
    assertThat(
            TimePoint.of(ZonedDateTime.parse("2009-07-06T00:00+02:00[Europe/Berlin]"))
                .toDisplayString())
        .isEqualTo("2009-07-06 00:00:00 CEST");
    assertThat(TimePoint.of(Instant.parse("2009-07-06T00:00:00Z")).toDisplayString())
        .isEqualTo("2009-07-06 00:00:00 UTC");
    assertThat(TimePoint.naive(LocalDateTime.parse("2009-07-06T00:00:00")).toDisplayString())
        .isEqualTo("2009-07-06 00:00:00");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource({
    "tomorrow",
    "2026-13-01",
    "2026-02-30 10:00:00",
    "2026-03-09 25:00:00",
    "09/03/2026",
    "''"
  })
  void unreadableInputIsRefusedWithTheArgumentAndTheValue(String text) {
    assertThatThrownBy(() -> TimePoint.parse(text, "start_at"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid start_at: \"" + text + "\" is not a valid date-time")
        .hasMessageContaining("YYYY-M-D");
  }

  @Test
  void zonesAreReadByNameOrOffset() {
    assertThat(Zones.parse("Europe/Berlin", "timezone")).isEqualTo(BERLIN);
    assertThat(Zones.parse("+05:30", "timezone")).isEqualTo(ZoneOffset.ofHoursMinutes(5, 30));
    assertThat(Zones.parse("UTC", "timezone")).isEqualTo(ZoneId.of("UTC"));
    assertThat(Zones.parse(" ", "timezone")).isNull();
    assertThatThrownBy(() -> Zones.parse("Europe/Atlantis", "timezone"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid timezone: \"Europe/Atlantis\" is not a time zone");
    assertThatThrownBy(() -> Zones.parse(42, "timezone"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid timezone: 42 is a java.lang.Integer");
  }
}
