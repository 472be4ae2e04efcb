package io.asyncz.trigger;

import static io.asyncz.trigger.BruteForceCron.between;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.trigger.BruteForceCron.Cases;
import io.asyncz.trigger.BruteForceCron.Field;
import io.asyncz.trigger.BruteForceCron.Form;
import io.asyncz.trigger.BruteForceCron.Item;
import io.asyncz.trigger.BruteForceCron.Kind;
import io.asyncz.trigger.BruteForceCron.Spec;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Cron schedules against {@link BruteForceCron}: random keyword and crontab schedules, random zones
 * and instants (many within a day of a daylight-saving transition), both with and without a
 * previous fire time, compared with the brute-force first fire time.
 */
class CronPropertyTest {
  private static final AtomicLong CASES = new AtomicLong();
  private static final AtomicLong CHECKS = new AtomicLong();

  /** How far the brute force looks for the next fire time. */
  private static final long WINDOW_SECONDS = 12L * 366 * 86_400;

  @AfterAll
  static void report() {
    System.out.println(
        "CronPropertyTest property cases: "
            + CASES.get()
            + " (next-time checks: "
            + CHECKS.get()
            + ", master seed "
            + Cases.MASTER_SEED
            + ")");
  }

  @Test
  void keywordSchedulesAgreeWithBruteForce() {
    Cases.forAll(
        "cron keyword",
        2_000,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.randomZone(r);
          Instant t = BruteForceCron.randomInstant(r, zone);
          Spec spec = BruteForceCron.randomKeyword(r, t.atZone(zone).getYear());
          checkCase(r, spec, zone, t);
        });
  }

  @Test
  void crontabSchedulesAgreeWithBruteForce() {
    Cases.forAll(
        "cron crontab",
        2_000,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.randomZone(r);
          Instant t = BruteForceCron.randomInstant(r, zone);
          checkCase(r, BruteForceCron.randomCrontab(r), zone, t);
        });
  }

  /**
   * Schedules aimed at the wall-clock hours a transition skips or repeats, from instants around it:
   * the gap and overlap rules in every zone, including Lord Howe's 30-minute shift and Cairo's
   * midnight transitions.
   */
  @Test
  void schedulesAroundTransitionsAgreeWithBruteForce() {
    Cases.forAll(
        "cron dst",
        1_500,
        CASES,
        r -> {
          ZoneId zone = BruteForceCron.DST_ZONES.get(r.nextInt(BruteForceCron.DST_ZONES.size()));
          Instant base =
              Instant.parse("1998-01-01T00:00:00Z").plusSeconds(r.nextInt(44 * 365) * 86_400L);
          ZoneOffsetTransition tr = zone.getRules().nextTransition(base);
          Instant t = tr.getInstant().plusSeconds(between(r, -86_400, 86_400));
          if (r.nextInt(4) == 0) {
            t = tr.getInstant().plusSeconds(between(r, -4000, 4000));
          }
          if (r.nextInt(8) == 0) {
            t = t.plusMillis(between(r, 1, 999));
          }
          // The wall-clock hour where the skipped or repeated time begins or ends.
          int hour =
              r.nextBoolean() ? tr.getDateTimeBefore().getHour() : tr.getDateTimeAfter().getHour();
          checkCase(r, transitionSpec(r, hour), zone, t);
        });
  }

  static Spec transitionSpec(Random r, int hour) {
    Field[] fields = new Field[8];
    Field hourField = hourNear(r, hour);
    Field minute =
        switch (r.nextInt(6)) {
          case 0 -> Field.of(new Item(Kind.STAR, 0, 0, 0, "*"));
          case 1 -> Field.of(new Item(Kind.STAR_STEP, 0, 0, 15, "*/15"));
          case 2 -> Field.of(new Item(Kind.VALUE, 30, 0, 0, "30"));
          case 3 -> Field.of(new Item(Kind.RANGE_STEP, 10, 50, 20, "10-50/20"));
          case 4 -> Field.of(new Item(Kind.VALUE, 59, 0, 0, "59"));
          default -> Field.of(new Item(Kind.VALUE, 0, 0, 0, "0"));
        };
    boolean withSeconds = r.nextInt(3) == 0;
    Field second =
        r.nextBoolean()
            ? Field.of(new Item(Kind.STAR_STEP, 0, 0, 20, "*/20"))
            : Field.of(new Item(Kind.VALUE, 59, 0, 0, "59"));
    if (r.nextBoolean()) {
      fields[HOUR] = hourField;
      fields[MINUTE] = minute;
      if (withSeconds) {
        fields[SECOND] = second;
      }
      if (r.nextInt(4) == 0) {
        fields[DAY_OF_WEEK] = BruteForceCron.keywordField(r, DAY_OF_WEEK, 2000);
      }
      return new Spec(Form.KEYWORD, fields, null, new boolean[8], " ");
    }
    Field star = Field.of(new Item(Kind.STAR, 0, 0, 0, "*"));
    fields[SECOND] = withSeconds ? second : null;
    fields[MINUTE] = minute;
    fields[HOUR] = hourField;
    fields[DAY] = star;
    fields[MONTH] = star;
    fields[DAY_OF_WEEK] = star;
    return new Spec(Form.CRONTAB, fields, null, new boolean[8], " ");
  }

  private static final int HOUR = BruteForceCron.HOUR;
  private static final int MINUTE = BruteForceCron.MINUTE;
  private static final int SECOND = BruteForceCron.SECOND;
  private static final int DAY = BruteForceCron.DAY;
  private static final int MONTH = BruteForceCron.MONTH;
  private static final int DAY_OF_WEEK = BruteForceCron.DAY_OF_WEEK;

  /**
   * An hour expression around {@code hour} (wrapping past midnight): fixed values, lists, ranges,
   * '*' and steps.
   */
  private static Field hourNear(Random r, int hour) {
    int before = (hour + 23) % 24;
    int after = (hour + 1) % 24;
    boolean contiguous = before < hour && hour < after;
    return switch (r.nextInt(8)) {
      case 0 -> Field.of(new Item(Kind.STAR, 0, 0, 0, "*"));
      case 1 -> {
        int n = between(r, 1, 3);
        yield Field.of(new Item(Kind.STAR_STEP, 0, 0, n, "*/" + n));
      }
      case 2 -> {
        int h = r.nextBoolean() ? before : after;
        yield Field.of(new Item(Kind.VALUE, h, 0, 0, Integer.toString(h)));
      }
      case 3 ->
          contiguous
              ? Field.of(new Item(Kind.RANGE, before, after, 0, before + "-" + after))
              : Field.of(new Item(Kind.STAR, 0, 0, 0, "*"));
      case 4 ->
          contiguous
              ? Field.of(new Item(Kind.RANGE_STEP, before, after, 1, before + "-" + after + "/1"))
              : Field.of(new Item(Kind.STAR_STEP, 0, 0, 1, "*/1"));
      case 5 -> {
        List<Item> items = new ArrayList<>();
        for (int h : new int[] {before, hour, after}) {
          items.add(new Item(Kind.VALUE, h, 0, 0, Integer.toString(h)));
        }
        Collections.shuffle(items, r);
        yield new Field(items);
      }
      case 6 -> {
        int h = Math.min(hour, 22);
        yield Field.of(new Item(Kind.FROM_STEP, h, 0, 1, h + "/1"));
      }
      default -> Field.of(new Item(Kind.VALUE, hour, 0, 0, Integer.toString(hour)));
    };
  }

  /**
   * One case: the first time from {@code t} with no previous run (maybe with start and end bounds),
   * then a few catch-up steps, each against the brute force.
   */
  private static void checkCase(Random r, Spec spec, ZoneId zone, Instant t) {
    // The zone of the wall-clock fields: the scheduler's, the trigger's own, or inferred from a
    // zoned start_at (then the scheduler's zone differs and must be ignored).
    int zoneMode = r.nextInt(6);
    Instant start = null;
    Instant end = null;
    if (zoneMode == 5 || (zoneMode >= 2 && r.nextInt(5) == 0)) {
      start = t.plusSeconds(between(r, -2 * 86_400, 2 * 86_400));
      if (r.nextBoolean()) {
        start = start.plusNanos(between(r, 1, 999_999_999));
      }
    }
    if (zoneMode >= 2 && r.nextInt(5) == 0) {
      long span = (long) Math.pow(10, r.nextDouble() * 7.5);
      end = (start != null && start.isAfter(t) ? start : t).plusSeconds(span);
    }
    boolean ownZone = zoneMode == 2 || zoneMode == 3 || zoneMode == 4;
    ZoneId defaultZone = zoneMode < 2 ? zone : BruteForceCron.randomZone(r);
    // Bounds as instants or as zoned date-times (in the schedule's zone, so a zone they imply is
    // the schedule's).
    Object startValue = start == null || r.nextBoolean() ? start : start.atZone(zone);
    Object endValue = end == null || r.nextBoolean() ? end : end.atZone(zone);
    if (zoneMode == 5) {
      startValue = start.atZone(zone);
      endValue = end == null ? null : end.atZone(zone);
    }
    CronTrigger trigger = spec.build(ownZone ? zone : null, startValue, endValue, null);
    BruteForceCron ref = new BruteForceCron(spec, zone);
    String context =
        spec
            + " in "
            + zone
            + (ownZone
                ? " (trigger's zone; scheduler's " + defaultZone + ")"
                : zoneMode == 5
                    ? " (from start_at; scheduler's " + defaultZone + ")"
                    : " (scheduler's)")
            + (start != null ? " start_at=" + startValue : "")
            + (end != null ? " end_at=" + endValue : "")
            + (ref.repeatingHour() ? " [repeating hour]" : " [fixed hour]");

    Instant from = start != null && start.isAfter(t) ? start : t;
    Optional<Instant> first = trigger.nextFireTime(defaultZone, null, t);
    verify(ref, context + ", previous=null, now=" + show(t, zone), first, from, end, zone);
    first.ifPresent(f -> assertThat(f).as(context + ": first time before now").isAfterOrEqualTo(t));

    Instant previous = start != null ? first.orElse(null) : r.nextBoolean() ? t : first.orElse(t);
    int steps = between(r, 1, 4);
    for (int i = 0; i < steps && previous != null; i++) {
      Instant now = previous.plusSeconds(between(r, -86_400, 40 * 86_400));
      Optional<Instant> next = trigger.nextFireTime(defaultZone, previous, now);
      String what = context + ", previous=" + show(previous, zone) + ", now=" + now;
      verify(ref, what, next, previous.plusNanos(1), end, zone);
      if (next.isPresent()) {
        assertThat(next.get()).as(what + ": not after previous").isAfter(previous);
      }
      previous = next.orElse(null);
    }
  }

  /**
   * Checks the engine's answer for "the first fire time at or after {@code from}" against the brute
   * force over a window: equal when the brute force finds one, else beyond the window (and still a
   * fire time).
   */
  private static void verify(
      BruteForceCron ref,
      String what,
      Optional<Instant> actual,
      Instant from,
      Instant end,
      ZoneId zone) {
    CHECKS.incrementAndGet();
    Instant limit = from.plusSeconds(WINDOW_SECONDS);
    Optional<Instant> expected = ref.firstAtOrAfter(from, limit);
    if (expected.isPresent()) {
      Instant e = expected.get();
      if (end != null && e.isAfter(end)) {
        assertThat(actual)
            .as(what + ": brute force's next " + show(e, zone) + " is after end_at")
            .isEmpty();
      } else {
        assertThat(actual.map(a -> show(a, zone)))
            .as(what + ": brute force says " + show(e, zone))
            .contains(show(e, zone));
      }
    } else if (actual.isPresent()) {
      Instant a = actual.get();
      assertThat(a)
          .as(what + ": brute force found no time before " + limit + " but engine gave " + a)
          .isAfterOrEqualTo(limit);
      if (end != null) {
        assertThat(a).as(what + ": after end_at").isBeforeOrEqualTo(end);
      }
      assertThat(ref.isFireTime(a))
          .as(what + ": " + show(a, zone) + " is not a fire time")
          .isTrue();
    }
  }

  static String show(Instant t, ZoneId zone) {
    return t + " (" + t.atZone(zone).toOffsetDateTime() + ")";
  }

  // ------------------------------------------------------------------ examples found

  /**
   * Found by the crontab property: the day-of-month OR day-of-week rule applies when neither field
   * starts with '*' (Vixie cron); a '*' later in a list does not make the field unrestricted. Here
   * a day fires when it is the 13th, a Friday, or a Sunday ('*' / 7 over 0-6 is Sunday alone).
   */
  @Test
  void crontabDayRuleLooksAtTheFieldsFirstCharacter() {
    CASES.incrementAndGet();
    CronTrigger trigger = CronTrigger.fromCrontab("0 0 13 * 5,*/7", ZoneOffset.UTC);
    Instant now = Instant.parse("2026-01-01T00:00:01Z"); // a Thursday
    assertThat(TriggerTesting.walk(trigger, ZoneOffset.UTC, now, 5))
        .containsExactly(
            Instant.parse("2026-01-02T00:00:00Z"), // Friday
            Instant.parse("2026-01-04T00:00:00Z"), // Sunday
            Instant.parse("2026-01-09T00:00:00Z"), // Friday
            Instant.parse("2026-01-11T00:00:00Z"), // Sunday
            Instant.parse("2026-01-13T00:00:00Z")); // the 13th, a Tuesday
    // A field that starts with '*' still leaves the other field alone: 13th AND Friday.
    CronTrigger and = CronTrigger.fromCrontab("0 0 13 * */7,5", ZoneOffset.UTC);
    assertThat(and.nextFireTime(ZoneOffset.UTC, null, now))
        .contains(Instant.parse("2026-02-13T00:00:00Z"));
  }

  /**
   * A trigger without a timezone takes the zone of a zoned start_at, also when the start is the
   * second occurrence of a repeated wall time: noon in June fires at 12:00 EDT (16:00Z).
   */
  @Test
  void zoneInferredFromAStartInARepeatedHourIsTheRegion() {
    ZoneId newYork = ZoneId.of("America/New_York");
    java.time.ZonedDateTime second =
        java.time.ZonedDateTime.ofLocal(
            java.time.LocalDateTime.parse("2025-11-02T01:30"), newYork, ZoneOffset.ofHours(-5));
    CronTrigger trigger = CronTrigger.builder().hour(12).startAt(second).build();
    assertThat(trigger.timezone()).contains(newYork);
    assertThat(trigger.nextFireTime(ZoneOffset.UTC, null, Instant.parse("2026-06-01T00:00:00Z")))
        .contains(Instant.parse("2026-06-01T16:00:00Z"));
  }

  // ------------------------------------------------------------------ invalid steps

  /** Steps of 0 and steps larger than their range are refused, in every keyword field. */
  @Test
  void invalidKeywordStepsAreRejected() {
    int[] min = {1970, 1, 1, 1, 0, 0, 0, 0};
    int[] max = {9999, 12, 31, 53, 6, 23, 59, 59};
    Cases.forAll(
        "cron invalid steps",
        1_000,
        CASES,
        r -> {
          int field = r.nextInt(8);
          int lo = min[field];
          int hi = max[field];
          String bad =
              switch (r.nextInt(5)) {
                case 0 -> "*/0";
                case 1 -> "*/" + between(r, hi - lo + 1, hi - lo + 100);
                case 2 -> {
                  int a = between(r, lo, hi);
                  int b = between(r, a, hi);
                  yield a + "-" + b + "/" + between(r, b - a + 1, b - a + 60);
                }
                case 3 -> {
                  int a = between(r, lo, hi);
                  yield a + "/" + between(r, hi - a + 1, hi - a + 60);
                }
                default -> between(r, lo, hi) + "/0";
              };
          if (r.nextBoolean()) {
            // A bad item inside a list is as bad.
            bad = lo + "," + bad;
          }
          CronTrigger.Builder b = CronTrigger.builder();
          String expression = bad;
          assertThatThrownBy(() -> b.field(field, expression).build())
              .as(BruteForceCron.FIELD_NAMES[field] + "='" + expression + "'")
              .isInstanceOf(InvalidInputException.class);
        });
  }

  @Test
  void crontabStepOfZeroIsRejected() {
    Cases.forAll(
        "crontab zero step",
        200,
        CASES,
        r -> {
          String[] parts = {"0", "0", "*", "*", "*"};
          int field = r.nextInt(5);
          parts[field] = r.nextBoolean() ? "*/0" : "1-3/0";
          String line = String.join(" ", parts);
          assertThatThrownBy(() -> CronTrigger.fromCrontab(line, ZoneOffset.UTC))
              .as(line)
              .isInstanceOf(InvalidInputException.class);
        });
  }
}
