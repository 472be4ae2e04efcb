package io.asyncz.examples;

import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.TaskDefinition;
import io.asyncz.trigger.CronTrigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The five operations of the API comparison in {@code docs/mapping.md}, written as the table shows
 * them, so that the table's Asyncz column is code that compiles.
 */
public final class ApiTour {
  /** Sends reports; stands for the application's own service. */
  public static final class Reports {
    /** Sends the report. */
    public void send() {
      System.out.println("report sent");
    }
  }

  /** Receives alerts; stands for the application's own service. */
  public static final class Alerts {
    /** Raises an alert about a failed task. */
    public void send(String taskId, Throwable failure) {
      System.out.println("task " + taskId + " failed: " + failure);
    }
  }

  /** An invoice: the data of the reminder. */
  public record Invoice(String id, Instant due) {}

  /** Sends reminders; stands for the application's own service. */
  public static final class Mail {
    /** Sends a reminder for an invoice. */
    public void remind(Invoice invoice) {
      System.out.println("reminder for " + invoice.id());
    }
  }

  private ApiTour() {}

  /** Runs the five operations against a scheduler that is started here and shut down after. */
  public static void main(String[] args) {
    Reports reports = new Reports();
    Alerts alerts = new Alerts();
    Mail mail = new Mail();
    // The reminder: a task any process can run from a persistent store, registered by name. (An
    // application holds it in a constant; this local keeps the table's name.)
    TaskDefinition<Invoice> REMIND =
        TaskDefinition.of("billing.remind", Invoice.class, mail::remind);
    Invoice invoice = new Invoice("inv-1", Clock.systemUTC().instant().plus(Duration.ofDays(14)));
    Instant due = invoice.due();
    try (Scheduler scheduler = Scheduler.builder().store("db", new MemoryStore()).build()) {
      scheduler.start();

      // 1. Run a function every five minutes.
      scheduler.task(reports::send).id("report").every(Duration.ofMinutes(5)).add();

      // 2. Weekdays at 09:30 in Berlin, through daylight saving.
      scheduler
          .task(reports::send)
          .id("morning")
          .trigger(
              CronTrigger.builder()
                  .dayOfWeek("mon-fri")
                  .hour(9)
                  .minute(30)
                  .timezone(ZoneId.of("Europe/Berlin"))
                  .build())
          .add();
      // or in the scheduler's zone:
      scheduler.task(reports::send).id("morning-here").cron("30 9 * * 1-5").add();

      // 3. Once, at a given time, with data, kept in a database (a memory store stands in here).
      scheduler.task(REMIND, invoice).at(due).store("db").add();

      // 4. Pause a task, then resume it.
      scheduler.pauseTask("report");
      scheduler.resumeTask("report");

      // 5. Hear about failed runs.
      scheduler.onEvent(
          TaskExecutionEvent.class,
          e -> {
            if (e.failed()) alerts.send(e.taskId(), e.exception());
          });
    }
  }
}
