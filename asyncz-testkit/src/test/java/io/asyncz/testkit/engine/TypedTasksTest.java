package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.event.Events;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskDefinition;
import io.asyncz.task.TaskInfo;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Typed tasks through the scheduler: {@code scheduler.task(definition, data)} registers the
 * definition on first use and runs with the data; a task that a persistent store could not keep is
 * refused when it is added, before or after start, and nothing of it is stored.
 */
class TypedTasksTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  record Invoice(String number, String customer, BigDecimal amount, LocalDate due) {}

  private static final Invoice INVOICE =
      new Invoice("2026-001", "ACME", new BigDecimal("120.00"), LocalDate.of(2026, 2, 1));

  private final MutableClock clock = MutableClock.at(T);
  private final TaskRegistry registry = new TaskRegistry();
  private final MemoryStore kept = new MemoryStore();
  private final ManualScheduler scheduler =
      ManualScheduler.with(
          Scheduler.builder().registry(registry).store("db", persistent(kept)), clock);
  private final List<Invoice> reminded = new CopyOnWriteArrayList<>();
  private final TaskDefinition<Invoice> remind =
      TaskDefinition.of("billing.remind", Invoice.class, reminded::add);
  private final EventLog log = new EventLog();

  /**
   * A memory store that says it keeps tasks outside the JVM, as the file, JDBC, Redis and Mongo
   * stores do: what the scheduler refuses for them is refused for it.
   */
  private static TaskStore persistent(MemoryStore store) {
    return (TaskStore)
        Proxy.newProxyInstance(
            TaskStore.class.getClassLoader(),
            new Class<?>[] {TaskStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("persistent")) {
                return true;
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @AfterEach
  void stop() {
    if (scheduler.isRunning()) {
      scheduler.close();
    }
  }

  @Test
  void aTypedTaskRunsWithItsDataAndShowsItAsJson() {
    scheduler.start();
    scheduler.addListener(log);

    Task task =
        scheduler
            .task(remind, INVOICE)
            .id("remind-1")
            .trigger(DateTrigger.at(T.plusSeconds(60)))
            .add();
    scheduler.advance(Duration.ofMinutes(1));

    assertThat(reminded).containsExactly(INVOICE);
    assertThat(task.reference()).contains("billing.remind");
    assertThat(log.executions(Events.TASK_EXECUTED)).singleElement();
    TaskInfo info = task.info();
    assertThat(info.name()).isEqualTo("billing.remind");
    assertThat(info.args())
        .containsExactly(
            Map.of(
                "number", "2026-001", "customer", "ACME", "amount", "120.00", "due", "2026-02-01"));
  }

  @Test
  void theDefaultStoreKeepsTypedTasksToo() {
    scheduler.start();

    scheduler.task(remind, INVOICE).id("remind-1").add();
    scheduler.runDue();

    assertThat(reminded).containsExactly(INVOICE);
  }

  @Test
  void firstUseRegistersTheDefinitionAndAnotherOneUnderItsNameIsRefused() {
    TaskDefinition<Invoice> twin = TaskDefinition.of("billing.remind", Invoice.class, i -> {});

    scheduler.task(remind, INVOICE).id("remind-1").add();

    assertThat(registry.resolve("billing.remind")).isSameAs(remind.function());
    assertThatThrownBy(() -> scheduler.task(twin, INVOICE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid task definition name: \"billing.remind\" is already registered to"
                + " TaskDefinition[billing.remind, Invoice]");
  }

  @Test
  void aDefinitionWithoutDataRunsFromAPersistentStore() {
    AtomicInteger cleanups = new AtomicInteger();
    TaskDefinition<Void> cleanup = TaskDefinition.of("files.cleanup", cleanups::incrementAndGet);
    scheduler.start();

    scheduler
        .task(cleanup)
        .id("cleanup")
        .trigger(IntervalTrigger.builder().minutes(1).startAt(T.plusSeconds(60)).build())
        .store("db")
        .add();
    scheduler.advance(Duration.ofMinutes(2));

    assertThat(cleanups).hasValue(2);
  }

  @Test
  void badDataIsRefusedBeforeAnythingIsRegisteredOrAdded() {
    record Reading(double value) {}
    TaskDefinition<Reading> record = TaskDefinition.of("sensors.record", Reading.class, r -> {});

    assertThatThrownBy(() -> scheduler.task(record, new Reading(Double.NaN)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid component Reading.value of task definition 'sensors.record': NaN is not a"
                + " finite number; JSON has no NaN or infinity");
    assertThat(registry.registered()).doesNotContainKey("sensors.record");
  }

  @Test
  void aBatchTakesTypedTasks() {
    scheduler.start();

    scheduler.addAll(
        batch -> {
          for (int i = 1; i <= 3; i++) {
            Invoice invoice =
                new Invoice("2026-00" + i, "ACME", BigDecimal.valueOf(i), LocalDate.of(2026, 2, i));
            batch.task(remind, invoice).id("remind-" + i).store("db").add();
          }
        });
    scheduler.runDue();

    assertThat(reminded)
        .extracting(Invoice::number)
        .containsExactly("2026-001", "2026-002", "2026-003");
  }

  // ------------------------------------------------------------------ refused at add()

  private static final String LAMBDA_REFUSED =
      "is a lambda or a function object, which cannot be stored in store 'db', which keeps tasks"
          + " outside this JVM; give it a name with TaskDefinition.of(\"...\", Data.class, ...) or"
          + " use a registered reference (scheduler.task(\"name\"))";

  @Test
  void aLambdaForAPersistentStoreIsRefusedAtAddBeforeStart() {
    Runnable job = () -> {};

    assertThatThrownBy(() -> scheduler.task(job).id("x").store("db").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageEndingWith(LAMBDA_REFUSED);
    assertThat(scheduler.getTasks()).isEmpty();
    scheduler.start();
    assertThat(kept.allTasks()).isEmpty();
  }

  @Test
  void aLambdaForAPersistentStoreIsRefusedAtAddAfterStart() {
    scheduler.start();
    Runnable job = () -> {};

    assertThatThrownBy(() -> scheduler.task(job).id("x").store("db").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid task 'x': \""
                + TypedTasksTest.class.getName()
                + ".<lambda>\" "
                + LAMBDA_REFUSED);
    assertThat(kept.allTasks()).isEmpty();
  }

  @Test
  void anArgumentThatIsNoJsonValueIsRefusedAtAddForAPersistentStore() {
    registry.register("reports.send", (args, kwargs) -> null);

    assertThatThrownBy(
            () ->
                scheduler
                    .task("reports.send")
                    .id("x")
                    .args(new File("/tmp/r.csv"))
                    .store("db")
                    .add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid argument args[0] of task 'x': \"/tmp/r.csv (java.io.File)\" is not a JSON"
                + " value, which store 'db' cannot keep");
    scheduler.start();
    assertThat(kept.allTasks()).isEmpty();
  }

  @Test
  void aBatchWithALambdaForAPersistentStoreAddsNothing() {
    scheduler.start();
    Runnable job = () -> {};

    assertThatThrownBy(
            () ->
                scheduler.addAll(
                    batch -> {
                      batch.task(remind, INVOICE).id("typed").store("db").add();
                      batch.task(job).id("lambda").store("db").add();
                    }))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageEndingWith(LAMBDA_REFUSED);
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void movingALambdaTaskToAPersistentStoreIsRefusedAndLeavesItWhereItWas() {
    scheduler.start();
    Runnable job = () -> {};
    scheduler.task(job).id("x").paused().add();

    assertThatThrownBy(() -> scheduler.updateTask("x", null, Map.of("store_alias", "db")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageEndingWith(LAMBDA_REFUSED);
    assertThat(scheduler.getTask("x", "default")).isPresent();
    assertThat(kept.allTasks()).isEmpty();
  }

  @Test
  void aLambdaStaysWelcomeInAMemoryStore() {
    scheduler.start();
    AtomicInteger runs = new AtomicInteger();
    Runnable job = runs::incrementAndGet;

    scheduler.task(job).id("x").add();
    scheduler.runDue();

    assertThat(runs).hasValue(1);
  }
}
