package io.asyncz.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.trigger.DateTrigger;
import java.io.File;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A store that keeps tasks outside the JVM takes only tasks with a textual reference and JSON
 * arguments; the check says so before the store is asked to write one.
 */
class CheckPersistableTest {
  private static final DateTrigger AT = DateTrigger.at(Instant.parse("2026-02-01T09:00:00Z"));

  /** A store that says it is persistent, and is asked nothing else. */
  private static final TaskStore PERSISTENT =
      (TaskStore)
          Proxy.newProxyInstance(
              TaskStore.class.getClassLoader(),
              new Class<?>[] {TaskStore.class},
              (proxy, method, args) -> {
                if (method.getName().equals("persistent")) {
                  return true;
                }
                throw new AssertionError("the check asked the store for " + method.getName());
              });

  private static Task lambdaTask() {
    Runnable job = () -> {};
    return Task.builder("x").function(TaskFunction.of(job), null).trigger(AT).build();
  }

  private static Task referenced(List<?> args, Map<String, ?> kwargs) {
    return Task.builder("x")
        .function((a, k) -> null, "jobs.report")
        .args(args)
        .kwargs(kwargs)
        .trigger(AT)
        .build();
  }

  @Test
  void aStoreKeepsTasksInMemoryUnlessItSaysOtherwise() {
    assertThat(new MemoryStore().persistent()).isFalse();
    assertThat(PERSISTENT.persistent()).isTrue();
  }

  @Test
  void aLambdaIsRefusedByAPersistentStoreWithWhatToDo() {
    assertThatThrownBy(() -> TaskFunctions.checkPersistable(lambdaTask(), "db", PERSISTENT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid task 'x': \""
                + CheckPersistableTest.class.getName()
                + ".<lambda>\" is a lambda or a function object, which cannot be stored in store"
                + " 'db', which keeps tasks outside this JVM; give it a name with"
                + " TaskDefinition.of(\"...\", Data.class, ...) or use a registered reference"
                + " (scheduler.task(\"name\"))");
  }

  @Test
  void aLambdaIsFineInAMemoryStore() {
    assertThatCode(() -> TaskFunctions.checkPersistable(lambdaTask(), "default", new MemoryStore()))
        .doesNotThrowAnyException();
  }

  @Test
  void aReferenceWithJsonArgumentsPasses() {
    Map<String, Object> nested = new HashMap<>();
    nested.put("when", LocalDate.of(2026, 2, 1));
    nested.put("none", null);
    Task task =
        referenced(
            List.of("a", 1, 2L, 1.5, new BigDecimal("2.50"), true, List.of(nested)),
            Map.of("timeout", Duration.ofSeconds(3)));

    assertThatCode(() -> TaskFunctions.checkPersistable(task, "db", PERSISTENT))
        .doesNotThrowAnyException();
  }

  @Test
  void anArgumentThatIsNoJsonValueIsRefusedNamingWhereItIs() {
    File file = new File("/tmp/report.csv");

    assertThatThrownBy(
            () ->
                TaskFunctions.checkPersistable(
                    referenced(List.of("a", List.of(file)), Map.of()), "db", PERSISTENT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid argument args[1][0] of task 'x': \"/tmp/report.csv (java.io.File)\" is not a"
                + " JSON value, which store 'db' cannot keep: it keeps tasks outside this JVM as"
                + " JSON; expected strings, numbers, booleans, null, lists, maps with string keys"
                + " or java.time values (or a record given to a TaskDefinition, which is stored as"
                + " JSON)");
    assertThatThrownBy(
            () ->
                TaskFunctions.checkPersistable(
                    referenced(List.of(), Map.of("ratio", Double.POSITIVE_INFINITY)),
                    "db",
                    PERSISTENT))
        .hasMessageStartingWith(
            "Invalid argument kwargs[\"ratio\"] of task 'x': \"Infinity (java.lang.Double)\" is"
                + " not a finite number; JSON has no NaN or infinity, which store 'db' cannot keep");
    assertThatThrownBy(
            () ->
                TaskFunctions.checkPersistable(
                    referenced(List.of(new HashMap<>(Map.of(1, "one"))), Map.of()),
                    "db",
                    PERSISTENT))
        .hasMessageStartingWith(
            "Invalid argument args[0] of task 'x': \"{1=one} (java.util.HashMap)\" has a key that"
                + " is not a string: 1 (java.lang.Integer)");
  }

  @Test
  void aListThatHoldsItselfIsRefusedNotOverflowed() {
    List<Object> loop = new ArrayList<>();
    loop.add(loop);
    Task task = referenced(List.of("x"), Map.of()).toBuilder().args(List.of(loop)).build();

    assertThatThrownBy(() -> TaskFunctions.checkPersistable(task, "db", PERSISTENT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("nests lists or maps more than 64 levels deep");
  }

  // ------------------------------------------------------------------ with an argument writer

  record Invoice(String number, BigDecimal amount) {}

  private static final Invoice INVOICE = new Invoice("2026-007", new BigDecimal("12.50"));

  /** The values the writer was asked to write. */
  private final List<Object> written = new CopyOnWriteArrayList<>();

  /** Writes an invoice as a JSON object of its components, and refuses anything else. */
  private final ArgumentWriter invoiceWriter =
      value -> {
        written.add(value);
        if (value instanceof Invoice invoice) {
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("number", invoice.number());
          json.put("amount", invoice.amount());
          return json;
        }
        throw new IllegalArgumentException(
            "no JSON form for a " + value.getClass().getSimpleName());
      };

  @Test
  void aWriterWritesTheArgumentsThatAreNotJsonValuesForAPersistentStore() {
    Task task = referenced(List.of(INVOICE, "eur", List.of(1, 2)), Map.of("original", INVOICE));

    Task stored = TaskFunctions.checkPersistable(task, "db", PERSISTENT, invoiceWriter);

    Map<String, Object> json = Map.of("number", "2026-007", "amount", new BigDecimal("12.50"));
    assertThat(stored.args()).containsExactly(json, "eur", List.of(1, 2));
    assertThat(stored.kwargs()).containsExactly(Map.entry("original", json));
    assertThat(stored.id()).isEqualTo(task.id());
    assertThat(stored.reference()).isEqualTo(task.reference());
    // Only what is not a JSON value already is handed to the writer.
    assertThat(written).containsExactly(INVOICE, INVOICE);
  }

  @Test
  void aListOfObjectsIsWrittenAsOneArgument() {
    ArgumentWriter lists = value -> ((List<?>) value).stream().map(invoiceWriter::write).toList();
    Task task = referenced(List.of(List.of(INVOICE, INVOICE)), Map.of());

    Task stored = TaskFunctions.checkPersistable(task, "db", PERSISTENT, lists);

    Map<String, Object> json = Map.of("number", "2026-007", "amount", new BigDecimal("12.50"));
    assertThat(stored.args()).containsExactly(List.of(json, json));
  }

  @Test
  void aTaskOfJsonValuesIsKeptAsItIsWithoutAskingTheWriter() {
    Task task = referenced(List.of("a", 1, LocalDate.of(2026, 2, 1)), Map.of("b", true));

    assertThat(TaskFunctions.checkPersistable(task, "db", PERSISTENT, invoiceWriter))
        .isSameAs(task);
    assertThat(written).isEmpty();
  }

  @Test
  void aValueTheWriterRefusesIsRefusedNamingTheArgumentItsTypeAndTheWritersReason() {
    File file = new File("/tmp/report.csv");

    assertThatThrownBy(
            () ->
                TaskFunctions.checkPersistable(
                    referenced(List.of(INVOICE, file), Map.of()), "db", PERSISTENT, invoiceWriter))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid argument args[1] of task 'x': \"/tmp/report.csv (java.io.File)\" cannot be"
                + " written as JSON by the scheduler's argument writer: no JSON form for a File;"
                + " store 'db' keeps tasks outside this JVM as JSON");
    assertThatThrownBy(
            () ->
                TaskFunctions.checkPersistable(
                    referenced(List.of(), Map.of("report", file)),
                    "db",
                    PERSISTENT,
                    new ArgumentWriter() {
                      @Override
                      public Object write(Object value) {
                        throw new IllegalArgumentException("files stay on their host");
                      }

                      @Override
                      public String describe() {
                        return "the billing mapper";
                      }
                    }))
        .hasMessage(
            "Invalid argument kwargs[\"report\"] of task 'x': \"/tmp/report.csv (java.io.File)\""
                + " cannot be written as JSON by the billing mapper: files stay on their host;"
                + " store 'db' keeps tasks outside this JVM as JSON");
  }

  @Test
  void aWriterThatFailsOtherwiseRefusesTheTaskTheSameWayKeepingTheFailureAsCause() {
    IllegalStateException broken = new IllegalStateException("mapper not configured");
    ArgumentWriter failing =
        value -> {
          throw broken;
        };

    assertThatThrownBy(
            () ->
                TaskFunctions.checkPersistable(
                    referenced(List.of(INVOICE), Map.of()), "db", PERSISTENT, failing))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "Invalid argument args[0] of task 'x': \"Invoice[number=2026-007, amount=12.50]"
                + " (io.asyncz.task.CheckPersistableTest$Invoice)\" cannot be written as JSON by"
                + " the scheduler's argument writer: java.lang.IllegalStateException: mapper not"
                + " configured;")
        .hasCause(broken);
  }

  @Test
  void aWriterThatGivesBackSomethingThatIsNotJsonIsRefused() {
    ArgumentWriter lazy = value -> new ArrayList<>(List.of(value));

    assertThatThrownBy(
            () ->
                TaskFunctions.checkPersistable(
                    referenced(List.of(INVOICE), Map.of()), "db", PERSISTENT, lazy))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid argument args[0] of task 'x': \""
                + INVOICE
                + " ("
                + Invoice.class.getName()
                + ")\" was written by the scheduler's argument writer as ["
                + INVOICE
                + "] (java.util.ArrayList), which store 'db' cannot keep:"
                + " args[0][0] is not a JSON value; the writer must give strings, numbers,"
                + " booleans, null, lists, maps with string keys or java.time values");
  }

  @Test
  void aValueWithNoJsonFormIsRefusedAsBeforeWithoutAskingTheWriter() {
    assertThatThrownBy(
            () ->
                TaskFunctions.checkPersistable(
                    referenced(List.of(Double.NaN), Map.of()), "db", PERSISTENT, invoiceWriter))
        .hasMessageStartingWith(
            "Invalid argument args[0] of task 'x': \"NaN (java.lang.Double)\" is not a finite"
                + " number; JSON has no NaN or infinity, which store 'db' cannot keep");
    assertThat(written).isEmpty();
  }

  @Test
  void aMemoryStoreKeepsTheObjectItselfWithoutAskingTheWriter() {
    Task task = referenced(List.of(INVOICE), Map.of());

    Task kept = TaskFunctions.checkPersistable(task, "default", new MemoryStore(), invoiceWriter);

    assertThat(kept).isSameAs(task);
    assertThat(kept.args().get(0)).isSameAs(INVOICE);
    assertThat(written).isEmpty();
  }

  @Test
  void withoutAWriterAnObjectIsRefusedWithTheMessageOfAStoreThatTakesJsonOnly() {
    assertThatThrownBy(
            () ->
                TaskFunctions.checkPersistable(
                    referenced(List.of(INVOICE), Map.of()), "db", PERSISTENT, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid argument args[0] of task 'x': \""
                + INVOICE
                + " ("
                + Invoice.class.getName()
                + ")\" is not a JSON value, which store 'db' cannot keep: it keeps tasks outside"
                + " this JVM as JSON; expected strings, numbers, booleans, null, lists, maps with"
                + " string keys or java.time values (or a record given to a TaskDefinition, which"
                + " is stored as JSON)");
  }
}
