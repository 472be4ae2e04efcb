package io.asyncz.config;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.executor.TaskExecutors;
import io.asyncz.history.RunRetention;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.ExecutorServiceScheduler;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.TaskDefaults;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A scheduler's configuration read from keys and values, the seed's {@code setup(global_config,
 * prefix="asyncz.")}: from a {@code Map} (dotted keys, nested maps as a YAML or JSON reader gives
 * them, or both mixed) or from {@link Properties}.
 *
 * <pre>{@code
 * asyncz.timezone=Europe/Berlin
 * asyncz.store_retry_interval=30
 * asyncz.task_defaults.mistrigger_grace_time=60
 * asyncz.task_defaults.coalesce=false
 * asyncz.task_defaults.max_instances=3
 * asyncz.executors.default.type=threadpool
 * asyncz.executors.default.max_workers=20
 * asyncz.executors.io.type=asyncio
 * asyncz.stores.default.type=memory
 * }</pre>
 *
 * <pre>{@code
 * ThreadScheduler scheduler = SchedulerConfig.from(properties).builder().build();
 * }</pre>
 *
 * <p>The keys, after the prefix:
 *
 * <ul>
 *   <li>{@code timezone}: a zone name such as {@code Europe/Berlin} or an offset;
 *   <li>{@code store_retry_interval}: seconds (or an ISO-8601 duration) before a failing store is
 *       asked again;
 *   <li>{@code task_defaults.mistrigger_grace_time}: seconds, or {@code none} (or a null value) for
 *       no limit; {@code task_defaults.coalesce}: {@code true}/{@code false}; {@code
 *       task_defaults.max_instances}: 1 or more; {@code task_defaults.timeout}: seconds a run may
 *       take; {@code task_defaults.retry.max_retries} (with {@code delay}, {@code backoff}, {@code
 *       max_delay}, {@code jitter}, {@code retry_on}, {@code keep_slot}): the retry policy, see
 *       {@link io.asyncz.task.RetryPolicy#fromMap};
 *   <li>{@code executors.<alias>.type} or {@code stores.<alias>.type}, where {@code <alias>}
 *       follows {@link Identifiers#checkAlias} (letters, digits, {@code _} and {@code -}): a plugin
 *       alias ({@link TaskExecutors#aliases()}, {@link TaskStores#aliases()}), with the plugin's
 *       options as {@code executors.<alias>.<option>} (e.g. {@code max_workers});
 *   <li>{@code executors.<alias>.class} or {@code stores.<alias>.class}: instead of a type, the
 *       fully-qualified name of a public {@link TaskExecutor} or {@link TaskStore} class with a
 *       public no-argument constructor (no options). A class is loaded without being initialized
 *       and is refused unless it implements that interface, so configuration can create executors
 *       and stores and nothing else;
 *   <li>{@code lock_path}: the seed's file-lock path ({@code {store}} stands for the store alias):
 *       processes on one host that share a store lock this file around their work on it, so that
 *       each run executes once; see {@link SchedulerSettings.Builder#lockPath}.
 *   <li>{@code identity}: the scheduler's name in events, logs and instance listings (default: its
 *       class name and a random suffix);
 *   <li>{@code startup_delay}: seconds by which start-up pushes back the first run of the tasks
 *       added before it (default 0, or 1 with {@code lock_path});
 *   <li>{@code logger_name}: the scheduler logs to {@code asyncz.schedulers.<logger_name>};
 *   <li>{@code heartbeat_stale_after}: seconds after which a scheduler instance that has not been
 *       seen counts as gone (default 30);
 *   <li>{@code cluster.enabled}: cluster mode (default false): scheduler processes on any hosts
 *       share the stores that support it (JDBC on PostgreSQL, MariaDB, MySQL) and each run time
 *       runs on one of them; {@code cluster.heartbeat_interval} (seconds, default 5), {@code
 *       cluster.poll_interval} (seconds, default 1) and {@code cluster.on_node_failure} ({@code
 *       report}, the default, or {@code rerun}) tune it; see {@link ClusterSettings}.
 *   <li>{@code run_history.enabled}: whether runs are recorded (default {@code false}); {@code
 *       run_history.max_runs_per_task}: the newest runs kept per task (default 100); {@code
 *       run_history.max_age}: seconds (or an ISO-8601 duration) a run is kept (default 7 days). See
 *       {@link SchedulerSettings.Builder#runHistory(boolean)}.
 * </ul>
 *
 * <p>Unlike the seed, which ignores unknown keys, an unknown key under the prefix is an error that
 * names it and lists the valid keys, since a silently ignored typo costs hours. Keys outside the
 * prefix are ignored; a {@code null} or empty prefix reads every key. Values may be typed ({@code
 * 20}, {@code false}, a {@link ZoneId}, a {@link Duration}) or text. A {@code null} value counts as
 * not given, except for {@code mistrigger_grace_time}, where it means no limit, as in the seed.
 *
 * <p>Reading checks every key, alias, option name and class; the executors and stores themselves
 * are created by {@link #applyTo}, a new set each time, and their option values are checked then.
 */
public final class SchedulerConfig {
  /** The seed's prefix. */
  public static final String DEFAULT_PREFIX = "asyncz.";

  private final String prefix;
  private final ZoneId timezone;
  private final Duration storeRetryInterval;
  private final String lockPath;
  private final String identity;
  private final Duration startupDelay;
  private final String loggerName;
  private final Duration heartbeatStaleAfter;
  private final ClusterSettings cluster;
  private final boolean graceGiven;
  private final Duration grace;
  private final Boolean coalesce;
  private final Integer maxInstances;
  private final io.asyncz.task.RetryPolicy retry;
  private final Duration timeout;
  private final Boolean runHistory;
  private final Integer maxRunsPerTask;
  private final Duration maxRunAge;
  private final Map<String, PluginConfig> executors;
  private final Map<String, PluginConfig> stores;

  private SchedulerConfig(ConfigReader r) {
    this.prefix = r.prefix;
    this.timezone = r.timezone;
    this.storeRetryInterval = r.storeRetryInterval;
    this.lockPath = r.lockPath;
    this.identity = r.identity;
    this.startupDelay = r.startupDelay;
    this.loggerName = r.loggerName;
    this.heartbeatStaleAfter = r.heartbeatStaleAfter;
    this.cluster = r.clusterEnabled ? r.cluster : null;
    this.graceGiven = r.graceGiven;
    this.grace = r.grace;
    this.coalesce = r.coalesce;
    this.maxInstances = r.maxInstances;
    this.retry = r.retryPolicy();
    this.timeout = r.timeout;
    this.runHistory = r.runHistory;
    this.maxRunsPerTask = r.maxRunsPerTask;
    this.maxRunAge = r.maxRunAge;
    this.executors = Collections.unmodifiableMap(r.plugins(ConfigReader.EXECUTORS));
    this.stores = Collections.unmodifiableMap(r.plugins(ConfigReader.STORES));
  }

  /** Reads the keys that start with {@value #DEFAULT_PREFIX}. */
  public static SchedulerConfig from(Map<String, ?> config) {
    return from(config, DEFAULT_PREFIX);
  }

  /**
   * Reads the keys that start with {@code prefix}.
   *
   * @param config dotted keys, nested maps, or both; a nested map stands for the keys of its
   *     entries joined to its own key with a dot
   * @param prefix the prefix of the keys to read, removed before they are interpreted; {@code null}
   *     or empty to read every key
   * @throws InvalidInputException for an unknown key, a key given twice, an unknown alias or
   *     option, or an invalid value; the message names the full key
   */
  public static SchedulerConfig from(Map<String, ?> config, String prefix) {
    Objects.requireNonNull(config, "config");
    Map<String, Object> flat = new LinkedHashMap<>();
    ConfigReader.flatten("", config, flat);
    return read(flat, prefix);
  }

  /** Reads the properties that start with {@value #DEFAULT_PREFIX}. */
  public static SchedulerConfig from(Properties properties) {
    return from(properties, DEFAULT_PREFIX);
  }

  /**
   * Reads the properties (with their defaults) that start with {@code prefix}.
   *
   * @param prefix the prefix of the keys to read; {@code null} or empty to read every key
   * @throws InvalidInputException for an unknown key, an unknown alias or option, or an invalid
   *     value; the message names the full key
   */
  public static SchedulerConfig from(Properties properties, String prefix) {
    Objects.requireNonNull(properties, "properties");
    Map<String, Object> flat = new LinkedHashMap<>();
    for (String name : new TreeSet<>(properties.stringPropertyNames())) {
      flat.put(name, properties.getProperty(name));
    }
    return read(flat, prefix);
  }

  /**
   * The keys this reader knows, without the prefix; {@code <alias>} and {@code <option>} stand for
   * any alias and for the plugin's options.
   */
  public static List<String> keys() {
    return ConfigReader.KEYS;
  }

  private static SchedulerConfig read(Map<String, Object> flat, String prefix) {
    return new SchedulerConfig(ConfigReader.read(flat, prefix == null ? "" : prefix));
  }

  // ------------------------------------------------------------------ what was read

  /** The prefix the keys were read with ({@code ""} for all keys). */
  public String prefix() {
    return prefix;
  }

  /** The scheduler's zone, if configured. */
  public Optional<ZoneId> timezone() {
    return Optional.ofNullable(timezone);
  }

  /** The store retry interval, if configured. */
  public Optional<Duration> storeRetryInterval() {
    return Optional.ofNullable(storeRetryInterval);
  }

  /** The seed's {@code lock_path}, if configured. */
  public Optional<String> lockPath() {
    return Optional.ofNullable(lockPath);
  }

  /** The scheduler's identity ({@code identity}), if configured. */
  public Optional<String> identity() {
    return Optional.ofNullable(identity);
  }

  /** The seed's {@code startup_delay}, if configured. */
  public Optional<Duration> startupDelay() {
    return Optional.ofNullable(startupDelay);
  }

  /** The suffix of the scheduler's logger name ({@code logger_name}), if configured. */
  public Optional<String> loggerName() {
    return Optional.ofNullable(loggerName);
  }

  /** The seed's {@code heartbeat_stale_after}, if configured. */
  public Optional<Duration> heartbeatStaleAfter() {
    return Optional.ofNullable(heartbeatStaleAfter);
  }

  /** The cluster mode settings, when {@code cluster.enabled} is true. */
  public Optional<ClusterSettings> cluster() {
    return Optional.ofNullable(cluster);
  }

  /** Whether run history is on ({@code run_history.enabled}), if configured. */
  public Optional<Boolean> runHistory() {
    return Optional.ofNullable(runHistory);
  }

  /**
   * The run history retention: the configured {@code run_history.max_runs_per_task} and {@code
   * run_history.max_age} over {@link RunRetention#DEFAULT}.
   */
  public RunRetention runRetention() {
    return new RunRetention(
        maxRunsPerTask != null ? maxRunsPerTask : RunRetention.DEFAULT.maxRunsPerTask(),
        maxRunAge != null ? maxRunAge : RunRetention.DEFAULT.maxAge());
  }

  /** The task defaults: the configured values over {@link TaskDefaults#DEFAULTS}. */
  public TaskDefaults taskDefaults() {
    return taskDefaults(TaskDefaults.DEFAULTS);
  }

  private TaskDefaults taskDefaults(TaskDefaults base) {
    return new TaskDefaults(
        graceGiven ? grace : base.mistriggerGraceTime(),
        coalesce != null ? coalesce : base.coalesce(),
        maxInstances != null ? maxInstances : base.maxInstances(),
        retry != null ? retry : base.retry(),
        timeout != null ? timeout : base.timeout());
  }

  /** Whether any {@code task_defaults.*} key was given. */
  public boolean hasTaskDefaults() {
    return graceGiven
        || coalesce != null
        || maxInstances != null
        || retry != null
        || timeout != null;
  }

  /** The configured executors, by alias, in the order read. */
  public Map<String, PluginConfig> executors() {
    return executors;
  }

  /** The configured stores, by alias, in the order read. */
  public Map<String, PluginConfig> stores() {
    return stores;
  }

  // ------------------------------------------------------------------ applying

  /**
   * Sets what this configuration gives on {@code builder}: zone, store retry interval, the task
   * defaults given (over the builder's own), and new executors and stores.
   *
   * @return {@code builder}
   * @throws InvalidInputException when an option value is invalid, naming the full key, or when the
   *     builder already has an executor or store of a configured alias
   */
  public SchedulerSettings.Builder applyTo(SchedulerSettings.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    if (timezone != null) {
      builder.timezone(timezone);
    }
    if (storeRetryInterval != null) {
      builder.storeRetryInterval(storeRetryInterval);
    }
    if (hasTaskDefaults()) {
      builder.taskDefaults(taskDefaults(builder.settings().taskDefaults()));
    }
    for (PluginConfig executor : executors.values()) {
      builder.executor(executor.alias(), createExecutor(executor));
    }
    for (PluginConfig store : stores.values()) {
      builder.store(store.alias(), createStore(store));
    }
    if (lockPath != null) {
      builder.lockPath(lockPath);
    }
    if (identity != null) {
      builder.identity(identity);
    }
    if (startupDelay != null) {
      builder.startupDelay(startupDelay);
    }
    if (loggerName != null) {
      builder.loggerName(loggerName);
    }
    if (heartbeatStaleAfter != null) {
      builder.heartbeatStaleAfter(heartbeatStaleAfter);
    }
    if (cluster != null) {
      builder.cluster(cluster);
    }
    if (runHistory != null) {
      builder.runHistory(runHistory);
    }
    if (maxRunsPerTask != null || maxRunAge != null) {
      builder.runRetention(runRetention());
    }
    return builder;
  }

  /** A new settings builder with this configuration applied. */
  public SchedulerSettings.Builder builder() {
    return applyTo(Scheduler.builder());
  }

  /** A scheduler with this configuration that runs its loop on a thread of its own. */
  public ThreadScheduler build() {
    return builder().build();
  }

  /** A scheduler with this configuration that runs its loop on {@code loop}. */
  public ExecutorServiceScheduler buildOn(ScheduledExecutorService loop) {
    return builder().buildOn(loop);
  }

  /**
   * Creates the executor a section declares.
   *
   * @throws InvalidInputException when an option value is invalid, naming the full key
   */
  public static TaskExecutor createExecutor(PluginConfig config) {
    if (config.className() != null) {
      return PluginClasses.instantiate(
          config.className(), TaskExecutor.class, config.key() + "." + ConfigReader.CLASS);
    }
    return TaskExecutors.create(
        config.type(),
        PluginOptions.of(config.options(), config.key() + "."),
        config.key() + "." + ConfigReader.TYPE);
  }

  /**
   * Creates the store a section declares.
   *
   * @throws InvalidInputException when an option value is invalid, naming the full key
   */
  public static TaskStore createStore(PluginConfig config) {
    if (config.className() != null) {
      return PluginClasses.instantiate(
          config.className(), TaskStore.class, config.key() + "." + ConfigReader.CLASS);
    }
    return TaskStores.create(
        config.type(),
        PluginOptions.of(config.options(), config.key() + "."),
        config.key() + "." + ConfigReader.TYPE);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("SchedulerConfig[prefix=").append(prefix);
    if (timezone != null) {
      s.append(", timezone=").append(timezone);
    }
    if (storeRetryInterval != null) {
      s.append(", store_retry_interval=").append(storeRetryInterval);
    }
    if (hasTaskDefaults()) {
      s.append(", task_defaults=").append(taskDefaults());
    }
    if (lockPath != null) {
      s.append(", lock_path=").append(lockPath);
    }
    if (identity != null) {
      s.append(", identity=").append(identity);
    }
    if (startupDelay != null) {
      s.append(", startup_delay=").append(startupDelay);
    }
    if (loggerName != null) {
      s.append(", logger_name=").append(loggerName);
    }
    if (heartbeatStaleAfter != null) {
      s.append(", heartbeat_stale_after=").append(heartbeatStaleAfter);
    }
    if (cluster != null) {
      s.append(", cluster=").append(cluster);
    }
    if (runHistory != null || maxRunsPerTask != null || maxRunAge != null) {
      s.append(", run_history=").append(runHistory == null || runHistory).append(' ');
      s.append(runRetention());
    }
    return s.append(", executors=")
        .append(executors.values())
        .append(", stores=")
        .append(stores.values())
        .append(']')
        .toString();
  }
}
