package io.asyncz.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A scheduler process as operators see it (the seed's {@code SchedulerInstanceInfo}): this
 * process's scheduler today ({@code scope} {@value #PROCESS_LOCAL}); cluster mode adds the other
 * processes that share its stores, from their heartbeats.
 *
 * @param identity the scheduler's identity
 * @param scope where the information comes from: {@value #PROCESS_LOCAL} for this process
 * @param state running, paused, stopped or failed
 * @param active whether it runs and its heartbeat is fresh
 * @param stale whether its heartbeat is older than {@code staleAfter} (or it is stopped)
 * @param startedAt when it started, or {@code null} while it is stopped
 * @param lastSeenAt when it was last seen alive
 * @param uptime how long it has been running, or {@code null} while it is stopped
 * @param heartbeatAge how long ago it was last seen
 * @param staleAfter the heartbeat age past which an instance counts as gone ({@code
 *     heartbeat_stale_after})
 * @param timezone its zone
 * @param executors its executor aliases, sorted
 * @param stores its store aliases, sorted
 * @param taskCount how many tasks it sees
 * @param scheduledTaskCount how many of them have a next run time
 * @param pausedTaskCount how many are paused
 * @param pendingTaskCount how many wait for it to start
 * @param submittedTaskCount how many have been handed to it
 */
public record SchedulerInstanceInfo(
    String identity,
    String scope,
    SchedulerState state,
    boolean active,
    boolean stale,
    Instant startedAt,
    Instant lastSeenAt,
    Duration uptime,
    Duration heartbeatAge,
    Duration staleAfter,
    ZoneId timezone,
    List<String> executors,
    List<String> stores,
    int taskCount,
    int scheduledTaskCount,
    int pausedTaskCount,
    int pendingTaskCount,
    int submittedTaskCount) {

  /** The scope of the instance this process runs. */
  public static final String PROCESS_LOCAL = "process-local";

  /** The scope of another node of the cluster, known from its heartbeat in a shared store. */
  public static final String CLUSTER = "cluster";

  /** Copies the lists. */
  public SchedulerInstanceInfo {
    executors = List.copyOf(executors);
    stores = List.copyOf(stores);
  }

  /** The state as the seed names it. */
  public String stateLabel() {
    return state.label();
  }
}
