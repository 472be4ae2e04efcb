package io.asyncz.benchmarks.cluster;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.asyncz.benchmarks.scheduler.Completion;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.jdbc.PostgresServer;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * Cluster mode on one embedded PostgreSQL (issue 13), every contender in one run and in this JVM:
 * {@code tasks} one-shot no-op tasks due now drained by 1 and by 3 Asyncz nodes in cluster mode,
 * and by 1 and 3 db-scheduler instances (lock-and-fetch polling, its clustered mode), each in a
 * fresh database; then the latency from adding a task due now on a node that does not claim (it is
 * paused) to its run on another node, which learns of it by polling.
 *
 * <p>System properties: {@code tasks} (100000), {@code threads} per node (4), {@code reps} (1),
 * {@code handover.samples} (10), {@code poll.ms} for Asyncz's {@code cluster.poll_interval} in the
 * hand-over measure (1000), {@code asyncz.only} (false: true drains with Asyncz alone).
 */
public final class ClusterDrainComparison {
  private ClusterDrainComparison() {}

  /** Runs the comparison and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int tasks = Integer.getInteger("tasks", 100_000);
    int threads = Integer.getInteger("threads", 4);
    int reps = Integer.getInteger("reps", 1);
    int samples = Integer.getInteger("handover.samples", 10);
    long pollMs = Long.getLong("poll.ms", 1000);
    boolean ours = Boolean.getBoolean("asyncz.only");
    System.out.printf(
        Locale.ROOT,
        "Machine: %d CPUs, Java %s, %s %s; tasks %,d, %d threads per node, %d repetitions%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        tasks,
        threads,
        reps);
    List<String> rows = new ArrayList<>();
    try (PostgresServer server = PostgresServer.start()) {
      int db = 0;
      for (int rep = 0; rep < reps; rep++) {
        for (int nodes : new int[] {1, 3}) {
          rows.add(
              row(
                  "Asyncz cluster, " + nodes + " node(s)",
                  tasks,
                  asyncz(server, "a" + db++, nodes, threads, tasks)));
          if (Boolean.getBoolean("redis")) {
            rows.add(
                row(
                    "Asyncz Redis cluster, " + nodes + " node(s)",
                    tasks,
                    redis(nodes, threads, tasks)));
          }
          if (ours) {
            continue;
          }
          rows.add(
              row(
                  "db-scheduler lock-and-fetch, " + nodes + " instance(s)",
                  tasks,
                  dbScheduler(server, "d" + db++, nodes, threads, tasks)));
        }
      }
      double[] latencies =
          ours
              ? new double[] {Double.NaN}
              : handover(server, "h" + db, samples, Duration.ofMillis(pollMs));
      System.out.println();
      System.out.println("| contender | drain s | exec/s |");
      System.out.println("|---|---:|---:|");
      rows.forEach(System.out::println);
      Arrays.sort(latencies);
      System.out.printf(
          Locale.ROOT,
          "%nAdd on a paused node, run on another (poll %d ms, %d samples): median %.0f ms, max %.0f"
              + " ms%n",
          pollMs,
          latencies.length,
          latencies[latencies.length / 2],
          latencies[latencies.length - 1]);
    }
  }

  private static String row(String name, int tasks, double seconds) {
    System.out.printf(Locale.ROOT, "  %s: %.3f s%n", name, seconds);
    return String.format(
        Locale.ROOT,
        "| %s | %.3f | %,.0f |",
        name,
        seconds,
        Double.isNaN(seconds) ? Double.NaN : tasks / seconds);
  }

  private static HikariDataSource database(PostgresServer server, String name, int poolSize)
      throws Exception {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.url(name));
    config.setMaximumPoolSize(poolSize);
    return new HikariDataSource(config);
  }

  private static ThreadScheduler node(
      DataSource ds, TaskRegistry registry, int threads, int i, ClusterSettings settings) {
    return io.asyncz.scheduler.Scheduler.builder()
        .registry(registry)
        .identity("bench-" + i)
        .cluster(settings)
        .executor("default", new PoolExecutor(threads))
        .store("default", new JdbcStore(ds, JdbcStore.DEFAULT_TABLE, TaskRecords.plain()))
        .build();
  }

  /** Seconds for {@code nodes} Asyncz nodes to run {@code tasks} one-shot tasks due now. */
  static double asyncz(PostgresServer server, String dbName, int nodes, int threads, int tasks)
      throws Exception {
    Completion completion = new Completion(tasks);
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                "bench.noop",
                (args, kwargs) -> {
                  completion.ran();
                  return null;
                });
    try (HikariDataSource ds = database(server, dbName, 4 * nodes + 2)) {
      List<ThreadScheduler> all = new ArrayList<>();
      ClusterSettings settings = ClusterSettings.DEFAULTS.withPollInterval(Duration.ofMillis(100));
      for (int i = 0; i < nodes; i++) {
        all.add(node(ds, registry, threads, i, settings));
      }
      all.get(0).start(true);
      Instant now = Instant.now();
      all.get(0)
          .addAll(
              batch -> {
                for (int i = 0; i < tasks; i++) {
                  batch
                      .task("bench.noop")
                      .id("t" + i)
                      .trigger(DateTrigger.at(now))
                      .noGraceLimit()
                      .add();
                }
              });
      long start = System.nanoTime();
      all.get(0).resume();
      for (int i = 1; i < nodes; i++) {
        all.get(i).start();
      }
      boolean done = completion.await(600, TimeUnit.SECONDS);
      long end = completion.lastNanos();
      for (ThreadScheduler s : all) {
        s.shutdown(Duration.ofSeconds(10));
      }
      return done ? (end - start) / 1e9 : Double.NaN;
    }
  }

  /**
   * Seconds for {@code nodes} Asyncz nodes in cluster mode on one embedded Redis (a fresh server)
   * to run {@code tasks} one-shot tasks due now, as {@link #asyncz} does on PostgreSQL; run with
   * {@code -Dredis=true}.
   */
  static double redis(int nodes, int threads, int tasks) throws Exception {
    Completion completion = new Completion(tasks);
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                "bench.noop",
                (args, kwargs) -> {
                  completion.ran();
                  return null;
                });
    try (io.asyncz.redis.EmbeddedRedis server = io.asyncz.redis.EmbeddedRedis.start()) {
      List<ThreadScheduler> all = new ArrayList<>();
      ClusterSettings settings = ClusterSettings.DEFAULTS.withPollInterval(Duration.ofMillis(100));
      for (int i = 0; i < nodes; i++) {
        all.add(
            io.asyncz.scheduler.Scheduler.builder()
                .registry(registry)
                .identity("bench-" + i)
                .cluster(settings)
                .executor("default", new PoolExecutor(threads))
                .store(
                    "default",
                    io.asyncz.redis.RedisStore.connect(
                        "127.0.0.1",
                        server.port(),
                        0,
                        null,
                        io.asyncz.redis.RedisStore.DEFAULT_TASKS_KEY,
                        io.asyncz.redis.RedisStore.DEFAULT_RUN_TIMES_KEY,
                        TaskRecords.plain()))
                .build());
      }
      all.get(0).start(true);
      Instant now = Instant.now();
      all.get(0)
          .addAll(
              batch -> {
                for (int i = 0; i < tasks; i++) {
                  batch
                      .task("bench.noop")
                      .id("t" + i)
                      .trigger(DateTrigger.at(now))
                      .noGraceLimit()
                      .add();
                }
              });
      long start = System.nanoTime();
      all.get(0).resume();
      for (int i = 1; i < nodes; i++) {
        all.get(i).start();
      }
      boolean done = completion.await(600, TimeUnit.SECONDS);
      long end = completion.lastNanos();
      for (ThreadScheduler s : all) {
        s.shutdown(Duration.ofSeconds(10));
      }
      return done ? (end - start) / 1e9 : Double.NaN;
    }
  }

  /** Seconds for {@code instances} db-scheduler instances to run {@code tasks} tasks due now. */
  static double dbScheduler(
      PostgresServer server, String dbName, int instances, int threads, int tasks)
      throws Exception {
    Completion completion = new Completion(tasks);
    try (HikariDataSource ds = database(server, dbName, 4 * instances + 2)) {
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        for (String sql : script().split(";")) {
          if (!sql.isBlank()) {
            s.execute(sql);
          }
        }
      }
      OneTimeTask<Void> task =
          Tasks.oneTime("noop").execute((instance, context) -> completion.ran());
      SchedulerClient.Builder.create(ds, task)
          .build()
          .scheduleBatch(
              IntStream.range(0, tasks).mapToObj(i -> (TaskInstance<?>) task.instance("t" + i)),
              Instant.now());
      List<Scheduler> all = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        all.add(
            Scheduler.create(ds, task)
                .threads(threads)
                .pollingInterval(Duration.ofMillis(10))
                .pollUsingLockAndFetch(0.5, 1.0)
                .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed("dbs-" + i))
                .shutdownMaxWait(Duration.ofSeconds(5))
                .build());
      }
      long start = System.nanoTime();
      all.forEach(Scheduler::start);
      boolean done = completion.await(600, TimeUnit.SECONDS);
      long end = completion.lastNanos();
      all.forEach(Scheduler::stop);
      return done ? (end - start) / 1e9 : Double.NaN;
    }
  }

  private static String script() throws IOException {
    String path = "/io/asyncz/benchmarks/store/db-scheduler-postgresql.sql";
    try (InputStream in = ClusterDrainComparison.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException(path + " is not on the class path");
      }
      StringBuilder out = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.strip().startsWith("--")) {
          out.append(line).append('\n');
        }
      }
      return out.toString();
    }
  }

  /**
   * Milliseconds from adding a task due now on a paused node (which never claims) to its run on a
   * running node, that learns of it only by polling every {@code poll}.
   */
  static double[] handover(PostgresServer server, String dbName, int samples, Duration poll)
      throws Exception {
    AtomicLong ranAt = new AtomicLong();
    CountDownLatch[] latch = {new CountDownLatch(1)};
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                "bench.mark",
                (args, kwargs) -> {
                  ranAt.set(System.nanoTime());
                  latch[0].countDown();
                  return null;
                });
    double[] ms = new double[samples];
    try (HikariDataSource ds = database(server, dbName, 8)) {
      ClusterSettings settings = ClusterSettings.DEFAULTS.withPollInterval(poll);
      ThreadScheduler adder = node(ds, registry, 1, 0, settings);
      ThreadScheduler runner = node(ds, registry, 1, 1, settings);
      adder.start(true);
      runner.start();
      for (int i = 0; i < samples; i++) {
        latch[0] = new CountDownLatch(1);
        long added = System.nanoTime();
        adder
            .task("bench.mark")
            .id("h" + i)
            .trigger(DateTrigger.at(Instant.now()))
            .noGraceLimit()
            .add();
        if (!latch[0].await(60, TimeUnit.SECONDS)) {
          ms[i] = Double.NaN;
          continue;
        }
        ms[i] = (ranAt.get() - added) / 1e6;
        System.out.printf(Locale.ROOT, "  hand-over %d: %.1f ms%n", i, ms[i]);
      }
      adder.shutdown(Duration.ofSeconds(5));
      runner.shutdown(Duration.ofSeconds(5));
    }
    return ms;
  }
}
