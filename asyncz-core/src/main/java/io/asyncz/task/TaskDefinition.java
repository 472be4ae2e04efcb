package io.asyncz.task;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A named task with typed data, that any process with the same definition registered can run from a
 * persistent store: the name is the task's {@linkplain Task#reference() reference}, and the data, a
 * record, is stored as the task's single argument, a JSON object of its components, and turned back
 * into the record when the task runs.
 *
 * <pre>{@code
 * record Invoice(String number, String customer, BigDecimal amount, LocalDate due) {}
 *
 * static final TaskDefinition<Invoice> REMIND =
 *     TaskDefinition.of("billing.remind", Invoice.class, invoice -> mail.remind(invoice));
 *
 * scheduler.task(REMIND, invoice).trigger(DateTrigger.at(due)).store("db").add();
 * }</pre>
 *
 * <p>A definition is registered in a {@link TaskRegistry} under its name: by {@code
 * scheduler.task(definition, data)} on first use, or explicitly with {@link
 * TaskRegistry#register(TaskDefinition)}, which every process that reads the store's tasks needs
 * before it starts (a worker that runs the tasks without adding any). A stored task whose
 * definition is not registered is quarantined by its store as {@code UNRESOLVABLE_REFERENCE}, and
 * can be restored once the definition is registered.
 *
 * <p>The data is a record whose components are JSON values: strings, numbers (primitive, boxed,
 * {@code BigDecimal}, {@code BigInteger}), booleans, chars, enums, {@code java.time} values ({@code
 * Instant}, {@code LocalDate}, {@code LocalDateTime}, {@code LocalTime}, {@code OffsetDateTime},
 * {@code OffsetTime}, {@code ZonedDateTime}, {@code Duration}, {@code Period}, {@code Year}, {@code
 * YearMonth}, {@code MonthDay}, {@code ZoneId}, {@code ZoneOffset}), UUIDs, nested records, and
 * {@code List}, {@code Set}, {@code Collection}, {@code Map<String, ...>} and {@code Optional} of
 * these. A type that cannot be stored is refused when the definition is made, naming the component
 * and its type. A component missing from a stored object reads as {@code null} (an empty {@code
 * Optional}; a primitive is refused); a stored key that is not a component is refused, so a task
 * whose record lost a component is quarantined rather than run without that value.
 *
 * <p>Definitions are immutable and safe for concurrent use; keep each in a constant.
 *
 * @param <T> the type of the data, a record; {@link Void} for a definition without data
 */
public final class TaskDefinition<T> {
  private final String name;
  private final Class<T> dataType;
  private final TaskData data;
  private final Body<T> body;
  private final TaskFunction function;

  /** What the definition runs, given its data (null for a definition without data). */
  @FunctionalInterface
  private interface Body<T> {
    Object run(T data) throws Exception;
  }

  private TaskDefinition(String name, Class<T> dataType, Body<T> body) {
    this.name = checkName(name);
    this.dataType = Objects.requireNonNull(dataType, "dataType");
    this.data = dataType == Void.class ? null : TaskData.of(name, dataType);
    this.body = body;
    this.function = new DefinitionFunction();
  }

  /**
   * A definition that passes its data to {@code action}.
   *
   * @param name the name tasks store as their reference, e.g. {@code billing.remind}: 1 to {@value
   *     Identifiers#MAX_TASK_ID_LENGTH} characters of visible text, without {@code ::}
   * @param dataType the record the data is
   * @throws InvalidInputException when the name is invalid or a component of {@code dataType}
   *     cannot be stored (the message names it and its type)
   */
  public static <T extends Record> TaskDefinition<T> of(
      String name, Class<T> dataType, Consumer<? super T> action) {
    Objects.requireNonNull(action, "action");
    return new TaskDefinition<>(
        name,
        dataType,
        data -> {
          action.accept(data);
          return null;
        });
  }

  /**
   * A definition that passes its data to {@code function}, whose result is the run's return value;
   * a {@link java.util.concurrent.CompletionStage} is awaited as any task function's is.
   *
   * @throws InvalidInputException when the name is invalid or a component of {@code dataType}
   *     cannot be stored
   * @see #of(String, Class, Consumer)
   */
  public static <T extends Record> TaskDefinition<T> ofFunction(
      String name, Class<T> dataType, Function<? super T, ?> function) {
    Objects.requireNonNull(function, "function");
    return new TaskDefinition<>(name, dataType, function::apply);
  }

  /**
   * A definition without data that runs {@code action}.
   *
   * @throws InvalidInputException when the name is invalid
   */
  public static TaskDefinition<Void> of(String name, Runnable action) {
    Objects.requireNonNull(action, "action");
    return new TaskDefinition<>(
        name,
        Void.class,
        none -> {
          action.run();
          return null;
        });
  }

  /**
   * A definition without data that calls {@code callable}; its result is the run's return value.
   *
   * @throws InvalidInputException when the name is invalid
   */
  public static TaskDefinition<Void> of(String name, Callable<?> callable) {
    Objects.requireNonNull(callable, "callable");
    return new TaskDefinition<>(name, Void.class, none -> callable.call());
  }

  /** The name: the reference that tasks of this definition store. */
  public String name() {
    return name;
  }

  /** The type of the data; {@link Void} for a definition without data. */
  public Class<T> dataType() {
    return dataType;
  }

  /**
   * The arguments of a task of this definition: the data as a JSON object, its single argument
   * (none for a definition without data).
   *
   * @param data the data; {@code null} (and only {@code null}) for a definition without data
   * @throws InvalidInputException when data is missing, is given to a definition without data, or
   *     holds a value that cannot be stored (a NaN, a string with a lone surrogate); the message
   *     names the component
   */
  public List<Object> arguments(T data) {
    if (this.data == null) {
      if (data != null) {
        throw new InvalidInputException(
            "data of task definition '" + name + "'",
            data,
            "is given to a definition without data");
      }
      return List.of();
    }
    if (data != null && !dataType.isInstance(data)) {
      throw new InvalidInputException(
          "data of task definition '" + name + "'",
          data,
          "is " + data.getClass().getName() + "; expected " + dataType.getName());
    }
    return List.of(this.data.write(data));
  }

  /**
   * The data of a task of this definition, read back from its argument.
   *
   * @return the data; {@code null} for a definition without data
   * @throws InvalidInputException when the task is not of this definition, or its argument cannot
   *     be read as the data
   */
  public T data(Task task) {
    Objects.requireNonNull(task, "task");
    if (!task.reference().map(name::equals).orElse(false)) {
      throw new InvalidInputException(
          "task '" + task.id() + "'",
          task.reference().orElse(null),
          "is not a task of definition '" + name + "'");
    }
    return read(task.args(), task.kwargs());
  }

  /** The function that tasks of this definition run; it is registered under the name. */
  public TaskFunction function() {
    return function;
  }

  @Override
  public String toString() {
    return "TaskDefinition[" + name + (data == null ? "" : ", " + dataType.getSimpleName()) + "]";
  }

  private T read(List<Object> args, Map<String, Object> kwargs) {
    if (!kwargs.isEmpty()) {
      throw new InvalidInputException(
          "kwargs of a task of definition '" + name + "'",
          kwargs,
          "were given; a task definition takes its data as its one argument, not as kwargs");
    }
    if (data == null) {
      if (!args.isEmpty()) {
        throw new InvalidInputException(
            "args of a task of definition '" + name + "'",
            args,
            "were given to a definition without data");
      }
      return null;
    }
    if (args.size() != 1) {
      throw new InvalidInputException(
          "args of a task of definition '" + name + "'",
          args,
          "are not one argument; expected the data, "
              + TaskData.article(data.typeName())
              + " "
              + data.typeName()
              + " as a JSON object");
    }
    return dataType.cast(data.read(args.get(0)));
  }

  private static String checkName(String name) {
    if (name == null || !Identifiers.isValidTaskId(name) || name.contains("::")) {
      throw new InvalidInputException(
          "task definition name",
          name == null ? null : Identifiers.escape(name),
          "is not a name; expected 1 to "
              + Identifiers.MAX_TASK_ID_LENGTH
              + " characters of visible text without '::' (which is for Class::method"
              + " references), such as billing.remind");
    }
    return name;
  }

  /** The definition as a {@link TaskFunction}: reads the data from the task's argument. */
  final class DefinitionFunction implements TaskFunction {
    @Override
    public Object invoke(List<Object> args, Map<String, Object> kwargs) throws Exception {
      return body.run(read(args, kwargs));
    }

    @Override
    public void checkArguments(List<Object> args, Map<String, Object> kwargs) {
      read(args, kwargs);
    }

    @Override
    public String displayName() {
      return name;
    }

    @Override
    public String toString() {
      return TaskDefinition.this.toString();
    }
  }
}
