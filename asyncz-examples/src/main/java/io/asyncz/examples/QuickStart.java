package io.asyncz.examples;

import io.asyncz.trigger.AndTrigger;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.OrTrigger;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.Triggers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * The README's first command: builds a date, an interval and cron triggers (keyword, crontab and
 * alias forms) and prints when each would fire next, in the machine's zone.
 */
public final class QuickStart {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss zzz");

  private QuickStart() {}

  /** Runs the example; the first argument, if any, is the zone to use (default: the system's). */
  public static void main(String[] args) {
    ZoneId zone = args.length > 0 ? ZoneId.of(args[0]) : ZoneId.systemDefault();
    Clock clock = Clock.system(zone);
    Instant now = clock.instant();
    System.out.println("Asyncz for Java: next fire times from " + FORMAT.format(now.atZone(zone)));
    System.out.println();

    show(DateTrigger.at(now.plus(Duration.ofMinutes(10))), zone, now, 3);
    show(IntervalTrigger.builder().minutes(15).clock(clock).build(), zone, now, 4);
    show(CronTrigger.builder().dayOfWeek("mon-fri").hour(9).minute(30).build(), zone, now, 4);
    show(CronTrigger.builder().day("last fri").hour(17).build(), zone, now, 3);
    show(CronTrigger.fromCrontab("0 2 * * 0"), zone, now, 3);
    // 02:30 does not exist in New York on 2026-03-08: the run moves to 03:30 summer time.
    ZoneId newYork = ZoneId.of("America/New_York");
    show(
        CronTrigger.fromCrontab("30 2 * * *", newYork),
        newYork,
        Instant.parse("2026-03-06T12:00:00Z"),
        3);
    show(Triggers.create("cron", Map.of("minute", "*/20"), clock), zone, now, 3);
    show(
        OrTrigger.of(
            CronTrigger.builder().hour(8).build(),
            CronTrigger.builder().hour(20).minute(30).build()),
        zone,
        now,
        4);
    show(
        AndTrigger.of(
            CronTrigger.builder().day(13).build(), CronTrigger.builder().dayOfWeek("fri").build()),
        zone,
        now,
        3);
  }

  private static void show(Trigger trigger, ZoneId zone, Instant now, int count) {
    System.out.println(trigger);
    Instant previous = null;
    for (int i = 0; i < count; i++) {
      Optional<Instant> next = trigger.nextFireTime(zone, previous, now);
      if (next.isEmpty()) {
        System.out.println("    (no further fire times)");
        break;
      }
      previous = next.get();
      System.out.println("    " + FORMAT.format(previous.atZone(zone)));
    }
    System.out.println();
  }
}
