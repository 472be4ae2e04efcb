package io.asyncz.task;

import io.asyncz.InvalidInputException;
import io.asyncz.store.TaskStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The built-in {@link TaskFunction}s (lambdas, methods bound by reflection), and the check that a
 * task can be kept by a store outside the JVM.
 */
public final class TaskFunctions {
  /** How deep lists and maps in arguments may nest; deeper is refused rather than overflowing. */
  static final int MAX_DEPTH = 64;

  private TaskFunctions() {}

  /**
   * Checks that a task can be kept by {@code store}: nothing to check for a store that keeps tasks
   * in memory; for a {@linkplain TaskStore#persistent() persistent} one, the task must name its
   * function by a textual reference (a {@link TaskDefinition}'s name, a registered name or a method
   * reference), since a lambda cannot be written to a file or a database and read back, and its
   * arguments must be JSON values. The scheduler calls this when a task is added, so that such a
   * task is refused at once with a message that says what to do, not when the store first writes
   * it.
   *
   * @param task the task to be stored
   * @param storeAlias the alias of the store, for the message
   * @param store the store, as the user gave it
   * @throws InvalidInputException when the store is persistent and the task has no textual
   *     reference or an argument that is not a JSON value
   */
  public static void checkPersistable(Task task, String storeAlias, TaskStore store) {
    checkPersistable(task, storeAlias, store, null);
  }

  /**
   * Checks that a task can be kept by {@code store}, as {@link #checkPersistable(Task, String,
   * TaskStore)} does, after writing each argument that is not a JSON value through {@code writer}:
   * returns the task with the written arguments in place of the objects (the task itself when none
   * needed writing, or when the store keeps tasks in memory, where nothing is written).
   *
   * @param task the task to be stored
   * @param storeAlias the alias of the store, for the message
   * @param store the store, as the user gave it
   * @param writer the scheduler's argument writer, or {@code null} for none
   * @return the task to store
   * @throws InvalidInputException when the store is persistent and the task has no textual
   *     reference, an argument that the writer refuses or writes as something that is not a JSON
   *     value (naming the argument, its type and the writer's reason), or, with no writer, an
   *     argument that is not a JSON value
   */
  public static Task checkPersistable(
      Task task, String storeAlias, TaskStore store, ArgumentWriter writer) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(store, "store");
    if (!store.persistent()) {
      return task;
    }
    if (task.reference().isEmpty()) {
      TaskFunction function = task.function();
      throw new InvalidInputException(
          "task '" + task.id() + "'",
          function == null ? null : function.displayName(),
          "is a lambda or a function object, which cannot be stored in store '"
              + storeAlias
              + "', which keeps tasks outside this JVM; give it a name with"
              + " TaskDefinition.of(\"...\", Data.class, ...) or use a registered reference"
              + " (scheduler.task(\"name\"))");
    }
    List<Object> args = task.args();
    List<Object> writtenArgs = null; // a copy once an argument was written
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      Object stored = toJson(task, storeAlias, writer, "args[" + i + "]", arg);
      if (stored != arg && writtenArgs == null) {
        writtenArgs = new ArrayList<>(args);
      }
      if (writtenArgs != null) {
        writtenArgs.set(i, stored);
      }
    }
    Map<String, Object> kwargs = task.kwargs();
    Map<String, Object> writtenKwargs = null;
    for (Map.Entry<String, Object> e : kwargs.entrySet()) {
      Object arg = e.getValue();
      Object stored = toJson(task, storeAlias, writer, "kwargs[" + quoted(e.getKey()) + "]", arg);
      if (stored != arg) {
        if (writtenKwargs == null) {
          writtenKwargs = new LinkedHashMap<>(kwargs);
        }
        writtenKwargs.put(e.getKey(), stored);
      }
    }
    if (writtenArgs == null && writtenKwargs == null) {
      return task;
    }
    // Built again, so that the function checks the written values against its signature now.
    Task.Builder written = task.toBuilder();
    if (writtenArgs != null) {
      written.args(writtenArgs);
    }
    if (writtenKwargs != null) {
      written.kwargs(writtenKwargs);
    }
    return written.build();
  }

  /**
   * One argument as the store keeps it: the argument itself when it is a JSON value, else what the
   * writer makes of it, refused when there is no writer or the writer cannot help.
   */
  private static Object toJson(
      Task task, String storeAlias, ArgumentWriter writer, String path, Object value) {
    NotJson problem = findNotJson(path, value, 0);
    if (problem == null) {
      return value;
    }
    if (writer == null || !problem.writable()) {
      throw notJson(task, storeAlias, problem);
    }
    Object written;
    try {
      written = writer.write(value);
    } catch (RuntimeException e) {
      // A refusal (IllegalArgumentException) gives its reason; any other failure of the writer is
      // named by its type too, and kept as the cause.
      String reason =
          e instanceof IllegalArgumentException
              ? (e.getMessage() != null ? e.getMessage() : e.getClass().getName())
              : e.toString();
      InvalidInputException refused =
          new InvalidInputException(
              "argument " + path + " of task '" + task.id() + "'",
              describe(value),
              "cannot be written as JSON by "
                  + writer.describe()
                  + ": "
                  + reason
                  + "; store '"
                  + storeAlias
                  + "' keeps tasks outside this JVM as JSON");
      refused.initCause(e);
      throw refused;
    }
    NotJson left = findNotJson(path, written, 0);
    if (left != null) {
      throw new InvalidInputException(
          "argument " + path + " of task '" + task.id() + "'",
          describe(value),
          "was written by "
              + writer.describe()
              + " as "
              + describe(written)
              + ", which store '"
              + storeAlias
              + "' cannot keep: "
              + left.path()
              + " "
              + left.why()
              + "; the writer must give strings, numbers, booleans, null, lists, maps with string"
              + " keys or java.time values");
    }
    return written;
  }

  /**
   * Where a value is not what the task state codec writes (the JSON values and the java.time values
   * as ISO text), and why; {@code writable} when an argument writer may make it one (an object of
   * another type, a map with other keys), not when no JSON form exists (a NaN, too deep a nesting).
   */
  private record NotJson(String path, Object value, String why, boolean writable) {}

  private static NotJson findNotJson(String path, Object value, int depth) {
    if (depth > MAX_DEPTH) {
      return new NotJson(
          path, value, "nests lists or maps more than " + MAX_DEPTH + " levels deep", false);
    }
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger
        || value instanceof BigDecimal
        || value instanceof TemporalAccessor
        || value instanceof Duration) {
      return null;
    }
    if (value instanceof Double || value instanceof Float) {
      if (!Double.isFinite(((Number) value).doubleValue())) {
        return new NotJson(
            path, value, "is not a finite number; JSON has no NaN or infinity", false);
      }
      return null;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          return new NotJson(
              path, map, "has a key that is not a string: " + describe(e.getKey()), true);
        }
        NotJson inner = findNotJson(path + "[" + quoted(key) + "]", e.getValue(), depth + 1);
        if (inner != null) {
          return inner;
        }
      }
      return null;
    }
    if (value instanceof Iterable<?> list) {
      int i = 0;
      for (Object item : list) {
        NotJson inner = findNotJson(path + "[" + i++ + "]", item, depth + 1);
        if (inner != null) {
          return inner;
        }
      }
      return null;
    }
    return new NotJson(path, value, "is not a JSON value", true);
  }

  private static InvalidInputException notJson(Task task, String storeAlias, NotJson problem) {
    return new InvalidInputException(
        "argument " + problem.path() + " of task '" + task.id() + "'",
        describe(problem.value()),
        problem.why()
            + ", which store '"
            + storeAlias
            + "' cannot keep: it keeps tasks outside this JVM as JSON; expected strings, numbers,"
            + " booleans, null, lists, maps with string keys or java.time values (or a record"
            + " given to a TaskDefinition, which is stored as JSON)");
  }

  private static String describe(Object value) {
    return value + (value == null ? "" : " (" + value.getClass().getName() + ")");
  }

  private static String quoted(String key) {
    return '"' + key + '"';
  }

  static TaskFunction ofRunnable(Runnable runnable) {
    return new RunnableFunction(Objects.requireNonNull(runnable, "runnable"));
  }

  static TaskFunction ofCallable(Callable<?> callable) {
    return new CallableFunction(Objects.requireNonNull(callable, "callable"));
  }

  /**
   * What a task keeps of its function: a Runnable or Callable without its wrapper (one object less
   * per task), anything else as it is. {@link #expand} gives the function back.
   */
  static Object compact(TaskFunction function) {
    if (function instanceof RunnableFunction r && !(r.runnable instanceof TaskFunction)) {
      return r.runnable;
    }
    if (function instanceof CallableFunction c
        && !(c.callable instanceof TaskFunction)
        && !(c.callable instanceof Runnable)) {
      return c.callable;
    }
    return function;
  }

  /** The function that {@link #compact} kept: a bare Runnable or Callable wrapped again. */
  static TaskFunction expand(Object kept) {
    if (kept == null || kept instanceof TaskFunction) {
      return (TaskFunction) kept;
    }
    if (kept instanceof Runnable r) {
      return new RunnableFunction(r);
    }
    return new CallableFunction((Callable<?>) kept);
  }

  /** The display name of a kept function, without wrapping a runnable or callable to ask it. */
  static String displayName(Object kept) {
    return kept instanceof TaskFunction function
        ? function.displayName()
        : DISPLAY_NAMES.get(kept.getClass());
  }

  /**
   * The display name of a function's class, computed once per class: a lambda's class is named
   * after the class that wrote it ({@code com.example.Jobs.<lambda>}). A million tasks of a million
   * lambdas of one class share one name instead of carrying a string each.
   */
  private static final ClassValue<String> DISPLAY_NAMES =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          String className = type.getName();
          int lambda = className.indexOf("$$Lambda");
          return lambda >= 0 ? className.substring(0, lambda) + ".<lambda>" : className;
        }
      };

  /** A {@code Runnable} as a task function: one field, the runnable. */
  private static final class RunnableFunction extends NoArgument {
    private final Runnable runnable;

    RunnableFunction(Runnable runnable) {
      this.runnable = runnable;
    }

    @Override
    Object target() {
      return runnable;
    }

    @Override
    public Object invoke(List<Object> args, Map<String, Object> kwargs) {
      runnable.run();
      return null;
    }
  }

  /** A {@code Callable} as a task function: one field, the callable. */
  private static final class CallableFunction extends NoArgument {
    private final Callable<?> callable;

    CallableFunction(Callable<?> callable) {
      this.callable = callable;
    }

    @Override
    Object target() {
      return callable;
    }

    @Override
    public Object invoke(List<Object> args, Map<String, Object> kwargs) throws Exception {
      return callable.call();
    }
  }

  private abstract static class NoArgument implements TaskFunction {
    /** The runnable or callable this function calls. */
    abstract Object target();

    @Override
    public void checkArguments(List<Object> args, Map<String, Object> kwargs) {
      if (!args.isEmpty() || !kwargs.isEmpty()) {
        throw new InvalidInputException(
            "args",
            args.isEmpty() ? kwargs : args,
            "were given to a function that takes no arguments (a Runnable or Callable); use a"
                + " TaskFunction or a method reference to pass arguments");
      }
    }

    @Override
    public String displayName() {
      return DISPLAY_NAMES.get(target().getClass());
    }

    /** Two wrappers of one runnable or callable are one function (a task wraps it on demand). */
    @Override
    public boolean equals(Object o) {
      return o instanceof NoArgument n && getClass() == n.getClass() && target() == n.target();
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(target());
    }
  }

  /**
   * A public static method of a public class, called with arguments converted to its parameter
   * types; it is called without {@code setAccessible}, so nothing else can be reached.
   */
  static TaskFunction ofStaticMethod(Method method, String reference) {
    if (!Modifier.isStatic(method.getModifiers())) {
      throw new InvalidInputException(
          "function reference", reference, "names an instance method; expected a static method");
    }
    return new MethodFunction(method, reference);
  }

  private static final class MethodFunction implements TaskFunction {
    private final Method method;
    private final String reference;
    private final Parameter[] parameters;
    private final boolean trailingMap;

    MethodFunction(Method method, String reference) {
      this.method = method;
      this.reference = reference;
      this.parameters = method.getParameters();
      this.trailingMap =
          parameters.length > 0 && Map.class == parameters[parameters.length - 1].getType();
    }

    @Override
    public Object invoke(List<Object> args, Map<String, Object> kwargs) throws Exception {
      try {
        return method.invoke(null, bind(args, kwargs));
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
          throw ex;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }

    @Override
    public void checkArguments(List<Object> args, Map<String, Object> kwargs) {
      bind(args, kwargs);
    }

    @Override
    public String displayName() {
      return reference;
    }

    private Object[] bind(List<Object> args, Map<String, Object> kwargs) {
      int named = trailingMap ? parameters.length - 1 : parameters.length;
      if (args.size() > named) {
        throw new InvalidInputException(
            "args",
            args,
            "has "
                + args.size()
                + " values but "
                + reference
                + " takes "
                + named
                + " positional parameter(s)");
      }
      Object[] values = new Object[parameters.length];
      boolean[] bound = new boolean[parameters.length];
      for (int i = 0; i < args.size(); i++) {
        values[i] = convert(args.get(i), parameters[i], i);
        bound[i] = true;
      }
      Map<String, Object> extra = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : kwargs.entrySet()) {
        int index = indexOf(e.getKey(), named);
        if (index < 0) {
          if (!trailingMap) {
            throw new InvalidInputException(
                "kwargs",
                e.getKey(),
                "is not a parameter of "
                    + reference
                    + "; its parameters are "
                    + parameterNames(named)
                    + (parameters.length > 0 && !parameters[0].isNamePresent()
                        ? " (compile it with -parameters to bind by name)"
                        : ""));
          }
          extra.put(e.getKey(), e.getValue());
          continue;
        }
        if (bound[index]) {
          throw new InvalidInputException(
              "kwargs", e.getKey(), "is given both by position and by name to " + reference);
        }
        values[index] = convert(e.getValue(), parameters[index], index);
        bound[index] = true;
      }
      if (trailingMap) {
        values[parameters.length - 1] = extra;
        bound[parameters.length - 1] = true;
      }
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < parameters.length; i++) {
        if (!bound[i]) {
          missing.add(parameters[i].getName());
        }
      }
      if (!missing.isEmpty()) {
        throw new InvalidInputException(
            "args",
            args,
            "leave "
                + reference
                + " without a value for "
                + missing
                + "; Java methods have no defaults");
      }
      return values;
    }

    private int indexOf(String name, int named) {
      for (int i = 0; i < named; i++) {
        if (parameters[i].isNamePresent() && parameters[i].getName().equals(name)) {
          return i;
        }
      }
      return -1;
    }

    private List<String> parameterNames(int named) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < named; i++) {
        names.add(parameters[i].getName());
      }
      return names;
    }

    private Object convert(Object value, Parameter parameter, int index) {
      try {
        return Conversions.convert(value, parameter.getType());
      } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
        throw new InvalidInputException(
            "argument '" + parameter.getName() + "' (#" + (index + 1) + ") of " + reference,
            value,
            "cannot be converted to " + parameter.getType().getSimpleName());
      }
    }
  }

  /** Converts JSON-like values to parameter types. */
  static final class Conversions {
    private Conversions() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object convert(Object value, Class<?> type) {
      if (value == null) {
        if (type.isPrimitive()) {
          throw new IllegalArgumentException("null for a primitive");
        }
        return null;
      }
      Class<?> boxed = box(type);
      if (boxed.isInstance(value)) {
        return value;
      }
      if (boxed == String.class) {
        return value.toString();
      }
      if (Number.class.isAssignableFrom(boxed)) {
        BigDecimal d =
            value instanceof Number n
                ? new BigDecimal(n.toString())
                : new BigDecimal(value.toString().strip());
        if (boxed == Integer.class) {
          return d.intValueExact();
        }
        if (boxed == Long.class) {
          return d.longValueExact();
        }
        if (boxed == Short.class) {
          return d.shortValueExact();
        }
        if (boxed == Byte.class) {
          return d.byteValueExact();
        }
        if (boxed == Double.class) {
          return d.doubleValue();
        }
        if (boxed == Float.class) {
          return d.floatValue();
        }
        if (boxed == BigDecimal.class) {
          return d;
        }
        if (boxed == BigInteger.class) {
          return d.toBigIntegerExact();
        }
      }
      if (boxed == Boolean.class && value instanceof String s) {
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("not a boolean");
      }
      if (value instanceof String s) {
        if (type == Instant.class) {
          return Instant.parse(s);
        }
        if (type == LocalDate.class) {
          return LocalDate.parse(s);
        }
        if (type == LocalDateTime.class) {
          return LocalDateTime.parse(s);
        }
        if (type == LocalTime.class) {
          return LocalTime.parse(s);
        }
        if (type == ZonedDateTime.class) {
          return ZonedDateTime.parse(s);
        }
        if (type == OffsetDateTime.class) {
          return OffsetDateTime.parse(s);
        }
        if (type == Duration.class) {
          return Duration.parse(s);
        }
        if (type == OffsetTime.class) {
          return OffsetTime.parse(s);
        }
        if (type == Period.class) {
          return Period.parse(s);
        }
        if (type == Year.class) {
          return Year.parse(s);
        }
        if (type == YearMonth.class) {
          return YearMonth.parse(s);
        }
        if (type == MonthDay.class) {
          return MonthDay.parse(s);
        }
        if (type == ZoneOffset.class) {
          return ZoneOffset.of(s);
        }
        if (type == ZoneId.class) {
          return ZoneId.of(s);
        }
        if (type == UUID.class) {
          return UUID.fromString(s);
        }
        if (type.isEnum()) {
          return Enum.valueOf((Class) type, s);
        }
        if (type == Character.class || type == char.class) {
          if (s.length() == 1) {
            return s.charAt(0);
          }
        }
      }
      if (type == Object.class) {
        return value;
      }
      throw new IllegalArgumentException("cannot convert " + value.getClass() + " to " + type);
    }

    static Class<?> box(Class<?> type) {
      if (!type.isPrimitive()) {
        return type;
      }
      if (type == int.class) {
        return Integer.class;
      }
      if (type == long.class) {
        return Long.class;
      }
      if (type == double.class) {
        return Double.class;
      }
      if (type == boolean.class) {
        return Boolean.class;
      }
      if (type == float.class) {
        return Float.class;
      }
      if (type == short.class) {
        return Short.class;
      }
      if (type == byte.class) {
        return Byte.class;
      }
      if (type == char.class) {
        return Character.class;
      }
      return Void.class;
    }
  }
}
