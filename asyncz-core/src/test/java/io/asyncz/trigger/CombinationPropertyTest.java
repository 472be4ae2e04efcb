package io.asyncz.trigger;

import static io.asyncz.trigger.BruteForceCron.between;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import io.asyncz.trigger.BruteForceCron.Cases;
import io.asyncz.trigger.BruteForceCron.Spec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@link AndTrigger} and {@link OrTrigger} agree with their parts and with a brute force. */
class CombinationPropertyTest {
  private static final AtomicLong CASES = new AtomicLong();
  private static final AtomicLong AND_FOUND = new AtomicLong();
  private static final AtomicLong AND_INCONCLUSIVE = new AtomicLong();

  private static final long WINDOW_SECONDS = 4L * 366 * 86_400;

  /** The brute-force intersection gives up after this many rounds (the And's bound is higher). */
  private static final int REFERENCE_ROUNDS = 500;

  @AfterAll
  static void report() {
    System.out.println(
        "CombinationPropertyTest property cases: "
            + CASES.get()
            + " (and: "
            + AND_FOUND.get()
            + " common times checked, "
            + AND_INCONCLUSIVE.get()
            + " beyond the brute force's reach; missed runs: "
            + MISSED_EXACT.get()
            + " counted, "
            + MISSED_BEYOND_BOUND.get()
            + " beyond the work bound; master seed "
            + Cases.MASTER_SEED
            + ")");
  }

  /** The first time at or after {@code from} and before {@code limit}, by an independent model. */
  interface Reference {
    Optional<Instant> firstAtOrAfter(Instant from, Instant limit);
  }

  record Part(Trigger trigger, Reference reference, String description) {
    @Override
    public String toString() {
      return description;
    }
  }

  // ------------------------------------------------------------------ parts

  /** A random cron part; without a zone of its own it runs in {@code defaultZone}. */
  private static Part cronPart(Random r, ZoneId defaultZone, Instant t) {
    ZoneId zone = r.nextInt(3) == 0 ? BruteForceCron.randomZone(r) : defaultZone;
    boolean ownZone = !zone.equals(defaultZone) || r.nextBoolean();
    Spec spec =
        r.nextBoolean()
            ? BruteForceCron.randomKeyword(r, t.atZone(zone).getYear())
            : BruteForceCron.randomCrontab(r);
    CronTrigger trigger = spec.build(ownZone ? zone : null, null, null, null);
    BruteForceCron ref = new BruteForceCron(spec, zone);
    return new Part(trigger, ref::firstAtOrAfter, spec + " in " + zone);
  }

  /**
   * A keyword part that only filters: some of month, day, day_of_week and hour, with {@code
   * second='*'} (so minute is '*' too): it fires every second of the hours it allows.
   */
  private static Part filterPart(Random r, ZoneId defaultZone, Instant t) {
    BruteForceCron.Field[] fields = new BruteForceCron.Field[8];
    int year = t.atZone(defaultZone).getYear();
    if (r.nextInt(4) == 0) {
      fields[BruteForceCron.MONTH] = BruteForceCron.keywordField(r, BruteForceCron.MONTH, year);
    }
    if (r.nextInt(4) == 0) {
      fields[BruteForceCron.DAY] = BruteForceCron.keywordField(r, BruteForceCron.DAY, year);
    }
    if (r.nextBoolean()) {
      fields[BruteForceCron.DAY_OF_WEEK] =
          BruteForceCron.keywordField(r, BruteForceCron.DAY_OF_WEEK, year);
    }
    if (r.nextInt(3) != 0) {
      fields[BruteForceCron.HOUR] = BruteForceCron.keywordField(r, BruteForceCron.HOUR, year);
    }
    fields[BruteForceCron.SECOND] =
        BruteForceCron.Field.of(new BruteForceCron.Item(BruteForceCron.Kind.STAR, 0, 0, 0, "*"));
    Spec spec = new Spec(BruteForceCron.Form.KEYWORD, fields, null, new boolean[8], " ");
    CronTrigger trigger = spec.build(null, null, null, null);
    BruteForceCron ref = new BruteForceCron(spec, defaultZone);
    return new Part(trigger, ref::firstAtOrAfter, spec + " in " + defaultZone);
  }

  private static final long[] INTERVALS = {1, 2, 5, 15, 60, 300, 900, 3600, 86_400};

  /**
   * An interval part on whole seconds; its reference is the grid start + k * interval. Usually the
   * grid is aligned to whole hours, so that it meets cron times; sometimes it is arbitrary.
   */
  static Part intervalPart(Random r, Instant t) {
    boolean aligned = r.nextInt(5) != 0;
    long seconds = aligned ? INTERVALS[r.nextInt(INTERVALS.length)] : between(r, 1, 100_000);
    Instant start = t.minusSeconds(between(r, -3 * 86_400, 30 * 86_400));
    start =
        Instant.ofEpochSecond(start.getEpochSecond() / (aligned ? 3600 : 1) * (aligned ? 3600 : 1));
    Instant origin = start;
    IntervalTrigger trigger = IntervalTrigger.builder().seconds(seconds).startAt(start).build();
    Reference ref =
        (from, limit) -> {
          Instant first;
          if (!from.isAfter(origin)) {
            first = origin;
          } else {
            long elapsed = BruteForceCron.ceilSeconds(from) - origin.getEpochSecond();
            long k = (elapsed + seconds - 1) / seconds;
            first = origin.plusSeconds(k * seconds);
          }
          return first.isBefore(limit) ? Optional.of(first) : Optional.empty();
        };
    return new Part(trigger, ref, "interval[" + seconds + "s from " + start + "]");
  }

  // ------------------------------------------------------------------ or

  /**
   * Or's next time is the earliest of its parts' next times, for the same arguments; a date part
   * (which alone is finished by any previous time) keeps its date until the previous time reaches
   * it, since that previous time may be another part's.
   */
  @Test
  void orIsTheEarliestOfItsParts() {
    Cases.forAll(
        "or",
        1_500,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.randomZone(r);
          Instant t = BruteForceCron.randomInstant(r, zone);
          List<Trigger> parts = new ArrayList<>();
          int count = between(r, 1, 4);
          for (int i = 0; i < count; i++) {
            parts.add(anyTrigger(r, zone, t));
          }
          OrTrigger or = OrTrigger.of(parts.toArray(Trigger[]::new));
          Instant previous = r.nextBoolean() ? null : t.minusSeconds(between(r, 0, 86_400));
          Instant now = t;
          for (int step = 0; step < 3; step++) {
            Optional<Instant> expected = Optional.empty();
            for (Trigger p : parts) {
              Optional<Instant> next = partNext(p, zone, previous, now);
              if (next.isPresent() && (expected.isEmpty() || next.get().isBefore(expected.get()))) {
                expected = next;
              }
            }
            Optional<Instant> actual = or.nextFireTime(zone, previous, now);
            assertThat(actual)
                .as(or + " in " + zone + ", previous=" + previous + ", now=" + now)
                .isEqualTo(expected);
            if (actual.isEmpty()) {
              break;
            }
            previous = actual.get();
            now = previous.plusSeconds(between(r, -60, 3_600));
          }
        });
  }

  /** What a combination takes as a part's next time: a date's until a previous time passes it. */
  static Optional<Instant> partNext(Trigger part, ZoneId zone, Instant previous, Instant now) {
    if (part instanceof DateTrigger) {
      Instant date = part.nextFireTime(zone, null, now).orElseThrow();
      return previous == null || previous.isBefore(date) ? Optional.of(date) : Optional.empty();
    }
    return part.nextFireTime(zone, previous, now);
  }

  /** A cron, interval or date trigger; some of them already finished. */
  private static Trigger anyTrigger(Random r, ZoneId zone, Instant t) {
    int roll = r.nextInt(10);
    if (roll < 5) {
      return cronPart(r, zone, t).trigger();
    }
    if (roll < 6) {
      // A cron trigger whose end lies in the past: finished.
      Spec spec = BruteForceCron.randomKeyword(r, 2000);
      return spec.build(zone, null, t.minusSeconds(between(r, 1, 10_000_000)), null);
    }
    if (roll < 8) {
      IntervalTrigger.Builder b =
          IntervalTrigger.builder()
              .seconds(between(r, 1, 100_000))
              .startAt(t.plusSeconds(between(r, -10 * 86_400, 86_400)));
      if (r.nextInt(3) == 0) {
        b.endAt(t.plusSeconds(between(r, 86_400, 20 * 86_400)));
      }
      return b.build();
    }
    return DateTrigger.at(t.plusSeconds(between(r, -86_400, 86_400)));
  }

  // ------------------------------------------------------------------ missed runs

  private static final AtomicLong MISSED_EXACT = new AtomicLong();
  private static final AtomicLong MISSED_BEYOND_BOUND = new AtomicLong();

  /** A part for the missed-runs property: cron, interval, date, or (at depth) a combination. */
  private static Trigger anyPart(Random r, ZoneId zone, Instant t, int depth) {
    int roll = r.nextInt(10);
    if (depth > 0 && roll < 2) {
      return combination(r, zone, t, depth - 1, false);
    }
    if (roll < 5) {
      return cronPart(r, zone, t).trigger();
    }
    if (roll < 6) {
      return filterPart(r, zone, t).trigger();
    }
    if (roll < 8) {
      return intervalPart(r, t).trigger();
    }
    return DateTrigger.at(t.plusSeconds(between(r, -86_400, 20 * 86_400)));
  }

  private static CombinationTrigger combination(
      Random r, ZoneId zone, Instant t, int depth, boolean jitter) {
    List<Trigger> parts = new ArrayList<>();
    int count = between(r, 1, 3);
    for (int i = 0; i < count; i++) {
      parts.add(anyPart(r, zone, t, depth));
    }
    Duration j = jitter ? Duration.ofSeconds(between(r, 1, 30)) : null;
    return r.nextBoolean() ? OrTrigger.of(parts, j) : AndTrigger.of(parts, j);
  }

  /**
   * The last time and the count of missed runs of random (sometimes nested) Ands and Ors against
   * stepping their next times: equal whenever the count is known; when it is not (the work bound
   * was reached), the last time is still exact for combinations of fixed-set parts (crons without
   * start bound, dates), and otherwise one of the times stepping reaches.
   */
  @Test
  void missedRunsAgreeWithStepping() {
    Cases.forAll(
        "missed and/or",
        800,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.randomZone(r);
          Instant t = BruteForceCron.randomInstant(r, zone);
          boolean jitter = r.nextInt(6) == 0;
          CombinationTrigger trigger = combination(r, zone, t, 2, jitter);
          CombinationTrigger plain =
              jitter
                  ? (trigger instanceof AndTrigger
                      ? AndTrigger.of(trigger.triggers(), null)
                      : OrTrigger.of(trigger.triggers(), null))
                  : trigger;
          Instant previous = r.nextInt(5) == 0 ? null : t;
          Instant now = t.plusSeconds((long) Math.pow(10, r.nextDouble() * 6.5));
          String what = trigger + " in " + zone + ", previous=" + previous + ", now=" + now;

          MissedRunsPropertyTest.Steps steps =
              MissedRunsPropertyTest.step(plain, zone, previous, now, Triggers.MAX_EVALUATIONS + 1);
          OptionalLong count = trigger.countFireTimesUpTo(zone, previous, now);
          Optional<Instant> last = trigger.lastFireTimeUpTo(zone, previous, now);
          if (count.isPresent()) {
            MISSED_EXACT.incrementAndGet();
            assertThat(steps.complete()).as(what + ": stepping ends").isTrue();
            assertThat(count).as(what + ": count").hasValue(steps.times().size());
            assertThat(last).as(what + ": last").isEqualTo(steps.last());
            return;
          }
          MISSED_BEYOND_BOUND.incrementAndGet();
          if (plain.memoryless) {
            // The parts' own last times are exact. The bound may cut stepping short (an And inside
            // that never agrees makes nextFireTime report nothing), but not this answer: it is
            // the stepped last time, or a later one.
            if (last.equals(steps.last())) {
              return;
            }
            Instant l = last.orElseThrow(() -> new AssertionError(what + ": no last time"));
            steps.last().ifPresent(s -> assertThat(l).as(what + ": last").isAfter(s));
            assertThat(l).as(what + ": last").isBeforeOrEqualTo(now);
            if (previous != null) {
              assertThat(l).as(what + ": last").isAfter(previous);
            }
            if (!steps.complete()) {
              // A fire time, and the next one is after now.
              assertThat(plain.nextFireTime(zone, l.minusNanos(1), now))
                  .as(what + ": a fire time")
                  .contains(l);
              Optional<Instant> after = plain.nextFireTime(zone, l, now);
              assertThat(after.isEmpty() || after.get().isAfter(now))
                  .as(what + ": next after now")
                  .isTrue();
            }
          } else if (last.isPresent() && !steps.complete()) {
            assertThat(steps.times()).as(what + ": last is a stepped time").contains(last.get());
          }
        });
  }

  // ------------------------------------------------------------------ and

  /**
   * And's next time is a fire time of every part, and no earlier common time exists: checked by a
   * brute-force intersection (leapfrogging the parts' brute-force fire times).
   */
  @Test
  void andIsTheEarliestCommonTime() {
    Cases.forAll(
        "and",
        500,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.randomZone(r);
          Instant t = BruteForceCron.randomInstant(r, zone);
          List<Part> parts = new ArrayList<>();
          parts.add(cronPart(r, zone, t));
          int more = between(r, 1, 2);
          for (int i = 0; i < more; i++) {
            int roll = r.nextInt(10);
            parts.add(
                roll < 6
                    ? filterPart(r, zone, t)
                    : roll < 8 ? cronPart(r, zone, t) : intervalPart(r, t));
          }
          Collections.shuffle(parts, r);
          AndTrigger and = AndTrigger.of(parts.stream().map(Part::trigger).toArray(Trigger[]::new));

          Instant previous = null;
          Instant now = t;
          for (int step = 0; step < 3; step++) {
            Optional<Instant> actual = and.nextFireTime(zone, previous, now);
            Instant from = previous != null ? previous.plusNanos(1) : now;
            String what = parts + " in " + zone + ", previous=" + previous + ", now=" + now;
            checkAnd(what, parts, zone, actual, from);
            if (actual.isEmpty()) {
              break;
            }
            previous = actual.get();
            now = previous.plusSeconds(between(r, -60, 86_400));
          }
        });
  }

  /**
   * The same with one part an Or whose date has passed (its other parts are crons): the And's
   * search finds the common times of the Or's other parts, and the passed date stops nothing.
   */
  @Test
  void andOfAnOrWithAPassedDateIsTheEarliestCommonTime() {
    Cases.forAll(
        "and of or with passed date",
        300,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.randomZone(r);
          Instant t = BruteForceCron.randomInstant(r, zone);
          List<Part> parts = new ArrayList<>();
          parts.add(orWithPassedDate(r, zone, t));
          int more = between(r, 1, 2);
          for (int i = 0; i < more; i++) {
            int roll = r.nextInt(10);
            parts.add(
                roll < 6
                    ? filterPart(r, zone, t)
                    : roll < 8 ? cronPart(r, zone, t) : intervalPart(r, t));
          }
          Collections.shuffle(parts, r);
          AndTrigger and = AndTrigger.of(parts.stream().map(Part::trigger).toArray(Trigger[]::new));

          Instant previous = null;
          Instant now = t;
          for (int step = 0; step < 3; step++) {
            Optional<Instant> actual = and.nextFireTime(zone, previous, now);
            Instant from = previous != null ? previous.plusNanos(1) : now;
            String what = parts + " in " + zone + ", previous=" + previous + ", now=" + now;
            checkAnd(what, parts, zone, actual, from);
            if (actual.isEmpty()) {
              break;
            }
            previous = actual.get();
            now = previous.plusSeconds(between(r, -60, 86_400));
          }
        });
  }

  /**
   * An Or of a date before {@code t} and one or two cron parts; its reference is the crons' (every
   * time the property asks about is after the date).
   */
  private static Part orWithPassedDate(Random r, ZoneId zone, Instant t) {
    List<Part> crons = new ArrayList<>();
    int count = between(r, 1, 2);
    for (int i = 0; i < count; i++) {
      crons.add(r.nextBoolean() ? filterPart(r, zone, t) : cronPart(r, zone, t));
    }
    List<Trigger> triggers = new ArrayList<>();
    crons.forEach(p -> triggers.add(p.trigger()));
    triggers.add(DateTrigger.at(t.minusSeconds(between(r, 1, 20 * 86_400))));
    Collections.shuffle(triggers, r);
    Reference ref =
        (from, limit) -> {
          Optional<Instant> earliest = Optional.empty();
          for (Part p : crons) {
            Optional<Instant> next = p.reference().firstAtOrAfter(from, limit);
            if (next.isPresent() && (earliest.isEmpty() || next.get().isBefore(earliest.get()))) {
              earliest = next;
            }
          }
          return earliest;
        };
    OrTrigger or = OrTrigger.of(triggers.toArray(Trigger[]::new));
    return new Part(or, ref, or + " (crons: " + crons + ")");
  }

  private static void checkAnd(
      String what, List<Part> parts, ZoneId zone, Optional<Instant> actual, Instant from) {
    Instant limit = from.plusSeconds(WINDOW_SECONDS);
    Instant x = from;
    int rounds = 0;
    Optional<Instant> common = null; // null: not decided within the rounds
    while (rounds++ < REFERENCE_ROUNDS) {
      Instant earliest = null;
      Instant latest = null;
      boolean none = false;
      for (Part p : parts) {
        Optional<Instant> next = p.reference().firstAtOrAfter(x, limit);
        if (next.isEmpty()) {
          none = true;
          break;
        }
        earliest = earliest == null || next.get().isBefore(earliest) ? next.get() : earliest;
        latest = latest == null || next.get().isAfter(latest) ? next.get() : latest;
      }
      if (none) {
        common = Optional.empty();
        break;
      }
      if (earliest.equals(latest)) {
        common = Optional.of(earliest);
        break;
      }
      x = latest; // no part but the latest one's can agree before it
    }
    if (actual.isPresent()) {
      Instant a = actual.get();
      for (Part p : parts) {
        // An Or part alone would answer its passed date; its reference knows the fire times.
        Optional<Instant> fires =
            p.trigger() instanceof OrTrigger
                ? p.reference().firstAtOrAfter(a, a.plusSeconds(1))
                : p.trigger().nextFireTime(zone, null, a);
        assertThat(fires).as(what + ": " + a + " is not a fire time of " + p).contains(a);
      }
    }
    if (common == null) {
      AND_INCONCLUSIVE.incrementAndGet();
      if (actual.isPresent()) {
        assertThat(actual.get()).as(what + ": no common time before " + x).isAfterOrEqualTo(x);
      }
    } else if (common.isPresent()) {
      AND_FOUND.incrementAndGet();
      // Found within fewer rounds than the And's bound: the And must find it too.
      assertThat(actual).as(what + ": brute force's first common time").isEqualTo(common);
    } else {
      actual.ifPresent(
          a -> assertThat(a).as(what + ": no common time before " + limit).isAfterOrEqualTo(limit));
    }
  }

  /** Schedules with disjoint hours never agree, and the And says so without a long search. */
  @Test
  void impossibleAndsAreEmptyQuickly() {
    Cases.forAll(
        "and impossible",
        150,
        CASES,
        r -> {
          // Fixed offsets: with daylight saving a gap's wall time can land in another hour.
          ZoneId zone = r.nextBoolean() ? ZoneOffset.UTC : ZoneOffset.ofHoursMinutes(5, 30);
          List<Integer> hours = new ArrayList<>();
          for (int h = 0; h < 24; h++) {
            hours.add(h);
          }
          Collections.shuffle(hours, r);
          int split = between(r, 1, 23);
          Trigger a = hourTrigger(r, hours.subList(0, split));
          Trigger b = hourTrigger(r, hours.subList(split, between(r, split + 1, 24)));
          AndTrigger and = r.nextBoolean() ? AndTrigger.of(a, b) : AndTrigger.of(b, a);
          Instant now = BruteForceCron.randomInstant(r, zone);
          Instant previous = r.nextBoolean() ? null : now;
          Optional<Instant> next =
              assertTimeout(Duration.ofSeconds(5), () -> and.nextFireTime(zone, previous, now));
          assertThat(next).as(and + " in " + zone).isEmpty();
        });
  }

  private static Trigger hourTrigger(Random r, List<Integer> hours) {
    StringBuilder text = new StringBuilder();
    for (int h : hours) {
      text.append(text.length() == 0 ? "" : ",").append(h);
    }
    CronTrigger.Builder b = CronTrigger.builder().hour(text.toString());
    if (r.nextBoolean()) {
      b.minute(r.nextBoolean() ? "*" : "*/" + between(r, 1, 30));
    }
    if (r.nextBoolean()) {
      b.second(r.nextBoolean() ? "*" : Integer.toString(between(r, 0, 59)));
    }
    if (r.nextInt(4) == 0) {
      b.dayOfWeek(between(r, 0, 6));
    }
    return b.build();
  }

  @Test
  void disjointHoursExample() {
    CASES.incrementAndGet();
    AndTrigger and =
        AndTrigger.of(CronTrigger.builder().hour(1).build(), CronTrigger.builder().hour(2).build());
    Optional<Instant> next =
        assertTimeout(
            Duration.ofSeconds(5),
            () -> and.nextFireTime(ZoneOffset.UTC, null, Instant.parse("2026-01-01T00:00:00Z")));
    assertThat(next).isEmpty();
  }
}
