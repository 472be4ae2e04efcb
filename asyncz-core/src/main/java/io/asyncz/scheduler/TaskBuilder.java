package io.asyncz.scheduler;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.task.RetryPolicy;
import io.asyncz.task.Task;
import io.asyncz.task.TaskDefaults;
import io.asyncz.task.TaskFunction;
import io.asyncz.time.TimePoint;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adds a task: the seed's {@code add_task(fn, trigger, args, kwargs, id, name,
 * mistrigger_grace_time, coalesce, max_instances, next_run_time, store, executor,
 * replace_existing)} as a builder. Options not set take the scheduler's task defaults.
 */
public final class TaskBuilder {
  private final Scheduler scheduler;
  private final TaskFunction function;
  private final String reference;
  private String id;
  private String name;
  private Trigger trigger;
  private List<?> args = List.of();
  private Map<String, ?> kwargs = Map.of();
  private Duration grace;
  private boolean graceSet;
  private Boolean coalesce;
  private Integer maxInstances;
  private RetryPolicy retry;
  private boolean retrySet;
  private Duration timeout;
  private boolean timeoutSet;
  private ClusterSettings.NodeFailurePolicy onNodeFailure;
  private Instant nextRunTime;
  private boolean nextRunTimeSet;
  private String store = Scheduler.DEFAULT;
  private String executor = Scheduler.DEFAULT;
  private boolean replaceExisting;
  private final TaskBatch batch;

  TaskBuilder(Scheduler scheduler, TaskFunction function, String reference) {
    this(scheduler, function, reference, null);
  }

  TaskBuilder(Scheduler scheduler, TaskFunction function, String reference, TaskBatch batch) {
    this.scheduler = scheduler;
    this.function = function;
    this.reference = reference;
    this.batch = batch;
  }

  /**
   * The task's id (default: 64 random bits as 16 hex digits).
   *
   * @throws InvalidInputException when the id breaks the rules of {@link Identifiers#checkTaskId}
   */
  public TaskBuilder id(String id) {
    this.id = Identifiers.checkTaskId("id", id);
    return this;
  }

  /** The task's name (default: the function's name). */
  public TaskBuilder name(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("name", name, "is blank; expected a non-empty name");
    }
    this.name = name;
    return this;
  }

  /** The trigger (default: a date trigger that fires now). */
  public TaskBuilder trigger(Trigger trigger) {
    this.trigger = Objects.requireNonNull(trigger, "trigger");
    return this;
  }

  /** A trigger by alias and options, e.g. {@code trigger("cron", Map.of("hour", "3"))}. */
  public TaskBuilder trigger(String alias, Map<String, ?> options) {
    this.trigger = scheduler.trigger(alias, options);
    return this;
  }

  /** Positional arguments (JSON-like values), checked against the function when added. */
  public TaskBuilder args(Object... args) {
    this.args = Arrays.asList(args);
    return this;
  }

  /** Positional arguments as a list. */
  public TaskBuilder args(List<?> args) {
    this.args = Objects.requireNonNull(args, "args");
    return this;
  }

  /** Keyword arguments (JSON-like values), bound to parameters by name. */
  public TaskBuilder kwargs(Map<String, ?> kwargs) {
    this.kwargs = Objects.requireNonNull(kwargs, "kwargs");
    return this;
  }

  /** How late a run may start before it is skipped as missed. */
  public TaskBuilder mistriggerGraceTime(Duration grace) {
    this.grace = Objects.requireNonNull(grace, "grace");
    this.graceSet = true;
    return this;
  }

  /** Runs start no matter how late (the seed's {@code mistrigger_grace_time=None}). */
  public TaskBuilder noGraceLimit() {
    this.grace = null;
    this.graceSet = true;
    return this;
  }

  /** Whether several due runs collapse into one. */
  public TaskBuilder coalesce(boolean coalesce) {
    this.coalesce = coalesce;
    return this;
  }

  /** How many runs of the task may overlap. */
  public TaskBuilder maxInstances(int maxInstances) {
    this.maxInstances = maxInstances;
    return this;
  }

  /**
   * How a failed run is tried again ({@code null}: never, whatever the task defaults say); see
   * {@link RetryPolicy}.
   */
  public TaskBuilder retry(RetryPolicy retry) {
    this.retry = retry;
    this.retrySet = true;
    return this;
  }

  /**
   * How long a run may take: then its thread is interrupted (or its stage cancelled) and it is
   * reported as timed out ({@code null}: no limit, whatever the task defaults say).
   */
  public TaskBuilder timeout(Duration timeout) {
    this.timeout = timeout;
    this.timeoutSet = true;
    return this;
  }

  /**
   * In cluster mode, what a live node does with a run of this task that was in flight on a node
   * that died: {@code RERUN} (at least once) or {@code REPORT} (recorded as interrupted); {@code
   * null}, the default, follows the scheduler's {@code cluster.on_node_failure}.
   */
  public TaskBuilder onNodeFailure(ClusterSettings.NodeFailurePolicy policy) {
    this.onNodeFailure = policy;
    return this;
  }

  /** The first run time, whatever the trigger says. */
  public TaskBuilder nextRunTime(Instant time) {
    this.nextRunTime = Objects.requireNonNull(time, "time");
    this.nextRunTimeSet = true;
    return this;
  }

  /** The first run time, whatever the trigger says. */
  public TaskBuilder nextRunTime(ZonedDateTime time) {
    return nextRunTime(Objects.requireNonNull(time, "time").toInstant());
  }

  /** The first run time, whatever the trigger says. */
  public TaskBuilder nextRunTime(OffsetDateTime time) {
    return nextRunTime(Objects.requireNonNull(time, "time").toInstant());
  }

  /** The first run time, whatever the trigger says, in the scheduler's zone. */
  public TaskBuilder nextRunTime(LocalDateTime time) {
    return nextRunTime(Objects.requireNonNull(time, "time").atZone(scheduler.timezone()));
  }

  /**
   * The first run time, whatever the trigger says, as text: ISO-8601 or the seed's forms ({@code
   * 2026-07-01 12:00:00}, in the scheduler's zone when it names none), as configuration gives it.
   *
   * @throws InvalidInputException when the text is not a date-time, quoting it
   */
  public TaskBuilder nextRunTime(String time) {
    Objects.requireNonNull(time, "time");
    return nextRunTime(TimePoint.from(time, null, "next_run_time").toInstant(scheduler.timezone()));
  }

  /**
   * Runs every {@code interval} of elapsed time, the first run one interval from now: the same as
   * {@code trigger(IntervalTrigger.builder().interval(interval).build())}.
   */
  public TaskBuilder every(Duration interval) {
    return trigger(IntervalTrigger.builder().interval(interval).build());
  }

  /**
   * Runs on a standard crontab line ({@code "0 3 * * *"}: 5 fields, or 6 with seconds; see {@link
   * CronTrigger#fromCrontab}), in the scheduler's zone.
   */
  public TaskBuilder cron(String crontab) {
    return trigger(CronTrigger.fromCrontab(crontab));
  }

  /** Runs once, at {@code time}: the same as {@code trigger(DateTrigger.at(time))}. */
  public TaskBuilder at(Instant time) {
    return trigger(DateTrigger.at(time));
  }

  /** Adds the task paused (the seed's {@code next_run_time=None}). */
  public TaskBuilder paused() {
    this.nextRunTime = null;
    this.nextRunTimeSet = true;
    return this;
  }

  /**
   * The store alias (default {@code default}).
   *
   * @throws InvalidInputException when it breaks the rules of {@link Identifiers#checkAlias}
   */
  public TaskBuilder store(String store) {
    this.store = Identifiers.checkAlias("store", store);
    return this;
  }

  /**
   * The executor alias (default {@code default}).
   *
   * @throws InvalidInputException when it breaks the rules of {@link Identifiers#checkAlias}
   */
  public TaskBuilder executor(String executor) {
    this.executor = Identifiers.checkAlias("executor", executor);
    return this;
  }

  /** Whether to replace a task with the same id instead of failing. */
  public TaskBuilder replaceExisting(boolean replace) {
    this.replaceExisting = replace;
    return this;
  }

  /**
   * Adds the task: to its store when the scheduler runs, to the pending tasks before. For a builder
   * of a {@link TaskBatch}, checks and builds the task and keeps it for the batch, which {@link
   * Scheduler#addAll} then stores.
   *
   * @return the task as added (in a batch: as built; its next run time is set when stored)
   * @throws InvalidInputException when an option is invalid or the arguments do not fit
   * @throws io.asyncz.ConflictIdException when the id is taken and not to be replaced
   */
  public Task add() {
    Trigger t = trigger != null ? trigger : DateTrigger.now(scheduler.clock());
    TaskDefaults defaults = scheduler.taskDefaults();
    Task.Builder b =
        (id != null ? Task.builder(id) : Task.builder())
            .function(function, reference)
            .trigger(t)
            .args(args)
            .kwargs(kwargs)
            .executor(executor)
            .storeAlias(store)
            .coalesce(coalesce != null ? coalesce : defaults.coalesce())
            .maxInstances(maxInstances != null ? maxInstances : defaults.maxInstances())
            .retryPolicy(retrySet ? retry : defaults.retry())
            .timeout(timeoutSet ? timeout : defaults.timeout())
            .onNodeFailure(onNodeFailure);
    if (graceSet) {
      b.mistriggerGraceTime(grace);
    } else {
      b.mistriggerGraceTime(t.allowsMistriggerByDefault() ? null : defaults.mistriggerGraceTime());
    }
    if (name != null) {
      b.name(name);
    }
    if (nextRunTimeSet) {
      b.nextRunTime(nextRunTime);
    }
    return batch != null
        ? batch.add(b, replaceExisting, nextRunTimeSet)
        : scheduler.add(b, t, replaceExisting, nextRunTimeSet);
  }
}
