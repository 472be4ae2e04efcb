package io.asyncz.config;

import io.asyncz.AsynczException;
import io.asyncz.InvalidInputException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * The executor and store classes configuration names ({@code executors.<alias>.class}, {@code
 * stores.<alias>.class}): loaded without being initialized, refused unless they are what the key
 * asks for, and created with their public no-argument constructor.
 */
final class PluginClasses {
  private PluginClasses() {}

  /**
   * Loads a class named in configuration, without initializing it, and accepts it only if it
   * implements {@code type}, is concrete and public, and has a public no-argument constructor:
   * configuration can then make executors and stores, never run another class's code.
   *
   * @param key the configuration key that names the class, for messages
   */
  static Class<?> load(String className, Class<?> type, String key) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = PluginClasses.class.getClassLoader();
    }
    Class<?> c;
    try {
      c = Class.forName(className, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new InvalidInputException(
          key, className, "names no class on the class path; expected a " + type.getName());
    }
    if (!type.isAssignableFrom(c)) {
      throw new InvalidInputException(
          key,
          className,
          "does not implement "
              + type.getName()
              + "; configuration may only name "
              + type.getSimpleName()
              + " classes");
    }
    if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
      throw new InvalidInputException(key, className, "is abstract; expected a concrete class");
    }
    if (!Modifier.isPublic(c.getModifiers())) {
      throw new InvalidInputException(key, className, "is not public; expected a public class");
    }
    try {
      c.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new InvalidInputException(
          key, className, "has no public no-argument constructor; use a type with options");
    }
    return c;
  }

  /**
   * A new instance of the class {@link #load} accepts, made with its public no-argument
   * constructor.
   */
  static <T> T instantiate(String className, Class<T> type, String key) {
    Class<?> c = load(className, type, key);
    try {
      Constructor<?> constructor = c.getConstructor();
      return type.cast(constructor.newInstance());
    } catch (InvocationTargetException e) {
      throw new AsynczException(
          "Invalid " + key + ": \"" + className + "\" failed in its constructor: " + e.getCause(),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new AsynczException(
          "Invalid " + key + ": \"" + className + "\" cannot be created: " + e, e);
    }
  }
}
