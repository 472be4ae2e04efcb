package io.asyncz.trigger;

import static io.asyncz.trigger.BruteForceCron.between;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.trigger.BruteForceCron.Cases;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link IntervalTrigger}: catch-up adds one interval, the first time lies on the start's grid, the
 * end bound holds, and intervals are elapsed time across daylight saving.
 */
class IntervalPropertyTest {
  private static final AtomicLong CASES = new AtomicLong();

  @AfterAll
  static void report() {
    System.out.println(
        "IntervalPropertyTest property cases: "
            + CASES.get()
            + " (master seed "
            + Cases.MASTER_SEED
            + ")");
  }

  /** A random positive interval: whole seconds up to months, sometimes with a fraction. */
  private static Duration randomInterval(Random r) {
    Duration d =
        switch (r.nextInt(5)) {
          case 0 -> Duration.ofSeconds(between(r, 1, 120));
          case 1 -> Duration.ofMinutes(between(r, 1, 180));
          case 2 -> Duration.ofHours(between(r, 1, 72));
          case 3 -> Duration.ofDays(between(r, 1, 60));
          default -> Duration.ofSeconds(between(r, 1, 10_000_000));
        };
    int fraction = r.nextInt(6);
    if (fraction == 0) {
      d = d.plusMillis(between(r, 1, 999));
    } else if (fraction == 1) {
      d = d.plusNanos(between(r, 1, 999_999_999));
    } else if (fraction == 2 && r.nextBoolean()) {
      d = Duration.ofMillis(between(r, 1, 5_000));
    }
    return d;
  }

  /**
   * The start in one of the accepted forms, with the instant it names. The naive form is only used
   * where the wall time is unambiguous; a zoned one may be either occurrence of a repeated time.
   */
  private record Start(Object value, Instant instant, ZoneId zone) {}

  private static Start randomStart(Random r, Instant instant) {
    ZoneId zone = BruteForceCron.randomZone(r);
    LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
    boolean unambiguous = zone.getRules().getValidOffsets(local).size() == 1;
    return switch (r.nextInt(unambiguous ? 3 : 2)) {
      case 0 -> new Start(instant, instant, null);
      case 1 -> new Start(instant.atZone(zone), instant, null);
      default -> new Start(local, instant, zone); // naive, read in the trigger's zone
    };
  }

  private static IntervalTrigger build(Duration interval, Start start, Instant end) {
    IntervalTrigger.Builder b =
        IntervalTrigger.builder().interval(interval).startAtValue(start.value());
    if (start.zone() != null) {
      b.timezone(start.zone());
    }
    if (end != null) {
      b.endAt(end);
    }
    return b.build();
  }

  /** With a previous fire time, the next is exactly one interval later (or none past the end). */
  @Test
  void catchUpAddsOneInterval() {
    Cases.forAll(
        "interval catch-up",
        2_000,
        CASES,
        r -> {
          Duration interval = randomInterval(r);
          Instant t = BruteForceCron.randomInstant(r, ZoneOffset.UTC);
          Start start = randomStart(r, t.minusSeconds(between(r, 0, 40 * 86_400)));
          Instant end = r.nextInt(3) == 0 ? t.plus(interval).plusSeconds(between(r, -5, 5)) : null;
          if (end != null && end.isBefore(start.instant())) {
            end = start.instant();
          }
          IntervalTrigger trigger = build(interval, start, end);
          Instant previous = t;
          Instant now = t.plusSeconds(between(r, -86_400, 86_400));
          ZoneId defaultZone = BruteForceCron.randomZone(r);
          Optional<Instant> next = trigger.nextFireTime(defaultZone, previous, now);
          Instant expected = previous.plus(interval);
          String what = trigger + " from " + start + " end " + end + ", previous=" + previous;
          if (end != null && expected.isAfter(end)) {
            assertThat(next).as(what).isEmpty();
          } else {
            assertThat(next).as(what).contains(expected);
          }
        });
  }

  /**
   * With no previous fire time, the first time is the start when that is still ahead, else the
   * first point of the grid start + k * interval at or after now: less than one interval after it.
   */
  @Test
  void firstTimeIsOnTheStartGrid() {
    Cases.forAll(
        "interval grid",
        3_000,
        CASES,
        r -> {
          Duration interval = randomInterval(r);
          Instant startInstant = BruteForceCron.randomInstant(r, ZoneOffset.UTC);
          Start start = randomStart(r, startInstant);
          Instant now =
              switch (r.nextInt(5)) {
                case 0 -> startInstant.minusSeconds(between(r, 0, 86_400));
                case 1 -> startInstant.plus(interval.multipliedBy(between(r, 0, 1000)));
                case 2 ->
                    startInstant
                        .plus(interval.multipliedBy(between(r, 0, 1000)))
                        .plusNanos(r.nextBoolean() ? 1 : -1);
                default ->
                    startInstant
                        .plus(interval.multipliedBy(between(r, 0, 1000)))
                        .plusNanos((long) (r.nextDouble() * interval.toNanos()));
              };
          Instant later = now.isAfter(startInstant) ? now : startInstant;
          Instant end = r.nextInt(4) == 0 ? later.plusSeconds(between(r, 0, 86_400)) : null;
          IntervalTrigger trigger = build(interval, start, end);
          Optional<Instant> next = trigger.nextFireTime(BruteForceCron.randomZone(r), null, now);
          String what = trigger + " from " + startInstant + " end " + end + ", now=" + now;

          Instant expected = gridFirst(startInstant, interval, now);
          if (end != null && expected.isAfter(end)) {
            assertThat(next).as(what + ": expected none after end").isEmpty();
            return;
          }
          assertThat(next).as(what).contains(expected);
          // The properties themselves, as well as the model above:
          Instant n = next.orElseThrow();
          if (!now.isAfter(startInstant)) {
            assertThat(n).as(what).isEqualTo(startInstant);
          } else {
            BigInteger offset = nanos(Duration.between(startInstant, n));
            assertThat(offset.mod(nanos(interval))).as(what + ": on the grid").isEqualTo(0);
            assertThat(n).as(what).isAfterOrEqualTo(now).isBefore(now.plus(interval));
          }
        });
  }

  /** The first grid point at or after {@code now}, by exact integer arithmetic. */
  private static Instant gridFirst(Instant start, Duration interval, Instant now) {
    if (!now.isAfter(start)) {
      return start;
    }
    BigInteger elapsed = nanos(Duration.between(start, now));
    BigInteger step = nanos(interval);
    BigInteger[] qr = elapsed.divideAndRemainder(step);
    BigInteger k = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    BigInteger total = k.multiply(step);
    BigInteger[] sn = total.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
    return start.plusSeconds(sn[0].longValueExact()).plusNanos(sn[1].longValueExact());
  }

  private static BigInteger nanos(Duration d) {
    return BigInteger.valueOf(d.getSeconds())
        .multiply(BigInteger.valueOf(1_000_000_000L))
        .add(BigInteger.valueOf(d.getNano()));
  }

  /** Walking the trigger never passes the end, and stops at the last grid point before it. */
  @Test
  void walkStopsAtTheEnd() {
    Cases.forAll(
        "interval end",
        500,
        CASES,
        r -> {
          Duration interval = Duration.ofSeconds(between(r, 1, 7200));
          Instant startInstant = BruteForceCron.randomInstant(r, ZoneOffset.UTC);
          int fires = between(r, 1, 20);
          Instant end =
              startInstant
                  .plus(interval.multipliedBy(fires - 1))
                  .plusNanos((long) (r.nextDouble() * interval.toNanos()));
          IntervalTrigger trigger = build(interval, randomStart(r, startInstant), end);
          Instant previous = null;
          int count = 0;
          while (true) {
            Optional<Instant> next = trigger.nextFireTime(ZoneOffset.UTC, previous, startInstant);
            if (next.isEmpty()) {
              break;
            }
            assertThat(next.get()).as(trigger + " end " + end).isBeforeOrEqualTo(end);
            previous = next.get();
            count++;
            assertThat(count).as(trigger + " end " + end).isLessThanOrEqualTo(fires);
          }
          assertThat(count).as(trigger + " from " + startInstant + " end " + end).isEqualTo(fires);
        });
  }

  /**
   * Across a daylight-saving transition the interval stays elapsed time: successive fire times are
   * exactly one interval apart, so their wall-clock distance shifts by the change of offset.
   */
  @Test
  void intervalIsElapsedTimeAcrossDaylightSaving() {
    Cases.forAll(
        "interval dst",
        500,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.DST_ZONES.get(r.nextInt(BruteForceCron.DST_ZONES.size()));
          Instant base = BruteForceCron.randomInstant(r, ZoneOffset.UTC);
          ZoneOffsetTransition tr = zone.getRules().nextTransition(base);
          Duration interval =
              switch (r.nextInt(4)) {
                case 0 -> Duration.ofHours(1);
                case 1 -> Duration.ofMinutes(between(r, 1, 90));
                case 2 -> Duration.ofDays(1);
                default -> Duration.ofHours(between(r, 2, 12));
              };
          Instant startInstant =
              tr.getInstant()
                  .minus(interval.multipliedBy(between(r, 1, 5)))
                  .plusSeconds(between(r, -600, 600));
          ZonedDateTime startZoned = startInstant.atZone(zone);
          Object start = r.nextBoolean() ? startZoned : startInstant;
          IntervalTrigger trigger =
              IntervalTrigger.builder()
                  .interval(interval)
                  .startAtValue(start)
                  .timezone(zone)
                  .build();
          Instant previous = null;
          for (int k = 0; k < 12; k++) {
            Optional<Instant> next = trigger.nextFireTime(zone, previous, startInstant);
            Instant expected = startInstant.plus(interval.multipliedBy(k));
            String what = trigger + " from " + startZoned + ", fire " + k;
            assertThat(next).as(what).contains(expected);
            if (previous != null) {
              Duration wall =
                  Duration.between(
                      previous.atZone(zone).toLocalDateTime(),
                      expected.atZone(zone).toLocalDateTime());
              int shift =
                  expected.atZone(zone).getOffset().getTotalSeconds()
                      - previous.atZone(zone).getOffset().getTotalSeconds();
              assertThat(wall)
                  .as(what + ": wall-clock distance")
                  .isEqualTo(interval.plusSeconds(shift));
            }
            // Asking afresh from just after the previous run lands on the same grid point.
            if (previous != null) {
              assertThat(trigger.nextFireTime(zone, null, previous.plusNanos(1)))
                  .as(what + " (no previous)")
                  .contains(expected);
            }
            previous = expected;
          }
        });
  }

  /**
   * A start given as a {@link ZonedDateTime} at the second occurrence of a repeated wall time
   * (01:30 EST on the day New York falls back) keeps its instant: it is not read as 01:30 EDT, an
   * hour earlier (which made the trigger fire before its start).
   */
  @Test
  void zonedStartInSecondOccurrence() {
    ZoneId newYork = ZoneId.of("America/New_York");
    ZonedDateTime start =
        ZonedDateTime.ofLocal(
            LocalDateTime.parse("2025-11-02T01:30"), newYork, ZoneOffset.ofHours(-5));
    assertThat(start.toInstant()).isEqualTo(Instant.parse("2025-11-02T06:30:00Z"));
    IntervalTrigger trigger = IntervalTrigger.builder().hours(1).startAt(start).build();
    assertThat(trigger.nextFireTime(ZoneOffset.UTC, null, Instant.parse("2025-11-01T00:00:00Z")))
        .contains(Instant.parse("2025-11-02T06:30:00Z"));
    CronTrigger cron = CronTrigger.builder().minute("*").startAt(start).build();
    assertThat(cron.nextFireTime(ZoneOffset.UTC, null, Instant.parse("2025-11-01T00:00:00Z")))
        .contains(Instant.parse("2025-11-02T06:30:00Z"));
  }
}
