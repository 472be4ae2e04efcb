package io.asyncz.task;

import io.asyncz.InvalidInputException;

/**
 * Turns a task argument that is not a JSON value (a record, a bean, a type of the application's
 * own) into one, so that a {@linkplain io.asyncz.store.TaskStore#persistent() persistent} store can
 * keep it; set on the scheduler with {@code Scheduler.builder().argumentWriter(...)}.
 *
 * <p>The scheduler calls it when a task bound for a persistent store is added or changed, once for
 * each positional argument and each keyword argument's value that is not a JSON value already
 * (strings, numbers, booleans, null, lists, maps with string keys, java.time values), and stores
 * what it returns in the argument's place. A task in a store that keeps tasks in memory keeps its
 * arguments as they are: the writer is not called.
 *
 * <pre>{@code
 * Scheduler scheduler =
 *     Scheduler.builder()
 *         .argumentWriter(value -> mapper.convertValue(value, Object.class))
 *         .store("db", store)
 *         .build();
 * scheduler.task("billing.charge").args(invoice).store("db").add(); // stored as a JSON object
 * }</pre>
 *
 * <p>An implementation must return a JSON value (a value that is not one is refused, as the
 * argument itself would be) and must be safe for concurrent use; it may refuse a value by throwing
 * {@link IllegalArgumentException} (or {@link InvalidInputException}) with a message that says why.
 * The task is then refused with an {@link InvalidInputException} that names the argument, the
 * value's type and that reason (any other exception the writer throws refuses the task the same
 * way, named by its type and kept as the cause). The function reads back what was written: the
 * task's function must accept the JSON value in place of the object (a {@link TaskDefinition} reads
 * a record back, a Spring {@code @BeanFunction} method reads with the application's mapper).
 */
@FunctionalInterface
public interface ArgumentWriter {

  /**
   * {@code value}, which is not a JSON value, as a JSON value.
   *
   * @param value the argument as the task was given it, never null
   * @return the JSON value to store in its place
   * @throws IllegalArgumentException saying why the value cannot be written
   */
  Object write(Object value);

  /**
   * What the writer is, for messages: "cannot be written as JSON by {@code <this>}". The default
   * names the scheduler's argument writer.
   */
  default String describe() {
    return "the scheduler's argument writer";
  }
}
