package io.asyncz.spring;

import java.lang.reflect.Type;

/**
 * The application's JSON mapper as a task's arguments see it: reads a stored JSON value (text,
 * number, boolean, list, map) as a parameter's type, and writes a value as such a JSON value. An
 * interface of its own, so that the starter loads Jackson's types only where Jackson is present.
 */
interface JsonArguments {

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
  Object write(Object value);

  /** What the mapper is, for messages. */
  String describe();
}
