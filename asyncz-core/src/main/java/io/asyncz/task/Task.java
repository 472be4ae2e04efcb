package io.asyncz.task;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.trigger.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A scheduled function with its trigger, options and current schedule. Tasks are immutable: each
 * change gives a new {@code Task}, and the scheduler and stores hold the current one.
 *
 * <p>The convenience methods ({@link #pause()}, {@link #resume()}, ...) act through the scheduler
 * that the task was added to, like the seed's.
 */
public final class Task {
  private final String id;
  private final String name;
  private final TaskFunction function;
  private final String reference;
  private final List<Object> args;
  private final Map<String, Object> kwargs;
  private final Trigger trigger;
  private final String executor;
  private final String storeAlias;
  private final Duration mistriggerGraceTime;
  private final boolean coalesce;
  private final int maxInstances;
  private final Instant nextRunTime;
  private final boolean pending;
  private final TaskOperations scheduler;

  private Task(Builder b) {
    this.id = b.id;
    this.name = b.name;
    this.function = b.function;
    this.reference = b.reference;
    this.args = b.args;
    this.kwargs = b.kwargs;
    this.trigger = b.trigger;
    this.executor = b.executor;
    this.storeAlias = b.storeAlias;
    this.mistriggerGraceTime = b.mistriggerGraceTime;
    this.coalesce = b.coalesce;
    this.maxInstances = b.maxInstances;
    this.nextRunTime = b.nextRunTime;
    this.pending = b.pending;
    this.scheduler = b.scheduler;
  }

  /** A copy of {@code t} with another next run time, with no builder in between. */
  private Task(Task t, Instant nextRunTime) {
    this.id = t.id;
    this.name = t.name;
    this.function = t.function;
    this.reference = t.reference;
    this.args = t.args;
    this.kwargs = t.kwargs;
    this.trigger = t.trigger;
    this.executor = t.executor;
    this.storeAlias = t.storeAlias;
    this.mistriggerGraceTime = t.mistriggerGraceTime;
    this.coalesce = t.coalesce;
    this.maxInstances = t.maxInstances;
    this.nextRunTime = nextRunTime;
    this.pending = t.pending;
    this.scheduler = t.scheduler;
  }

  /**
   * Starts a builder for a task with the given id.
   *
   * @throws InvalidInputException when the id breaks the rules of {@link Identifiers}
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** A builder holding this task's values, to derive a changed task. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The unique id. */
  public String id() {
    return id;
  }

  /** The name shown in listings (default: the function's name). */
  public String name() {
    // Derived when not given, so that a million tasks of one function share no name strings.
    if (name != null) {
      return name;
    }
    return function != null ? function.displayName() : reference;
  }

  /** The function, once resolved. */
  public TaskFunction function() {
    return function;
  }

  /** The function's textual reference, if it has one; persistent stores need it. */
  public Optional<String> reference() {
    return Optional.ofNullable(reference);
  }

  /** Positional arguments, JSON-like values. */
  public List<Object> args() {
    return args;
  }

  /** Keyword arguments, JSON-like values. */
  public Map<String, Object> kwargs() {
    return kwargs;
  }

  /** The trigger. */
  public Trigger trigger() {
    return trigger;
  }

  /** The executor alias. */
  public String executor() {
    return executor;
  }

  /** The store alias. */
  public String storeAlias() {
    return storeAlias;
  }

  /** How late a run may start before it counts as missed; empty for no limit. */
  public Optional<Duration> mistriggerGraceTime() {
    return Optional.ofNullable(mistriggerGraceTime);
  }

  /** Whether several due runs collapse into one. */
  public boolean coalesce() {
    return coalesce;
  }

  /** How many runs of this task may overlap. */
  public int maxInstances() {
    return maxInstances;
  }

  /** The next run time; empty when the task is paused. */
  public Optional<Instant> nextRunTime() {
    return Optional.ofNullable(nextRunTime);
  }

  /** Whether the task waits for the scheduler to start. */
  public boolean isPending() {
    return pending;
  }

  /** Whether the task is paused (in a store, with no next run time). */
  public boolean isPaused() {
    return !pending && nextRunTime == null;
  }

  /** Pending, paused or scheduled. */
  public TaskScheduleState scheduleState() {
    if (pending) {
      return TaskScheduleState.PENDING;
    }
    return nextRunTime == null ? TaskScheduleState.PAUSED : TaskScheduleState.SCHEDULED;
  }

  /**
   * Every run time from the next run time up to {@code now}, inclusive: the runs that are due,
   * oldest first (the seed's {@code get_run_times}).
   */
  public List<Instant> runTimes(ZoneId zone, Instant now) {
    List<Instant> times = new ArrayList<>(1);
    Instant next = nextRunTime;
    while (next != null && !next.isAfter(now)) {
      times.add(next);
      next = trigger.nextFireTime(zone, next, now).orElse(null);
    }
    return times;
  }

  /** The same task with another next run time ({@code null} pauses it). */
  public Task withNextRunTime(Instant time) {
    // The loop calls this on every run: copy without build()'s re-check of what did not change.
    return new Task(this, time);
  }

  /** An immutable snapshot for listings. */
  public TaskInfo info() {
    String callable = function != null ? function.displayName() : reference;
    return new TaskInfo(
        id,
        name(),
        callable,
        reference,
        trigger.alias(),
        trigger.getClass().getSimpleName(),
        trigger.toString(),
        executor,
        storeAlias,
        scheduleState(),
        nextRunTime,
        coalesce,
        maxInstances,
        mistriggerGraceTime,
        pending,
        isPaused(),
        scheduler != null,
        args,
        kwargs);
  }

  /** Changes this task through its scheduler; the keys are {@link TaskOperations#updateTask}'s. */
  public Task update(Map<String, ?> changes) {
    return operations().updateTask(id, storeAlias, changes);
  }

  /** Gives this task a new trigger and recomputes its next run time. */
  public Task reschedule(Trigger newTrigger) {
    return operations().rescheduleTask(id, storeAlias, newTrigger);
  }

  /** Pauses this task. */
  public Task pause() {
    return operations().pauseTask(id, storeAlias);
  }

  /** Resumes this task; empty if its schedule had finished and it was removed. */
  public Optional<Task> resume() {
    return operations().resumeTask(id, storeAlias);
  }

  /** Deletes this task from its store. */
  public void delete() {
    operations().deleteTask(id, storeAlias);
  }

  private TaskOperations operations() {
    if (scheduler == null) {
      throw new IllegalStateException("Task '" + id + "' has not been added to a scheduler");
    }
    return scheduler;
  }

  static void checkGrace(Duration grace) {
    if (grace != null && (grace.isZero() || grace.isNegative())) {
      throw new InvalidInputException(
          "mistrigger_grace_time", grace, "is not positive; expected a positive duration or none");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Task t
        && id.equals(t.id)
        && Objects.equals(name, t.name)
        && Objects.equals(reference, t.reference)
        && (reference != null || Objects.equals(function, t.function))
        && args.equals(t.args)
        && kwargs.equals(t.kwargs)
        && trigger.equals(t.trigger)
        && executor.equals(t.executor)
        && storeAlias.equals(t.storeAlias)
        && Objects.equals(mistriggerGraceTime, t.mistriggerGraceTime)
        && coalesce == t.coalesce
        && maxInstances == t.maxInstances
        && Objects.equals(nextRunTime, t.nextRunTime)
        && pending == t.pending;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, trigger, nextRunTime);
  }

  @Override
  public String toString() {
    return name()
        + " (trigger: "
        + trigger
        + ", next run at: "
        + (nextRunTime == null ? "paused" : nextRunTime)
        + ")";
  }

  /** Builds a {@link Task}; every setter checks its value and names it in the error. */
  public static final class Builder {
    private final String id;
    private String name;
    private TaskFunction function;
    private String reference;
    private List<Object> args = List.of();
    private Map<String, Object> kwargs = Map.of();
    private Trigger trigger;
    private String executor = "default";
    private String storeAlias = "default";
    private Duration mistriggerGraceTime = TaskDefaults.DEFAULTS.mistriggerGraceTime();
    private boolean coalesce = TaskDefaults.DEFAULTS.coalesce();
    private int maxInstances = TaskDefaults.DEFAULTS.maxInstances();
    private Instant nextRunTime;
    private boolean pending;
    private TaskOperations scheduler;

    private Builder(String id) {
      this.id = Identifiers.checkTaskId("id", id);
    }

    private Builder(Task t) {
      this.id = t.id;
      this.name = t.name;
      this.function = t.function;
      this.reference = t.reference;
      this.args = t.args;
      this.kwargs = t.kwargs;
      this.trigger = t.trigger;
      this.executor = t.executor;
      this.storeAlias = t.storeAlias;
      this.mistriggerGraceTime = t.mistriggerGraceTime;
      this.coalesce = t.coalesce;
      this.maxInstances = t.maxInstances;
      this.nextRunTime = t.nextRunTime;
      this.pending = t.pending;
      this.scheduler = t.scheduler;
    }

    /** The function and, if it has one, its textual reference. */
    public Builder function(TaskFunction function, String reference) {
      this.function = Objects.requireNonNull(function, "function");
      this.reference = reference;
      return this;
    }

    /** The name shown in listings. */
    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new InvalidInputException("name", name, "is blank; expected a non-empty name");
      }
      this.name = name;
      return this;
    }

    /** Positional arguments (JSON-like values). */
    public Builder args(List<?> args) {
      Objects.requireNonNull(args, "args");
      // Most tasks have no arguments: share one empty list instead of a copy per task.
      this.args = args.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
      return this;
    }

    /** Keyword arguments (JSON-like values). */
    public Builder kwargs(Map<String, ?> kwargs) {
      Objects.requireNonNull(kwargs, "kwargs");
      this.kwargs =
          kwargs.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
      return this;
    }

    /** The trigger. */
    public Builder trigger(Trigger trigger) {
      this.trigger = Objects.requireNonNull(trigger, "trigger");
      return this;
    }

    /** The executor alias; see {@link Identifiers#checkAlias}. */
    public Builder executor(String executor) {
      this.executor = Identifiers.checkAlias("executor", executor);
      return this;
    }

    /** The store alias; see {@link Identifiers#checkAlias}. */
    public Builder storeAlias(String storeAlias) {
      this.storeAlias = Identifiers.checkAlias("store", storeAlias);
      return this;
    }

    /** How late a run may start; {@code null} for no limit. */
    public Builder mistriggerGraceTime(Duration grace) {
      checkGrace(grace);
      this.mistriggerGraceTime = grace;
      return this;
    }

    /** Whether several due runs collapse into one. */
    public Builder coalesce(boolean coalesce) {
      this.coalesce = coalesce;
      return this;
    }

    /** How many runs may overlap. */
    public Builder maxInstances(int maxInstances) {
      if (maxInstances < 1) {
        throw new InvalidInputException(
            "max_instances", maxInstances, "is not positive; expected 1 or more");
      }
      this.maxInstances = maxInstances;
      return this;
    }

    /** The next run time; {@code null} pauses the task. */
    public Builder nextRunTime(Instant nextRunTime) {
      this.nextRunTime = nextRunTime;
      return this;
    }

    /** Whether the task waits for the scheduler to start. */
    public Builder pending(boolean pending) {
      this.pending = pending;
      return this;
    }

    /** The scheduler the convenience methods act through. */
    public Builder scheduler(TaskOperations scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /**
     * Builds the task, checking the arguments against the function's signature.
     *
     * @throws InvalidInputException when something is missing or does not fit
     */
    public Task build() {
      if (trigger == null) {
        throw new InvalidInputException("trigger", null, "is missing; a task needs a trigger");
      }
      if (function == null && reference == null) {
        throw new InvalidInputException("function", null, "is missing; a task needs a function");
      }
      if (function != null) {
        function.checkArguments(args, kwargs);
      }
      return new Task(this);
    }
  }
}
