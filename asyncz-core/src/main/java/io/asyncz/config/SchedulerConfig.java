package io.asyncz.config;

import io.asyncz.AsynczException;
import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.executor.TaskExecutors;
import io.asyncz.scheduler.ExecutorServiceScheduler;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.TaskDefaults;
import io.asyncz.time.Zones;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 *       task_defaults.max_instances}: 1 or more;
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
 *       seen counts as gone (default 30).
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

  private static final String TIMEZONE = "timezone";
  private static final String STORE_RETRY_INTERVAL = "store_retry_interval";
  private static final String LOCK_PATH = "lock_path";
  private static final String IDENTITY = "identity";
  private static final String STARTUP_DELAY = "startup_delay";
  private static final String LOGGER_NAME = "logger_name";
  private static final String HEARTBEAT_STALE_AFTER = "heartbeat_stale_after";
  private static final String TASK_DEFAULTS = "task_defaults";
  private static final String GRACE = "mistrigger_grace_time";
  private static final String COALESCE = "coalesce";
  private static final String MAX_INSTANCES = "max_instances";
  private static final String STORES = "stores";
  private static final String EXECUTORS = "executors";
  private static final String TYPE = "type";
  private static final String CLASS = "class";

  private static final List<String> KEYS =
      List.of(
          TIMEZONE,
          STORE_RETRY_INTERVAL,
          LOCK_PATH,
          IDENTITY,
          STARTUP_DELAY,
          LOGGER_NAME,
          HEARTBEAT_STALE_AFTER,
          TASK_DEFAULTS + "." + GRACE,
          TASK_DEFAULTS + "." + COALESCE,
          TASK_DEFAULTS + "." + MAX_INSTANCES,
          EXECUTORS + ".<alias>." + TYPE,
          EXECUTORS + ".<alias>." + CLASS,
          EXECUTORS + ".<alias>.<option>",
          STORES + ".<alias>." + TYPE,
          STORES + ".<alias>." + CLASS,
          STORES + ".<alias>.<option>");

  private final String prefix;
  private final ZoneId timezone;
  private final Duration storeRetryInterval;
  private final String lockPath;
  private final String identity;
  private final Duration startupDelay;
  private final String loggerName;
  private final Duration heartbeatStaleAfter;
  private final boolean graceGiven;
  private final Duration grace;
  private final Boolean coalesce;
  private final Integer maxInstances;
  private final Map<String, PluginConfig> executors;
  private final Map<String, PluginConfig> stores;

  private SchedulerConfig(Reader r) {
    this.prefix = r.prefix;
    this.timezone = r.timezone;
    this.storeRetryInterval = r.storeRetryInterval;
    this.lockPath = r.lockPath;
    this.identity = r.identity;
    this.startupDelay = r.startupDelay;
    this.loggerName = r.loggerName;
    this.heartbeatStaleAfter = r.heartbeatStaleAfter;
    this.graceGiven = r.graceGiven;
    this.grace = r.grace;
    this.coalesce = r.coalesce;
    this.maxInstances = r.maxInstances;
    this.executors = Collections.unmodifiableMap(r.plugins(EXECUTORS));
    this.stores = Collections.unmodifiableMap(r.plugins(STORES));
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
    flatten("", config, flat);
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
    return KEYS;
  }

  private static SchedulerConfig read(Map<String, Object> flat, String prefix) {
    String p = prefix == null ? "" : prefix;
    Reader reader = new Reader(p);
    for (Map.Entry<String, Object> e : flat.entrySet()) {
      if (e.getKey().startsWith(p)) {
        reader.read(e.getKey().substring(p.length()), e.getValue());
      }
    }
    return new SchedulerConfig(reader);
  }

  private static void flatten(String path, Map<?, ?> map, Map<String, Object> flat) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = path + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, flat);
      } else if (flat.containsKey(key)) {
        throw new InvalidInputException(
            "configuration key",
            key,
            "is given twice (as a dotted key and inside a nested map); give it once");
      } else {
        flat.put(key, e.getValue());
      }
    }
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

  /** The task defaults: the configured values over {@link TaskDefaults#DEFAULTS}. */
  public TaskDefaults taskDefaults() {
    return taskDefaults(TaskDefaults.DEFAULTS);
  }

  private TaskDefaults taskDefaults(TaskDefaults base) {
    return new TaskDefaults(
        graceGiven ? grace : base.mistriggerGraceTime(),
        coalesce != null ? coalesce : base.coalesce(),
        maxInstances != null ? maxInstances : base.maxInstances());
  }

  /** Whether any {@code task_defaults.*} key was given. */
  public boolean hasTaskDefaults() {
    return graceGiven || coalesce != null || maxInstances != null;
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
      return instantiate(config.className(), TaskExecutor.class, config.key() + "." + CLASS);
    }
    return TaskExecutors.create(
        config.type(),
        PluginOptions.of(config.options(), config.key() + "."),
        config.key() + "." + TYPE);
  }

  /**
   * Creates the store a section declares.
   *
   * @throws InvalidInputException when an option value is invalid, naming the full key
   */
  public static TaskStore createStore(PluginConfig config) {
    if (config.className() != null) {
      return instantiate(config.className(), TaskStore.class, config.key() + "." + CLASS);
    }
    return TaskStores.create(
        config.type(),
        PluginOptions.of(config.options(), config.key() + "."),
        config.key() + "." + TYPE);
  }

  /**
   * Loads a class named in configuration, without initializing it, and creates it only if it
   * implements {@code type} and has a public no-argument constructor: configuration can then make
   * executors and stores, never run another class's code.
   */
  private static Class<?> loadPluginClass(String className, Class<?> type, String key) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = SchedulerConfig.class.getClassLoader();
    }
    Class<?> c;
    try {
      c = Class.forName(className, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new InvalidInputException(
          key, className, "names no class on the class path; expected a " + type.getName());
    }
    if (!type.isAssignableFrom(c)) {
      throw new InvalidInputException(
          key,
          className,
          "does not implement "
              + type.getName()
              + "; configuration may only name "
              + type.getSimpleName()
              + " classes");
    }
    if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
      throw new InvalidInputException(key, className, "is abstract; expected a concrete class");
    }
    if (!Modifier.isPublic(c.getModifiers())) {
      throw new InvalidInputException(key, className, "is not public; expected a public class");
    }
    try {
      c.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new InvalidInputException(
          key, className, "has no public no-argument constructor; use a type with options");
    }
    return c;
  }

  private static <T> T instantiate(String className, Class<T> type, String key) {
    Class<?> c = loadPluginClass(className, type, key);
    try {
      Constructor<?> constructor = c.getConstructor();
      return type.cast(constructor.newInstance());
    } catch (InvocationTargetException e) {
      throw new AsynczException(
          "Invalid " + key + ": \"" + className + "\" failed in its constructor: " + e.getCause(),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new AsynczException(
          "Invalid " + key + ": \"" + className + "\" cannot be created: " + e, e);
    }
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
    return s.append(", executors=")
        .append(executors.values())
        .append(", stores=")
        .append(stores.values())
        .append(']')
        .toString();
  }

  // ------------------------------------------------------------------ reading

  /** Interprets keys one at a time; errors name the full key. */
  private static final class Reader {
    private final String prefix;
    private ZoneId timezone;
    private Duration storeRetryInterval;
    private String lockPath;
    private String identity;
    private Duration startupDelay;
    private String loggerName;
    private Duration heartbeatStaleAfter;
    private boolean graceGiven;
    private Duration grace;
    private Boolean coalesce;
    private Integer maxInstances;
    private final Map<String, Map<String, Section>> sections = new LinkedHashMap<>();

    Reader(String prefix) {
      this.prefix = prefix;
      sections.put(EXECUTORS, new LinkedHashMap<>());
      sections.put(STORES, new LinkedHashMap<>());
    }

    void read(String key, Object value) {
      String full = prefix + key;
      String[] parts = key.split("\\.", -1);
      switch (parts[0]) {
        case TIMEZONE -> {
          requireLength(parts, 1, full);
          timezone = Zones.parse(value, full);
        }
        case STORE_RETRY_INTERVAL -> {
          requireLength(parts, 1, full);
          if (value != null) {
            storeRetryInterval = positive(full, PluginOptions.secondsValue(full, value), value);
          }
        }
        case LOCK_PATH -> {
          requireLength(parts, 1, full);
          if (value != null) {
            if (value.toString().isBlank()) {
              throw new InvalidInputException(full, value, "is blank; expected a file path");
            }
            lockPath = value.toString();
          }
        }
        case IDENTITY -> {
          requireLength(parts, 1, full);
          identity = name(full, value, "a scheduler identity such as 'billing-1'");
        }
        case LOGGER_NAME -> {
          requireLength(parts, 1, full);
          loggerName = name(full, value, "a logger name suffix such as 'billing'");
        }
        case STARTUP_DELAY -> {
          requireLength(parts, 1, full);
          if (value != null) {
            Duration d = PluginOptions.secondsValue(full, value);
            if (d.isNegative()) {
              throw new InvalidInputException(full, value, "is negative; expected 0 or more");
            }
            startupDelay = d;
          }
        }
        case HEARTBEAT_STALE_AFTER -> {
          requireLength(parts, 1, full);
          if (value != null) {
            heartbeatStaleAfter = positive(full, PluginOptions.secondsValue(full, value), value);
          }
        }
        case TASK_DEFAULTS -> {
          requireLength(parts, 2, full);
          readTaskDefault(parts[1], full, value);
        }
        case EXECUTORS, STORES -> readSection(parts, full, value);
        default -> throw unknownKey(full);
      }
    }

    private static String name(String full, Object value, String expected) {
      if (value == null) {
        return null;
      }
      String s = value.toString();
      if (s.isBlank() || !s.equals(s.strip())) {
        throw new InvalidInputException(
            full, value, "is blank or has surrounding spaces; expected " + expected);
      }
      return s;
    }

    private void readTaskDefault(String name, String full, Object value) {
      switch (name) {
        case GRACE -> {
          graceGiven = true;
          grace = graceTime(full, value);
        }
        case COALESCE -> {
          if (value != null) {
            coalesce = PluginOptions.booleanValue(full, value);
          }
        }
        case MAX_INSTANCES -> {
          if (value != null) {
            int n = PluginOptions.integerValue(full, value);
            if (n < 1) {
              throw new InvalidInputException(full, value, "is not 1 or more");
            }
            maxInstances = n;
          }
        }
        default -> throw unknownKey(full);
      }
    }

    private static Duration graceTime(String full, Object value) {
      if (value == null) {
        return null;
      }
      if (value instanceof CharSequence text) {
        String s = text.toString().strip().toLowerCase(Locale.ROOT);
        if (s.equals("none") || s.equals("null")) {
          return null;
        }
        if (s.isEmpty()) {
          throw new InvalidInputException(
              full, value, "is blank; expected a number of seconds, or none for no limit");
        }
      }
      return positive(full, PluginOptions.secondsValue(full, value), value);
    }

    private static Duration positive(String full, Duration d, Object value) {
      if (d.isZero() || d.isNegative()) {
        throw new InvalidInputException(full, value, "is not positive; expected more than 0 s");
      }
      return d;
    }

    private void readSection(String[] parts, String full, Object value) {
      String kind = parts[0];
      if (parts.length < 3) {
        throw new InvalidInputException(
            "configuration key",
            full,
            "is not a setting; expected "
                + prefix
                + kind
                + ".<alias>.type (or .class) and "
                + prefix
                + kind
                + ".<alias>.<option>");
      }
      String alias = parts[1];
      if (alias.isEmpty()) {
        throw new InvalidInputException("configuration key", full, "has an empty alias");
      }
      Identifiers.checkAlias(
          (kind.equals(EXECUTORS) ? "executor" : "store") + " alias in " + full, alias);
      String base = prefix + kind + "." + alias;
      Section section = sections.get(kind).computeIfAbsent(alias, a -> new Section(kind, a, base));
      String name = parts[2];
      if (parts.length == 3 && name.equals(TYPE)) {
        section.type = value == null ? null : value.toString().strip();
      } else if (parts.length == 3 && name.equals(CLASS)) {
        section.className = value instanceof Class<?> c ? c.getName() : stringOrNull(value);
      } else {
        section.putOption(Arrays.copyOfRange(parts, 2, parts.length), full, value);
      }
    }

    private static String stringOrNull(Object value) {
      return value == null ? null : value.toString().strip();
    }

    private void requireLength(String[] parts, int length, String full) {
      if (parts.length != length) {
        throw unknownKey(full);
      }
    }

    private InvalidInputException unknownKey(String full) {
      List<String> expected = new ArrayList<>();
      for (String k : KEYS) {
        expected.add(prefix + k);
      }
      String suggestion = suggest(full.substring(prefix.length()));
      return new InvalidInputException(
          "configuration key",
          full,
          "is not a known key"
              + (suggestion == null ? "" : " (did you mean \"" + prefix + suggestion + "\"?)")
              + "; expected one of "
              + expected);
    }

    /** The known key closest to a mistyped one, if it is close enough to be the one meant. */
    private static String suggest(String key) {
      List<String> candidates =
          new ArrayList<>(
              List.of(
                  TIMEZONE,
                  STORE_RETRY_INTERVAL,
                  LOCK_PATH,
                  TASK_DEFAULTS + "." + GRACE,
                  TASK_DEFAULTS + "." + COALESCE,
                  TASK_DEFAULTS + "." + MAX_INSTANCES));
      int dot = key.indexOf('.');
      if (dot > 0) {
        String rest = key.substring(dot);
        candidates.add(EXECUTORS + rest);
        candidates.add(STORES + rest);
      }
      String best = null;
      int bestDistance = Integer.MAX_VALUE;
      for (String c : candidates) {
        // Compared without case and separators, so storeRetryInterval finds store_retry_interval.
        int d = distance(normalize(key), normalize(c));
        if (d < bestDistance) {
          best = c;
          bestDistance = d;
        }
      }
      return !key.equals(best) && bestDistance <= Math.max(2, key.length() / 5) ? best : null;
    }

    private static String normalize(String key) {
      return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
      int[] prev = new int[b.length() + 1];
      int[] cur = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        prev[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        cur[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
          cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        }
        int[] t = prev;
        prev = cur;
        cur = t;
      }
      return prev[b.length()];
    }

    Map<String, PluginConfig> plugins(String kind) {
      Map<String, PluginConfig> plugins = new LinkedHashMap<>();
      for (Section s : sections.get(kind).values()) {
        plugins.put(s.alias, s.check());
      }
      return plugins;
    }
  }

  /** One {@code executors.<alias>} or {@code stores.<alias>} section while it is read. */
  private static final class Section {
    private final String kind;
    private final String alias;
    private final String key;
    private String type;
    private String className;
    private final Map<String, Object> options = new LinkedHashMap<>();

    Section(String kind, String alias, String key) {
      this.kind = kind;
      this.alias = alias;
      this.key = key;
    }

    /** Puts {@code a.b.c = v} as {@code a: {b: {c: v}}}, so nested options reach the plugin. */
    @SuppressWarnings("unchecked")
    void putOption(String[] path, String full, Object value) {
      Map<String, Object> map = options;
      for (int i = 0; i < path.length - 1; i++) {
        Object child = map.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
        if (!(child instanceof Map)) {
          throw new InvalidInputException(
              "configuration key", full, "is inside an option that already has a value");
        }
        map = (Map<String, Object>) child;
      }
      String last = path[path.length - 1];
      if (map.containsKey(last)) {
        throw new InvalidInputException(
            "configuration key", full, "is given twice, or is both a value and a section");
      }
      map.put(last, value);
    }

    PluginConfig check() {
      boolean executor = kind.equals(EXECUTORS);
      if (type != null && className != null) {
        throw new InvalidInputException(
            "configuration key",
            key + "." + CLASS,
            "is given with " + key + "." + TYPE + "; give a type or a class, not both");
      }
      if (type == null && className == null) {
        throw new InvalidInputException(
            "configuration key",
            key,
            "has no type; set "
                + key
                + ".type to one of "
                + (executor ? TaskExecutors.aliases() : TaskStores.aliases())
                + " or "
                + key
                + ".class to a "
                + (executor ? TaskExecutor.class : TaskStore.class).getName()
                + " class");
      }
      if (className != null) {
        if (!options.isEmpty()) {
          throw new InvalidInputException(
              "configuration key",
              key + "." + options.keySet().iterator().next(),
              "is an option given with "
                  + key
                  + ".class; a class is created with its no-argument constructor, only a type"
                  + " takes options");
        }
        loadPluginClass(className, executor ? TaskExecutor.class : TaskStore.class, key + ".class");
      } else {
        // Looks the alias up and refuses unknown options now; values are read when created.
        PluginOptions given = PluginOptions.of(options, key + ".");
        if (executor) {
          TaskExecutors.check(type, given, key + "." + TYPE);
        } else {
          TaskStores.check(type, given, key + "." + TYPE);
        }
      }
      return new PluginConfig(key, alias, type, className, options);
    }
  }
}
