package io.asyncz.spring;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.config.SchedulerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The {@code asyncz.*} properties of a Spring environment, split three ways: the starter's own
 * {@code asyncz.spring.*} settings, the stores that use the application's {@code DataSource}
 * ({@code asyncz.stores.<alias>.use_application_datasource: true}), and every other key, which
 * {@link SchedulerConfig} reads and checks as it would a properties file.
 *
 * <p>Keys are taken as written ({@code max_workers}, not Spring's relaxed {@code max-workers} or
 * {@code MAX_WORKERS}), so that one reader and one set of messages serve every way of configuring
 * Asyncz; a misspelt key fails start-up with the key quoted and the closest known key suggested.
 */
public final class AsynczProperties {
  /** The prefix of every key. */
  public static final String PREFIX = SchedulerConfig.DEFAULT_PREFIX;

  /** The prefix of the starter's own keys, which {@link SchedulerConfig} does not know. */
  public static final String SPRING_PREFIX = PREFIX + "spring.";

  /** The store option that makes a {@code jdbc} store use the application's {@code DataSource}. */
  public static final String USE_APPLICATION_DATASOURCE = "use_application_datasource";

  /** How long shutdown waits for the runs in progress, unless {@code shutdown_timeout} is set. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  static final String ENABLED = "enabled";
  static final String AUTO_STARTUP = "auto_startup";
  static final String SHUTDOWN_TIMEOUT = "shutdown_timeout";
  static final String ALLOWED_PACKAGES = "allowed_packages";
  static final String DASHBOARD_PATH = "dashboard_path";
  static final String DASHBOARD_TOKEN = "dashboard_token";
  static final String OBSERVATIONS = "observations";
  static final Set<String> SPRING_KEYS =
      Set.of(
          ENABLED,
          AUTO_STARTUP,
          SHUTDOWN_TIMEOUT,
          ALLOWED_PACKAGES,
          DASHBOARD_PATH,
          DASHBOARD_TOKEN,
          OBSERVATIONS);
  private static final Pattern STORE_KEY = Pattern.compile("stores\\.([^.]+)\\.(.+)");
  private static final Pattern LIST_ITEM = Pattern.compile("(.+)\\[(\\d+)]");

  private final Map<String, Object> schedulerKeys;
  private final Map<String, Map<String, Object>> applicationDataSourceStores;
  private final boolean autoStartup;
  private final Duration shutdownTimeout;
  private final List<String> allowedPackages;
  private final String dashboardPath;
  private final String dashboardToken;
  private final boolean observations;

  private AsynczProperties(
      Map<String, Object> schedulerKeys,
      Map<String, Map<String, Object>> applicationDataSourceStores,
      boolean autoStartup,
      Duration shutdownTimeout,
      List<String> allowedPackages,
      String dashboardPath,
      String dashboardToken,
      boolean observations) {
    this.schedulerKeys = schedulerKeys;
    this.applicationDataSourceStores = applicationDataSourceStores;
    this.autoStartup = autoStartup;
    this.shutdownTimeout = shutdownTimeout;
    this.allowedPackages = allowedPackages;
    this.dashboardPath = dashboardPath;
    this.dashboardToken = dashboardToken;
    this.observations = observations;
  }

  /**
   * Reads the {@code asyncz.*} keys of an environment, the value of each from the property source
   * that takes precedence, placeholders resolved.
   *
   * @throws InvalidInputException for a bad {@code asyncz.spring.*} key or value, naming the key
   */
  public static AsynczProperties from(ConfigurableEnvironment environment) {
    Map<String, Object> keys = new LinkedHashMap<>();
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
        continue;
      }
      for (String name : enumerable.getPropertyNames()) {
        if (name.startsWith(PREFIX) && !keys.containsKey(name)) {
          keys.put(name, environment.getProperty(name));
        }
      }
    }
    return from(keys);
  }

  /**
   * Reads flat {@code asyncz.*} keys (as a YAML or properties file gives them to Spring).
   *
   * @throws InvalidInputException for a bad {@code asyncz.spring.*} key or value, naming the key
   */
  public static AsynczProperties from(Map<String, ?> keys) {
    Map<String, Object> scheduler = new LinkedHashMap<>();
    Map<String, Object> spring = new LinkedHashMap<>();
    Map<String, Map<String, Object>> stores = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : keys.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(SPRING_PREFIX)) {
        spring.put(key.substring(SPRING_PREFIX.length()), e.getValue());
      } else if (key.startsWith(PREFIX)) {
        scheduler.put(key, e.getValue());
      }
    }
    // A store that uses the application's DataSource is taken out whole: SchedulerConfig would
    // refuse its missing url and the extra option, and the starter builds it from the bean.
    for (Map.Entry<String, Object> e : scheduler.entrySet()) {
      Matcher m = STORE_KEY.matcher(e.getKey().substring(PREFIX.length()));
      if (m.matches()
          && m.group(2).equals(USE_APPLICATION_DATASOURCE)
          && PluginOptions.booleanValue(e.getKey(), e.getValue())) {
        stores.put(m.group(1), new LinkedHashMap<>());
      }
    }
    scheduler
        .entrySet()
        .removeIf(
            e -> {
              Matcher m = STORE_KEY.matcher(e.getKey().substring(PREFIX.length()));
              if (!m.matches() || !stores.containsKey(m.group(1))) {
                return false;
              }
              stores.get(m.group(1)).put(m.group(2), e.getValue());
              return true;
            });
    // An explicit "use_application_datasource: false" is the default; SchedulerConfig does not
    // know the option, so it is dropped here.
    scheduler
        .keySet()
        .removeIf(
            k -> {
              Matcher m = STORE_KEY.matcher(k.substring(PREFIX.length()));
              return m.matches() && m.group(2).equals(USE_APPLICATION_DATASOURCE);
            });
    return springSettings(scheduler, stores, spring);
  }

  private static AsynczProperties springSettings(
      Map<String, Object> scheduler,
      Map<String, Map<String, Object>> stores,
      Map<String, Object> spring) {
    Map<String, Object> settings = new LinkedHashMap<>();
    TreeMap<Integer, Object> packages = new TreeMap<>();
    for (Map.Entry<String, Object> e : spring.entrySet()) {
      Matcher item = LIST_ITEM.matcher(e.getKey());
      if (item.matches() && item.group(1).equals(ALLOWED_PACKAGES)) {
        packages.put(Integer.parseInt(item.group(2)), e.getValue());
      } else {
        settings.put(e.getKey(), e.getValue());
      }
    }
    PluginOptions options =
        PluginOptions.of(settings, SPRING_PREFIX).requireOnly(SPRING_KEYS, "Asyncz Spring setting");
    Duration timeout = options.seconds(SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT);
    if (timeout.isNegative()) {
      throw new InvalidInputException(
          options.key(SHUTDOWN_TIMEOUT),
          options.raw(SHUTDOWN_TIMEOUT).orElse(timeout),
          "is negative; expected 0 or more seconds");
    }
    List<String> allowed = new ArrayList<>();
    String listed = options.string(ALLOWED_PACKAGES, null);
    if (listed != null) {
      packages.put(-1, listed);
    }
    for (Object value : packages.values()) {
      for (String name : String.valueOf(value).split(",")) {
        if (!name.isBlank()) {
          allowed.add(name.strip());
        }
      }
    }
    String dashboardPath = options.string(DASHBOARD_PATH, null);
    if (dashboardPath != null) {
      dashboardPath = dashboardPath.strip();
      while (dashboardPath.endsWith("/") || dashboardPath.endsWith("*")) {
        dashboardPath = dashboardPath.substring(0, dashboardPath.length() - 1);
      }
      if (!dashboardPath.startsWith("/") || dashboardPath.length() < 2) {
        throw new InvalidInputException(
            options.key(DASHBOARD_PATH),
            options.raw(DASHBOARD_PATH).orElse(dashboardPath),
            "is not a path under the application's root; expected one such as /asyncz");
      }
    }
    return new AsynczProperties(
        scheduler,
        stores,
        options.bool(AUTO_STARTUP, true),
        timeout,
        List.copyOf(allowed),
        dashboardPath,
        options.string(DASHBOARD_TOKEN, null),
        options.bool(OBSERVATIONS, true));
  }

  /** The keys that {@link SchedulerConfig} reads, with their prefix. */
  public Map<String, Object> schedulerKeys() {
    return schedulerKeys;
  }

  /**
   * The stores that use the application's {@code DataSource}: their options by alias, without the
   * prefix and alias ({@code type}, {@code table}...).
   */
  public Map<String, Map<String, Object>> applicationDataSourceStores() {
    return applicationDataSourceStores;
  }

  /** The store aliases configured, and {@code default}, which the scheduler always has. */
  public Set<String> storeAliases() {
    Set<String> aliases = new LinkedHashSet<>();
    aliases.add("default");
    for (String key : schedulerKeys.keySet()) {
      Matcher m = STORE_KEY.matcher(key.substring(PREFIX.length()));
      if (m.matches()) {
        aliases.add(m.group(1));
      }
    }
    aliases.addAll(applicationDataSourceStores.keySet());
    return aliases;
  }

  /** Whether the scheduler starts with the application context ({@code auto_startup}). */
  public boolean autoStartup() {
    return autoStartup;
  }

  /** How long shutdown waits for the runs in progress ({@code shutdown_timeout}). */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * Where the dashboard is mounted under the application's servlet container ({@code
   * dashboard_path}, e.g. {@code /asyncz}), if it is.
   */
  public java.util.Optional<String> dashboardPath() {
    return java.util.Optional.ofNullable(dashboardPath);
  }

  /**
   * The dashboard's login token ({@code dashboard_token}); one is generated and logged if unset.
   */
  public java.util.Optional<String> dashboardToken() {
    return java.util.Optional.ofNullable(dashboardToken);
  }

  /**
   * Whether each run is wrapped in a Micrometer {@code Observation} when the context has an {@code
   * ObservationRegistry} ({@code observations}, true unless set to false).
   */
  public boolean observations() {
    return observations;
  }

  /** The packages whose public static methods stored tasks may name ({@code allowed_packages}). */
  public List<String> allowedPackages() {
    return allowedPackages;
  }
}
