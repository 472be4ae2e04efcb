package io.asyncz.benchmarks.cluster;

import io.asyncz.jdbc.JdbcStore;
import io.asyncz.jdbc.PostgresServer;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.ClusteredStore.Decision;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.FaultProxy;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
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

/**
 * A node cut off from the database in the middle of a claim, on one embedded PostgreSQL: node A's
 * store goes through a {@link FaultProxy}; its claim of {@code tasks} due tasks has locked their
 * rows ({@code SELECT ... FOR UPDATE SKIP LOCKED}) and waits in its planner when the proxy is
 * blackholed (no socket closed: packets just stop). Node B, a scheduler with the default settings
 * on a direct connection, is started then, and the time until it has run every one of those tasks
 * is measured: with the store's default idle transaction timeout (the statement timeout, 10 s),
 * after which PostgreSQL ends A's session and its locks, and with the option off, where only the
 * server's TCP keepalive would (about two hours on Linux; the proxy's own socket answers the
 * probes, so here never): that wait is capped.
 *
 * <p>System properties: {@code reps} (3, each setting once per repetition, interleaved), {@code
 * tasks} (8), {@code cap.seconds} (60).
 */
public final class ClusterPartition {
  private ClusterPartition() {}

  /** Runs the repetitions and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int reps = Integer.getInteger("reps", 3);
    int tasks = Integer.getInteger("tasks", 8);
    Duration cap = Duration.ofSeconds(Integer.getInteger("cap.seconds", 60));
    String[] settings = {"default (10 s)", "off (0)"};
    double[][] seconds = new double[settings.length][reps];
    System.out.printf(
        Locale.ROOT,
        "Cut-off claim on PostgreSQL: %d tasks, %d repetitions, cap %s; load average %s%n",
        tasks,
        reps,
        cap,
        ClusterDrainComparison.load());
    try (PostgresServer server = PostgresServer.start()) {
      for (int r = 0; r < reps; r++) {
        for (int s = 0; s < settings.length; s++) {
          // Interleaved, and the order turned each repetition.
          int which = (s + r) % settings.length;
          Duration idle = which == 0 ? null : Duration.ZERO;
          seconds[which][r] = sample(server, "partition_" + r + "_" + which, tasks, idle, cap);
          System.out.printf(
              Locale.ROOT,
              "  rep %d, %s: %s; load average %s%n",
              r + 1,
              settings[which],
              Double.isNaN(seconds[which][r])
                  ? "not run within the cap"
                  : String.format(Locale.ROOT, "%.2f s", seconds[which][r]),
              ClusterDrainComparison.load());
        }
      }
    }
    System.out.println();
    System.out.println(
        "| idle_transaction_timeout | samples | median s | min–max s | not run within "
            + cap.toSeconds()
            + " s |");
    System.out.println("|---|---|---|---|---|");
    for (int s = 0; s < settings.length; s++) {
      double[] ran = Arrays.stream(seconds[s]).filter(x -> !Double.isNaN(x)).sorted().toArray();
      int capped = reps - ran.length;
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %s | %d |%n",
          settings[s],
          reps,
          ran.length == 0 || capped > ran.length
              ? "> " + cap.toSeconds()
              : String.format(Locale.ROOT, "%.2f", ran[ran.length / 2]),
          ran.length == 0
              ? "—"
              : String.format(Locale.ROOT, "%.2f–%.2f", ran[0], ran[ran.length - 1]),
          capped);
    }
    System.out.println("load average " + ClusterDrainComparison.load());
  }

  /**
   * Seconds from the blackhole to B's run of every task A's claim held, or NaN past {@code cap}.
   *
   * @param idle A's idle transaction timeout, or null for the store's default
   */
  static double sample(PostgresServer server, String table, int tasks, Duration idle, Duration cap)
      throws Exception {
    CountDownLatch allRan = new CountDownLatch(tasks);
    TaskFunction mark =
        (args, kwargs) -> {
          allRan.countDown();
          return null;
        };
    TaskRegistry registry = new TaskRegistry().register("bench.mark", mark);
    try (FaultProxy proxy = FaultProxy.start("127.0.0.1", server.port())) {
      JdbcStore.Timeouts timeouts =
          idle == null
              ? JdbcStore.Timeouts.DEFAULTS
              : JdbcStore.Timeouts.DEFAULTS.withIdleTransaction(idle);
      JdbcStore cutOff =
          new JdbcStore(
              "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres?user=postgres",
              null,
              null,
              table,
              TaskRecords.plain(),
              timeouts);
      cutOff.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
      CountDownLatch locked = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread claim = null;
      ThreadScheduler other = null;
      try {
        cutOff.joinCluster(new ClusteredStore.Node("a", "host-a", 1, Instant.EPOCH, "bench"));
        Instant due = Instant.now();
        List<Task> batch = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
          batch.add(
              Task.builder("locked-" + i)
                  .function(mark, "bench.mark")
                  .trigger(DateTrigger.at(due))
                  .nextRunTime(due)
                  .mistriggerGraceTime(null)
                  .storeAlias("default")
                  .build());
        }
        cutOff.addTasks(batch);
        claim =
            new Thread(
                () -> {
                  try {
                    cutOff.claimDue(
                        "a",
                        Instant.now(),
                        256,
                        (task, running) -> {
                          locked.countDown();
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return new Decision(null, List.of(task.nextRunTimeOrNull()), false);
                        });
                  } catch (RuntimeException expected) {
                    // The server ended the transaction while the node was cut off.
                  }
                },
                "cut-off-claim");
        claim.start();
        if (!locked.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("node A's claim did not lock its rows");
        }
        proxy.blackhole();
        long cut = System.nanoTime();
        other =
            Scheduler.builder()
                .registry(registry)
                .identity("b")
                .cluster(true)
                .store(
                    "default",
                    new JdbcStore(server.url("postgres"), null, null, table, TaskRecords.plain()))
                .build();
        other.start();
        boolean ran = allRan.await(cap.toMillis(), TimeUnit.MILLISECONDS);
        return ran ? (System.nanoTime() - cut) / 1e9 : Double.NaN;
      } finally {
        release.countDown();
        proxy.pass();
        if (claim != null) {
          claim.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (other != null) {
          other.shutdown(Duration.ofSeconds(10));
        }
        cutOff.shutdown();
        try (Connection c = DriverManager.getConnection(server.url("postgres"));
            Statement s = c.createStatement()) {
          for (String suffix :
              new String[] {"", "_quarantine", "_runs", "_inflight", "_nodes", "_cluster"}) {
            s.execute("DROP TABLE IF EXISTS " + table + suffix);
          }
        }
      }
    }
  }
}
