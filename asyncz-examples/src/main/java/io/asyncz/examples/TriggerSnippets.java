package io.asyncz.examples;

import io.asyncz.trigger.AndTrigger;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.OrTrigger;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.Triggers;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The trigger snippets of {@code README.md} ("Triggers at a glance") and {@code docs/triggers.md},
 * statement for statement, so that the build compiles every one of them; {@link #main} prints each
 * trigger with its next fire times.
 */
public final class TriggerSnippets {
  private TriggerSnippets() {}

  /** README.md, "Triggers at a glance". */
  static List<Trigger> readme() {
    // The seed's keyword fields, typed: 09:30 on weekdays, in the scheduler's zone.
    Trigger weekdays = CronTrigger.builder().dayOfWeek("mon-fri").hour(9).minute(30).build();
    Trigger weekends =
        CronTrigger.builder().dayOfWeek(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY).hour(10).build();

    // A standard crontab line: 0 and 7 are Sunday; day-of-month OR day-of-week; L, W, #, @daily.
    Trigger sundays = CronTrigger.fromCrontab("0 2 * * 0", ZoneId.of("Europe/Berlin"));

    // Every 15 minutes of elapsed time, first one interval after the scheduler's now (its clock).
    Trigger every15 = IntervalTrigger.every(Duration.ofMinutes(15));

    // From a start time until an end time: wall-clock times in a zone.
    Trigger quarterHours =
        IntervalTrigger.builder()
            .minutes(15)
            .startAt(LocalDateTime.of(2026, 1, 1, 8, 0))
            .endAt(LocalDateTime.of(2026, 12, 31, 18, 0))
            .timezone(ZoneId.of("Europe/London"))
            .build();

    // Once, at a given time; combinations.
    Trigger once =
        DateTrigger.at(ZonedDateTime.of(2026, 7, 1, 12, 0, 0, 0, ZoneId.of("Europe/Berlin")));
    Trigger fridayThe13th =
        AndTrigger.of(
            CronTrigger.builder().day(13).build(),
            CronTrigger.builder().dayOfWeek(DayOfWeek.FRIDAY).build());

    // The seed's strings and aliases, as configuration files and stores give them.
    Trigger fromText = DateTrigger.at("2026-07-01T12:00:00+02:00");
    Trigger fromConfig = Triggers.create("cron", Map.of("hour", "3", "minute", "*/10"));

    // Next fire time: (zone for naive times, previous fire time or null, now).
    Instant now = Instant.parse("2026-03-09T08:00:00Z");
    Optional<Instant> next = weekdays.nextFireTime(ZoneId.of("UTC"), null, now);

    System.out.println("README: weekdays next fire at " + next.orElseThrow());
    return List.of(
        weekdays,
        weekends,
        sundays,
        every15,
        quarterHours,
        once,
        fridayThe13th,
        fromText,
        fromConfig);
  }

  /** docs/triggers.md, the three questions every trigger answers. */
  static void questions(
      Trigger trigger, ZoneId defaultZone, Instant previousFireTime, Instant now) {
    Optional<Instant> next = trigger.nextFireTime(defaultZone, previousFireTime, now);
    Optional<Instant> last = trigger.lastFireTimeUpTo(defaultZone, previousFireTime, now);
    OptionalLong count = trigger.countFireTimesUpTo(defaultZone, previousFireTime, now);

    System.out.println("  next " + next + ", last " + last + ", count " + count);
  }

  /** docs/triggers.md, "DateTrigger". */
  static List<Trigger> dates() {
    Trigger release =
        DateTrigger.at(OffsetDateTime.of(2026, 12, 24, 18, 0, 0, 0, ZoneOffset.ofHours(1)));
    Trigger local =
        DateTrigger.at(LocalDateTime.of(2026, 12, 24, 18, 0), ZoneId.of("Europe/Vienna"));
    Trigger fromConfig =
        Triggers.create(
            "date", Map.of("run_at", "2026-12-24 18:00:00", "timezone", "Europe/Vienna"));

    return List.of(release, local, fromConfig);
  }

  /** docs/triggers.md, "IntervalTrigger". */
  static List<Trigger> intervals() {
    Trigger poll = IntervalTrigger.every(Duration.ofSeconds(30));
    Trigger hourly =
        IntervalTrigger.builder()
            .hours(1)
            .startAt(Instant.parse("2026-01-01T00:00:00Z"))
            .jitter(Duration.ofSeconds(30))
            .build();
    Trigger fromConfig =
        Triggers.create(
            "interval",
            Map.of("minutes", 15, "start_at", "2026-01-01 08:00:00", "timezone", "Europe/London"));

    return List.of(poll, hourly, fromConfig);
  }

  /** docs/triggers.md, "CronTrigger, keyword form". */
  static List<Trigger> cronKeywords() {
    Trigger mornings =
        CronTrigger.builder()
            .dayOfWeek(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY, DayOfWeek.FRIDAY)
            .hour(9)
            .minute(30)
            .timezone(ZoneId.of("Europe/Berlin"))
            .build();
    Trigger quarterly =
        CronTrigger.builder()
            .month(Month.JANUARY, Month.APRIL, Month.JULY, Month.OCTOBER)
            .day(1)
            .build();
    Trigger lastFriday = CronTrigger.builder().day("last fri").hour(17).build();
    Trigger fromConfig = Triggers.create("cron", Map.of("day", "last fri", "hour", "17"));

    return List.of(mornings, quarterly, lastFriday, fromConfig);
  }

  /** docs/triggers.md, "CronTrigger, crontab form". */
  static List<Trigger> crontabs() {
    Trigger sundays = CronTrigger.fromCrontab("0 2 * * 0"); // Sundays 02:00, scheduler zone
    Trigger tokyo = CronTrigger.fromCrontab("0 30 9 ? * MON-FRI", ZoneId.of("Asia/Tokyo"));
    Trigger daily = Triggers.create("cron", Map.of("crontab", "@daily", "timezone", "UTC"));

    return List.of(sundays, tokyo, daily);
  }

  /** docs/triggers.md, "Combinations". */
  static List<Trigger> combinations() {
    Trigger twiceADay =
        OrTrigger.of(
            CronTrigger.builder().hour(8).build(),
            CronTrigger.builder().hour(20).minute(30).build());
    Trigger mornings =
        OrTrigger.of(
            CronTrigger.fromCrontab("0 8 * * 1-5"),
            DateTrigger.at(LocalDateTime.of(2026, 12, 24, 18, 0)));

    return List.of(twiceADay, mornings);
  }

  /** Prints each snippet's triggers and what they answer at 2026-03-09 08:00 UTC. */
  public static void main(String[] args) {
    Instant now = Instant.parse("2026-03-09T08:00:00Z");
    List<List<Trigger>> groups =
        List.of(readme(), dates(), intervals(), cronKeywords(), crontabs(), combinations());
    for (List<Trigger> group : groups) {
      for (Trigger trigger : group) {
        System.out.println(trigger);
        questions(trigger, ZoneOffset.UTC, null, now);
      }
    }
  }
}
