package io.asyncz.config;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.executor.TaskExecutors;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.time.Zones;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads configuration keys one at a time into what a {@link SchedulerConfig} holds, checking every
 * key, value, alias, option name and class as it goes; errors name the full key, and an unknown key
 * the known key it is closest to.
 */
final class ConfigReader {
  static final String TIMEZONE = "timezone";
  static final String STORE_RETRY_INTERVAL = "store_retry_interval";
  static final String LOCK_PATH = "lock_path";
  static final String IDENTITY = "identity";
  static final String STARTUP_DELAY = "startup_delay";
  static final String LOGGER_NAME = "logger_name";
  static final String HEARTBEAT_STALE_AFTER = "heartbeat_stale_after";
  static final String CLUSTER = "cluster";
  static final String ENABLED = "enabled";
  static final String HEARTBEAT_INTERVAL = "heartbeat_interval";
  static final String POLL_INTERVAL = "poll_interval";
  static final String ON_NODE_FAILURE = "on_node_failure";
  static final String TASK_DEFAULTS = "task_defaults";
  static final String RUN_HISTORY = "run_history";
  static final String MAX_RUNS_PER_TASK = "max_runs_per_task";
  static final String MAX_AGE = "max_age";
  static final String GRACE = "mistrigger_grace_time";
  static final String COALESCE = "coalesce";
  static final String MAX_INSTANCES = "max_instances";
  static final String TIMEOUT = "timeout";
  static final String RETRY = "retry";
  static final List<String> RETRY_OPTIONS =
      List.of("max_retries", "delay", "backoff", "max_delay", "jitter", "retry_on", "keep_slot");
  static final String STORES = "stores";
  static final String EXECUTORS = "executors";
  static final String TYPE = "type";
  static final String CLASS = "class";

  /**
   * The keys this reader knows, without the prefix; {@code <alias>} and {@code <option>} stand for
   * any alias and for the plugin's options.
   */
  static final List<String> KEYS =
      List.of(
          TIMEZONE,
          STORE_RETRY_INTERVAL,
          LOCK_PATH,
          IDENTITY,
          STARTUP_DELAY,
          LOGGER_NAME,
          HEARTBEAT_STALE_AFTER,
          CLUSTER + "." + ENABLED,
          CLUSTER + "." + HEARTBEAT_INTERVAL,
          CLUSTER + "." + POLL_INTERVAL,
          CLUSTER + "." + ON_NODE_FAILURE,
          TASK_DEFAULTS + "." + GRACE,
          TASK_DEFAULTS + "." + COALESCE,
          TASK_DEFAULTS + "." + MAX_INSTANCES,
          TASK_DEFAULTS + "." + TIMEOUT,
          TASK_DEFAULTS + "." + RETRY + ".<option>",
          RUN_HISTORY + "." + ENABLED,
          RUN_HISTORY + "." + MAX_RUNS_PER_TASK,
          RUN_HISTORY + "." + MAX_AGE,
          EXECUTORS + ".<alias>." + TYPE,
          EXECUTORS + ".<alias>." + CLASS,
          EXECUTORS + ".<alias>.<option>",
          STORES + ".<alias>." + TYPE,
          STORES + ".<alias>." + CLASS,
          STORES + ".<alias>.<option>");

  // What was read; SchedulerConfig takes it over.
  final String prefix;
  ZoneId timezone;
  Duration storeRetryInterval;
  String lockPath;
  String identity;
  Duration startupDelay;
  String loggerName;
  Duration heartbeatStaleAfter;
  boolean clusterEnabled;
  ClusterSettings cluster = ClusterSettings.DEFAULTS;
  boolean graceGiven;
  Duration grace;
  Boolean coalesce;
  Integer maxInstances;
  Duration timeout;
  private final Map<String, Object> retry = new LinkedHashMap<>();
  Boolean runHistory;
  Integer maxRunsPerTask;
  Duration maxRunAge;
  private final Map<String, Map<String, Section>> sections = new LinkedHashMap<>();

  private ConfigReader(String prefix) {
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
        if (parts.length == 3 && parts[1].equals(RETRY)) {
          readRetryOption(parts[2], full, value);
        } else {
          requireLength(parts, 2, full);
          readTaskDefault(parts[1], full, value);
        }
      }
      case CLUSTER -> {
        requireLength(parts, 2, full);
        readCluster(parts[1], full, value);
      }
      case RUN_HISTORY -> {
        requireLength(parts, 2, full);
        readRunHistory(parts[1], full, value);
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

  private void readRetryOption(String name, String full, Object value) {
    if (!RETRY_OPTIONS.contains(name)) {
      throw new InvalidInputException(
          full, value, "is not a retry option; expected one of " + RETRY_OPTIONS);
    }
    if (value == null) {
      return;
    }
    Object read =
        switch (name) {
          case "max_retries" -> PluginOptions.integerValue(full, value);
          case "delay", "max_delay" ->
              positive(full, PluginOptions.secondsValue(full, value), value);
          case "jitter", "keep_slot" -> PluginOptions.booleanValue(full, value);
          case "retry_on" -> classNames(full, value);
          default -> value.toString().strip().toLowerCase(Locale.ROOT); // backoff
        };
    retry.put(name, read);
  }

  private static List<String> classNames(String full, Object value) {
    List<String> names = new ArrayList<>();
    if (value instanceof Iterable<?> list) {
      for (Object o : list) {
        names.add(String.valueOf(o).strip());
      }
    } else {
      for (String part : value.toString().split(",")) {
        if (!part.isBlank()) {
          names.add(part.strip());
        }
      }
    }
    if (names.isEmpty()) {
      throw new InvalidInputException(full, value, "names no exception class");
    }
    return names;
  }

  /**
   * The retry policy of {@code task_defaults.retry.*}, or {@code null} when none was given.
   *
   * @throws InvalidInputException naming the full key when the options do not make a policy
   */
  io.asyncz.task.RetryPolicy retryPolicy() {
    if (retry.isEmpty()) {
      return null;
    }
    if (!retry.containsKey("max_retries")) {
      throw new InvalidInputException(
          prefix + TASK_DEFAULTS + "." + RETRY + ".max_retries",
          null,
          "is missing; a retry policy needs max_retries (1 or more)");
    }
    try {
      return io.asyncz.task.RetryPolicy.fromMap(retry);
    } catch (InvalidInputException e) {
      // The policy names its options "retry.<option>": name the key as configured.
      String option = e.argument().substring(e.argument().indexOf('.') + 1);
      throw new InvalidInputException(
          prefix + TASK_DEFAULTS + "." + RETRY + "." + option, e.value(), e.expectation());
    }
  }

  private void readTaskDefault(String name, String full, Object value) {
    switch (name) {
      case TIMEOUT -> {
        if (value != null) {
          timeout = positive(full, PluginOptions.secondsValue(full, value), value);
        }
      }
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

  private void readCluster(String name, String full, Object value) {
    if (value == null) {
      return;
    }
    switch (name) {
      case ENABLED -> clusterEnabled = PluginOptions.booleanValue(full, value);
      case HEARTBEAT_INTERVAL ->
          cluster =
              cluster.withHeartbeatInterval(
                  positive(full, PluginOptions.secondsValue(full, value), value));
      case POLL_INTERVAL ->
          cluster =
              cluster.withPollInterval(
                  positive(full, PluginOptions.secondsValue(full, value), value));
      case ON_NODE_FAILURE ->
          cluster = cluster.withOnNodeFailure(ClusterSettings.NodeFailurePolicy.parse(full, value));
      default -> throw unknownKey(full);
    }
  }

  private void readRunHistory(String name, String full, Object value) {
    if (value == null) {
      if (!List.of(ENABLED, MAX_RUNS_PER_TASK, MAX_AGE).contains(name)) {
        throw unknownKey(full);
      }
      return;
    }
    switch (name) {
      case ENABLED -> runHistory = PluginOptions.booleanValue(full, value);
      case MAX_RUNS_PER_TASK -> {
        int n = PluginOptions.integerValue(full, value);
        if (n < 1 || n > io.asyncz.history.RunRetention.MAX_RUNS_PER_TASK) {
          throw new InvalidInputException(
              full,
              value,
              "is out of range; expected 1 to " + io.asyncz.history.RunRetention.MAX_RUNS_PER_TASK);
        }
        maxRunsPerTask = n;
      }
      case MAX_AGE -> maxRunAge = positive(full, PluginOptions.secondsValue(full, value), value);
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
                TASK_DEFAULTS + "." + MAX_INSTANCES,
                TASK_DEFAULTS + "." + TIMEOUT,
                RUN_HISTORY + "." + ENABLED,
                RUN_HISTORY + "." + MAX_RUNS_PER_TASK,
                RUN_HISTORY + "." + MAX_AGE));
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

  /**
   * Reads the keys of {@code flat} that start with {@code prefix} ({@code ""} for every key), the
   * prefix removed.
   */
  static ConfigReader read(Map<String, Object> flat, String prefix) {
    ConfigReader reader = new ConfigReader(prefix);
    for (Map.Entry<String, Object> e : flat.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        reader.read(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return reader;
  }

  /**
   * Puts the entries of {@code map} into {@code flat} under dotted keys: a nested map stands for
   * the keys of its entries joined to its own key with a dot.
   *
   * @throws InvalidInputException for a key given both dotted and inside a nested map
   */
  static void flatten(String path, Map<?, ?> map, Map<String, Object> flat) {
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
        PluginClasses.load(
            className, executor ? TaskExecutor.class : TaskStore.class, key + ".class");
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
