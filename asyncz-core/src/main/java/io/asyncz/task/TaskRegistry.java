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
 * send-report}: only through functions registered by name, or public static methods of public
 * classes in packages that the application allows (and that their module exports). A stored task
 * can therefore never make the scheduler call an arbitrary method, nor a private, package-private,
 * protected, instance or compiler-generated one (a lambda body such as {@code lambda$main$0}).
 */
public final class TaskRegistry {
  private final Map<String, TaskFunction> byName = new ConcurrentHashMap<>();
  private final Map<TaskFunction, String> names = new ConcurrentHashMap<>();
  private final Set<String> allowedPackages = ConcurrentHashMap.newKeySet();
  private final ClassLoader classLoader;
  private volatile boolean deferUnknown;

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

  /**
   * Registers a task definition under its name, so that stored tasks of the definition can be read
   * and run; registering the same definition again does nothing. Every process that reads a
   * persistent store's tasks registers the definitions they use before it starts ({@code
   * scheduler.task(definition, data)} also registers it, on first use).
   *
   * @throws InvalidInputException when the name is taken by another definition or function
   */
  public TaskRegistry register(TaskDefinition<?> definition) {
    Objects.requireNonNull(definition, "definition");
    TaskFunction previous = byName.putIfAbsent(definition.name(), definition.function());
    if (previous != null && previous != definition.function()) {
      throw new InvalidInputException(
          "task definition name",
          definition.name(),
          "is already registered to "
              + (previous instanceof TaskDefinition<?>.DefinitionFunction
                  ? previous.toString()
                  : "the function " + previous.displayName())
              + "; give each task definition its own name, and keep each definition in one"
              + " constant");
    }
    names.put(definition.function(), definition.name());
    return this;
  }

  /**
   * Allows references to public static methods of public classes in {@code packageName} and its
   * subpackages.
   */
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

  /**
   * Makes references this registry cannot resolve stand for functions that are not available in
   * this process, instead of failing: a task read from a store keeps its reference and can be
   * listed, paused, resumed, updated and removed, and calling it fails saying why. For tools that
   * operate a store shared with the processes that run its tasks (the {@code asyncz} command),
   * which must not quarantine those processes' tasks for lacking their code. Nothing is ever
   * resolved that the rules above refuse.
   */
  public TaskRegistry deferUnknown() {
    this.deferUnknown = true;
    return this;
  }

  /** The name a function was registered under, if any. */
  public Optional<String> nameOf(TaskFunction function) {
    return Optional.ofNullable(names.get(function));
  }

  /**
   * Resolves a reference: a registered name, or {@code com.example.Jobs::method} for a public
   * static method of a public class in an allowed package (a nested class by its binary name,
   * {@code com.example.Jobs$Daily::method}).
   *
   * @throws InvalidInputException when the reference is malformed, not allowed, or not found
   */
  public TaskFunction resolve(String reference) {
    if (!deferUnknown || reference == null || reference.isBlank()) {
      return resolveNow(reference);
    }
    try {
      return resolveNow(reference);
    } catch (InvalidInputException e) {
      return new Unavailable(reference, e.getMessage());
    }
  }

  /**
   * Resolves a reference as a registry that does not defer would: for a reference given now (a new
   * task, a changed function), which must name a function this process has.
   *
   * @throws InvalidInputException when the reference is malformed, not allowed, or not found
   */
  public TaskFunction resolveAvailable(String reference) {
    return resolveNow(reference);
  }

  /** A function this process cannot call: its reference does not resolve here. */
  private record Unavailable(String reference, String reason) implements TaskFunction {
    @Override
    public Object invoke(List<Object> args, Map<String, Object> kwargs) {
      throw new IllegalStateException(
          "Function '" + reference + "' is not available in this process: " + reason);
    }

    @Override
    public void checkArguments(List<Object> args, Map<String, Object> kwargs) {
      // Unknown here: the process that runs the task checks them.
    }

    @Override
    public String displayName() {
      return reference;
    }
  }

  private TaskFunction resolveNow(String reference) {
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
    } catch (ClassNotFoundException | LinkageError e) {
      throw new InvalidInputException(
          "function reference", reference, "names a class that does not exist");
    }
    if (!isAllowed(type.getName())) {
      throw refused(reference, "names a class outside the allowed packages");
    }
    if (!isPublic(type)) {
      throw refused(reference, "names a class that is not public");
    }
    Module module = type.getModule();
    if (!module.isExported(type.getPackageName())) {
      throw refused(
          reference,
          "names a class in package "
              + type.getPackageName()
              + ", which module "
              + module.getName()
              + " does not export");
    }
    List<Method> candidates = new ArrayList<>();
    String refusal = null;
    int refusalRank = 0;
    for (Method m : type.getDeclaredMethods()) {
      if (!m.getName().equals(methodName)) {
        continue;
      }
      int modifiers = m.getModifiers();
      // The most telling reason wins when several methods have the name.
      if (m.isSynthetic() || m.isBridge()) {
        if (refusalRank < 1) {
          refusal =
              "names a method that the compiler generated (a lambda body or a bridge), not one"
                  + " written in the class";
          refusalRank = 1;
        }
      } else if (!Modifier.isStatic(modifiers)) {
        if (refusalRank < 2) {
          refusal = "names an instance method (" + signature(m) + "); it has no object to run on";
          refusalRank = 2;
        }
      } else if (!Modifier.isPublic(modifiers)) {
        if (refusalRank < 3) {
          refusal = "names a method that is not public (" + signature(m) + ")";
          refusalRank = 3;
        }
      } else {
        candidates.add(m);
      }
    }
    if (candidates.isEmpty()) {
      throw refusal != null
          ? refused(reference, refusal)
          : new InvalidInputException(
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

  private InvalidInputException refused(String reference, String why) {
    return new InvalidInputException(
        "function reference",
        reference,
        why
            + "; a reference reaches only a public static method of a public class in an exported"
            + " package among the allowed packages "
            + allowedPackages()
            + ", or a function registered by name");
  }

  /**
   * Whether code in any package may call into {@code type}: it and its enclosing classes public.
   */
  private static boolean isPublic(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers()) || c.isSynthetic()) {
        return false;
      }
    }
    return true;
  }

  private static String signature(Method m) {
    int visibility =
        m.getModifiers()
            & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.PRIVATE | Modifier.STATIC);
    StringBuilder s = new StringBuilder(Modifier.toString(visibility));
    if (s.length() > 0) {
      s.append(' ');
    }
    s.append(m.getReturnType().getSimpleName()).append(' ').append(m.getName()).append('(');
    Class<?>[] parameters = m.getParameterTypes();
    for (int i = 0; i < parameters.length; i++) {
      s.append(i == 0 ? "" : ", ").append(parameters[i].getSimpleName());
    }
    return s.append(')').toString();
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
