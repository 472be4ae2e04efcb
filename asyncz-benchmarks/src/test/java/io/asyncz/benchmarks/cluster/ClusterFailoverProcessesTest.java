package io.asyncz.benchmarks.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.benchmarks.cluster.ClusterFailoverProcesses.Sample;
import io.asyncz.jdbc.PostgresServer;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SIGKILL fail-over benchmark's harness once per policy at the smallest size: a victim JVM with
 * one run in flight, heartbeat 100 ms, stale after 1 s; no timing is asserted.
 */
class ClusterFailoverProcessesTest {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @EnumSource(NodeFailurePolicy.class)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theSurvivorResolvesTheKilledVictimsRunExactlyOnce(NodeFailurePolicy policy)
      throws Exception {
    String database = "t_" + policy.label();
    ClusterFailoverProcesses.createDatabase(server, database);
    Sample s =
        ClusterFailoverProcesses.sample(
            server,
            database,
            "victim-t",
            1,
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            policy,
            new Random(7));
    Map<String, Integer> once = Map.of("victim-t-run-0", 1);
    if (policy == NodeFailurePolicy.RERUN) {
      assertThat(s.reruns()).isEqualTo(once);
      assertThat(s.interrupted()).isEmpty();
    } else {
      assertThat(s.interrupted()).isEqualTo(once);
      assertThat(s.reruns()).isEmpty();
    }
    assertThat(s.resolvedMillis()).isNotNaN();
  }

  @Test
  void aRunResolvedTwiceOrLostFailsTheRepetition() {
    Set<String> ids = Set.of("a", "b");
    Sample twice = new Sample(1, 1, 1, Map.of("a", 1, "b", 2), Map.of(), 0);
    assertThatThrownBy(
            () -> ClusterFailoverProcesses.check("v", NodeFailurePolicy.REPORT, ids, twice, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("b=2");
    Sample lost = new Sample(1, 1, 1, Map.of(), Map.of("a", 1), 0);
    assertThatThrownBy(
            () -> ClusterFailoverProcesses.check("v", NodeFailurePolicy.RERUN, ids, lost, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("{a=1}");
    Sample both = new Sample(1, 1, 1, Map.of("a", 1, "b", 1), Map.of("a", 1), 0);
    assertThatThrownBy(
            () -> ClusterFailoverProcesses.check("v", NodeFailurePolicy.REPORT, ids, both, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("other policy");
    Sample fine = new Sample(1, 1, 1, Map.of("a", 1, "b", 1), Map.of(), 0);
    assertThatThrownBy(
            () -> ClusterFailoverProcesses.check("v", NodeFailurePolicy.REPORT, ids, fine, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("left in flight");
  }

  @Test
  void aBadCountIsRefusedWithItsName() {
    System.setProperty("failover.test.count", "none");
    try {
      assertThatThrownBy(() -> ClusterFailoverProcesses.count("failover.test.count", 8, 1))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("failover.test.count")
          .hasMessageContaining("\"none\"");
    } finally {
      System.clearProperty("failover.test.count");
    }
  }
}
