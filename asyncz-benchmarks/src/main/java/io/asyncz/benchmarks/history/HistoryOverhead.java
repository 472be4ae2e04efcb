package io.asyncz.benchmarks.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.asyncz.benchmarks.Report;
import io.asyncz.benchmarks.scheduler.Completion;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.history.RunQuery;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.jdbc.PostgresServer;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What run history costs the engine: the drain of {@code SchedulerComparison} ({@code drain.tasks}
 * one-shot tasks due now, each a distinct lambda, on a two-thread pool executor, timed from the
 * first add to the last run) with run history off and on, on the memory store, and on a JdbcStore
 * on an embedded PostgreSQL ({@code pg.tasks} tasks added with {@code addAll} while paused, then
 * resumed and timed to the last run; with history on, also to the last record written). Off and on
 * alternate within each repetition; medians and the on/off ratio are printed.
 *
 * <pre>
 * java -cp asyncz-benchmarks/target/benchmarks.jar io.asyncz.benchmarks.history.HistoryOverhead
 *   [-Dreps=5] [-Ddrain.tasks=100000] [-Dpg.tasks=20000] [-Dpg=false]
 * </pre>
 */
public final class HistoryOverhead {
  private static final LongAdder SINK = new LongAdder();

  private HistoryOverhead() {}

  /** Runs the comparison and prints the table. */
  public static void main(String[] args) throws Exception {
    int reps = Integer.getInteger("reps", 5);
    int tasks = Integer.getInteger("drain.tasks", 100_000);
    int pgTasks = Integer.getInteger("pg.tasks", 20_000);
    boolean pg = Boolean.parseBoolean(System.getProperty("pg", "true"));
    System.out.printf(
        Locale.ROOT,
        "Run history overhead: reps=%d drain.tasks=%,d pg.tasks=%,d; %s; Java %s, %d CPUs%n",
        reps,
        tasks,
        pgTasks,
        Report.load(),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    Map<String, Map<String, List<Double>>> memory = new LinkedHashMap<>();
    drainMemory(false, Math.min(tasks, 20_000)); // warm-up
    drainMemory(true, Math.min(tasks, 20_000));
    for (int rep = 0; rep < reps; rep++) {
      // Alternate which goes first, so that a trend in the machine's load hits both.
      boolean[] order = rep % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false};
      for (boolean on : order) {
        record(memory, on ? "memory, history on" : "memory, history off", drainMemory(on, tasks));
      }
    }
    System.out.printf(Locale.ROOT, "%n### Memory store, %,d tasks%n%n", tasks);
    Report.table("drain", memory);
    ratio(memory, "memory, history on", "memory, history off");
    if (pg) {
      Map<String, Map<String, List<Double>>> postgres = new LinkedHashMap<>();
      PostgresServer server = PostgresServer.start();
      try {
        drainPostgres(server, false, Math.min(pgTasks, 5_000), 0);
        drainPostgres(server, true, Math.min(pgTasks, 5_000), 0);
        for (int rep = 0; rep < reps; rep++) {
          boolean[] order =
              rep % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false};
          for (boolean on : order) {
            record(
                postgres,
                on ? "PostgreSQL, history on" : "PostgreSQL, history off",
                drainPostgres(server, on, pgTasks, rep + 1));
          }
        }
      } finally {
        server.close();
      }
      System.out.printf(Locale.ROOT, "%n### JdbcStore on PostgreSQL, %,d tasks%n%n", pgTasks);
      Report.table("drain", postgres);
      ratio(postgres, "PostgreSQL, history on", "PostgreSQL, history off");
    }
    System.out.printf(Locale.ROOT, "%nTotal %.0f s; %s%n", Report.elapsedSeconds(), Report.load());
  }

  private static void record(
      Map<String, Map<String, List<Double>>> results, String name, Map<String, Double> m) {
    Map<String, List<Double>> byMetric = results.computeIfAbsent(name, k -> new LinkedHashMap<>());
    m.forEach((k, v) -> byMetric.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
  }

  private static void ratio(Map<String, Map<String, List<Double>>> r, String on, String off) {
    double a = Report.median(r.get(on).get("exec/s"));
    double b = Report.median(r.get(off).get("exec/s"));
    System.out.printf(
        Locale.ROOT,
        "%nexec/s with history on / off: %.3f (overhead %.1f %%)%n",
        a / b,
        (1 - a / b) * 100);
  }

  private static Map<String, Double> drainMemory(boolean history, int tasks) throws Exception {
    System.gc();
    Scheduler scheduler =
        Scheduler.builder().executor("default", new PoolExecutor(2)).runHistory(history).build();
    scheduler.start();
    Completion completion = new Completion(tasks);
    long t0 = System.nanoTime();
    Instant now = scheduler.clock().instant();
    DateTrigger due = DateTrigger.at(now);
    for (int i = 0; i < tasks; i++) {
      int n = i;
      scheduler
          .task(
              () -> {
                SINK.add(n);
                completion.ran();
              })
          .trigger(due)
          .noGraceLimit()
          .add();
    }
    long scheduled = System.nanoTime();
    boolean done = completion.await(300, TimeUnit.SECONDS);
    long end = completion.lastNanos();
    int kept = history ? scheduler.runHistory().query(RunQuery.ALL.after(null)).runs().size() : 0;
    scheduler.shutdown(false);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("exec/s", done ? tasks / ((end - t0) / 1e9) : Double.NaN);
    m.put("total s", done ? (end - t0) / 1e9 : Double.NaN);
    m.put("schedule s", (scheduled - t0) / 1e9);
    Report.progress(
        "memory  history %-3s %,9d tasks: %,12.0f exec/s, total %.3f s (runs readable: %d)",
        history ? "on" : "off", tasks, m.get("exec/s"), m.get("total s"), kept);
    return m;
  }

  private static Map<String, Double> drainPostgres(
      PostgresServer server, boolean history, int tasks, int rep) throws Exception {
    String name = "hist_" + (history ? "on_" : "off_") + rep + "_" + System.nanoTime();
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.url(name));
    config.setMaximumPoolSize(4);
    config.setPoolName(name);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      Completion completion = new Completion(tasks);
      TaskRegistry registry =
          new TaskRegistry()
              .register(
                  "bench.noop",
                  (a, k) -> {
                    completion.ran();
                    return null;
                  });
      Scheduler scheduler =
          Scheduler.builder()
              .registry(registry)
              .executor("default", new PoolExecutor(2))
              .store("default", new JdbcStore(pool, JdbcStore.DEFAULT_TABLE, TaskRecords.plain()))
              .runHistory(history)
              .build();
      scheduler.start(true);
      DateTrigger due = DateTrigger.at(scheduler.clock().instant());
      scheduler.addAll(
          batch -> {
            for (int i = 0; i < tasks; i++) {
              batch.task("bench.noop").id("t" + i).trigger(due).noGraceLimit().add();
            }
          });
      System.gc();
      long t0 = System.nanoTime();
      scheduler.resume();
      boolean done = completion.await(600, TimeUnit.SECONDS);
      long end = completion.lastNanos();
      boolean written = scheduler.flushRunHistory(Duration.ofSeconds(600));
      long writtenAt = System.nanoTime();
      scheduler.shutdown(false);
      m.put("exec/s", done ? tasks / ((end - t0) / 1e9) : Double.NaN);
      m.put("total s", done ? (end - t0) / 1e9 : Double.NaN);
      m.put("history written s", history && written ? (writtenAt - t0) / 1e9 : Double.NaN);
      Report.progress(
          "postgres history %-3s %,9d tasks: %,12.0f exec/s, total %.3f s, records written at %.3f s",
          history ? "on" : "off",
          tasks,
          m.get("exec/s"),
          m.get("total s"),
          m.get("history written s"));
    } finally {
      try (Connection c = DriverManager.getConnection(server.url("postgres"));
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
    return m;
  }
}
