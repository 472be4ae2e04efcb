package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MutableClockTest {
  private static final Instant START = Instant.parse("2026-03-08T06:00:00Z");

  @Test
  void standsStillUntilMoved() {
    MutableClock clock = MutableClock.at(START);
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.instant()).isEqualTo(START);
  }

  @Test
  void advanceMovesForwardAndReturnsTheNewTime() {
    MutableClock clock = MutableClock.at(START);
    assertThat(clock.advance(Duration.ofMinutes(90))).isEqualTo(START.plusSeconds(5400));
    assertThat(clock.millis()).isEqualTo(START.plusSeconds(5400).toEpochMilli());
  }

  @Test
  void setMayGoBackwards() {
    MutableClock clock = MutableClock.at(START);
    clock.set(START.minusSeconds(60));
    assertThat(clock.instant()).isEqualTo(START.minusSeconds(60));
  }

  @Test
  void refusesANegativeAdvance() {
    MutableClock clock = MutableClock.at(START);
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S")
        .hasMessageContaining("set()");
    assertThat(clock.instant()).isEqualTo(START);
  }

  @Test
  void copiesInOtherZonesShareTheTime() {
    MutableClock clock = MutableClock.at(START);
    MutableClock newYork = clock.withZone(ZoneId.of("America/New_York"));
    clock.advance(Duration.ofHours(1));
    assertThat(newYork.instant()).isEqualTo(START.plusSeconds(3600));
    assertThat(newYork.getZone()).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void drivesATriggerCreatedOnVirtualTime() {
    MutableClock clock = MutableClock.at(START);
    IntervalTrigger trigger =
        IntervalTrigger.builder().minutes(5).clock(clock).build(); // first run: now + 5 min
    assertThat(trigger.nextFireTime(ZoneOffset.UTC, null, clock.instant()))
        .contains(START.plusSeconds(300));
    clock.advance(Duration.ofMinutes(12));
    assertThat(trigger.nextFireTime(ZoneOffset.UTC, null, clock.instant()))
        .contains(START.plusSeconds(900));
  }
}
