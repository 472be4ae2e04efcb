package io.asyncz.task;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.trigger.Trigger;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A scheduled function with its trigger, options and current schedule. Tasks are immutable: each
 * change gives a new {@code Task}, and the scheduler and stores hold the current one.
 *
 * <p>The convenience methods ({@link #pause()}, {@link #resume()}, ...) act through the scheduler
 * that the task was added to, like the seed's.
 */
public final class Task {
  // A task waiting in a store is mostly this object: a million of them should cost little more
  // than the lambdas they run. So the options that tasks share (executor, store, defaults, the
  // scheduler) sit in one shared Settings object, a generated id is kept as its number until its
  // text is asked for, a Runnable or Callable is kept without its TaskFunction wrapper, and a task
  // without positional arguments has no field for them (eight fields would round the object up
  // from 40 to 48 bytes).
  private String id; // the id's text; for a generated id, filled in when first asked for
  private final long generatedId; // the 64 random bits of a generated id; 0 when the id was given
  // A TaskFunction, a bare Runnable or Callable, or null; or, when the task has positional
  // arguments, a WithArgs holding one of those and the arguments.
  private final Object function;
  private final Trigger trigger;
  private final Instant nextRunTime;
  private final Settings settings;

  private Task(Builder b) {
    this.id = b.id;
    this.generatedId = b.generatedId;
    Object compact = TaskFunctions.compact(b.function);
    this.function = b.args.isEmpty() ? compact : new WithArgs(compact, b.args);
    this.trigger = b.trigger;
    this.nextRunTime = b.nextRunTime;
    this.settings = Settings.shared(b);
  }

  /** A copy of {@code t} with another next run time, with no builder in between. */
  private Task(Task t, Instant nextRunTime) {
    this.id = t.id;
    this.generatedId = t.generatedId;
    this.function = t.function;
    this.trigger = t.trigger;
    this.nextRunTime = nextRunTime;
    this.settings = t.settings;
  }

  /**
   * Starts a builder for a task with the given id.
   *
   * @throws InvalidInputException when the id breaks the rules of {@link Identifiers}
   */
  public static Builder builder(String id) {
    return new Builder(Identifiers.checkTaskId("id", id), 0);
  }

  /**
   * Starts a builder for a task with a generated id: 64 random bits as 16 lower-case hex digits
   * (the seed's {@code uuid4().hex} has 32). The task keeps the number and writes the digits out
   * when {@link #id()} is first called.
   */
  public static Builder builder() {
    long bits;
    do {
      bits = ThreadLocalRandom.current().nextLong();
    } while (bits == 0); // 0 marks a given id
    return new Builder(null, bits);
  }

  /** A builder holding this task's values, to derive a changed task. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The unique id. */
  public String id() {
    String text = id;
    if (text == null) {
      // A benign race: every thread writes the same digits, and a String is safe to publish.
      text = HexFormat.of().toHexDigits(generatedId);
      id = text;
    }
    return text;
  }

  /** Whether the scheduler made this task's id up (no id was given). */
  public boolean hasGeneratedId() {
    return generatedId != 0;
  }

  /**
   * Whether this task's id is {@code other}; for a generated id, without writing the id out. Stores
   * look tasks up with this.
   */
  public boolean hasId(String other) {
    String text = id;
    if (text != null) {
      return text.equals(other);
    }
    if (other == null || other.length() != HEX_DIGITS) {
      return false;
    }
    long bits = generatedId;
    for (int i = HEX_DIGITS - 1; i >= 0; i--) {
      if (other.charAt(i) != HEX.charAt((int) (bits & 0xF))) {
        return false;
      }
      bits >>>= 4;
    }
    return true;
  }

  /** {@code id().hashCode()}, for a generated id without writing the id out. */
  public int idHashCode() {
    String text = id;
    if (text != null) {
      return text.hashCode();
    }
    int h = 0;
    for (int shift = 60; shift >= 0; shift -= 4) {
      h = 31 * h + HEX.charAt((int) ((generatedId >>> shift) & 0xF));
    }
    return h;
  }

  /**
   * Orders two tasks' ids as {@code a.id().compareTo(b.id())} does; two generated ids compare
   * without being written out (equal-length lower-case hex digits order as their numbers do).
   */
  public static int compareIds(Task a, Task b) {
    if (a.generatedId != 0 && b.generatedId != 0) {
      return Long.compareUnsigned(a.generatedId, b.generatedId);
    }
    return a.id().compareTo(b.id());
  }

  /** The name shown in listings (default: the function's name). */
  public String name() {
    // Derived when not given, so that a million tasks of one function share no name strings.
    String name = settings.name;
    if (name != null) {
      return name;
    }
    Object bare = bareFunction();
    return bare != null ? TaskFunctions.displayName(bare) : settings.reference;
  }

  /** The function, once resolved. */
  public TaskFunction function() {
    return TaskFunctions.expand(bareFunction());
  }

  /** The kept function without the positional arguments it may be packed with. */
  private Object bareFunction() {
    return function instanceof WithArgs w ? w.function : function;
  }

  /** A function kept together with the task's positional arguments. */
  private record WithArgs(Object function, List<Object> args) {}

  /** The function's textual reference, if it has one; persistent stores need it. */
  public Optional<String> reference() {
    return Optional.ofNullable(settings.reference);
  }

  /** Positional arguments, JSON-like values. */
  public List<Object> args() {
    return function instanceof WithArgs w ? w.args : List.of();
  }

  /** Keyword arguments, JSON-like values. */
  public Map<String, Object> kwargs() {
    return settings.kwargs;
  }

  /** The trigger. */
  public Trigger trigger() {
    return trigger;
  }

  /** The executor alias. */
  public String executor() {
    return settings.executor;
  }

  /** The store alias. */
  public String storeAlias() {
    return settings.storeAlias;
  }

  /** How late a run may start before it counts as missed; empty for no limit. */
  public Optional<Duration> mistriggerGraceTime() {
    return Optional.ofNullable(settings.mistriggerGraceTime);
  }

  /** How a failed run is tried again, if it is. */
  public Optional<RetryPolicy> retryPolicy() {
    return Optional.ofNullable(settings.retryPolicy);
  }

  /** How long a run may take before it is interrupted, if there is a limit. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(settings.timeout);
  }

  /**
   * In cluster mode, what a live node does with a run of this task that was in flight on a node
   * that died; empty for the scheduler's {@code cluster.on_node_failure}.
   */
  public Optional<ClusterSettings.NodeFailurePolicy> onNodeFailure() {
    return Optional.ofNullable(settings.onNodeFailure);
  }

  /** The retry this task waits for, if a run failed and is to be tried again. */
  public Optional<PendingRetry> pendingRetry() {
    return Optional.ofNullable(settings.pendingRetry);
  }

  /** Whether several due runs collapse into one. */
  public boolean coalesce() {
    return settings.coalesce;
  }

  /** How many runs of this task may overlap. */
  public int maxInstances() {
    return settings.maxInstances;
  }

  /** The next run time; empty when the task is paused. */
  public Optional<Instant> nextRunTime() {
    return Optional.ofNullable(nextRunTime);
  }

  /** The next run time, or {@code null} when the task is paused; for hot paths, no Optional. */
  public Instant nextRunTimeOrNull() {
    return nextRunTime;
  }

  /** Whether the task waits for the scheduler to start. */
  public boolean isPending() {
    return settings.pending;
  }

  /** Whether the task is paused (in a store, with no next run time). */
  public boolean isPaused() {
    return !settings.pending && nextRunTime == null;
  }

  /** Pending, paused or scheduled. */
  public TaskScheduleState scheduleState() {
    if (settings.pending) {
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

  /**
   * The same task with another next run time ({@code null} pauses it). A pending retry is dropped:
   * the schedule is set anew (an operator's pause, resume or reschedule).
   */
  public Task withNextRunTime(Instant time) {
    if (settings.pendingRetry != null) {
      return toBuilder().pendingRetry(null).nextRunTime(time).build();
    }
    // The loop calls this on every run: copy without build()'s re-check of what did not change.
    return new Task(this, time);
  }

  /**
   * The same task after its trigger moved on to {@code next} (the loop's advance): a pending retry
   * stays, and the task wakes for whichever of the two comes first.
   */
  public Task advancedTo(Instant next) {
    PendingRetry retry = settings.pendingRetry;
    if (retry == null) {
      return new Task(this, next);
    }
    return withPendingRetry(retry.resumingAt(next));
  }

  /**
   * This task with the schedule of {@code other} (its next run time and pending retry): how the
   * loop writes its advance over a copy that a run may have changed otherwise (renamed it).
   */
  public Task withScheduleOf(Task other) {
    PendingRetry retry = other.settings.pendingRetry;
    if (retry == null && settings.pendingRetry == null) {
      return new Task(this, other.nextRunTime);
    }
    return toBuilder().pendingRetry(retry).nextRunTime(other.nextRunTime).build();
  }

  /** The same task waiting for {@code retry}; it wakes at {@link PendingRetry#wakeAt()}. */
  public Task withPendingRetry(PendingRetry retry) {
    return toBuilder().pendingRetry(retry).nextRunTime(retry.wakeAt()).build();
  }

  /** The same task with its pending retry handed out: it goes on at the trigger's next run time. */
  public Task retryHandedOut() {
    PendingRetry retry = settings.pendingRetry;
    if (retry == null) {
      return this;
    }
    return toBuilder().pendingRetry(null).nextRunTime(retry.resumeAt()).build();
  }

  /** An immutable snapshot for listings. */
  public TaskInfo info() {
    String callable = bareFunction() != null ? function().displayName() : settings.reference;
    return new TaskInfo(
        id(),
        name(),
        callable,
        settings.reference,
        trigger.alias(),
        trigger.getClass().getSimpleName(),
        trigger.toString(),
        settings.executor,
        settings.storeAlias,
        scheduleState(),
        nextRunTime,
        settings.coalesce,
        settings.maxInstances,
        settings.mistriggerGraceTime,
        settings.pending,
        isPaused(),
        settings.scheduler != null,
        args(),
        settings.kwargs);
  }

  /** Changes this task through its scheduler; the keys are {@link TaskOperations#updateTask}'s. */
  public Task update(Map<String, ?> changes) {
    return operations().updateTask(id(), storeAlias(), changes);
  }

  /** Gives this task a new trigger and recomputes its next run time. */
  public Task reschedule(Trigger newTrigger) {
    return operations().rescheduleTask(id(), storeAlias(), newTrigger);
  }

  /** Pauses this task. */
  public Task pause() {
    return operations().pauseTask(id(), storeAlias());
  }

  /** Resumes this task; empty if its schedule had finished and it was removed. */
  public Optional<Task> resume() {
    return operations().resumeTask(id(), storeAlias());
  }

  /** Deletes this task from its store. */
  public void delete() {
    operations().deleteTask(id(), storeAlias());
  }

  private TaskOperations operations() {
    if (settings.scheduler == null) {
      throw new IllegalStateException("Task '" + id() + "' has not been added to a scheduler");
    }
    return settings.scheduler;
  }

  static void checkTimeout(Duration timeout) {
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      throw new InvalidInputException(
          "timeout", timeout, "is not positive; expected a positive duration or none");
    }
  }

  static void checkGrace(Duration grace) {
    if (grace != null && (grace.isZero() || grace.isNegative())) {
      throw new InvalidInputException(
          "mistrigger_grace_time", grace, "is not positive; expected a positive duration or none");
    }
  }

  private boolean sameId(Task t) {
    if (generatedId != 0 && t.generatedId != 0) {
      return generatedId == t.generatedId;
    }
    return id().equals(t.id());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Task t
        && sameId(t)
        && settings.sameOptions(t.settings)
        && (settings.reference != null || Objects.equals(bareFunction(), t.bareFunction()))
        && args().equals(t.args())
        && trigger.equals(t.trigger)
        && Objects.equals(nextRunTime, t.nextRunTime);
  }

  @Override
  public int hashCode() {
    return (idHashCode() * 31 + trigger.hashCode()) * 31 + Objects.hashCode(nextRunTime);
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

  private static final int HEX_DIGITS = 16;
  private static final String HEX = "0123456789abcdef";

  /**
   * The options that tasks share: equal settings are one object where they were built one after the
   * other, as tasks added in a loop are, so that a million such tasks carry one copy.
   */
  private static final class Settings {
    /** The settings built last, reused while the next ones are equal; weak, to pin no scheduler. */
    private static volatile WeakReference<Settings> last = new WeakReference<>(null);

    final String name;
    final String reference;
    final Map<String, Object> kwargs;
    final String executor;
    final String storeAlias;
    final Duration mistriggerGraceTime;
    final boolean coalesce;
    final int maxInstances;
    final boolean pending;
    final TaskOperations scheduler;
    final RetryPolicy retryPolicy;
    final Duration timeout;
    final ClusterSettings.NodeFailurePolicy onNodeFailure;
    final PendingRetry pendingRetry;

    private Settings(Builder b) {
      this.name = b.name;
      this.reference = b.reference;
      this.kwargs = b.kwargs;
      this.executor = b.executor;
      this.storeAlias = b.storeAlias;
      this.mistriggerGraceTime = b.mistriggerGraceTime;
      this.coalesce = b.coalesce;
      this.maxInstances = b.maxInstances;
      this.pending = b.pending;
      this.scheduler = b.scheduler;
      this.retryPolicy = b.retryPolicy;
      this.timeout = b.timeout;
      this.onNodeFailure = b.onNodeFailure;
      this.pendingRetry = b.pendingRetry;
    }

    static Settings shared(Builder b) {
      Settings previous = last.get();
      if (previous != null && previous.matches(b)) {
        return previous;
      }
      Settings settings = new Settings(b);
      last = new WeakReference<>(settings);
      return settings;
    }

    private boolean matches(Builder b) {
      return Objects.equals(name, b.name)
          && Objects.equals(reference, b.reference)
          && kwargs.equals(b.kwargs)
          && executor.equals(b.executor)
          && storeAlias.equals(b.storeAlias)
          && Objects.equals(mistriggerGraceTime, b.mistriggerGraceTime)
          && coalesce == b.coalesce
          && maxInstances == b.maxInstances
          && pending == b.pending
          && scheduler == b.scheduler
          && Objects.equals(retryPolicy, b.retryPolicy)
          && Objects.equals(timeout, b.timeout)
          && onNodeFailure == b.onNodeFailure
          && Objects.equals(pendingRetry, b.pendingRetry);
    }

    /** Equal options, the scheduler aside (a task equals its copy in another scheduler's list). */
    boolean sameOptions(Settings s) {
      return this == s
          || (Objects.equals(name, s.name)
              && Objects.equals(reference, s.reference)
              && kwargs.equals(s.kwargs)
              && executor.equals(s.executor)
              && storeAlias.equals(s.storeAlias)
              && Objects.equals(mistriggerGraceTime, s.mistriggerGraceTime)
              && coalesce == s.coalesce
              && maxInstances == s.maxInstances
              && pending == s.pending
              && Objects.equals(retryPolicy, s.retryPolicy)
              && Objects.equals(timeout, s.timeout)
              && onNodeFailure == s.onNodeFailure
              && Objects.equals(pendingRetry, s.pendingRetry));
    }
  }

  /** Builds a {@link Task}; every setter checks its value and names it in the error. */
  public static final class Builder {
    private final String id;
    private final long generatedId;
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
    private RetryPolicy retryPolicy = TaskDefaults.DEFAULTS.retry();
    private Duration timeout = TaskDefaults.DEFAULTS.timeout();
    private ClusterSettings.NodeFailurePolicy onNodeFailure;
    private PendingRetry pendingRetry;

    private Builder(String id, long generatedId) {
      this.id = id;
      this.generatedId = generatedId;
    }

    private Builder(Task t) {
      this.id = t.id;
      this.generatedId = t.generatedId;
      Settings s = t.settings;
      this.name = s.name;
      this.function = t.bareFunction() == null ? null : t.function();
      this.reference = s.reference;
      this.args = t.args();
      this.kwargs = s.kwargs;
      this.trigger = t.trigger;
      this.executor = s.executor;
      this.storeAlias = s.storeAlias;
      this.mistriggerGraceTime = s.mistriggerGraceTime;
      this.coalesce = s.coalesce;
      this.maxInstances = s.maxInstances;
      this.nextRunTime = t.nextRunTime;
      this.pending = s.pending;
      this.scheduler = s.scheduler;
      this.retryPolicy = s.retryPolicy;
      this.timeout = s.timeout;
      this.onNodeFailure = s.onNodeFailure;
      this.pendingRetry = s.pendingRetry;
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

    /** How a failed run is tried again; {@code null} for never (the default). */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
      return this;
    }

    /**
     * How long a run may take before it is interrupted and reported as timed out; {@code null} for
     * no limit (the default).
     */
    public Builder timeout(Duration timeout) {
      checkTimeout(timeout);
      this.timeout = timeout;
      return this;
    }

    /**
     * In cluster mode, what a live node does with this task's run in flight on a node that died;
     * {@code null} for the scheduler's {@code cluster.on_node_failure} (the default).
     */
    public Builder onNodeFailure(ClusterSettings.NodeFailurePolicy policy) {
      this.onNodeFailure = policy;
      return this;
    }

    /** The retry the task waits for, as stored; {@code null} for none. */
    public Builder pendingRetry(PendingRetry pendingRetry) {
      this.pendingRetry = pendingRetry;
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
