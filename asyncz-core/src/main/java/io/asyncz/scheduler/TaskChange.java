package io.asyncz.scheduler;

import io.asyncz.InvalidInputException;
import io.asyncz.task.RetryPolicy;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The changes to make to a task, typed: what {@link Scheduler#updateTask(String,
 * java.util.function.Consumer)} gives its lambda. Each setter checks its value at once and names it
 * in the error; only what is set changes, all of it or nothing.
 *
 * <pre>{@code
 * scheduler.updateTask("report", change -> change.maxInstances(3).coalesce(false));
 * }</pre>
 *
 * <p>The seed's map form ({@code updateTask(id, store, Map.of("max_instances", 3))}) is read into a
 * {@code TaskChange}, so both forms check and apply the same way.
 */
public final class TaskChange {
  private String name;
  private TaskFunction function;
  private String reference;
  private boolean functionSet;
  private List<?> args;
  private Map<String, ?> kwargs;
  private Trigger trigger;
  private String executor;
  private String store;
  private Duration grace;
  private boolean graceSet;
  private Boolean coalesce;
  private Integer maxInstances;
  private RetryPolicy retry;
  private boolean retrySet;
  private Duration timeout;
  private boolean timeoutSet;
  private ClusterSettings.NodeFailurePolicy onNodeFailure;
  private boolean onNodeFailureSet;
  private Instant nextRunTime;
  private boolean nextRunTimeSet;

  TaskChange() {}

  /** The name shown in listings. */
  public TaskChange name(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("name", name, "is blank; expected a non-empty name");
    }
    this.name = name;
    return this;
  }

  /** The function, given as code; such a task can only be kept in the memory store. */
  public TaskChange function(TaskFunction function) {
    this.function = Objects.requireNonNull(function, "function");
    this.reference = null;
    this.functionSet = true;
    return this;
  }

  /**
   * The function, by reference: a name in the scheduler's registry or {@code
   * com.example.Jobs::method}; resolved when the change is applied.
   */
  public TaskChange function(String reference) {
    if (reference == null || reference.isBlank()) {
      throw new InvalidInputException(
          "fn", reference, "is blank; expected a registered name or a Class::method reference");
    }
    this.function = null;
    this.reference = reference;
    this.functionSet = true;
    return this;
  }

  /** The positional arguments (JSON-like values). */
  public TaskChange args(Object... args) {
    return args(Arrays.asList(args));
  }

  /** The positional arguments (JSON-like values). */
  public TaskChange args(List<?> args) {
    this.args = Objects.requireNonNull(args, "args");
    return this;
  }

  /** The keyword arguments (JSON-like values). */
  public TaskChange kwargs(Map<String, ?> kwargs) {
    this.kwargs = Objects.requireNonNull(kwargs, "kwargs");
    return this;
  }

  /**
   * The trigger. The next run time stays as it is unless it is set too; {@link
   * Scheduler#rescheduleTask} computes it from the new trigger.
   */
  public TaskChange trigger(Trigger trigger) {
    this.trigger = Objects.requireNonNull(trigger, "trigger");
    return this;
  }

  /** The executor alias. */
  public TaskChange executor(String executor) {
    this.executor = io.asyncz.Identifiers.checkAlias("executor", executor);
    return this;
  }

  /** The store alias: the task moves there (added there first, then removed here). */
  public TaskChange store(String store) {
    this.store = io.asyncz.Identifiers.checkAlias("store_alias", store);
    return this;
  }

  /** How late a run may start before it counts as missed. */
  public TaskChange mistriggerGraceTime(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isZero() || grace.isNegative()) {
      throw new InvalidInputException(
          "mistrigger_grace_time", grace, "is not positive; expected a positive duration");
    }
    this.grace = grace;
    this.graceSet = true;
    return this;
  }

  /** No limit on how late a run may start. */
  public TaskChange noGraceLimit() {
    this.grace = null;
    this.graceSet = true;
    return this;
  }

  /** Whether several due runs collapse into one. */
  public TaskChange coalesce(boolean coalesce) {
    this.coalesce = coalesce;
    return this;
  }

  /** How many runs may overlap. */
  public TaskChange maxInstances(int maxInstances) {
    if (maxInstances < 1) {
      throw new InvalidInputException(
          "max_instances", maxInstances, "is not positive; expected 1 or more");
    }
    this.maxInstances = maxInstances;
    return this;
  }

  /** How a failed run is tried again; {@code null} for never. */
  public TaskChange retry(RetryPolicy retry) {
    this.retry = retry;
    this.retrySet = true;
    return this;
  }

  /**
   * In cluster mode, what a live node does with the task's run in flight on a node that died;
   * {@code null} for the scheduler's {@code cluster.on_node_failure}.
   */
  public TaskChange onNodeFailure(ClusterSettings.NodeFailurePolicy policy) {
    this.onNodeFailure = policy;
    this.onNodeFailureSet = true;
    return this;
  }

  /** How long a run may take; {@code null} for no limit. */
  public TaskChange timeout(Duration timeout) {
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      throw new InvalidInputException(
          "timeout", timeout, "is not positive; expected a positive duration or none");
    }
    this.timeout = timeout;
    this.timeoutSet = true;
    return this;
  }

  /** The next run time. */
  public TaskChange nextRunTime(Instant time) {
    this.nextRunTime = Objects.requireNonNull(time, "time");
    this.nextRunTimeSet = true;
    return this;
  }

  /** The next run time. */
  public TaskChange nextRunTime(ZonedDateTime time) {
    return nextRunTime(Objects.requireNonNull(time, "time").toInstant());
  }

  /** The next run time. */
  public TaskChange nextRunTime(OffsetDateTime time) {
    return nextRunTime(Objects.requireNonNull(time, "time").toInstant());
  }

  /** No next run time: the task is paused. */
  public TaskChange paused() {
    this.nextRunTime = null;
    this.nextRunTimeSet = true;
    return this;
  }

  // ------------------------------------------------------------------ for the scheduler

  /** Whether the next run time is set (to a time or to none). */
  boolean nextRunTimeSet() {
    return nextRunTimeSet;
  }

  /** Whether the executor changes. */
  boolean executorSet() {
    return executor != null;
  }

  /** The store to move the task to, or {@code null} to keep it where it is. */
  String store() {
    return store;
  }

  /** The task with these changes; a reference is resolved through {@code registry}. */
  Task applyTo(Task task, TaskRegistry registry, String storeAlias) {
    Task.Builder b = task.toBuilder();
    if (name != null) {
      b.name(name);
    }
    if (functionSet) {
      if (reference != null) {
        b.function(registry.resolve(reference), reference);
      } else {
        b.function(function, null);
      }
    }
    if (args != null) {
      b.args(args);
    }
    if (kwargs != null) {
      b.kwargs(kwargs);
    }
    if (trigger != null) {
      b.trigger(trigger);
    }
    if (executor != null) {
      b.executor(executor);
    }
    if (graceSet) {
      b.mistriggerGraceTime(grace);
    }
    if (coalesce != null) {
      b.coalesce(coalesce);
    }
    if (maxInstances != null) {
      b.maxInstances(maxInstances);
    }
    if (retrySet) {
      b.retryPolicy(retry);
    }
    if (timeoutSet) {
      b.timeout(timeout);
    }
    if (onNodeFailureSet) {
      b.onNodeFailure(onNodeFailure);
    }
    if (nextRunTimeSet) {
      b.nextRunTime(nextRunTime);
    }
    if (nextRunTimeSet || trigger != null || (retrySet && retry == null)) {
      b.pendingRetry(null); // the schedule is set anew: a retry of the old one no longer applies
    }
    b.storeAlias(storeAlias);
    return b.build();
  }
}
