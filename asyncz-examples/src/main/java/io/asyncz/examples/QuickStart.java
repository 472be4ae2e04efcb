package io.asyncz.examples;

import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.TaskQuery;
import io.asyncz.scheduler.ThreadScheduler;
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
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The README's example program: prints when a few triggers (date, interval, cron in its keyword,
 * crontab and alias forms, and/or) fire next, in the machine's zone; then runs a scheduler with
 * three tasks for a few seconds and prints each run as its event reports it.
 */
public final class QuickStart {
  private static final DateTimeFormatter DAY_AND_TIME =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss zzz");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private QuickStart() {}

  /** Runs the example; the first argument, if any, is the zone to use (default: the system's). */
  public static void main(String[] args) throws InterruptedException {
    ZoneId zone = args.length > 0 ? ZoneId.of(args[0]) : ZoneId.systemDefault();
    Instant now = Clock.system(zone).instant().truncatedTo(ChronoUnit.SECONDS);
    System.out.println(
        "When do these triggers fire? From " + DAY_AND_TIME.format(now.atZone(zone)));
    System.out.println();

    show("Once, in ten minutes", DateTrigger.at(now.plus(Duration.ofMinutes(10))), zone, now, 2);
    show("Every 15 minutes", IntervalTrigger.every(Duration.ofMinutes(15)), zone, now, 3);
    show(
        "Weekdays at 09:30",
        CronTrigger.builder().dayOfWeek("mon-fri").hour(9).minute(30).build(),
        zone,
        now,
        3);
    show(
        "The last Friday of the month at 17:00",
        CronTrigger.builder().day("last fri").hour(17).build(),
        zone,
        now,
        3);
    show("Sundays at 02:00, a crontab line", CronTrigger.fromCrontab("0 2 * * 0"), zone, now, 3);
    ZoneId newYork = ZoneId.of("America/New_York");
    show(
        "Daily at 02:30 in New York (03:30 on 2026-03-08, when 02:30 does not exist)",
        CronTrigger.fromCrontab("30 2 * * *", newYork),
        newYork,
        Instant.parse("2026-03-06T12:00:00Z"),
        3);
    show(
        "Every 20 minutes, by alias and options (the configuration's form)",
        Triggers.create("cron", Map.of("minute", "*/20")),
        zone,
        now,
        3);
    show(
        "08:00 or 20:30",
        OrTrigger.of(
            CronTrigger.builder().hour(8).build(),
            CronTrigger.builder().hour(20).minute(30).build()),
        zone,
        now,
        4);
    show(
        "Friday the 13th",
        AndTrigger.of(
            CronTrigger.builder().day(13).build(), CronTrigger.builder().dayOfWeek("fri").build()),
        zone,
        now,
        3);

    runScheduler(zone);
  }

  /** Starts a scheduler, lets a date, an interval and a cron task fire, and prints the runs. */
  private static void runScheduler(ZoneId zone) throws InterruptedException {
    System.out.println(
        "A scheduler running three tasks (once after 1 s, every second, on even seconds);"
            + " each run as its event reports it:");
    CountDownLatch runs = new CountDownLatch(7);
    try (ThreadScheduler scheduler = Scheduler.builder().timezone(zone).build()) {
      scheduler.onEvent(
          TaskExecutionEvent.class,
          run -> {
            String outcome =
                run.succeeded()
                    ? "returned \"" + run.returnValue() + "\""
                    : run.failed() ? "failed: " + run.exception() : "missed";
            System.out.printf(
                "    %s  %-9s %s%n",
                TIME.format(run.scheduledRunTime().atZone(zone)), run.taskId(), outcome);
            runs.countDown();
          });
      Instant now = scheduler.clock().instant();
      scheduler.task(() -> "once").id("once").at(now.plusSeconds(1)).add();
      scheduler.task(() -> "tick").id("every-1s").every(Duration.ofSeconds(1)).add();
      scheduler.task(() -> "even").id("even-s").cron("*/2 * * * * *").add();
      scheduler.start();
      runs.await(10, TimeUnit.SECONDS);
      System.out.println(
          "Still scheduled: "
              + scheduler.getTaskInfos(TaskQuery.all()).stream()
                  .map(i -> i.id() + " next at " + TIME.format(i.nextRunTime().atZone(zone)))
                  .collect(Collectors.joining(", ")));
    }
    System.out.println("Scheduler shut down.");
  }

  private static void show(String label, Trigger trigger, ZoneId zone, Instant now, int count) {
    System.out.println(label + ": " + trigger);
    Instant previous = null;
    for (int i = 0; i < count; i++) {
      Optional<Instant> next = trigger.nextFireTime(zone, previous, now);
      if (next.isEmpty()) {
        System.out.println("    (no more)");
        break;
      }
      previous = next.get();
      System.out.println("    " + DAY_AND_TIME.format(previous.atZone(zone)));
    }
    System.out.println();
  }
}
