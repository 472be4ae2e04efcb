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
import java.util.List;
import java.util.Map;
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
}
