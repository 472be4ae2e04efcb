package io.asyncz.trigger;

import static io.asyncz.trigger.BruteForceCron.between;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.trigger.BruteForceCron.Cases;
import io.asyncz.trigger.BruteForceCron.Spec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A trigger with jitter J fires within [base, base + J], where base is the same trigger's time
 * without jitter (and never after its end bound).
 */
class JitterPropertyTest {
  private static final AtomicLong CASES = new AtomicLong();

  @AfterAll
  static void report() {
    System.out.println(
        "JitterPropertyTest property cases: "
            + CASES.get()
            + " (master seed "
            + Cases.MASTER_SEED
            + ")");
  }

  private static Duration randomJitter(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> Duration.ofNanos(between(r, 1, 1_000));
      case 1 -> Duration.ofMillis(between(r, 1, 5_000));
      case 2 -> Duration.ofSeconds(between(r, 1, 3_600));
      default -> Duration.ofSeconds(between(r, 1, 600), between(r, 0, 999_999_999));
    };
  }

  private static void assertWithin(
      String what, Optional<Instant> base, Optional<Instant> jittered, Duration jitter) {
    if (base.isEmpty()) {
      assertThat(jittered).as(what + ": no base time").isEmpty();
      return;
    }
    assertThat(jittered).as(what).isPresent();
    assertThat(jittered.get())
        .as(what + ": base " + base.get() + ", jitter " + jitter)
        .isAfterOrEqualTo(base.get())
        .isBeforeOrEqualTo(base.get().plus(jitter));
  }

  @Test
  void cronJitterStaysWithinItsBound() {
    Cases.forAll(
        "jitter cron",
        1_000,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.randomZone(r);
          Instant t = BruteForceCron.randomInstant(r, zone);
          Spec spec =
              r.nextBoolean()
                  ? BruteForceCron.randomKeyword(r, t.atZone(zone).getYear())
                  : BruteForceCron.randomCrontab(r);
          Duration jitter = randomJitter(r);
          Instant end = r.nextInt(4) == 0 ? t.plusSeconds(between(r, 0, 30 * 86_400)) : null;
          CronTrigger plain = spec.build(zone, null, end, null);
          CronTrigger jittered = spec.build(zone, null, end, jitter);
          Instant previous = r.nextBoolean() ? null : t;
          Optional<Instant> base = plain.nextFireTime(zone, previous, t);
          for (int i = 0; i < 3; i++) {
            Optional<Instant> next = jittered.nextFireTime(zone, previous, t);
            String what = jittered + " in " + zone + ", previous=" + previous + ", now=" + t;
            assertWithin(what, base, next, jitter);
            if (end != null && next.isPresent()) {
              assertThat(next.get()).as(what + ": after end_at " + end).isBeforeOrEqualTo(end);
            }
          }
        });
  }

  @Test
  void intervalJitterStaysWithinItsBound() {
    Cases.forAll(
        "jitter interval",
        1_000,
        CASES,
        r -> {
          Instant t = BruteForceCron.randomInstant(r, java.time.ZoneOffset.UTC);
          Duration interval = Duration.ofSeconds(between(r, 1, 100_000));
          Duration jitter = randomJitter(r);
          Instant start = t.minusSeconds(between(r, -86_400, 30 * 86_400));
          IntervalTrigger plain =
              IntervalTrigger.builder().interval(interval).startAt(start).build();
          IntervalTrigger jittered =
              IntervalTrigger.builder().interval(interval).startAt(start).jitter(jitter).build();
          Instant previous = r.nextBoolean() ? null : t;
          Optional<Instant> base = plain.nextFireTime(java.time.ZoneOffset.UTC, previous, t);
          for (int i = 0; i < 3; i++) {
            assertWithin(
                jittered + " from " + start + ", previous=" + previous + ", now=" + t,
                base,
                jittered.nextFireTime(java.time.ZoneOffset.UTC, previous, t),
                jitter);
          }
        });
  }

  @Test
  void combinationJitterStaysWithinItsBound() {
    Cases.forAll(
        "jitter and/or",
        500,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.randomZone(r);
          Instant t = BruteForceCron.randomInstant(r, zone);
          int year = t.atZone(zone).getYear();
          List<Trigger> parts =
              List.of(
                  BruteForceCron.randomKeyword(r, year).build(zone, null, null, null),
                  r.nextInt(4) == 0
                      ? BruteForceCron.randomCrontab(r).build(zone, null, null, null)
                      : CronTrigger.builder()
                          .dayOfWeek(r.nextBoolean() ? "*" : "mon-fri")
                          .second("*")
                          .build());
          Duration jitter = randomJitter(r);
          boolean and = r.nextBoolean();
          Trigger plain = and ? AndTrigger.of(parts, null) : OrTrigger.of(parts, null);
          Trigger jittered = and ? AndTrigger.of(parts, jitter) : OrTrigger.of(parts, jitter);
          Instant previous = r.nextBoolean() ? null : t;
          Optional<Instant> base = plain.nextFireTime(zone, previous, t);
          assertWithin(
              jittered + " in " + zone + ", previous=" + previous + ", now=" + t,
              base,
              jittered.nextFireTime(zone, previous, t),
              jitter);
        });
  }
}
