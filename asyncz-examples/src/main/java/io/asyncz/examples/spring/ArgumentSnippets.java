package io.asyncz.examples.spring;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.spring.TaskArguments;

/**
 * The block of {@code docs/spring-boot.md} ("Writing") that stores a domain object as a task's
 * argument through the application's {@code ObjectMapper}, and the same through the {@code
 * TaskArguments} bean; compiled here so that the doc cannot drift from the API. {@code
 * ObjectMapperArgumentsTest} in the starter runs the same call.
 */
final class ArgumentSnippets {
  /** An amount in a currency's smallest unit. */
  record Money(String currency, long cents) {}

  /** What the billing bean charges. */
  record Invoice(String customerName, Money total) {}

  private ArgumentSnippets() {}

  /** The object itself: the starter's argument writer (the application's mapper) writes it. */
  static void storeTheInvoiceItself(Scheduler scheduler) {
    scheduler
        .task("bean:billing.charge")
        .args(new Invoice("ACME Corp", new Money("EUR", 1250)))
        .store("db")
        .add();
  }

  /** The same JSON, written by hand through the {@code TaskArguments} bean. */
  static void storeAnInvoice(Scheduler scheduler, TaskArguments taskArguments) {
    scheduler
        .task("bean:billing.charge")
        .args(taskArguments.of(new Invoice("ACME Corp", new Money("EUR", 1250))))
        .store("db")
        .add();
  }
}
