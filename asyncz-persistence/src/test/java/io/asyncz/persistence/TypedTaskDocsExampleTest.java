package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskDefinition;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code of "Typed tasks that persist" in {@code docs/scheduler.md}, as it is shown there, so
 * that the snippet compiles and does what the section says.
 */
class TypedTaskDocsExampleTest {
  /** What a reminder needs to know; stored as JSON with the task. */
  record Invoice(String number, String email, BigDecimal amount, LocalDate due) {}

  /** The billing tasks. */
  static final class Billing {
    static final List<Invoice> REMINDED = new CopyOnWriteArrayList<>();

    /** The reminder task: the store keeps its name, so the name never changes. */
    static final TaskDefinition<Invoice> REMIND =
        TaskDefinition.of("billing.remind", Invoice.class, Billing::remind);

    static void remind(Invoice invoice) {
      REMINDED.add(invoice);
    }
  }

  @TempDir Path tasks;

  @Test
  void theSnippetStoresATypedTaskAndRefusesALambda() throws Exception {
    Invoice invoice =
        new Invoice(
            "2030-001", "ap@acme.example", new BigDecimal("120.00"), LocalDate.of(2030, 2, 1));

    // Every process that reads the store registers the definitions before it starts.
    TaskRegistry registry = new TaskRegistry().register(Billing.REMIND);
    try (ThreadScheduler scheduler =
        Scheduler.builder().registry(registry).store("db", new FileStore(tasks)).build()) {
      scheduler.start();
      scheduler
          .task(Billing.REMIND, invoice)
          .id("remind-" + invoice.number())
          .trigger(DateTrigger.at(invoice.due().atTime(9, 0), ZoneId.of("Europe/Paris")))
          .store("db")
          .add();

      assertThatThrownBy(() -> scheduler.task(() -> Billing.remind(invoice)).store("db").add())
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(
              "a lambda or a function object, which cannot be stored in store 'db'");
    }

    assertThat(Files.readString(tasks.resolve("remind-2030-001.task")))
        .contains("\"reference\":\"billing.remind\"")
        .contains(
            "\"args\":[{\"number\":\"2030-001\",\"email\":\"ap@acme.example\",\"amount\":\"120.00\","
                + "\"due\":\"2030-02-01\"}]");
    assertThat(Billing.REMINDED).isEmpty();
  }
}
