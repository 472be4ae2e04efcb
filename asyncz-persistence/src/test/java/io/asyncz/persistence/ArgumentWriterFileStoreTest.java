package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.ArgumentWriter;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler's argument writer turns an object given as a task's argument into the JSON value a
 * file store keeps, on every path that puts a task into the store (add, add before start, a batch,
 * an update, a move from the memory store); the memory store keeps the object itself, and without a
 * writer the object is refused as before.
 */
class ArgumentWriterFileStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final DateTrigger IN_A_MINUTE = DateTrigger.at(T0.plusSeconds(60));

  record Invoice(String number, long cents) {}

  private static final Invoice INVOICE = new Invoice("2026-007", 1250);
  private static final String STORED_ARGS = "\"args\":[{\"number\":\"2026-007\",\"cents\":1250}]";
  private static final Invoice CREDIT_NOTE = new Invoice("2026-008", -300);

  /** Writes an invoice as a JSON object of its components, and refuses anything else. */
  private static final ArgumentWriter INVOICES =
      value -> {
        if (value instanceof Invoice invoice) {
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("number", invoice.number());
          json.put("cents", invoice.cents());
          return json;
        }
        throw new IllegalArgumentException(
            "no JSON form for a " + value.getClass().getSimpleName());
      };

  @TempDir Path directory;

  private final MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
  private final List<Invoice> charged = new CopyOnWriteArrayList<>();
  private final List<ManualScheduler> schedulers = new ArrayList<>();

  /** The function reads the written object back into an invoice, as a typed function would. */
  private TaskRegistry registry() {
    return new TaskRegistry()
        .register(
            "billing.charge",
            (args, kwargs) -> {
              Map<?, ?> json = (Map<?, ?>) args.get(0);
              charged.add(
                  new Invoice(
                      (String) json.get("number"), ((Number) json.get("cents")).longValue()));
              return null;
            });
  }

  private ManualScheduler scheduler(SchedulerSettings.Builder settings) {
    ManualScheduler scheduler =
        ManualScheduler.with(
            settings
                .registry(registry())
                .timezone(ZoneOffset.UTC)
                .store("db", new FileStore(directory))
                .store("mem", new MemoryStore()),
            clock);
    schedulers.add(scheduler);
    return scheduler;
  }

  private ManualScheduler withWriter() {
    return scheduler(Scheduler.builder().argumentWriter(INVOICES));
  }

  @AfterEach
  void shutDown() {
    for (ManualScheduler scheduler : schedulers) {
      if (scheduler.isRunning()) {
        scheduler.shutdown(false);
      }
    }
  }

  private String stored(String id) throws IOException {
    return Files.readString(directory.resolve(id + ".task"), StandardCharsets.UTF_8);
  }

  @Test
  void anObjectIsStoredAsTheWritersJsonAndTheTaskRunsWithIt() throws Exception {
    ManualScheduler scheduler = withWriter();
    scheduler.start();

    addInvoice(scheduler, "db");

    assertThat(stored("invoice-7")).contains(STORED_ARGS);
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(charged).containsExactly(INVOICE);
  }

  @Test
  void aTaskAddedBeforeStartIsWrittenWhenAddedAndStoredAtStart() throws Exception {
    ManualScheduler scheduler = withWriter();
    addInvoice(scheduler, "db");

    assertThat(scheduler.getTask("invoice-7").orElseThrow().args())
        .containsExactly(Map.of("number", "2026-007", "cents", 1250L));
    scheduler.start();
    assertThat(stored("invoice-7")).contains(STORED_ARGS);
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(charged).containsExactly(INVOICE);
  }

  @Test
  void aTaskAddedBeforeItsStoreIsWrittenWhenCommittedAtStart() throws Exception {
    ManualScheduler scheduler = withWriter();
    addInvoice(scheduler, "late");
    Path late = Files.createDirectory(directory.resolve("late"));
    scheduler.addStore("late", new FileStore(late));

    scheduler.start();

    assertThat(Files.readString(late.resolve("invoice-7.task"), StandardCharsets.UTF_8))
        .contains(STORED_ARGS);
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(charged).containsExactly(INVOICE);
  }

  @Test
  void aBatchAndAnUpdateWriteTheirObjectsToo() throws Exception {
    ManualScheduler scheduler = withWriter();
    scheduler.start();

    scheduler.addAll(
        batch ->
            batch
                .task("billing.charge")
                .id("invoice-7")
                .args(INVOICE)
                .trigger(IN_A_MINUTE)
                .store("db")
                .add());
    assertThat(stored("invoice-7")).contains(STORED_ARGS);

    scheduler.updateTask("invoice-7", change -> change.args(CREDIT_NOTE));
    assertThat(stored("invoice-7")).contains("\"args\":[{\"number\":\"2026-008\",\"cents\":-300}]");
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(charged).containsExactly(CREDIT_NOTE);
  }

  @Test
  void theMemoryStoreKeepsTheObjectAndAMoveToTheFileStoreWritesIt() throws Exception {
    ManualScheduler scheduler = withWriter();
    scheduler.start();
    addInvoice(scheduler, "mem");

    assertThat(scheduler.getTask("invoice-7").orElseThrow().args().get(0)).isSameAs(INVOICE);

    scheduler.updateTask("invoice-7", change -> change.store("db"));
    assertThat(stored("invoice-7")).contains(STORED_ARGS);
    assertThat(scheduler.getTasks("mem")).isEmpty();
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(charged).containsExactly(INVOICE);
  }

  @Test
  void aValueTheWriterRefusesIsNotAddedAndTheMessageSaysWhy() throws Exception {
    ManualScheduler scheduler = withWriter();
    scheduler.start();

    assertThatThrownBy(
            () ->
                scheduler
                    .task("billing.charge")
                    .id("report")
                    .args(new File("/tmp/report.csv"))
                    .trigger(IN_A_MINUTE)
                    .store("db")
                    .add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid argument args[0] of task 'report': \"/tmp/report.csv (java.io.File)\" cannot"
                + " be written as JSON by the scheduler's argument writer: no JSON form for a"
                + " File; store 'db' keeps tasks outside this JVM as JSON");
    assertThat(scheduler.getTasks()).isEmpty();
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files.filter(f -> f.toString().endsWith(".task"))).isEmpty();
    }
  }

  @Test
  void withoutAWriterTheFileStoreRefusesTheObjectAsBefore() {
    ManualScheduler scheduler = scheduler(Scheduler.builder());
    scheduler.start();

    assertThatThrownBy(() -> addInvoice(scheduler, "db"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid argument args[0] of task 'invoice-7': \""
                + INVOICE
                + " ("
                + Invoice.class.getName()
                + ")\" is not a JSON value, which store 'db' cannot keep: it keeps tasks outside"
                + " this JVM as JSON; expected strings, numbers, booleans, null, lists, maps with"
                + " string keys or java.time values (or a record given to a TaskDefinition, which"
                + " is stored as JSON)");
  }

  /** Adds the invoice task, due in a minute, to {@code store}. */
  private static void addInvoice(ManualScheduler scheduler, String store) {
    scheduler
        .task("billing.charge")
        .id("invoice-7")
        .args(INVOICE)
        .trigger(IN_A_MINUTE)
        .store(store)
        .add();
  }
}
