package io.asyncz.examples;

import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.TaskDefinition;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * The code the "Tasks" section of {@code docs/scheduler.md} and the README show, compiled: if it
 * stops compiling, the docs are out of date.
 */
public final class SchedulerSnippets {
  /** An invoice: the typed data of the reminder task. */
  public record Invoice(String id, String customer, BigDecimal amount, Instant due) {}

  /** Sends reminders; stands for the application's own service. */
  public static final class Mail {
    /** Sends a reminder for an invoice. */
    public static void remind(Invoice invoice) {
      System.out.println("reminder for invoice " + invoice.id());
    }
  }

  /** Sends reports; stands for the application's own service. */
  public static final class Reports {
    /** Sends the report. */
    public void send() {
      System.out.println("report sent");
    }
  }

  /** Polls; stands for the application's own service. */
  public static final class Poller {
    /** Polls once. */
    public void poll() {
      System.out.println("polled");
    }
  }

  /** Raises alerts; stands for the application's own service. */
  public static final class Alerts {
    /** Raises an alert about a run that failed. */
    public void send(TaskExecutionEvent event) {
      System.out.println("task " + event.taskId() + " failed: " + event.exception());
    }
  }

  /** The reminder, a task that a persistent store can keep: registered once, by name. */
  static final TaskDefinition<Invoice> REMIND =
      TaskDefinition.of("billing.remind", Invoice.class, Mail::remind);

  private SchedulerSnippets() {}

  /** Runs the snippets against a scheduler that is started here and shut down after. */
  public static void main(String[] args) {
    Reports reports = new Reports();
    Poller poller = new Poller();
    Alerts alerts = new Alerts();
    Invoice invoice =
        new Invoice("inv-1", "ACME", new BigDecimal("120.50"), Instant.now().plusSeconds(3600));
    try (ThreadScheduler scheduler = Scheduler.builder().store("db", new MemoryStore()).build()) {
      scheduler.start();

      scheduler.task(reports::send).id("report").cron("0 7 * * 1-5").add();
      scheduler.task(poller::poll).id("poll").every(Duration.ofSeconds(30)).maxInstances(2).add();
      scheduler.task(REMIND, invoice).at(invoice.due()).store("db").add(); // a typed task

      scheduler.updateTask("report", change -> change.maxInstances(3).coalesce(false));
      scheduler.pauseTask("report");
      scheduler.resumeTask("report");
      scheduler.runTask("report"); // run now
      scheduler.deleteTask("poll");
      scheduler.onEvent(
          TaskExecutionEvent.class,
          e -> {
            if (e.failed()) {
              alerts.send(e);
            }
          });
    }
  }
}
