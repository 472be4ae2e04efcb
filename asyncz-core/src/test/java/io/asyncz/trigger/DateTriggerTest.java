package io.asyncz.trigger;

import static io.asyncz.trigger.TriggerTesting.UTC;
import static io.asyncz.trigger.TriggerTesting.first;
import static io.asyncz.trigger.TriggerTesting.utc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DateTriggerTest {
  private static final Instant NOW = utc("2026-01-15T10:17:23");

  @Test
  void firesOnceAtItsTimeEvenIfThatIsPast() {
    DateTrigger t = DateTrigger.at("2026-01-01 12:00:00");
    assertThat(first(t, NOW)).contains(utc("2026-01-01T12:00:00"));
    assertThat(t.nextFireTime(UTC, utc("2026-01-01T12:00:00"), NOW)).isEmpty();
    assertThat(t.allowsMistriggerByDefault()).isFalse();
  }

  /**
   * A forced run before the date finishes the task, as in the seed: after running a task that has
   * no due run time at {@code now}, the scheduler asks {@code nextFireTime(zone, now, now)}, and
   * any previous fire time means a date trigger has fired.
   */
  @Test
  void aForcedRunBeforeTheDateFinishesIt() {
    DateTrigger t = DateTrigger.at("2026-02-01 12:00:00");
    assertThat(t.nextFireTime(UTC, null, NOW)).contains(utc("2026-02-01T12:00:00"));
    assertThat(t.nextFireTime(UTC, NOW, NOW)).isEmpty();
    assertThat(t.nextFireTime(UTC, utc("2026-02-01T11:59:59"), NOW)).isEmpty();
    assertThat(t.lastFireTimeUpTo(UTC, NOW, utc("2026-03-01T00:00:00"))).isEmpty();
  }

  @Test
  void naiveTimeTakesTheSchedulerZone() {
    DateTrigger t = DateTrigger.at(LocalDateTime.parse("2026-07-01T12:00:00"));
    assertThat(t.nextFireTime(ZoneId.of("Europe/Berlin"), null, NOW))
        .contains(utc("2026-07-01T10:00:00"));
  }

  @Test
  void naiveTimeTakesTheGivenZone() {
    DateTrigger t = DateTrigger.at("2026-07-01 12:00:00", ZoneId.of("Asia/Tokyo"));
    assertThat(t.nextFireTime(ZoneId.of("Europe/Berlin"), null, NOW))
        .contains(utc("2026-07-01T03:00:00"));
    assertThat(t).hasToString("date[2026-07-01 12:00:00 JST]");
  }

  @Test
  void zonedTimeKeepsItsZone() {
    DateTrigger t = DateTrigger.at(ZonedDateTime.parse("2009-07-06T00:00+02:00[Europe/Berlin]"));
    assertThat(t).hasToString("date[2009-07-06 00:00:00 CEST]");
    assertThat(first(t, NOW)).contains(utc("2009-07-05T22:00:00"));
  }

  @Test
  void withoutARunTimeItFiresNowAndMayRunLate() {
    Trigger t = Triggers.create("date", Map.of(), Clock.fixed(NOW, UTC));
    assertThat(first(t, NOW.plusSeconds(3600))).contains(NOW);
    assertThat(t.allowsMistriggerByDefault()).isTrue();
    Trigger rebuilt = Triggers.fromState(t.state());
    assertThat(rebuilt).isEqualTo(t);
    assertThat(rebuilt.allowsMistriggerByDefault()).isTrue();
  }

  @Test
  void unreadableRunTimeIsRefusedWithTheArgumentAndValue() {
    assertThatThrownBy(() -> DateTrigger.at("next tuesday"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid run_at: \"next tuesday\" is not a valid date-time");
    assertThatThrownBy(() -> DateTrigger.at("2026-02-30 10:00:00"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid run_at: \"2026-02-30 10:00:00\" is not a valid date-time");
    assertThatThrownBy(() -> Triggers.create("date", Map.of("run_at", 42)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid run_at: 42 is a java.lang.Integer; expected a date-time");
  }
}
