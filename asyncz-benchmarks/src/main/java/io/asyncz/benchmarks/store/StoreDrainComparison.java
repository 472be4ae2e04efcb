package io.asyncz.benchmarks.store;

import io.asyncz.benchmarks.Report;
import io.asyncz.benchmarks.scheduler.Completion;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.persistence.FileStore;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.redis.EmbeddedRedis;
import io.asyncz.redis.RedisStore;
import io.asyncz.store.TaskStore;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import redis.clients.jedis.JedisPooled;

/**
 * Runs Asyncz's {@link JdbcStore} beside db-scheduler and Quartz JDBC on one embedded PostgreSQL
 * server, and measures each of our stores' operations; prints medians over several repetitions as
 * Markdown tables, with our ratios to each peer and to the goals of issue 4.
 *
 * <ol>
 *   <li><b>Drain</b>: in a fresh database, each contender stores {@code drain.tasks} one-shot no-op
 *       tasks due now ({@code quartz.tasks} for Quartz, which is two orders of magnitude slower),
 *       then starts with {@code threads} worker threads; the time runs from the start call to the
 *       end of the last run. The time to store the tasks is printed beside it, as are the
 *       connections, statements and commits per task that the run asked of the database.
 *   <li><b>Stores</b>: add, lookup, update, due-query and delete throughput of our stores ({@link
 *       StoreThroughput}): {@code FileStore}, {@code JdbcStore} on SQLite (file), H2 (file) and the
 *       PostgreSQL server, and {@code RedisStore} on an embedded Redis server (asyncz-redis's
 *       {@code EmbeddedRedis}, no persistence).
 * </ol>
 *
 * <p>{@code asyncz-distinct} is Asyncz again with due times a microsecond apart instead of one time
 * for all: it shows what the {@link JdbcStore}'s ordering of tied run times costs.
 *
 * <p>Contenders run one at a time, in an order rotated each repetition, after one warm-up run each
 * at a tenth of the size. Settings are system properties: {@code reps} (3), {@code drain.tasks}
 * (50000), {@code quartz.tasks} (2000), {@code threads} (4), {@code dbs.poll.ms} (10), {@code
 * pool.size} (8), {@code timeout.s} (300), {@code store.tasks} (10000), {@code file.tasks} (2000),
 * {@code due.budget.ms} (10000), {@code scenarios} (drain,stores), {@code contenders}
 * (asyncz,asyncz-distinct,dbs-lock-and-fetch,dbs-fetch,quartz) and {@code stores}
 * (file,sqlite,h2,postgres).
 */
public final class StoreDrainComparison {
  /** The contender keys, in table order. */
  static final List<String> CONTENDERS =
      List.of("asyncz", "asyncz-distinct", "dbs-lock-and-fetch", "dbs-fetch", "quartz");

  /** The store keys, in table order. */
  static final List<String> STORES = List.of("file", "sqlite", "h2", "postgres", "redis");

  private static final String OURS = "Asyncz JdbcStore";
  private static final String QUARTZ = "Quartz JDBC clustered";

  /**
   * The run's settings.
   *
   * @param reps measured repetitions
   * @param drainTasks tasks per drain for every contender but Quartz
   * @param quartzTasks tasks per drain for Quartz
   * @param threads worker threads of every scheduler
   * @param pollMs db-scheduler's polling interval
   * @param poolSize connections in the pool of each drain's database
   * @param timeoutSeconds how long a drain may take before it counts as failed
   * @param storeTasks tasks per store measurement
   * @param fileTasks tasks per measurement of the file store, which forces every write to disk
   * @param dueBudgetMs how long the due-query measurement may go on
   * @param scenarios some of {@code drain} and {@code stores}
   * @param contenders some of {@link #CONTENDERS}
   * @param stores some of {@link #STORES}
   */
  record Settings(
      int reps,
      int drainTasks,
      int quartzTasks,
      int threads,
      int pollMs,
      int poolSize,
      int timeoutSeconds,
      int storeTasks,
      int fileTasks,
      int dueBudgetMs,
      Set<String> scenarios,
      List<String> contenders,
      List<String> stores) {

    /** Reads the settings through {@code property} (e.g. {@code System::getProperty}). */
    static Settings parse(UnaryOperator<String> property) {
      return new Settings(
          positive(property, "reps", 3),
          positive(property, "drain.tasks", 50_000),
          positive(property, "quartz.tasks", 2_000),
          positive(property, "threads", 4),
          positive(property, "dbs.poll.ms", 10),
          positive(property, "pool.size", 8),
          positive(property, "timeout.s", 300),
          positive(property, "store.tasks", 10_000),
          positive(property, "file.tasks", 2_000),
          positive(property, "due.budget.ms", 10_000),
          Set.copyOf(choose(property, "scenarios", List.of("drain", "stores"))),
          choose(property, "contenders", CONTENDERS),
          choose(property, "stores", STORES));
    }

    private static int positive(UnaryOperator<String> property, String key, int fallback) {
      String text = property.apply(key);
      if (text == null) {
        return fallback;
      }
      try {
        int value = Integer.parseInt(text.strip().replace("_", ""));
        if (value > 0) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "Invalid " + key + ": \"" + text + "\"; expected a whole number of 1 or more");
    }

    private static List<String> choose(
        UnaryOperator<String> property, String key, List<String> known) {
      String text = property.apply(key);
      if (text == null) {
        return known;
      }
      List<String> chosen = new ArrayList<>();
      for (String part : text.split(",")) {
        String name = part.strip();
        if (!known.contains(name)) {
          throw new IllegalArgumentException(
              "Invalid " + key + ": \"" + name + "\"; expected some of " + known);
        }
        if (!chosen.contains(name)) {
          chosen.add(name);
        }
      }
      return List.copyOf(chosen);
    }

    /** The drain size of {@code contender}. */
    int tasksFor(DrainContender contender) {
      return contender instanceof QuartzJdbcDrain ? quartzTasks : drainTasks;
    }
  }

  private final Settings settings;

  StoreDrainComparison(Settings settings) {
    this.settings = settings;
  }

  /** Runs the scenarios chosen by the system properties and prints the tables. */
  public static void main(String[] args) throws Exception {
    new StoreDrainComparison(Settings.parse(System::getProperty)).run();
  }

  /** The contenders named by {@code keys}, in that order. */
  static List<DrainContender> contenders(List<String> keys, Duration pollingInterval) {
    List<DrainContender> out = new ArrayList<>();
    for (String key : keys) {
      out.add(
          switch (key) {
            case "asyncz" -> new AsynczDrain(false);
            case "asyncz-distinct" -> new AsynczDrain(true);
            case "dbs-lock-and-fetch" ->
                new DbSchedulerDrain(DbSchedulerDrain.Strategy.LOCK_AND_FETCH, pollingInterval);
            case "dbs-fetch" ->
                new DbSchedulerDrain(DbSchedulerDrain.Strategy.FETCH, pollingInterval);
            case "quartz" -> new QuartzJdbcDrain();
            default -> throw new IllegalArgumentException("Unknown contender \"" + key + "\"");
          });
    }
    return out;
  }

  private void run() throws Exception {
    printSetup();
    Map<String, Map<String, List<Double>>> drain = new LinkedHashMap<>();
    Map<String, Map<String, List<Double>>> stores = new LinkedHashMap<>();
    Report.progress("starting the embedded PostgreSQL server; %s", Report.load());
    try (PostgresDatabases postgres = PostgresDatabases.start()) {
      // Interrupted (Ctrl-C, kill): stop the server rather than leave it running.
      Thread hook = new Thread(postgres::closeQuietly, "stop-postgres");
      Runtime.getRuntime().addShutdownHook(hook);
      Report.progress("PostgreSQL %s is up", postgres.version());
      if (settings.scenarios().contains("drain")) {
        List<DrainContender> contenders =
            contenders(settings.contenders(), Duration.ofMillis(settings.pollMs()));
        Report.progress("drain: warm-up, a tenth of the size each; %s", Report.load());
        for (DrainContender c : contenders) {
          drainInFreshDatabase(postgres, c, Math.max(1, settings.tasksFor(c) / 10));
        }
        for (int rep = 0; rep < settings.reps(); rep++) {
          Report.progress(
              "drain: repetition %d of %d; %s", rep + 1, settings.reps(), Report.load());
          List<DrainContender> order = new ArrayList<>(contenders);
          Collections.rotate(order, -rep);
          for (DrainContender c : order) {
            record(drain, c.name(), drainInFreshDatabase(postgres, c, settings.tasksFor(c)));
          }
        }
      }
      if (settings.scenarios().contains("stores")) {
        EmbeddedRedis redis = settings.stores().contains("redis") ? EmbeddedRedis.start() : null;
        try {
          for (int rep = 0; rep < settings.reps(); rep++) {
            Report.progress(
                "stores: repetition %d of %d; %s", rep + 1, settings.reps(), Report.load());
            for (String key : settings.stores()) {
              record(stores, storeLabel(key), measureStore(postgres, redis, key, rep));
            }
          }
        } finally {
          if (redis != null) {
            redis.close();
          }
        }
      }
    }
    Report.progress("done; PostgreSQL stopped; %s", Report.load());
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "## Results (medians of %d repetitions, %s)%n%n",
        settings.reps(),
        Instant.now().toString().substring(0, 10));
    if (!drain.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "### Drain one-shot no-op tasks due now, %d worker threads (%,d tasks; Quartz %,d)%n%n",
          settings.threads(),
          settings.drainTasks(),
          settings.quartzTasks());
      Report.table("scheduler", drain);
      ratiosAndGoals(drain);
    }
    if (!stores.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "### Store operations, one thread (%,d tasks; FileStore %,d; due query in batches of"
              + " %d)%n%n",
          settings.storeTasks(),
          settings.fileTasks(),
          StoreThroughput.DUE_BATCH);
      Report.table("store", stores);
    }
    System.out.printf(Locale.ROOT, "Total %.0f s%n", Report.elapsedSeconds());
  }

  // ------------------------------------------------------------------ drain

  private Map<String, Double> drainInFreshDatabase(
      PostgresDatabases postgres, DrainContender c, int tasks) throws Exception {
    try (PostgresDatabases.Fresh db = postgres.create(settings.poolSize())) {
      return drain(c, db.dataSource(), tasks, settings.threads(), settings.timeoutSeconds());
    }
  }

  /**
   * Stores {@code tasks} tasks through {@code c}, starts it and waits for every run; the figures of
   * one repetition.
   */
  static Map<String, Double> drain(
      DrainContender c, DataSource dataSource, int tasks, int threads, int timeoutSeconds)
      throws Exception {
    CountingDataSource counting = new CountingDataSource(dataSource);
    Completion completion = new Completion(tasks);
    System.gc();
    long t0 = System.nanoTime();
    c.prepare(counting.dataSource(), threads, tasks, completion);
    long prepared = System.nanoTime();
    counting.reset();
    long started = System.nanoTime();
    boolean done;
    try {
      c.start();
      done = completion.await(timeoutSeconds, TimeUnit.SECONDS);
    } finally {
      c.stop();
    }
    long end = completion.lastNanos();
    Map<String, Double> m = new LinkedHashMap<>();
    if (done) {
      m.put("exec/s", tasks / ((end - started) / 1e9));
      m.put("drain s", (end - started) / 1e9);
    } else {
      m.put("exec/s", Double.NaN);
      m.put("drain s", Double.NaN);
    }
    m.put("insert s", (prepared - t0) / 1e9);
    m.put("inserts/s", tasks / ((prepared - t0) / 1e9));
    // Counted from start until stop returned: a little more than the drain itself.
    m.put("conns/task", counting.connections() / (double) tasks);
    m.put("stmts/task", counting.statements() / (double) tasks);
    m.put("commits/task", counting.commits() / (double) tasks);
    m.put("tasks", (double) tasks);
    Report.progress(
        "drain  %-32s %,7d tasks: %,9.0f exec/s, drain %.3f s, insert %.3f s;"
            + " per task %.2f conns, %.2f stmts, %.2f commits%s",
        c.name(),
        tasks,
        m.get("exec/s"),
        m.get("drain s"),
        m.get("insert s"),
        m.get("conns/task"),
        m.get("stmts/task"),
        m.get("commits/task"),
        done
            ? (completion.remaining() < 0
                ? "; WARNING " + -completion.remaining() + " extra runs"
                : "")
            : "; DID NOT FINISH in " + timeoutSeconds + " s: " + completion.remaining() + " left");
    return m;
  }

  private void ratiosAndGoals(Map<String, Map<String, List<Double>>> drain) {
    for (String name : drain.keySet()) {
      if (name.startsWith(OURS)) {
        ratiosAndGoals(drain, name);
      }
    }
  }

  private void ratiosAndGoals(Map<String, Map<String, List<Double>>> drain, String oursName) {
    double our = Report.median(drain.get(oursName).get("exec/s"));
    String best = null;
    double bestRate = Double.NaN;
    List<String> ratios = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<Double>>> e : drain.entrySet()) {
      if (e.getKey().startsWith(OURS)) {
        continue;
      }
      double theirs = Report.median(e.getValue().get("exec/s"));
      ratios.add(String.format(Locale.ROOT, "%s %.2fx", e.getKey(), our / theirs));
      if (e.getKey().startsWith("db-scheduler") && !(theirs <= bestRate)) {
        best = e.getKey();
        bestRate = theirs;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s exec/s / peer's (higher is better): %s%n%n",
        oursName,
        String.join(", ", ratios));
    if (best != null) {
      goal("(1) exec/s >= 1.5x db-scheduler's best", oursName, best, our / bestRate, 1.5);
    }
    Map<String, List<Double>> quartz = drain.get(QUARTZ);
    if (quartz != null) {
      goal(
          "(2) exec/s >= 20x Quartz JDBC",
          oursName,
          QUARTZ,
          our / Report.median(quartz.get("exec/s")),
          20);
    }
  }

  private static void goal(String label, String ours, String peer, double ratio, double factor) {
    System.out.printf(
        Locale.ROOT,
        "Goal %s: %s / %s = %.2f -> %s%n%n",
        label,
        ours,
        peer,
        ratio,
        ratio >= factor ? "MET" : "MISSED");
  }

  // ------------------------------------------------------------------ stores

  private static String storeLabel(String key) {
    return switch (key) {
      case "file" -> "FileStore";
      case "sqlite" -> "JdbcStore SQLite (file)";
      case "h2" -> "JdbcStore H2 (file)";
      case "postgres" -> "JdbcStore PostgreSQL";
      case "redis" -> "RedisStore";
      default -> throw new IllegalArgumentException("Unknown store \"" + key + "\"");
    };
  }

  private Map<String, Double> measureStore(
      PostgresDatabases postgres, EmbeddedRedis redis, String key, int rep) throws Exception {
    if (key.equals("redis")) {
      try (JedisPooled client = redis.client()) {
        return measureStore(
            key,
            new RedisStore(
                client,
                "bench" + rep + ":tasks",
                "bench" + rep + ":run_times",
                TaskRecords.plain()),
            settings.storeTasks(),
            Duration.ofMillis(settings.dueBudgetMs()));
      }
    }
    if (key.equals("postgres")) {
      try (PostgresDatabases.Fresh db = postgres.create(4)) {
        return measureStore(
            key,
            new JdbcStore(db.dataSource(), JdbcStore.DEFAULT_TABLE, TaskRecords.plain()),
            settings.storeTasks(),
            Duration.ofMillis(settings.dueBudgetMs()));
      }
    }
    Path dir = Files.createTempDirectory("asyncz-store-bench");
    try {
      return measureStore(
          key,
          localStore(key, dir),
          key.equals("file") ? settings.fileTasks() : settings.storeTasks(),
          Duration.ofMillis(settings.dueBudgetMs()));
    } finally {
      delete(dir);
    }
  }

  /** A store of kind {@code file}, {@code sqlite} or {@code h2} keeping its data in {@code dir}. */
  static TaskStore localStore(String key, Path dir) {
    return switch (key) {
      case "file" -> new FileStore(dir.resolve("tasks"));
      case "sqlite" ->
          new JdbcStore(
              "jdbc:sqlite:" + dir.resolve("tasks.db"),
              null,
              null,
              JdbcStore.DEFAULT_TABLE,
              TaskRecords.plain());
      case "h2" ->
          new JdbcStore(
              "jdbc:h2:file:" + dir.resolve("tasks"),
              null,
              null,
              JdbcStore.DEFAULT_TABLE,
              TaskRecords.plain());
      default -> throw new IllegalArgumentException("Not a local store: \"" + key + "\"");
    };
  }

  /** Starts {@code store}, measures it with {@link StoreThroughput} and shuts it down. */
  static Map<String, Double> measureStore(
      String key, TaskStore store, int tasks, Duration dueBudget) {
    store.start(new BenchStoreContext(), "default");
    try {
      Map<String, Double> m = StoreThroughput.measure(store, tasks, dueBudget);
      Report.progress(
          "stores %-24s %,6d tasks: %s",
          storeLabel(key),
          tasks,
          m.entrySet().stream()
              .map(e -> String.format(Locale.ROOT, "%s %,.0f", e.getKey(), e.getValue()))
              .collect(Collectors.joining(", ")));
      return m;
    } finally {
      store.shutdown();
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  // ------------------------------------------------------------------ reporting

  private static void record(
      Map<String, Map<String, List<Double>>> results, String name, Map<String, Double> values) {
    Map<String, List<Double>> byMetric = results.computeIfAbsent(name, k -> new LinkedHashMap<>());
    values.forEach((k, v) -> byMetric.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
  }

  private void printSetup() {
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "StoreDrainComparison: %s %s (%s), %d processors, max heap %,d MiB, GC %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.vendor"),
        rt.availableProcessors(),
        rt.maxMemory() / 1048576,
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", ")));
    System.out.println(settings);
  }
}
