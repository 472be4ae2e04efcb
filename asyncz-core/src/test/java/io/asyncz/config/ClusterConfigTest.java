package io.asyncz.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code cluster.*} keys (issue 13): cluster mode is off unless enabled. */
class ClusterConfigTest {

  @Test
  void clusterModeIsOffByDefault() {
    SchedulerConfig config = SchedulerConfig.from(Map.of("asyncz.timezone", "UTC"));
    assertThat(config.cluster()).isEmpty();
    assertThat(config.builder().settings().cluster()).isNull();
  }

  @Test
  void enabledReachesTheSchedulerWithTheDefaults() {
    SchedulerConfig config = SchedulerConfig.from(Map.of("asyncz.cluster.enabled", "true"));
    assertThat(config.builder().settings().cluster()).isEqualTo(ClusterSettings.DEFAULTS);
  }

  @Test
  void readsEveryClusterKeyFromANestedMap() {
    SchedulerConfig config =
        SchedulerConfig.from(
            Map.of(
                "asyncz",
                Map.of(
                    "cluster",
                    Map.of(
                        "enabled",
                        true,
                        "heartbeat_interval",
                        2,
                        "poll_interval",
                        "0.25",
                        "on_node_failure",
                        "rerun"))));
    assertThat(config.builder().settings().cluster())
        .isEqualTo(
            new ClusterSettings(
                Duration.ofSeconds(2), Duration.ofMillis(250), NodeFailurePolicy.RERUN));
  }

  @Test
  void clusterKeysWithoutEnabledLeaveClusterModeOff() {
    SchedulerConfig config =
        SchedulerConfig.from(Map.of("asyncz.cluster.on_node_failure", "rerun"));
    assertThat(config.cluster()).isEmpty();
  }

  @Test
  void refusesAnUnknownNodeFailurePolicyQuotingIt() {
    assertThatThrownBy(
            () ->
                SchedulerConfig.from(
                    Map.of(
                        "asyncz.cluster.enabled", true, "asyncz.cluster.on_node_failure", "retry")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"retry\"")
        .hasMessageContaining("expected report or rerun");
  }

  @Test
  void refusesANonPositiveHeartbeatInterval() {
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.cluster.heartbeat_interval", 0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.cluster.heartbeat_interval");
  }
}
