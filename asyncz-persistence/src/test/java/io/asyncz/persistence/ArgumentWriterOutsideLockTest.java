package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.ArgumentWriter;
import io.asyncz.task.Task;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow argument writer (a big object graph, a mapper with a slow serializer) holds up nobody but
 * the caller whose change it writes: an update of a task in a file store, a move into it, an update
 * before start and a start that commits a task to a store added after it write the arguments before
 * any store or scheduler lock is taken, so that other threads add tasks to those stores (which
 * takes the store's lock) or read the tasks pending start meanwhile.
 */
class ArgumentWriterOutsideLockTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final DateTrigger IN_A_MINUTE = DateTrigger.at(T0.plusSeconds(60));

  /**
   * How long another thread's call may take before the test takes it as blocked behind the writer;
   * it only bounds a failure (a call that waits for the lock never returns before the writer is let
   * go), it measures nothing.
   */
  private static final long BLOCKED_AFTER_SECONDS = 30;

  private static final String CREDIT_NOTE_ARGS =
      "\"args\":[{\"number\":\"2026-008\",\"cents\":-300}]";

  record Invoice(String number, long cents) {}

  @TempDir Path directory;

  private final MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
  private final CountDownLatch writing = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger asked = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private ManualScheduler scheduler;

  /** Writes an invoice as a JSON object; the credit note's writing waits for the test's word. */
  private final ArgumentWriter writer =
      value -> {
        asked.incrementAndGet();
        if (!(value instanceof Invoice invoice)) {
          throw new IllegalArgumentException(
              "no JSON form for a " + value.getClass().getSimpleName());
        }
        if (invoice.cents() < 0) {
          writing.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("number", invoice.number());
        json.put("cents", invoice.cents());
        return json;
      };

  @AfterEach
  void shutDown() {
    release.countDown();
    threads.shutdownNow();
    if (scheduler != null && scheduler.isRunning()) {
      scheduler.shutdown(false);
    }
  }

  private ManualScheduler scheduler() {
    scheduler =
        ManualScheduler.with(
            Scheduler.builder()
                .argumentWriter(writer)
                .registry(new TaskRegistry().register("billing.charge", (args, kwargs) -> null))
                .timezone(ZoneOffset.UTC)
                .store("db", new FileStore(directory))
                .store("mem", new MemoryStore()),
            clock);
    return scheduler;
  }

  private void addInvoice(String id, String store) {
    scheduler
        .task("billing.charge")
        .id(id)
        .args(new Invoice("2026-007", 1250))
        .trigger(IN_A_MINUTE)
        .store(store)
        .add();
  }

  private Task addOther(String id, String store) {
    return scheduler.task("billing.charge").id(id).trigger(IN_A_MINUTE).store(store).add();
  }

  private String stored(String id) throws IOException {
    return Files.readString(directory.resolve(id + ".task"), StandardCharsets.UTF_8);
  }

  @Test
  void anotherThreadReadsAndAddsToTheStoreWhileTheWriterWritesAnUpdate() throws Exception {
    scheduler().start();
    addInvoice("invoice-7", "db");

    CompletableFuture<?> update =
        whileWriting(
            () -> scheduler.updateTask("invoice-7", c -> c.args(new Invoice("2026-008", -300))));

    assertThat(elsewhere(() -> scheduler.getTasks("db"))).hasSize(1);
    elsewhere(() -> addOther("other", "db"));
    assertThat(elsewhere(() -> scheduler.getTask("other"))).isPresent();

    release.countDown();
    update.get();
    assertThat(stored("invoice-7")).contains(CREDIT_NOTE_ARGS);
  }

  @Test
  void anotherThreadAddsToBothStoresWhileTheWriterWritesAMove() throws Exception {
    scheduler().start();
    addInvoice("invoice-7", "mem");

    CompletableFuture<?> move =
        whileWriting(
            () ->
                scheduler.updateTask(
                    "invoice-7", c -> c.store("db").args(new Invoice("2026-008", -300))));

    elsewhere(() -> addOther("other", "db"));
    elsewhere(() -> addOther("third", "mem"));
    assertThat(elsewhere(() -> scheduler.getTasks("mem"))).hasSize(2);

    release.countDown();
    move.get();
    assertThat(stored("invoice-7")).contains(CREDIT_NOTE_ARGS);
    assertThat(scheduler.getTasks("mem")).extracting(Task::id).containsExactly("third");
  }

  @Test
  void anotherThreadAddsWhileTheWriterWritesAnUpdateBeforeStart() throws Exception {
    scheduler();
    addInvoice("invoice-7", "db");

    CompletableFuture<?> update =
        whileWriting(
            () -> scheduler.updateTask("invoice-7", c -> c.args(new Invoice("2026-008", -300))));

    elsewhere(() -> addOther("other", "db"));
    assertThat(elsewhere(() -> scheduler.getTasks())).hasSize(2);

    release.countDown();
    update.get();
    scheduler.start();
    assertThat(stored("invoice-7")).contains(CREDIT_NOTE_ARGS);
    assertThat(stored("other")).contains("\"id\":\"other\"");
  }

  @Test
  void anotherThreadReadsThePendingTasksWhileTheWriterWritesATaskCommittedAtStart()
      throws Exception {
    scheduler();
    scheduler
        .task("billing.charge")
        .id("invoice-7")
        .args(new Invoice("2026-008", -300))
        .trigger(IN_A_MINUTE)
        .store("late")
        .add(); // not written yet: its store is not there
    Path late = Files.createDirectory(directory.resolve("late"));
    scheduler.addStore("late", new FileStore(late));

    CompletableFuture<?> start = whileWriting(scheduler::start);

    assertThat(elsewhere(() -> scheduler.getTasks())).extracting(Task::id).contains("invoice-7");

    release.countDown();
    start.get();
    assertThat(Files.readString(late.resolve("invoice-7.task"), StandardCharsets.UTF_8))
        .contains(CREDIT_NOTE_ARGS);
  }

  @Test
  void anUpdateTheWriterRefusesIsRefusedWithTheMessageOfAnAddAndTheWriterIsAskedOnce()
      throws Exception {
    scheduler().start();
    addInvoice("invoice-7", "db");
    String before = stored("invoice-7");
    asked.set(0);

    assertThatThrownBy(
            () -> scheduler.updateTask("invoice-7", c -> c.args(new File("/tmp/report.csv"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid argument args[0] of task 'invoice-7': \"/tmp/report.csv (java.io.File)\""
                + " cannot be written as JSON by the scheduler's argument writer: no JSON form for"
                + " a File; store 'db' keeps tasks outside this JVM as JSON")
        .cause()
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(asked).hasValue(1);
    assertThat(stored("invoice-7")).isEqualTo(before);
  }

  /** Starts {@code change} on another thread and returns once the writer is writing for it. */
  private CompletableFuture<?> whileWriting(Runnable change) throws InterruptedException {
    CompletableFuture<?> running = CompletableFuture.runAsync(change, threads);
    writing.await();
    return running;
  }

  /** What {@code call} gives on another thread, failing if it waits for the writer. */
  private <T> T elsewhere(Supplier<T> call) throws Exception {
    try {
      return CompletableFuture.supplyAsync(call, threads)
          .get(BLOCKED_AFTER_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("blocked while the argument writer was writing", e);
    }
  }
}
