package io.asyncz.spring;

import io.asyncz.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Task arguments written by the application's {@code ObjectMapper}, for a persistent store: a store
 * keeps JSON values only (text, numbers, booleans, null, lists, maps), and a {@link BeanFunction}
 * method reads them back into its parameter types with the same mapper, so that a type only the
 * application's Jackson module knows, or its naming strategy, survives the store.
 *
 * <pre>{@code
 * scheduler.task("bean:billing.charge")
 *     .args(taskArguments.of(new Money("EUR", 1250), customerId))
 *     .store("db")
 *     .add();
 * }</pre>
 *
 * <p>The starter defines this bean ({@code asynczTaskArguments}); it uses the application's Jackson
 * 3 {@code ObjectMapper} bean (Boot 4's default) where Jackson 3 is on the class path and the
 * application has one, else its Jackson 2 {@code ObjectMapper} bean: the only one, or the primary
 * one.
 */
public final class TaskArguments {
  private final JsonArguments json;

  TaskArguments(JsonArguments json) {
    this.json = json;
  }

  /**
   * {@code values} as the JSON values the application's {@code ObjectMapper} writes them as.
   *
   * @throws InvalidInputException when the mapper cannot write a value (the message names it and
   *     gives the mapper's reason)
   * @throws IllegalStateException when the application has no {@code ObjectMapper} bean of either
   *     Jackson generation, or several and none primary
   */
  public List<Object> of(Object... values) {
    if (json == null) {
      throw new IllegalStateException(
          "TaskArguments needs the application's ObjectMapper bean, and there is none (or several"
              + " and none primary)");
    }
    List<Object> out = new ArrayList<>(values.length);
    for (int i = 0; i < values.length; i++) {
      try {
        out.add(json.write(values[i]));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "args[" + i + "]",
            values[i],
            "cannot be written as JSON by " + json.describe() + ": " + e.getMessage());
      }
    }
    return Collections.unmodifiableList(out);
  }
}
