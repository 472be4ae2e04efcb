package io.asyncz.scheduler;

import io.asyncz.InvalidInputException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a scheduler takes part in cluster mode ({@code cluster.enabled}): several scheduler processes
 * share the stores that support it ({@link io.asyncz.store.ClusteredStore}), and each scheduled run
 * time of each task is submitted on exactly one of them. How long a silent node is trusted is the
 * scheduler's {@code heartbeat_stale_after}.
 *
 * @param heartbeatInterval how often the node writes its heartbeat, measures its clock's offset
 *     from the store's and looks for stale nodes' runs in flight
 * @param pollInterval how often the node looks at a store for tasks another node added or changed
 *     when the store cannot notify it
 * @param onNodeFailure what a live node does with the runs in flight of a node whose heartbeat went
 *     stale
 */
public record ClusterSettings(
    Duration heartbeatInterval, Duration pollInterval, NodeFailurePolicy onNodeFailure) {

  /** The default heartbeat interval, 5 s (six heartbeats in the default staleness of 30 s). */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

  /** The default poll interval, 1 s. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** The defaults: heartbeat every 5 s, poll every 1 s, report the runs of a failed node. */
  public static final ClusterSettings DEFAULTS =
      new ClusterSettings(
          DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_POLL_INTERVAL, NodeFailurePolicy.REPORT);

  /** Checks the settings. */
  public ClusterSettings {
    positive("cluster.heartbeat_interval", heartbeatInterval);
    positive("cluster.poll_interval", pollInterval);
    Objects.requireNonNull(onNodeFailure, "onNodeFailure");
  }

  private static void positive(String key, Duration value) {
    Objects.requireNonNull(value, key);
    if (value.isNegative() || value.isZero()) {
      throw new InvalidInputException(key, value, "is not positive; expected a positive duration");
    }
  }

  /** These settings with another heartbeat interval. */
  public ClusterSettings withHeartbeatInterval(Duration interval) {
    return new ClusterSettings(interval, pollInterval, onNodeFailure);
  }

  /** These settings with another poll interval. */
  public ClusterSettings withPollInterval(Duration interval) {
    return new ClusterSettings(heartbeatInterval, interval, onNodeFailure);
  }

  /** These settings with another node failure policy. */
  public ClusterSettings withOnNodeFailure(NodeFailurePolicy policy) {
    return new ClusterSettings(heartbeatInterval, pollInterval, policy);
  }

  /** What becomes of the runs in flight of a node that died ({@code cluster.on_node_failure}). */
  public enum NodeFailurePolicy {
    /**
     * The run is recorded as interrupted: logged and sent as a {@code TASK_INTERRUPTED} event, not
     * run again (at most once).
     */
    REPORT,
    /** The run is submitted again on a live node (at least once). */
    RERUN;

    /** The policy of a configuration value, {@code report} or {@code rerun}. */
    public static NodeFailurePolicy parse(String key, Object value) {
      String text = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
      return switch (text) {
        case "report" -> REPORT;
        case "rerun" -> RERUN;
        default ->
            throw new InvalidInputException(key, value, "is unknown; expected report or rerun");
      };
    }

    /** The configuration value: {@code report} or {@code rerun}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
