package io.asyncz.examples;

import io.asyncz.event.Events;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's first command: builds a date, an interval and cron triggers (keyword, crontab and
 * alias forms) and prints when each would fire next, in the machine's zone; then runs a scheduler
 * for a few seconds and prints each run as its events report it.
 */
public final class QuickStart {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss zzz");

  private QuickStart() {}

  /** Runs the example; the first argument, if any, is the zone to use (default: the system's). */
  public static void main(String[] args) throws InterruptedException {
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

    runScheduler(zone);
  }

  /** Starts a scheduler, lets a date, an interval and a cron task fire, and prints the runs. */
  private static void runScheduler(ZoneId zone) throws InterruptedException {
    System.out.println("Running a scheduler for a few seconds:");
    CountDownLatch done = new CountDownLatch(7);
    try (ThreadScheduler scheduler = Scheduler.builder().timezone(zone).build()) {
      scheduler.addListener(
          event -> {
            if (event instanceof TaskExecutionEvent run) {
              System.out.printf(
                  "    %-12s %-9s due %s, result %s%n",
                  Events.name(run.code()),
                  run.taskId(),
                  FORMAT.format(run.scheduledRunTime().atZone(zone)),
                  run.returnValue());
              done.countDown();
            }
          },
          Events.TASK_EXECUTED | Events.TASK_ERROR | Events.TASK_MISSED);
      Instant now = scheduler.clock().instant();
      scheduler.task(() -> "once").id("date").trigger(DateTrigger.at(now.plusSeconds(1))).add();
      scheduler
          .task(() -> "tick")
          .id("interval")
          .trigger(IntervalTrigger.builder().seconds(1).clock(scheduler.clock()).build())
          .add();
      scheduler
          .task(() -> "even second")
          .id("cron")
          .trigger(CronTrigger.builder().second("*/2").build())
          .add();
      scheduler.start();
      done.await(10, TimeUnit.SECONDS);
      System.out.println(
          "    tasks left: "
              + scheduler.getTaskInfos(TaskQuery.all()).stream()
                  .map(i -> i.id() + " next at " + FORMAT.format(i.nextRunTime().atZone(zone)))
                  .toList());
    }
    System.out.println("Scheduler shut down.");
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
