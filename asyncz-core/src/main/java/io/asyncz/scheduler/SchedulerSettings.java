package io.asyncz.scheduler;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.history.RunRetention;
import io.asyncz.store.TaskStore;
import io.asyncz.task.ArgumentWriter;
import io.asyncz.task.TaskDefaults;
import io.asyncz.task.TaskRegistry;
import io.asyncz.time.Zones;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How a scheduler is set up: clock, zone, task defaults, function registry, executors and stores.
 *
 * @param clock the clock read for "now"
 * @param timezone the zone for naive times and triggers without a zone
 * @param taskDefaults what tasks take when they do not set their own options
 * @param registry the resolver of function references
 * @param storeRetryInterval how long to wait before asking a failing store again
 * @param executors executors by alias (see {@link Identifiers#checkAlias})
 * @param stores stores by alias (see {@link Identifiers#checkAlias})
 * @param lockPath the seed's {@code lock_path}: a file that processes sharing the stores lock
 *     ({@code {store}} stands for the store alias), or {@code null} when one process uses them
 * @param identity the scheduler's identity in events, logs and instance listings, or {@code null}
 *     for the seed's default: the scheduler's class name and a random suffix
 * @param startupDelay how far {@link Scheduler#start} pushes back the first run of the tasks added
 *     before it, or {@code null} for the seed's default (none, or 1 s with {@code lockPath})
 * @param loggerName a suffix of the scheduler's logger name ({@code asyncz.schedulers.<suffix>}),
 *     or {@code null} for {@code asyncz.schedulers}
 * @param heartbeatStaleAfter the heartbeat age past which a scheduler instance counts as gone
 * @param cluster how the scheduler takes part in cluster mode, or {@code null} when it is off
 * @param runHistory whether the scheduler records run history ({@link Scheduler#runHistory()})
 * @param runRetention how many runs the history keeps per task, and for how long
 * @param argumentWriter what turns a task argument that is not a JSON value into one for a
 *     persistent store, or {@code null} for none (such an argument is refused)
 */
public record SchedulerSettings(
    Clock clock,
    ZoneId timezone,
    TaskDefaults taskDefaults,
    TaskRegistry registry,
    Duration storeRetryInterval,
    Map<String, TaskExecutor> executors,
    Map<String, TaskStore> stores,
    String lockPath,
    String identity,
    Duration startupDelay,
    String loggerName,
    Duration heartbeatStaleAfter,
    ClusterSettings cluster,
    boolean runHistory,
    RunRetention runRetention,
    ArgumentWriter argumentWriter) {

  /** The seed's default store retry interval, 10 s. */
  public static final Duration DEFAULT_STORE_RETRY_INTERVAL = Duration.ofSeconds(10);

  /** The seed's default {@code heartbeat_stale_after}, 30 s. */
  public static final Duration DEFAULT_HEARTBEAT_STALE_AFTER = Duration.ofSeconds(30);

  /** Checks and copies the settings. */
  public SchedulerSettings {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(timezone, "timezone");
    Objects.requireNonNull(taskDefaults, "taskDefaults");
    Objects.requireNonNull(registry, "registry");
    if (storeRetryInterval.isNegative() || storeRetryInterval.isZero()) {
      throw new InvalidInputException(
          "store_retry_interval",
          storeRetryInterval,
          "is not positive; expected a positive duration");
    }
    if (lockPath != null && lockPath.isBlank()) {
      throw new InvalidInputException(
          "lock_path", lockPath, "is blank; expected a file path such as /var/lock/asyncz-{store}");
    }
    if (identity != null && identity.isBlank()) {
      throw new InvalidInputException("identity", identity, "is blank; expected a non-empty name");
    }
    if (startupDelay != null && startupDelay.isNegative()) {
      throw new InvalidInputException(
          "startup_delay", startupDelay, "is negative; expected 0 or a positive duration");
    }
    if (loggerName != null && (loggerName.isBlank() || !loggerName.equals(loggerName.strip()))) {
      throw new InvalidInputException(
          "logger_name",
          loggerName,
          "is blank or has surrounding spaces; expected a logger name suffix such as 'billing'");
    }
    Objects.requireNonNull(heartbeatStaleAfter, "heartbeatStaleAfter");
    if (heartbeatStaleAfter.isNegative() || heartbeatStaleAfter.isZero()) {
      throw new InvalidInputException(
          "heartbeat_stale_after",
          heartbeatStaleAfter,
          "is not positive; expected a positive duration");
    }
    Objects.requireNonNull(runRetention, "runRetention");
    executors = Collections.unmodifiableMap(new LinkedHashMap<>(executors));
    stores = Collections.unmodifiableMap(new LinkedHashMap<>(stores));
    for (String alias : executors.keySet()) {
      Identifiers.checkAlias("executor alias", alias);
    }
    for (String alias : stores.keySet()) {
      Identifiers.checkAlias("store alias", alias);
    }
  }

  /** Settings without cluster mode and run history (the constructor before they existed). */
  public SchedulerSettings(
      Clock clock,
      ZoneId timezone,
      TaskDefaults taskDefaults,
      TaskRegistry registry,
      Duration storeRetryInterval,
      Map<String, TaskExecutor> executors,
      Map<String, TaskStore> stores,
      String lockPath,
      String identity,
      Duration startupDelay,
      String loggerName,
      Duration heartbeatStaleAfter) {
    this(
        clock,
        timezone,
        taskDefaults,
        registry,
        storeRetryInterval,
        executors,
        stores,
        lockPath,
        identity,
        startupDelay,
        loggerName,
        heartbeatStaleAfter,
        null,
        false,
        RunRetention.DEFAULT);
  }

  /** Settings without an argument writer (the constructor before it existed). */
  public SchedulerSettings(
      Clock clock,
      ZoneId timezone,
      TaskDefaults taskDefaults,
      TaskRegistry registry,
      Duration storeRetryInterval,
      Map<String, TaskExecutor> executors,
      Map<String, TaskStore> stores,
      String lockPath,
      String identity,
      Duration startupDelay,
      String loggerName,
      Duration heartbeatStaleAfter,
      ClusterSettings cluster,
      boolean runHistory,
      RunRetention runRetention) {
    this(
        clock,
        timezone,
        taskDefaults,
        registry,
        storeRetryInterval,
        executors,
        stores,
        lockPath,
        identity,
        startupDelay,
        loggerName,
        heartbeatStaleAfter,
        cluster,
        runHistory,
        runRetention,
        null);
  }

  /** The startup delay in effect: the one given, or the seed's default. */
  public Duration effectiveStartupDelay() {
    if (startupDelay != null) {
      return startupDelay;
    }
    return lockPath != null ? Duration.ofSeconds(1) : Duration.ZERO;
  }

  /** The defaults: system clock in UTC, the seed's task defaults, an empty registry. */
  public static SchedulerSettings defaults() {
    return builder().settings();
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds settings, and from them a scheduler. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private ZoneId timezone;
    private TaskDefaults taskDefaults = TaskDefaults.DEFAULTS;
    private TaskRegistry registry = new TaskRegistry();
    private Duration storeRetryInterval = DEFAULT_STORE_RETRY_INTERVAL;
    private String lockPath;
    private String identity;
    private Duration startupDelay;
    private String loggerName;
    private Duration heartbeatStaleAfter = DEFAULT_HEARTBEAT_STALE_AFTER;
    private ClusterSettings cluster;
    private boolean runHistory;
    private RunRetention runRetention = RunRetention.DEFAULT;
    private ArgumentWriter argumentWriter;
    private final Map<String, TaskExecutor> executors = new LinkedHashMap<>();
    private final Map<String, TaskStore> stores = new LinkedHashMap<>();

    private Builder() {}

    /** The clock (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The zone for naive times and triggers without a zone (default: the clock's zone). */
    public Builder timezone(ZoneId zone) {
      this.timezone = Objects.requireNonNull(zone, "timezone");
      return this;
    }

    /**
     * The zone, by name ({@code Europe/Berlin}) or offset ({@code +02:00}), as configuration gives
     * it.
     *
     * @throws InvalidInputException when the text names no zone, quoting it
     */
    public Builder timezone(String zone) {
      this.timezone = Zones.parse(zone, "timezone");
      return this;
    }

    /** The task defaults. */
    public Builder taskDefaults(TaskDefaults defaults) {
      this.taskDefaults = Objects.requireNonNull(defaults, "taskDefaults");
      return this;
    }

    /** The registry that resolves function references. */
    public Builder registry(TaskRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** How long to wait before asking a failing store again. */
    public Builder storeRetryInterval(Duration interval) {
      this.storeRetryInterval = Objects.requireNonNull(interval, "storeRetryInterval");
      return this;
    }

    /**
     * The seed's {@code lock_path}: several processes on one host that share a store take an
     * exclusive lock on this file around each batch of due tasks and each change, so that every run
     * executes once; a process that finds it taken looks again after the store retry interval. The
     * text {@code {store}} is replaced by the store alias. Default: none (one process).
     */
    public Builder lockPath(String path) {
      this.lockPath = path;
      return this;
    }

    /**
     * The scheduler's identity, shown in events ({@code schedulerIdentity}), {@link
     * Scheduler#info()} and instance listings (default: the scheduler's class name and a random
     * suffix, as in the seed).
     */
    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    /**
     * How far {@link Scheduler#start} pushes back the first run of the tasks added before it (the
     * seed's {@code startup_delay}; default none, or 1 s when a {@link #lockPath} is set, so that
     * processes starting together do not all run the same due tasks at once).
     */
    public Builder startupDelay(Duration delay) {
      this.startupDelay = Objects.requireNonNull(delay, "startupDelay");
      return this;
    }

    /** A suffix for the scheduler's logger: {@code asyncz.schedulers.<name>}. */
    public Builder loggerName(String name) {
      this.loggerName = name;
      return this;
    }

    /**
     * The heartbeat age past which a scheduler instance counts as gone (the seed's {@code
     * heartbeat_stale_after}; default 30 s).
     */
    public Builder heartbeatStaleAfter(Duration staleAfter) {
      this.heartbeatStaleAfter = Objects.requireNonNull(staleAfter, "heartbeatStaleAfter");
      return this;
    }

    /**
     * Whether the scheduler records run history (default: off, for its cost per run; see
     * docs/history.md): a record per run, missed run time and run refused for {@code
     * max_instances}, kept in each task's store where it is persistent and in memory otherwise;
     * read with {@link Scheduler#runHistory()}.
     */
    public Builder runHistory(boolean enabled) {
      this.runHistory = enabled;
      return this;
    }

    /**
     * How many runs run history keeps per task, and for how long (default {@link
     * RunRetention#DEFAULT}: 100 runs, 7 days).
     */
    public Builder runRetention(RunRetention retention) {
      this.runRetention = Objects.requireNonNull(retention, "runRetention");
      return this;
    }

    /**
     * What turns a task argument that is not a JSON value (a record, a bean) into one when the task
     * is added to or changed in a persistent store (default: none, and such an argument is
     * refused); a store that keeps tasks in memory keeps the object itself. See {@link
     * ArgumentWriter}.
     */
    public Builder argumentWriter(ArgumentWriter writer) {
      this.argumentWriter = Objects.requireNonNull(writer, "argumentWriter");
      return this;
    }

    /**
     * Adds an executor under an alias.
     *
     * @throws InvalidInputException when the alias is given twice or breaks the rules of {@link
     *     Identifiers#checkAlias}
     */
    public Builder executor(String alias, TaskExecutor executor) {
      putUnique(executors, "executor alias", alias, executor);
      return this;
    }

    /**
     * Turns cluster mode on with these settings ({@code null}: off, the default): several scheduler
     * processes share the stores that support it, and each run time is submitted on one of them.
     */
    public Builder cluster(ClusterSettings settings) {
      this.cluster = settings;
      return this;
    }

    /** Turns cluster mode on with {@link ClusterSettings#DEFAULTS}, or off. */
    public Builder cluster(boolean enabled) {
      return cluster(enabled ? ClusterSettings.DEFAULTS : null);
    }

    /**
     * Adds a store under an alias.
     *
     * @throws InvalidInputException when the alias is given twice or breaks the rules of {@link
     *     Identifiers#checkAlias}
     */
    public Builder store(String alias, TaskStore store) {
      putUnique(stores, "store alias", alias, store);
      return this;
    }

    private static <T> void putUnique(Map<String, T> map, String what, String alias, T value) {
      Objects.requireNonNull(value, what);
      Identifiers.checkAlias(what, alias);
      if (map.putIfAbsent(alias, value) != null) {
        throw new InvalidInputException(what, alias, "is given twice");
      }
    }

    /** The settings. */
    public SchedulerSettings settings() {
      return new SchedulerSettings(
          clock,
          timezone != null ? timezone : clock.getZone(),
          taskDefaults,
          registry,
          storeRetryInterval,
          executors,
          stores,
          lockPath,
          identity,
          startupDelay,
          loggerName,
          heartbeatStaleAfter,
          cluster,
          runHistory,
          runRetention,
          argumentWriter);
    }

    /** A scheduler that runs its loop on a thread of its own. */
    public ThreadScheduler build() {
      return new ThreadScheduler(settings());
    }

    /** A scheduler that runs its loop on {@code loop}, e.g. an event loop. */
    public ExecutorServiceScheduler buildOn(ScheduledExecutorService loop) {
      return new ExecutorServiceScheduler(settings(), loop);
    }
  }
}
