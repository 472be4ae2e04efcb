package io.asyncz.task;

import io.asyncz.InvalidInputException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves textual function references such as {@code com.example.Jobs::send} or {@code
 * send-report}: only through functions registered by name, or static methods of classes in packages
 * that the application allows. A stored task can therefore never make the scheduler call an
 * arbitrary method.
 */
public final class TaskRegistry {
  private final Map<String, TaskFunction> byName = new ConcurrentHashMap<>();
  private final Map<TaskFunction, String> names = new ConcurrentHashMap<>();
  private final Set<String> allowedPackages = ConcurrentHashMap.newKeySet();
  private final ClassLoader classLoader;

  /** A registry that resolves classes through this class's loader. */
  public TaskRegistry() {
    this(TaskRegistry.class.getClassLoader());
  }

  /** A registry that resolves classes through {@code classLoader}. */
  public TaskRegistry(ClassLoader classLoader) {
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
  }

  /**
   * Registers a function under a name that references may use.
   *
   * @throws InvalidInputException when the name is blank or already taken by another function
   */
  public TaskRegistry register(String name, TaskFunction function) {
    Objects.requireNonNull(function, "function");
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("task registry name", name, "is blank; expected a name");
    }
    TaskFunction previous = byName.putIfAbsent(name, function);
    if (previous != null && previous != function) {
      throw new InvalidInputException(
          "task registry name", name, "is already registered to another function");
    }
    names.put(function, name);
    return this;
  }

  /** Allows references to static methods of classes in {@code packageName} and its subpackages. */
  public TaskRegistry allowPackage(String packageName) {
    if (packageName == null || packageName.isBlank()) {
      throw new InvalidInputException(
          "allowed package", packageName, "is blank; expected a package name");
    }
    allowedPackages.add(packageName.strip());
    return this;
  }

  /** The allowed packages. */
  public Set<String> allowedPackages() {
    return new TreeSet<>(allowedPackages);
  }

  /** The name a function was registered under, if any. */
  public Optional<String> nameOf(TaskFunction function) {
    return Optional.ofNullable(names.get(function));
  }

  /**
   * Resolves a reference: a registered name, or {@code com.example.Jobs::method} for a static
   * method of a class in an allowed package.
   *
   * @throws InvalidInputException when the reference is malformed, not allowed, or not found
   */
  public TaskFunction resolve(String reference) {
    if (reference == null || reference.isBlank()) {
      throw new InvalidInputException("function reference", reference, "is blank");
    }
    TaskFunction registered = byName.get(reference);
    if (registered != null) {
      return registered;
    }
    int sep = reference.indexOf("::");
    if (sep <= 0 || sep == reference.length() - 2) {
      throw new InvalidInputException(
          "function reference",
          reference,
          "is neither a registered name "
              + new TreeSet<>(byName.keySet())
              + " nor of the form com.example.Jobs::method");
    }
    String className = reference.substring(0, sep);
    String methodName = reference.substring(sep + 2);
    if (!isAllowed(className)) {
      throw new InvalidInputException(
          "function reference",
          reference,
          "is outside the allowed packages "
              + allowedPackages()
              + "; allow its package or register the function by name");
    }
    Class<?> type;
    try {
      type = Class.forName(className, false, classLoader);
    } catch (ClassNotFoundException e) {
      throw new InvalidInputException(
          "function reference", reference, "names a class that does not exist");
    }
    List<Method> candidates = new ArrayList<>();
    for (Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(methodName)
          && Modifier.isStatic(m.getModifiers())
          && !m.isSynthetic()) {
        candidates.add(m);
      }
    }
    if (candidates.isEmpty()) {
      throw new InvalidInputException(
          "function reference",
          reference,
          "names no static method " + methodName + " in " + className);
    }
    if (candidates.size() > 1) {
      throw new InvalidInputException(
          "function reference",
          reference,
          "names an overloaded method; register the overload you mean by name");
    }
    return TaskFunctions.ofStaticMethod(candidates.get(0), reference);
  }

  private boolean isAllowed(String className) {
    int dot = className.lastIndexOf('.');
    String pkg = dot < 0 ? "" : className.substring(0, dot);
    for (String allowed : allowedPackages) {
      if (pkg.equals(allowed) || pkg.startsWith(allowed + ".")) {
        return true;
      }
    }
    return false;
  }

  /** A snapshot of the registered names, for listings. */
  public Map<String, TaskFunction> registered() {
    return new LinkedHashMap<>(byName);
  }
}
