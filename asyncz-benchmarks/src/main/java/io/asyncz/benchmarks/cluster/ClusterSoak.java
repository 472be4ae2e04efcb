package io.asyncz.benchmarks.cluster;

import io.asyncz.jdbc.PostgresServer;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.testkit.ClusterChaos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The long soak of cluster mode (issue 13): the chaos test of {@code PostgresClusterChaosTest} for
 * as long as asked. Three node processes on one embedded PostgreSQL, a random one killed with
 * SIGKILL every 15 to 20 s and started again, tasks under {@code report} and {@code rerun}; then
 * every run they recorded is checked. Prints the counts, and every broken promise with its records
 * (exit code 1 then).
 *
 * <p>System properties: {@code asyncz.chaos.seconds} (600), {@code asyncz.chaos.seed} (random),
 * {@code stale.ms} for {@code heartbeat_stale_after} (4000), {@code work.ms} for the longest work
 * of a run (800), {@code logs} for the node processes' logs ({@code target/cluster-soak}).
 */
public final class ClusterSoak {
  private ClusterSoak() {}

  /** Runs the soak. */
  public static void main(String[] args) throws Exception {
    Duration length = Duration.ofSeconds(Integer.getInteger("asyncz.chaos.seconds", 600));
    long seed = Long.getLong("asyncz.chaos.seed", System.nanoTime());
    Path logs = Path.of(System.getProperty("logs", "target/cluster-soak"), Long.toString(seed));
    ClusterChaos.Result result;
    try (PostgresServer server = PostgresServer.start()) {
      String url = server.url("postgres");
      result =
          ClusterChaos.run(
              new ClusterChaos.Settings(
                  "jdbc",
                  Map.of(
                      NodeFailurePolicy.REPORT,
                      Map.of("url", url, "table", "soak_report"),
                      NodeFailurePolicy.RERUN,
                      Map.of("url", url, "table", "soak_rerun")),
                  url,
                  length,
                  Duration.ofMillis(Long.getLong("stale.ms", 4000)),
                  Integer.getInteger("work.ms", 800),
                  seed,
                  logs));
    }
    System.out.println(result.summary());
    if (!result.offences().isEmpty()) {
      System.out.println(result.offences().size() + " broken promises:");
      result.offences().forEach(System.out::println);
      System.exit(1);
    }
    System.out.println("No broken promise.");
  }
}
