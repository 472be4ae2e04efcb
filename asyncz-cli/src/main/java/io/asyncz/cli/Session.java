package io.asyncz.cli;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.config.PluginConfig;
import io.asyncz.config.SchedulerConfig;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import io.asyncz.store.TaskStores;
import io.asyncz.task.TaskRegistry;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scheduler over the stores a command selects. Commands start it paused: it reads and changes the
 * stores and runs nothing on its own. Closing it takes the stores out before the scheduler shuts
 * down, so that a command never runs the stored tasks whose trigger is {@code shutdown} (those
 * belong to the service).
 */
final class Session implements AutoCloseable {
  private final Scheduler scheduler;
  private final Map<String, String> storeDisplays;
  private final Map<String, Map<String, Object>> storeOptions;
  private final Map<String, String> storeTypes;
  private final String target;
  private final CliConfig config;
  private final BuiltInFunctions.Permissions permissions;
  private final boolean clustered;
  private boolean started;

  private Session(
      Scheduler scheduler,
      Map<String, String> storeDisplays,
      Map<String, Map<String, Object>> storeOptions,
      Map<String, String> storeTypes,
      String target,
      CliConfig config,
      BuiltInFunctions.Permissions permissions,
      boolean clustered) {
    this.scheduler = scheduler;
    this.storeDisplays = storeDisplays;
    this.storeOptions = storeOptions;
    this.storeTypes = storeTypes;
    this.target = target;
    this.config = config;
    this.permissions = permissions;
    this.clustered = clustered;
  }

  /**
   * Builds the scheduler the options describe, not started.
   *
   * @throws InvalidInputException for a bad store URL, configuration or class path
   */
  /** A session for a command: tasks whose function this process lacks are left as they are. */
  static Session open(Common common, Io io) {
    return open(common, io, false);
  }

  /**
   * A session; {@code service} for the process that runs the tasks, which must resolve every
   * function (a record it cannot resolve is quarantined), while a command defers what it cannot
   * resolve and leaves those tasks to the service ({@link TaskRegistry#deferUnknown()}).
   */
  static Session open(Common common, Io io, boolean service) {
    CliConfig config =
        common.config == null ? CliConfig.empty() : CliConfig.read(io.resolve(common.config));
    BuiltInFunctions.Permissions permissions = BuiltInFunctions.Permissions.of(config);
    List<StoreSpec> specs = new ArrayList<>();
    String target = null;
    for (String value : common.stores) {
      if (Identifiers.isValidAlias(value.strip())
          && !value.contains(":")
          && !value.equalsIgnoreCase("memory")) {
        if (target != null) {
          throw new InvalidInputException(
              "--store", value, "selects a second store (" + target + "); expected one alias");
        }
        target = value.strip();
        continue;
      }
      String alias = specs.isEmpty() ? Scheduler.DEFAULT : "store" + (specs.size() + 1);
      specs.add(StoreSpec.parse(value, alias, io));
    }
    boolean fromCommandLine = !specs.isEmpty();
    if (!fromCommandLine) {
      config
          .storeUrls()
          .forEach((alias, url) -> specs.add(StoreSpec.parse(alias + "=" + url, alias, io)));
    }
    SchedulerConfig schedulerConfig = config.schedulerConfig(fromCommandLine);
    if (specs.isEmpty() && schedulerConfig.stores().isEmpty()) {
      Path home =
          io.env().containsKey("ASYNCZ_HOME")
              ? io.resolve(io.env().get("ASYNCZ_HOME"))
              : io.resolve(".asyncz");
      specs.add(StoreSpec.embeddedDefault(home));
    }
    TaskRegistry registry = new TaskRegistry(classLoader(common, config, io));
    List<String> packages = new ArrayList<>(common.allowPackages);
    packages.addAll(config.serviceList("allow_packages"));
    packages.forEach(registry::allowPackage);
    BuiltInFunctions.register(registry, permissions);
    if (!service) {
      registry.deferUnknown();
    }
    SchedulerSettings.Builder builder = Scheduler.builder().clock(io.clock()).registry(registry);
    // Runs are recorded (by the service, and by run --here) and read back (asyncz history, the
    // dashboard) unless the configuration says run_history.enabled: false.
    builder.runHistory(true);
    schedulerConfig.applyTo(builder);
    Map<String, String> displays = new LinkedHashMap<>();
    Map<String, Map<String, Object>> options = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (PluginConfig plugin : schedulerConfig.stores().values()) {
      options.put(plugin.alias(), plugin.options());
      types.put(plugin.alias(), plugin.type() != null ? plugin.type() : plugin.className());
      displays.put(
          plugin.alias(),
          plugin.className() != null
              ? plugin.className()
              : plugin.type()
                  + " "
                  + StoreSpec.withoutPassword(String.valueOf(masked(plugin.options()))));
    }
    for (StoreSpec spec : specs) {
      if (displays.containsKey(spec.alias())) {
        throw new InvalidInputException(
            "--store",
            spec.display(),
            "reuses the alias '" + spec.alias() + "'; expected distinct aliases");
      }
      prepare(spec);
      builder.store(
          spec.alias(),
          TaskStores.create(spec.type(), service ? spec.options() : oneCommand(spec)));
      displays.put(spec.alias(), spec.display());
      options.put(spec.alias(), spec.options());
      types.put(spec.alias(), spec.type());
    }
    if (target != null && !displays.containsKey(target)) {
      throw new InvalidInputException(
          "--store", target, "is not a configured store; expected one of " + displays.keySet());
    }
    Scheduler scheduler = builder.build();
    return new Session(
        scheduler,
        displays,
        options,
        types,
        target,
        config,
        permissions,
        schedulerConfig.cluster().isPresent());
  }

  private static Map<String, Object> masked(Map<String, Object> options) {
    Map<String, Object> copy = new LinkedHashMap<>(options);
    copy.computeIfPresent("password", (k, v) -> "***");
    return copy;
  }

  /**
   * A store's options for one command: a JDBC store opens a connection for each of the command's
   * few operations instead of starting a connection pool (its threads and first connections cost
   * more than the command's own work: docs/cli.md, "Measured"). A database in memory keeps its
   * pool, whose connection holds the database between operations.
   */
  static Map<String, Object> oneCommand(StoreSpec spec) {
    if (!spec.type().equals("jdbc") || !(spec.options().get("url") instanceof String url)) {
      return spec.options();
    }
    String lower = url.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains(":memory:") || lower.contains("mode=memory") || lower.contains(":mem:")) {
      return spec.options();
    }
    Map<String, Object> options = new LinkedHashMap<>(spec.options());
    options.put("pooled", false);
    return options;
  }

  /** Creates what a store needs on first use: the embedded SQLite file's directory. */
  private static void prepare(StoreSpec spec) {
    Object url = spec.options().get("url");
    if (url instanceof String u && u.startsWith("jdbc:sqlite:") && !u.contains(":memory:")) {
      Path parent = Path.of(u.substring("jdbc:sqlite:".length())).toAbsolutePath().getParent();
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new InvalidInputException(
            "--store",
            spec.display(),
            "needs directory " + parent + ", which cannot be created: " + e);
      }
    }
  }

  private static ClassLoader classLoader(Common common, CliConfig config, Io io) {
    List<String> entries = new ArrayList<>();
    if (common.classpath != null) {
      entries.addAll(List.of(common.classpath.split(File.pathSeparator)));
    }
    entries.addAll(config.serviceList("classpath"));
    ClassLoader parent = Session.class.getClassLoader();
    if (entries.isEmpty()) {
      return parent;
    }
    List<URL> urls = new ArrayList<>();
    for (String entry : entries) {
      if (entry.isBlank()) {
        continue;
      }
      try {
        if (entry.endsWith("/*") || entry.equals("*")) {
          Path dir = io.resolve(entry.substring(0, entry.length() - 1));
          try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : jars) {
              urls.add(jar.toUri().toURL());
            }
          }
        } else {
          Path path = io.resolve(entry);
          if (!Files.exists(path)) {
            throw new InvalidInputException(
                "--classpath",
                entry,
                "does not exist; expected jars and directories separated by ':'");
          }
          urls.add(path.toUri().toURL());
        }
      } catch (MalformedURLException e) {
        throw new InvalidInputException("--classpath", entry, "is not a valid path");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new URLClassLoader(urls.toArray(URL[]::new), parent);
  }

  /** Starts the scheduler, paused unless {@code run}. */
  Session start(boolean run) {
    scheduler.start(!run);
    started = true;
    return this;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /** Store alias to the URL (or plugin and options) it was created from, in order. */
  Map<String, String> stores() {
    return storeDisplays;
  }

  /** Store alias to the plugin options it was created with. */
  Map<String, Map<String, Object>> storeOptions() {
    return storeOptions;
  }

  /** Store alias to the store plugin's alias ({@code file}, {@code jdbc}, {@code redis}, ...). */
  Map<String, String> storeTypes() {
    return storeTypes;
  }

  /** The store a bare {@code --store ALIAS} selected, or {@code null}. */
  String target() {
    return target;
  }

  /** Where new tasks go: the selected store, else {@code default}, else the first. */
  String addTarget() {
    if (target != null) {
      return target;
    }
    if (storeDisplays.containsKey(Scheduler.DEFAULT)) {
      return Scheduler.DEFAULT;
    }
    return storeDisplays.keySet().iterator().next();
  }

  CliConfig config() {
    return config;
  }

  BuiltInFunctions.Permissions permissions() {
    return permissions;
  }

  /** Whether the scheduler runs in cluster mode ({@code asyncz.cluster.enabled}). */
  boolean clustered() {
    return clustered;
  }

  /**
   * Stops: takes the stores out (shutting each down) and then shuts the scheduler down, waiting at
   * most {@code grace} for runs in progress.
   */
  io.asyncz.scheduler.ShutdownReport stop(Duration grace) {
    if (!started) {
      return new io.asyncz.scheduler.ShutdownReport(true, Map.of(), List.of());
    }
    started = false;
    for (String alias : storeDisplays.keySet()) {
      try {
        scheduler.removeStore(alias, true);
      } catch (RuntimeException e) {
        // already gone or failing: the shutdown below reports the rest
      }
    }
    return scheduler.shutdown(grace);
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }
}
