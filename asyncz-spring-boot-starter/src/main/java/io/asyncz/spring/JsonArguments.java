package io.asyncz.spring;

import io.asyncz.task.ArgumentWriter;
import java.lang.reflect.Type;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.ClassUtils;

/**
 * The application's JSON mapper as a task's arguments see it: reads a stored JSON value (text,
 * number, boolean, list, map) as a parameter's type, and writes a value as such a JSON value. An
 * interface of its own, so that the starter loads a Jackson generation's types only where that
 * generation is present. It is the scheduler's {@link ArgumentWriter} too, so that an object given
 * as a task's argument is stored as the JSON this mapper writes, as {@link TaskArguments#of} does.
 */
interface JsonArguments extends ArgumentWriter {

  /**
   * {@code json} as a value of {@code type}.
   *
   * @throws IllegalArgumentException saying why the mapper cannot
   */
  Object read(Object json, Type type);

  /**
   * {@code value} as plain JSON values: strings, numbers, booleans, null, lists and maps.
   *
   * @throws IllegalArgumentException saying why the mapper cannot
   */
  @Override
  Object write(Object value);

  /** What the mapper is, for messages. */
  @Override
  String describe();

  /**
   * The application's JSON mapper: its Jackson 3 {@code ObjectMapper} (Boot 4's default) when
   * Jackson 3 is on the class path and the application has one (the only one, or the primary one),
   * else its Jackson 2 {@code ObjectMapper} likewise; null for none.
   */
  static JsonArguments of(BeanFactory beans) {
    ClassLoader loader = JsonArguments.class.getClassLoader();
    JsonArguments found = null;
    if (ClassUtils.isPresent("tools.jackson.databind.ObjectMapper", loader)) {
      found = Jackson3Arguments.of(beans);
    }
    if (found == null
        && ClassUtils.isPresent("com.fasterxml.jackson.databind.ObjectMapper", loader)) {
      found = Jackson2Arguments.of(beans);
    }
    return found;
  }
}
