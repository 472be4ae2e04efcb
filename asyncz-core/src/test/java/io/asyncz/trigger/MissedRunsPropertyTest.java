package io.asyncz.trigger;

import static io.asyncz.trigger.BruteForceCron.between;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.trigger.BruteForceCron.Cases;
import io.asyncz.trigger.BruteForceCron.Spec;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Trigger#lastFireTimeUpTo} and {@link Trigger#countFireTimesUpTo} of cron, interval and
 * date triggers against their definition, stepping {@link Trigger#nextFireTime} from the previous
 * fire time: random schedules, zones (many with daylight saving) and outages from a second to four
 * decades. Where stepping would take too long (a decade of every-second runs), the stepped prefix
 * is checked, the last time is checked to be a fire time with no other before {@code now}, and the
 * count is checked against {@link BruteForceCron#countBetween} and against splitting the outage.
 */
class MissedRunsPropertyTest {
  private static final AtomicLong CASES = new AtomicLong();
  private static final AtomicLong STEPPED = new AtomicLong();
  private static final AtomicLong BEYOND_STEPPING = new AtomicLong();

  /** How many fire times the reference steps through before it checks a prefix instead. */
  private static final int STEP_CAP = 20_000;

  @AfterAll
  static void report() {
    System.out.println(
        "MissedRunsPropertyTest property cases: "
            + CASES.get()
            + " ("
            + STEPPED.get()
            + " outages stepped through, "
            + BEYOND_STEPPING.get()
            + " beyond "
            + STEP_CAP
            + " steps; master seed "
            + Cases.MASTER_SEED
            + ")");
  }

  /** An outage from one second to about forty years, log-uniformly, sometimes with a fraction. */
  static Duration outage(Random r) {
    Duration d = Duration.ofSeconds((long) Math.pow(10, r.nextDouble() * 9.1));
    return r.nextInt(4) == 0 ? d.plusNanos(between(r, 1, 999_999_999)) : d;
  }

  /** The fire times that stepping gives after {@code previous} up to {@code now}, up to a cap. */
  record Steps(List<Instant> times, boolean complete) {
    Optional<Instant> last() {
      return times.isEmpty() ? Optional.empty() : Optional.of(times.get(times.size() - 1));
    }
  }

  static Steps step(Trigger t, ZoneId zone, Instant previous, Instant now, int cap) {
    List<Instant> times = new ArrayList<>();
    Instant from = previous;
    while (true) {
      Optional<Instant> next = t.nextFireTime(zone, from, now);
      if (next.isEmpty() || next.get().isAfter(now)) {
        return new Steps(times, true);
      }
      if (times.size() == cap) {
        // One more fire time is due: stepping stopped short of now. (Reaching the cap exactly at
        // the last due time is still a complete stepping.)
        return new Steps(times, false);
      }
      times.add(next.get());
      from = next.get();
    }
  }

  /**
   * Within the stepped times: up to any instant before the next fire time, the last time is the
   * j-th and the count is j.
   */
  private static void checkPrefix(
      String what, Trigger trigger, ZoneId zone, Instant previous, Steps steps, Random r) {
    List<Instant> times = steps.times();
    for (int k = 0; k < 3 && !times.isEmpty(); k++) {
      int j = r.nextInt(times.size());
      Instant fire = times.get(j);
      Instant until = fire;
      if (j + 1 < times.size() && r.nextBoolean()) {
        long gap = Duration.between(fire, times.get(j + 1)).toNanos() - 1;
        until = fire.plusNanos((long) (r.nextDouble() * gap));
      }
      String at = what + ", up to the stepped time " + (j + 1) + " (" + until + ")";
      assertThat(trigger.lastFireTimeUpTo(zone, previous, until)).as(at + ": last").contains(fire);
      assertThat(trigger.countFireTimesUpTo(zone, previous, until))
          .as(at + ": count")
          .isEqualTo(OptionalLong.of(j + 1));
    }
  }

  // ------------------------------------------------------------------ cron

  @Test
  void cronLastAndCountAgreeWithStepping() {
    Cases.forAll(
        "missed cron",
        1_500,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.randomZone(r);
          Instant previous = BruteForceCron.randomInstant(r, zone);
          Spec spec =
              r.nextBoolean()
                  ? BruteForceCron.randomKeyword(r, previous.atZone(zone).getYear())
                  : BruteForceCron.randomCrontab(r);
          checkCron(r, spec, zone, previous, previous.plus(outage(r)), true);
        });
  }

  /** Outages of seconds to days that begin or end around a transition, in zones with DST. */
  @Test
  void cronLastAndCountAgreeWithSteppingAroundTransitions() {
    Cases.forAll(
        "missed cron dst",
        1_500,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.DST_ZONES.get(r.nextInt(BruteForceCron.DST_ZONES.size()));
          Instant base =
              Instant.parse("1998-01-01T00:00:00Z").plusSeconds(r.nextInt(44 * 365) * 86_400L);
          ZoneOffsetTransition tr = zone.getRules().nextTransition(base);
          Instant around = tr.getInstant().plusSeconds(between(r, -90_000, 90_000));
          Duration outage = Duration.ofSeconds((long) Math.pow(10, r.nextDouble() * 5.6));
          boolean endsThere = r.nextBoolean();
          Instant previous = endsThere ? around.minus(outage) : around;
          if (r.nextInt(4) == 0) {
            previous = previous.plusMillis(between(r, 1, 999));
          }
          int hour =
              r.nextBoolean() ? tr.getDateTimeBefore().getHour() : tr.getDateTimeAfter().getHour();
          Spec spec =
              r.nextInt(4) == 0
                  ? BruteForceCron.randomKeyword(r, previous.atZone(zone).getYear())
                  : CronPropertyTest.transitionSpec(r, hour);
          checkCron(r, spec, zone, previous, previous.plus(outage), false);
        });
  }

  private static void checkCron(
      Random r, Spec spec, ZoneId zone, Instant previous, Instant now, boolean bounds) {
    Instant end = null;
    Object start = null;
    if (bounds && r.nextInt(5) == 0) {
      // An end inside the outage, or before it.
      long span = Math.max(1, Duration.between(previous, now).getSeconds());
      end = previous.plusSeconds((long) (r.nextDouble() * span * 1.2) - span / 10);
    }
    if (bounds && r.nextInt(5) == 0) {
      // A start bound plays no part once there is a previous fire time.
      start = previous.plusSeconds(between(r, -86_400, 86_400));
    }
    if (end != null && start != null && end.isBefore((Instant) start)) {
      end = (Instant) start;
    }
    Duration jitter = bounds && r.nextInt(6) == 0 ? Duration.ofSeconds(between(r, 1, 120)) : null;
    CronTrigger plain = spec.build(zone, start, end, null);
    CronTrigger trigger = jitter == null ? plain : spec.build(zone, start, end, jitter);
    String what =
        trigger
            + " in "
            + zone
            + (end != null ? " end_at=" + end : "")
            + (jitter != null ? " jitter=" + jitter : "")
            + ", previous="
            + previous
            + ", now="
            + now;

    Steps steps = step(plain, zone, previous, now, STEP_CAP);
    checkPrefix(what, trigger, zone, previous, steps, r);
    Optional<Instant> last = trigger.lastFireTimeUpTo(zone, previous, now);
    OptionalLong count = trigger.countFireTimesUpTo(zone, previous, now);
    if (steps.complete()) {
      STEPPED.incrementAndGet();
      assertThat(last).as(what + ": last").isEqualTo(steps.last());
      assertThat(count).as(what + ": count").isEqualTo(OptionalLong.of(steps.times().size()));
    } else {
      BEYOND_STEPPING.incrementAndGet();
      // The last time is a fire time after the stepped ones, and the next one is after now.
      Instant l = last.orElseThrow(() -> new AssertionError(what + ": no last time"));
      assertThat(l).as(what + ": last").isAfter(steps.last().orElseThrow()).isBeforeOrEqualTo(now);
      assertThat(plain.nextFireTime(zone, l.minusNanos(1), now))
          .as(what + ": last " + l + " is a fire time")
          .contains(l);
      Optional<Instant> after = plain.nextFireTime(zone, l, now);
      assertThat(after.isEmpty() || after.get().isAfter(now))
          .as(what + ": the fire time after the last, " + after + ", is after now")
          .isTrue();
      assertThat(count.orElseThrow()).as(what + ": count").isGreaterThan(STEP_CAP);
      // Cut anywhere, the two parts of the outage add up.
      Instant cut =
          previous.plusSeconds(
              (long) (r.nextDouble() * Duration.between(previous, now).getSeconds()));
      assertThat(
              trigger.countFireTimesUpTo(zone, previous, cut).orElseThrow()
                  + trigger.countFireTimesUpTo(zone, cut, now).orElseThrow())
          .as(what + ": counts cut at " + cut)
          .isEqualTo(count.orElseThrow());
    }
    BruteForceCron ref = new BruteForceCron(spec, zone);
    Instant upTo = end != null && end.isBefore(now) ? end : now;
    if ((r.nextInt(8) == 0 || !steps.complete())
        && ref.enumerationCost(previous, upTo) < 1_000_000) {
      // The independent day-by-day count.
      assertThat(count.orElseThrow())
          .as(what + ": brute-force count")
          .isEqualTo(ref.countBetween(previous, upTo));
    }
    // With no previous time, stepping starts from the first time at or after now.
    Optional<Instant> first = plain.nextFireTime(zone, null, now);
    Optional<Instant> due = first.filter(f -> !f.isAfter(now));
    assertThat(trigger.lastFireTimeUpTo(zone, null, now)).as(what + ", no previous").isEqualTo(due);
    assertThat(trigger.countFireTimesUpTo(zone, null, now))
        .as(what + ", no previous: count")
        .isEqualTo(OptionalLong.of(due.isPresent() ? 1 : 0));
  }

  /** A fire time exactly at now, and one exactly at the previous time, are in and out. */
  @Test
  void cronCountsNowButNotThePreviousTime() {
    CASES.incrementAndGet();
    ZoneId newYork = ZoneId.of("America/New_York");
    CronTrigger everySecond = CronTrigger.builder().second("*").timezone(newYork).build();
    Instant previous = Instant.parse("2026-03-01T00:00:00Z");
    Instant now = previous.plus(Duration.ofDays(366));
    // 366 days of seconds, the lost hour of the spring gap included: its wall times fire at the
    // instants after the gap that their old offset names, which the wall times after the gap name
    // as well, so each such instant fires once.
    assertThat(everySecond.countFireTimesUpTo(newYork, previous, now)).hasValue(366 * 86_400L);
    assertThat(everySecond.lastFireTimeUpTo(newYork, previous, now)).contains(now);
    assertThat(everySecond.countFireTimesUpTo(newYork, previous, previous)).hasValue(0);
    assertThat(everySecond.lastFireTimeUpTo(newYork, previous, previous.plusMillis(999))).isEmpty();
  }

  // ------------------------------------------------------------------ interval

  @Test
  void intervalLastAndCountAreExact() {
    Cases.forAll(
        "missed interval",
        2_000,
        CASES,
        r -> {
          Duration interval =
              switch (r.nextInt(5)) {
                case 0 -> Duration.ofNanos(between(r, 1, 1_000_000));
                case 1 -> Duration.ofMillis(between(r, 1, 5_000));
                case 2 -> Duration.ofSeconds(between(r, 1, 3_600));
                case 3 -> Duration.ofSeconds(between(r, 1, 100_000), between(r, 0, 999_999_999));
                default -> Duration.ofDays(between(r, 1, 3_000));
              };
          Instant previous = BruteForceCron.randomInstant(r, ZoneOffset.UTC);
          Instant now = previous.plus(outage(r));
          if (r.nextInt(10) == 0) {
            now = previous.minusSeconds(between(r, 0, 1000)); // the clock went back
          }
          Instant start = previous.minusSeconds(between(r, 0, 86_400));
          Instant end = null;
          if (r.nextInt(4) == 0) {
            long span = Math.max(1, Duration.between(start, now).getSeconds());
            end = start.plusSeconds((long) (r.nextDouble() * span * 1.2));
          }
          Duration jitter = r.nextInt(6) == 0 ? Duration.ofMillis(between(r, 1, 10_000)) : null;
          IntervalTrigger.Builder plainBuilder =
              IntervalTrigger.builder().interval(interval).startAt(start).endAt(end);
          IntervalTrigger plain = plainBuilder.build();
          IntervalTrigger trigger = jitter == null ? plain : plainBuilder.jitter(jitter).build();
          ZoneId zone = BruteForceCron.randomZone(r);
          String what =
              trigger
                  + " from "
                  + start
                  + (end != null ? " end " + end : "")
                  + (jitter != null ? " jitter " + jitter : "")
                  + ", previous="
                  + previous
                  + ", now="
                  + now;

          // previous + k * interval for k = 1.. while not after min(now, end).
          Instant limit = end != null && end.isBefore(now) ? end : now;
          BigInteger k =
              limit.isBefore(previous)
                  ? BigInteger.ZERO
                  : nanos(Duration.between(previous, limit)).divide(nanos(interval));
          Optional<Instant> expectedLast =
              k.signum() == 0 ? Optional.empty() : Optional.of(plus(previous, interval, k));
          assertThat(trigger.countFireTimesUpTo(zone, previous, now))
              .as(what + ": count")
              .isEqualTo(OptionalLong.of(k.longValueExact()));
          assertThat(trigger.lastFireTimeUpTo(zone, previous, now))
              .as(what + ": last")
              .isEqualTo(expectedLast);
          Steps steps = step(plain, zone, previous, now, STEP_CAP);
          if (steps.complete()) {
            STEPPED.incrementAndGet();
            assertThat(steps.times()).as(what + ": stepping").hasSize(k.intValueExact());
          } else {
            BEYOND_STEPPING.incrementAndGet();
          }
          checkPrefix(what, trigger, zone, previous, steps, r);
        });
  }

  private static BigInteger nanos(Duration d) {
    return BigInteger.valueOf(d.getSeconds())
        .multiply(BigInteger.valueOf(1_000_000_000L))
        .add(BigInteger.valueOf(d.getNano()));
  }

  private static Instant plus(Instant t, Duration step, BigInteger k) {
    BigInteger[] sn =
        nanos(step).multiply(k).divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
    return t.plusSeconds(sn[0].longValueExact()).plusNanos(sn[1].longValueExact());
  }

  /**
   * A 1 ns interval over 400 years: more runs than a long's nanoseconds, counted in one division.
   */
  @Test
  void intervalCountsAnOutageOfMoreNanosecondsThanALongHolds() {
    CASES.incrementAndGet();
    Instant previous = Instant.parse("2000-01-01T00:00:00Z");
    IntervalTrigger t =
        IntervalTrigger.builder().interval(Duration.ofNanos(1)).startAt(previous).build();
    Instant now = Instant.parse("2400-01-01T00:00:00Z");
    BigInteger nanos = nanos(Duration.between(previous, now));
    assertThat(nanos.bitLength()).isGreaterThan(63);
    assertThat(t.countFireTimesUpTo(ZoneOffset.UTC, previous, now)).isEmpty();
    assertThat(t.lastFireTimeUpTo(ZoneOffset.UTC, previous, now)).contains(now);
    assertThat(t.nextFireTime(ZoneOffset.UTC, null, now.minusNanos(1))).contains(now.minusNanos(1));
  }

  // ------------------------------------------------------------------ date

  @Test
  void dateFiresOnceAndOnlyWithoutAPreviousTime() {
    CASES.incrementAndGet();
    ZoneId zone = ZoneOffset.UTC;
    Instant at = Instant.parse("2026-05-01T12:00:00Z");
    DateTrigger t = DateTrigger.at(at);
    assertThat(t.lastFireTimeUpTo(zone, null, at)).contains(at);
    assertThat(t.countFireTimesUpTo(zone, null, at.plusSeconds(1))).hasValue(1);
    assertThat(t.countFireTimesUpTo(zone, null, at.minusNanos(1))).hasValue(0);
    assertThat(t.lastFireTimeUpTo(zone, null, at.minusNanos(1))).isEmpty();
    // Any previous time means it fired, as stepping says.
    for (Instant previous : List.of(at.minusSeconds(60), at, at.plusSeconds(60))) {
      assertThat(t.lastFireTimeUpTo(zone, previous, at.plusSeconds(3600))).isEmpty();
      assertThat(t.countFireTimesUpTo(zone, previous, at.plusSeconds(3600))).hasValue(0);
      assertThat(step(t, zone, previous, at.plusSeconds(3600), 10).times()).isEmpty();
    }
  }
}
