package io.asyncz.benchmarks.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * The node that dies in {@link ClusterFailoverProcesses}, in a JVM of its own: a scheduler in
 * cluster mode on a {@code JdbcStore} that adds {@code runs} one-shot tasks due now, claims them
 * and runs them for ever (each run blocks), prints {@code STARTED <task id>} as each run starts and
 * {@code RUNNING} once all have, then waits for SIGKILL. It exits by itself only when its standard
 * input closes (its parent is gone), so that it never outlives the benchmark.
 *
 * <p>Arguments: the database's JDBC URL, the node's identity (also the {@code application_name} of
 * its connections, so that the parent can watch them in {@code pg_stat_activity}), the number of
 * runs, the heartbeat interval and {@code heartbeat_stale_after} in milliseconds, the node-failure
 * policy ({@code report} or {@code rerun}), and the prefix of the task ids.
 */
public final class FailoverVictim {
  /** The reference the tasks' function is registered under, on the victim and the survivor. */
  static final String FUNCTION = "bench.hang";

  /** The line the victim prints once every run is running. */
  static final String RUNNING = "RUNNING";

  /** The prefix of the line the victim prints as each run starts, before the task id. */
  static final String STARTED = "STARTED ";

  private FailoverVictim() {}

  /** Runs the victim; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String identity = args[1];
    int runs = Integer.parseInt(args[2]);
    Duration heartbeat = Duration.ofMillis(Long.parseLong(args[3]));
    Duration staleAfter = Duration.ofMillis(Long.parseLong(args[4]));
    NodeFailurePolicy policy = NodeFailurePolicy.parse("policy", args[5]);
    String prefix = args[6];
    PrintStream out = System.out;
    CountDownLatch started = new CountDownLatch(runs);
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                FUNCTION,
                (a, k) -> {
                  synchronized (out) {
                    out.println(STARTED + a.get(0));
                    out.flush();
                  }
                  started.countDown();
                  // Never ends: the run is in flight when SIGKILL comes.
                  new CountDownLatch(1).await();
                  return null;
                });
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    config.addDataSourceProperty("ApplicationName", identity);
    HikariDataSource pool = new HikariDataSource(config);
    Clock clock = Clock.systemUTC();
    ThreadScheduler scheduler =
        Scheduler.builder()
            .clock(clock)
            .registry(registry)
            .identity(identity)
            .cluster(ClusterFailoverProcesses.settings(heartbeat, policy))
            .heartbeatStaleAfter(staleAfter)
            .executor("default", new PoolExecutor(runs))
            .store("default", new JdbcStore(pool, JdbcStore.DEFAULT_TABLE, TaskRecords.plain()))
            .build();
    scheduler.start();
    Instant now = clock.instant();
    scheduler.addAll(
        batch -> {
          for (int r = 0; r < runs; r++) {
            String id = prefix + r;
            batch.task(FUNCTION).id(id).args(id).trigger(DateTrigger.at(now)).noGraceLimit().add();
          }
        });
    started.await();
    synchronized (out) {
      out.println(RUNNING);
      out.flush();
    }
    drain(System.in);
    // Not reached under the benchmark: the parent kills the victim before its input closes.
    System.exit(3);
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // Nothing is sent; the end of the stream means the parent is gone.
    }
  }
}
