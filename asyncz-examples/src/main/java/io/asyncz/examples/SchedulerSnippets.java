package io.asyncz.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.persistence.FileStore;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.Task;
import io.asyncz.task.TaskDefinition;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The task code of the README ("Scheduling tasks") and of {@code docs/scheduler.md} ("Tasks"),
 * statement for statement, compiled: if it stops compiling, the docs are out of date. The database
 * the docs speak of is a {@link FileStore} here, so that the typed task really is persisted.
 */
public final class SchedulerSnippets {
  /** An invoice: the typed data of the reminder task. */
  public record Invoice(String id, String customer, BigDecimal amount, Instant due) {}

  /** Sends reminders; stands for the application's own service. */
  public static final class Mail {
    private Mail() {}

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

  /** Polls; stands for the application's own service, and counts its polls. */
  public static final class Poller {
    final AtomicInteger polls = new AtomicInteger();

    /** Polls once. */
    public void poll() {
      System.out.println("polled");
      polls.incrementAndGet();
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

  /**
   * README.md, "Scheduling tasks": a scheduler with a database (store {@code "db"}) whose files are
   * in {@code database}; closed when done.
   */
  static void readme(
      Reports reports, Poller poller, Alerts alerts, Invoice invoice, Path database) {
    try (ThreadScheduler scheduler =
        Scheduler.builder().timezone(ZoneId.of("Europe/Berlin")).build()) {
      // Not shown in the README, which leaves open where the database is.
      scheduler.addStore("db", new FileStore(database));
      scheduler.start();
      scheduler.task(reports::send).id("report").cron("0 7 * * 1-5").add();
      scheduler.task(poller::poll).id("poll").every(Duration.ofSeconds(30)).maxInstances(2).add();
      scheduler.task(REMIND, invoice).at(invoice.due()).store("db").add(); // kept in a database

      scheduler.updateTask("report", change -> change.maxInstances(3).coalesce(false));
      scheduler.pauseTask("report");
      scheduler.runTask("poll"); // run now
      scheduler.onEvent(
          TaskExecutionEvent.class,
          e -> {
            if (e.failed()) alerts.send(e);
          });
    } // shutdown(): waits for the runs in progress
  }

  /**
   * docs/scheduler.md, "Typed tasks that persist": an argument writer (here a Jackson mapper)
   * writes an object argument for a persistent store.
   */
  static void argumentWriter(ObjectMapper mapper, Path dir, Object invoice) {
    Scheduler scheduler =
        Scheduler.builder()
            .argumentWriter(value -> mapper.convertValue(value, Object.class))
            .store("db", new FileStore(dir))
            .build();
    scheduler.task("billing.charge").args(invoice).store("db").add();
  }

  /** docs/scheduler.md, "Tasks": the task operations, on a scheduler with a store {@code "db"}. */
  static void tasks(
      ThreadScheduler scheduler, Reports reports, Poller poller, Alerts alerts, Invoice invoice) {
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
          if (e.failed()) alerts.send(e);
        });
  }

  /** docs/scheduler.md, "Tasks": many reminders added at once, all or none. */
  static List<Task> batch(ThreadScheduler scheduler, List<Invoice> invoices) {
    return scheduler.addAll(
        batch -> {
          for (Invoice invoice : invoices) {
            batch
                .task(REMIND, invoice)
                .id("remind-" + invoice.id())
                .at(invoice.due())
                .store("db")
                .add();
          }
        });
  }

  /** Runs the snippets on schedulers started here, with their database in a temporary directory. */
  public static void main(String[] args) throws IOException {
    Reports reports = new Reports();
    Poller poller = new Poller();
    Alerts alerts = new Alerts();
    Instant inAnHour = Clock.systemUTC().instant().plus(Duration.ofHours(1));
    Invoice invoice = new Invoice("inv-1", "ACME", new BigDecimal("120.50"), inAnHour);
    Path database = Files.createTempDirectory("asyncz-snippets");
    try {
      readme(reports, poller, alerts, invoice, database.resolve("readme"));
      try (ThreadScheduler scheduler = Scheduler.builder().build()) {
        scheduler.addStore("db", new FileStore(database.resolve("docs")));
        scheduler.start();
        tasks(scheduler, reports, poller, alerts, invoice);
        Invoice second = new Invoice("inv-2", "Initech", new BigDecimal("80.00"), inAnHour);
        batch(scheduler, List.of(second, invoice));
        System.out.println("stored in db: " + scheduler.getTasks("db"));
      }
    } finally {
      deleteTree(database);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
