package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos test of cluster mode, in separate JVMs: three scheduler processes on one store, a
 * random one killed with SIGKILL every 15 to 20 s and started again, for two minutes (or {@code
 * -Dasyncz.chaos.seconds=...}); then every run they recorded is checked ({@link ClusterChaos}). A
 * clustered store's test extends it with the store's alias and options and a database for the
 * execution records. The seed is named on failure; {@code -Dasyncz.chaos.seed=...} repeats a run's
 * kills, tasks and work times (not its timing).
 */
public abstract class ClusterChaosContract {
  /** The default length of the chaos, in seconds. */
  public static final int DEFAULT_SECONDS = 120;

  /** Creates the contract. */
  protected ClusterChaosContract() {}

  /** The alias the node processes create their stores by, e.g. {@code jdbc}. */
  protected abstract String storeAlias();

  /**
   * The options of a node's store of the tasks under {@code policy}: two stores on one database
   * that do not share tasks (two tables, two key prefixes), each empty at the start.
   */
  protected abstract Map<String, String> storeOptions(NodeFailurePolicy policy);

  /** The JDBC URL of the database the runs record themselves in (a JDBC store's own). */
  protected abstract String journalUrl();

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void everyRunTimeIsAccountedForWhileNodesAreKilled() throws Exception {
    long seed = Long.getLong("asyncz.chaos.seed", System.nanoTime());
    Duration length =
        Duration.ofSeconds(Integer.getInteger("asyncz.chaos.seconds", DEFAULT_SECONDS));
    Path logs = Path.of("target", "cluster-chaos", getClass().getSimpleName() + "-" + seed);
    ClusterChaos.Result result =
        ClusterChaos.run(
            new ClusterChaos.Settings(
                storeAlias(),
                Map.of(
                    NodeFailurePolicy.REPORT,
                    storeOptions(NodeFailurePolicy.REPORT),
                    NodeFailurePolicy.RERUN,
                    storeOptions(NodeFailurePolicy.RERUN)),
                journalUrl(),
                length,
                Duration.ofSeconds(4),
                800,
                seed,
                logs));
    System.out.println(getClass().getSimpleName() + ": " + result.summary());
    assertThat(result.offences())
        .as("broken promises of cluster mode (%s)", result.summary())
        .isEmpty();
  }
}
