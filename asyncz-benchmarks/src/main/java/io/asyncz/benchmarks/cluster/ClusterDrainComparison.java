package io.asyncz.benchmarks.cluster;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.asyncz.benchmarks.scheduler.Completion;
import io.asyncz.event.Events;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.jdbc.PostgresServer;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.ClusteredStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * Cluster mode on one embedded PostgreSQL (issue 13), every contender in one run and in this JVM:
 *
 * <ol>
 *   <li><b>drain</b>: {@code tasks} one-shot no-op tasks due now drained by 1 and by 3 Asyncz nodes
 *       in cluster mode, by 1 and 3 db-scheduler instances (lock-and-fetch polling, its clustered
 *       mode) and by 1 and 3 Quartz clustered JDBC instances ({@code quartz.tasks} of them, since
 *       it runs a few hundred a second; compared on executions per second), each in a fresh
 *       database, {@code reps} times with the order of the contenders rotated each repetition;
 *   <li><b>handover</b>: the latency from adding a task due now on one node to its run on another,
 *       which learns of it by polling (the adding node paused, so outside the cluster) or by {@code
 *       LISTEN/NOTIFY} (the adding node in the cluster, claiming nothing; the running node polls an
 *       hour apart);
 *   <li><b>failover</b>: a node holding claims (runs in flight that never end) loses its database
 *       at once (its connection pool is closed: no heartbeat, no end of run reaches the store, as
 *       after a SIGKILL), and the time until a live node has resolved every one of its runs
 *       (reported interrupted, or started again under {@code rerun}), with short test settings and
 *       with the defaults.
 * </ol>
 *
 * <p>System properties: {@code tasks} (100000), {@code quartz.tasks} (2000), {@code threads} per
 * node (4), {@code reps} (3), {@code contenders} ({@code asyncz,dbs,quartz}; {@code redis} adds
 * Asyncz on an embedded Redis), {@code scenarios} ({@code drain,handover,failover}), {@code
 * handover.samples} (10), {@code poll.ms} for the polled hand-over (1000), {@code failover.samples}
 * (5, short settings), {@code failover.default.samples} (1, default settings: about 30 s each),
 * {@code failover.runs} in flight on the dying node (8), {@code asyncz.only} (false: true is {@code
 * contenders=asyncz scenarios=drain}).
 */
public final class ClusterDrainComparison {
  private ClusterDrainComparison() {}

  /** One drain contender at one size. */
  private record Contender(String name, String kind, int nodes) {}

  /** Runs the scenarios and prints Markdown tables. */
  public static void main(String[] args) throws Exception {
    int tasks = Integer.getInteger("tasks", 100_000);
    int quartzTasks = Integer.getInteger("quartz.tasks", 2_000);
    int threads = Integer.getInteger("threads", 4);
    int reps = Integer.getInteger("reps", 3);
    boolean ours = Boolean.getBoolean("asyncz.only");
    Set<String> kinds =
        Set.of(
            System.getProperty(
                    "contenders",
                    (ours ? "asyncz" : "asyncz,dbs,quartz")
                        + (Boolean.getBoolean("redis") ? ",redis" : ""))
                .split(","));
    Set<String> scenarios =
        Set.of(
            System.getProperty("scenarios", ours ? "drain" : "drain,handover,failover").split(","));
    System.out.printf(
        Locale.ROOT,
        "Machine: %d CPUs, Java %s, %s %s; tasks %,d (Quartz %,d), %d threads per node, %d"
            + " repetitions; load average %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        tasks,
        quartzTasks,
        threads,
        reps,
        load());
    List<Contender> contenders = new ArrayList<>();
    for (String kind : List.of("asyncz", "redis", "dbs", "quartz")) {
      if (kinds.contains(kind)) {
        contenders.add(new Contender(label(kind, 1), kind, 1));
        contenders.add(new Contender(label(kind, 3), kind, 3));
      }
    }
    Map<Contender, double[]> rates = new LinkedHashMap<>();
    contenders.forEach(c -> rates.put(c, new double[reps]));
    try (PostgresServer server = PostgresServer.start()) {
      int db = 0;
      if (scenarios.contains("drain")) {
        for (int rep = 0; rep < reps; rep++) {
          for (int k = 0; k < contenders.size(); k++) {
            Contender c = contenders.get((k + rep) % contenders.size());
            int n = c.kind().equals("quartz") ? quartzTasks : tasks;
            String name = "d" + db++;
            double seconds =
                switch (c.kind()) {
                  case "asyncz" -> asyncz(server, name, c.nodes(), threads, n);
                  case "redis" -> redis(c.nodes(), threads, n);
                  case "dbs" -> dbScheduler(server, name, c.nodes(), threads, n);
                  default -> quartz(server, name, c.nodes(), threads, n);
                };
            rates.get(c)[rep] = n / seconds;
            System.out.printf(
                Locale.ROOT,
                "  rep %d %s: %,d tasks in %.3f s = %,.0f exec/s (load %s)%n",
                rep + 1,
                c.name(),
                n,
                seconds,
                n / seconds,
                load());
          }
        }
        printDrain(rates);
      }
      if (scenarios.contains("handover")) {
        int samples = Integer.getInteger("handover.samples", 10);
        Duration poll = Duration.ofMillis(Long.getLong("poll.ms", 1000));
        double[] polled = handover(server, "h" + db++, samples, poll, false);
        double[] notified = handover(server, "h" + db++, samples, Duration.ofHours(1), true);
        System.out.println();
        System.out.println(
            "| hand-over (add on one node, run on another) | samples | median ms | min–max ms |");
        System.out.println("|---|---:|---:|---:|");
        System.out.println(latencyRow("polling, poll " + poll.toMillis() + " ms", polled));
        System.out.println(latencyRow("LISTEN/NOTIFY, poll 1 h", notified));
        System.out.println("load average " + load());
      }
      if (scenarios.contains("failover")) {
        int runs = Integer.getInteger("failover.runs", 8);
        Duration shortBeat = Duration.ofMillis(200);
        Duration shortStale = Duration.ofSeconds(3);
        List<String> lines = new ArrayList<>();
        int samples = Integer.getInteger("failover.samples", 5);
        for (NodeFailurePolicy policy : NodeFailurePolicy.values()) {
          double[] ms = failover(server, "f" + db++, samples, runs, shortBeat, shortStale, policy);
          lines.add(failoverRow(policy, shortBeat, shortStale, ms));
        }
        int defaults = Integer.getInteger("failover.default.samples", 1);
        if (defaults > 0) {
          Duration beat = ClusterSettings.DEFAULT_HEARTBEAT_INTERVAL;
          Duration stale = Duration.ofSeconds(30);
          double[] ms =
              failover(server, "f" + db++, defaults, runs, beat, stale, NodeFailurePolicy.REPORT);
          lines.add(failoverRow(NodeFailurePolicy.REPORT, beat, stale, ms));
        }
        System.out.println();
        System.out.println(
            "| fail-over of "
                + runs
                + " runs in flight | samples | median ms | min–max ms | bound |");
        System.out.println("|---|---:|---:|---:|---|");
        lines.forEach(System.out::println);
        System.out.println("load average " + load());
      }
    }
  }

  private static String label(String kind, int nodes) {
    return switch (kind) {
      case "asyncz" -> "Asyncz cluster, " + nodes + (nodes == 1 ? " node" : " nodes");
      case "redis" -> "Asyncz Redis cluster, " + nodes + (nodes == 1 ? " node" : " nodes");
      case "dbs" ->
          "db-scheduler lock-and-fetch, " + nodes + (nodes == 1 ? " instance" : " instances");
      case "quartz" ->
          "Quartz JDBC clustered, " + nodes + (nodes == 1 ? " instance" : " instances");
      default ->
          throw new IllegalArgumentException(
              "contenders: \"" + kind + "\" is not one of asyncz, redis, dbs, quartz");
    };
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
      return drain(all, tasks, completion, "Asyncz on Redis");
    }
  }

  /** The load average of the last 1, 5 and 15 minutes, or "?" where /proc has none. */
  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }

  private static void printDrain(Map<Contender, double[]> rates) {
    System.out.println();
    System.out.println("| contender | exec/s median | smallest–largest |");
    System.out.println("|---|---:|---:|");
    Map<String, Double> median = new LinkedHashMap<>();
    rates.forEach(
        (c, r) -> {
          double[] sorted = r.clone();
          Arrays.sort(sorted);
          median.put(c.kind() + c.nodes(), sorted[sorted.length / 2]);
          System.out.printf(
              Locale.ROOT,
              "| %s | %,.0f | %,.0f–%,.0f |%n",
              c.name(),
              sorted[sorted.length / 2],
              sorted[0],
              sorted[sorted.length - 1]);
        });
    System.out.println();
    ratio(median, "asyncz3", "asyncz1", "3 Asyncz nodes / 1 node (goal >= 0.8)");
    ratio(median, "asyncz3", "dbs3", "3 Asyncz nodes / 3 db-scheduler instances (goal >= 5)");
    ratio(median, "asyncz3", "quartz3", "3 Asyncz nodes / 3 Quartz instances");
    ratio(median, "asyncz1", "dbs1", "1 Asyncz node / 1 db-scheduler instance");
    ratio(median, "dbs3", "dbs1", "3 db-scheduler instances / 1");
    ratio(median, "quartz3", "quartz1", "3 Quartz instances / 1");
    System.out.println("load average " + load());
  }

  private static void ratio(Map<String, Double> median, String a, String b, String what) {
    if (median.containsKey(a) && median.containsKey(b)) {
      System.out.printf(Locale.ROOT, "- %s: %.2fx%n", what, median.get(a) / median.get(b));
    }
  }

  private static String latencyRow(String name, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.0f | %.0f–%.0f |",
        name,
        ms.length,
        sorted[sorted.length / 2],
        sorted[0],
        sorted[sorted.length - 1]);
  }

  private static String failoverRow(
      NodeFailurePolicy policy, Duration beat, Duration stale, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "| %s, heartbeat %d ms, stale after %d ms | %d | %.0f | %.0f–%.0f | %d–%d ms |",
        policy.label(),
        beat.toMillis(),
        stale.toMillis(),
        ms.length,
        sorted[sorted.length / 2],
        sorted[0],
        sorted[sorted.length - 1],
        stale.minus(beat).toMillis(),
        stale.plus(beat).toMillis());
  }

  private static HikariDataSource database(PostgresServer server, String name, int poolSize)
      throws Exception {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return pool(server, name, poolSize);
  }

  private static HikariDataSource pool(PostgresServer server, String name, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.url(name));
    config.setMaximumPoolSize(poolSize);
    return new HikariDataSource(config);
  }

  private static ThreadScheduler node(
      DataSource ds,
      TaskRegistry registry,
      int threads,
      String identity,
      ClusterSettings settings) {
    return node(ds, registry, threads, identity, settings, Duration.ofSeconds(30));
  }

  private static ThreadScheduler node(
      DataSource ds,
      TaskRegistry registry,
      int threads,
      String identity,
      ClusterSettings settings,
      Duration staleAfter) {
    return io.asyncz.scheduler.Scheduler.builder()
        .registry(registry)
        .identity(identity)
        .cluster(settings)
        .heartbeatStaleAfter(staleAfter)
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
        all.add(node(ds, registry, threads, "bench-" + i, settings));
      }
      return drain(all, tasks, completion, "Asyncz");
    }
  }

  /**
   * Seconds for the nodes {@code all} (built, not started) to run {@code tasks} one-shot tasks due
   * now: node 0 starts paused and adds them in one batch; the clock starts when it resumes and the
   * others start, and stops at the last run; every node is shut down after.
   */
  private static double drain(
      List<ThreadScheduler> all, int tasks, Completion completion, String who) throws Exception {
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
    for (int i = 1; i < all.size(); i++) {
      all.get(i).start();
    }
    boolean done = completion.await(600, TimeUnit.SECONDS);
    long end = completion.lastNanos();
    for (ThreadScheduler s : all) {
      s.shutdown(Duration.ofSeconds(10));
    }
    warnOnDuplicates(who, completion);
    return done ? (end - start) / 1e9 : Double.NaN;
  }

  private static void warnOnDuplicates(String who, Completion completion) {
    if (completion.remaining() < 0) {
      System.out.printf(
          Locale.ROOT, "  WARNING: %s ran %d tasks more than once%n", who, -completion.remaining());
    }
  }

  /** Seconds for {@code instances} db-scheduler instances to run {@code tasks} tasks due now. */
  static double dbScheduler(
      PostgresServer server, String dbName, int instances, int threads, int tasks)
      throws Exception {
    Completion completion = new Completion(tasks);
    try (HikariDataSource ds = database(server, dbName, 4 * instances + 2)) {
      Sql.run(
          ds,
          Sql.resource(
              ClusterDrainComparison.class,
              "/io/asyncz/benchmarks/store/db-scheduler-postgresql.sql"));
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
      warnOnDuplicates("db-scheduler", completion);
      return done ? (end - start) / 1e9 : Double.NaN;
    }
  }

  /** Seconds for {@code instances} clustered Quartz instances to run {@code tasks} jobs due now. */
  static double quartz(PostgresServer server, String dbName, int instances, int threads, int tasks)
      throws Exception {
    Completion completion = new Completion(tasks);
    try (HikariDataSource ds = database(server, dbName, 4 * instances + 2)) {
      QuartzClusterDrain quartz = new QuartzClusterDrain();
      quartz.prepare(ds, instances, threads, tasks, completion);
      long start = System.nanoTime();
      quartz.start();
      boolean done = completion.await(600, TimeUnit.SECONDS);
      long end = completion.lastNanos();
      quartz.stop();
      warnOnDuplicates("Quartz", completion);
      return done ? (end - start) / 1e9 : Double.NaN;
    }
  }

  /**
   * Milliseconds from adding a task due now on one node to its run on another: with {@code notify}
   * false the adding node is a paused scheduler (outside the cluster) and the running node polls
   * every {@code poll}; with {@code notify} true the adding node is a store in the cluster that
   * claims nothing, whose change sends a {@code NOTIFY}.
   */
  static double[] handover(
      PostgresServer server, String dbName, int samples, Duration poll, boolean notify)
      throws Exception {
    AtomicLong ranAt = new AtomicLong();
    CountDownLatch[] latch = {new CountDownLatch(1)};
    TaskFunction mark =
        (args, kwargs) -> {
          ranAt.set(System.nanoTime());
          latch[0].countDown();
          return null;
        };
    TaskRegistry registry = new TaskRegistry().register("bench.mark", mark);
    double[] ms = new double[samples];
    try (HikariDataSource ds = database(server, dbName, 8)) {
      ClusterSettings settings = ClusterSettings.DEFAULTS.withPollInterval(poll);
      ThreadScheduler runner = node(ds, registry, 1, "runner", settings);
      ThreadScheduler adder = notify ? null : node(ds, registry, 1, "adder", settings);
      JdbcStore adderStore =
          notify ? new JdbcStore(ds, JdbcStore.DEFAULT_TABLE, TaskRecords.plain()) : null;
      runner.start();
      if (notify) {
        adderStore.start(new AdderContext(registry), "default");
        adderStore.joinCluster(
            new ClusteredStore.Node("adder", "bench", 0, Instant.now(), "bench"));
        // The runner listens once it has joined, which its instance list shows.
        while (runner.instances().size() < 2) {
          latch[0].await(20, TimeUnit.MILLISECONDS);
        }
      } else {
        adder.start(true);
      }
      for (int i = 0; i < samples; i++) {
        latch[0] = new CountDownLatch(1);
        long added = System.nanoTime();
        Instant now = Instant.now();
        if (notify) {
          adderStore.addTask(
              Task.builder("h" + i)
                  .function(mark, "bench.mark")
                  .trigger(DateTrigger.at(now))
                  .nextRunTime(now)
                  .storeAlias("default")
                  .build());
        } else {
          adder.task("bench.mark").id("h" + i).trigger(DateTrigger.at(now)).noGraceLimit().add();
        }
        if (!latch[0].await(60, TimeUnit.SECONDS)) {
          ms[i] = Double.NaN;
          continue;
        }
        ms[i] = (ranAt.get() - added) / 1e6;
        System.out.printf(
            Locale.ROOT, "  hand-over %s %d: %.1f ms%n", notify ? "notify" : "poll", i, ms[i]);
        // A random wait before the next, so that the samples fall anywhere in the poll period
        // (right after a run the running node looks at its store again, and would find it at once).
        pause(50 + (long) (Math.random() * Math.min(poll.toMillis(), 1000)));
      }
      runner.shutdown(Duration.ofSeconds(5));
      if (notify) {
        adderStore.leaveCluster("adder");
        adderStore.shutdown();
      } else {
        adder.shutdown(Duration.ofSeconds(5));
      }
    }
    return ms;
  }

  /** Waits {@code millis} on a latch that nobody opens. */
  private static void pause(long millis) throws InterruptedException {
    new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Milliseconds from the moment a node holding {@code runs} runs in flight loses its database (its
   * pool is closed: no heartbeat and no end of run reaches the store any more) to the moment a live
   * node has resolved all of them by {@code policy}: reported interrupted, or started again.
   */
  static double[] failover(
      PostgresServer server,
      String dbName,
      int samples,
      int runs,
      Duration heartbeat,
      Duration staleAfter,
      NodeFailurePolicy policy)
      throws Exception {
    double[] ms = new double[samples];
    try (HikariDataSource ds = database(server, dbName, 8)) {
      ClusterSettings settings =
          ClusterSettings.DEFAULTS
              .withHeartbeatInterval(heartbeat)
              .withPollInterval(Duration.ofMillis(100))
              .withOnNodeFailure(policy);
      for (int i = 0; i < samples; i++) {
        CountDownLatch started = new CountDownLatch(runs);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch resolved = new CountDownLatch(runs);
        AtomicBoolean killed = new AtomicBoolean();
        TaskRegistry registry =
            new TaskRegistry()
                .register(
                    "bench.hang",
                    (args, kwargs) -> {
                      if (killed.get()) {
                        resolved.countDown(); // run again on the live node (rerun)
                      } else {
                        started.countDown();
                        release.await();
                      }
                      return null;
                    });
        HikariDataSource victimPool = pool(server, dbName, 4);
        ThreadScheduler victim =
            node(victimPool, registry, runs, "victim-" + i, settings, staleAfter);
        ThreadScheduler survivor = node(ds, registry, runs, "survivor-" + i, settings, staleAfter);
        survivor.addListener(e -> resolved.countDown(), Events.TASK_INTERRUPTED);
        try {
          victim.start();
          Instant now = Instant.now();
          victim.addAll(
              batch -> {
                for (int r = 0; r < runs; r++) {
                  batch
                      .task("bench.hang")
                      .id("f" + r)
                      .trigger(DateTrigger.at(now))
                      .noGraceLimit()
                      .add();
                }
              });
          if (!started.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the victim did not start its runs");
          }
          // The survivor looks for stale nodes once per heartbeat of its own: started at a random
          // moment, that look has a random phase against the victim's heartbeat (started at once,
          // it had the same phase in every sample).
          pause((long) (Math.random() * heartbeat.toMillis()));
          survivor.start();
          while (survivor.instances().size() < 2) {
            started.await(20, TimeUnit.MILLISECONDS); // until the survivor has joined
          }
          // A random moment in the victim's heartbeat period.
          pause((long) (Math.random() * heartbeat.toMillis()));
          killed.set(true);
          long kill = System.nanoTime();
          victimPool.close();
          if (!resolved.await(staleAfter.multipliedBy(3).toSeconds() + 30, TimeUnit.SECONDS)) {
            ms[i] = Double.NaN;
          } else {
            ms[i] = (System.nanoTime() - kill) / 1e6;
          }
          System.out.printf(
              Locale.ROOT,
              "  fail-over %s (heartbeat %d ms, stale after %d ms) %d: %.0f ms%n",
              policy.label(),
              heartbeat.toMillis(),
              staleAfter.toMillis(),
              i,
              ms[i]);
        } finally {
          release.countDown();
          victim.shutdown(Duration.ZERO);
          survivor.shutdown(Duration.ofSeconds(5));
          victimPool.close();
        }
      }
    }
    return ms;
  }
}
