package io.asyncz.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A snapshot of a scheduler for operators (the seed's {@code SchedulerInfo}): identity, state,
 * uptime, zone, executors, stores and task counts.
 *
 * @param identity the scheduler's identity ({@code asyncz.identity})
 * @param state running, paused, stopped or failed
 * @param running whether the scheduler has been started and not shut down
 * @param startedAt when the scheduler started, or {@code null} while it is stopped
 * @param uptime how long it has been running, or {@code null} while it is stopped
 * @param timezone the scheduler's zone
 * @param executors the executor aliases, sorted
 * @param stores the store aliases, sorted
 * @param taskCount how many tasks there are, in every state
 * @param scheduledTaskCount how many tasks have a next run time
 * @param pausedTaskCount how many tasks are paused
 * @param pendingTaskCount how many tasks wait for the scheduler to start
 * @param submittedTaskCount how many tasks have been handed to this scheduler
 * @param storeRetryInterval how long a failing store is left before it is asked again
 * @param startupDelay how far start-up pushes back the first runs of tasks added before it
 */
public record SchedulerInfo(
    String identity,
    SchedulerState state,
    boolean running,
    Instant startedAt,
    Duration uptime,
    ZoneId timezone,
    List<String> executors,
    List<String> stores,
    int taskCount,
    int scheduledTaskCount,
    int pausedTaskCount,
    int pendingTaskCount,
    int submittedTaskCount,
    Duration storeRetryInterval,
    Duration startupDelay) {

  /** Copies the lists. */
  public SchedulerInfo {
    executors = List.copyOf(executors);
    stores = List.copyOf(stores);
  }

  /** The state as the seed names it: {@code running}, {@code paused}, {@code stopped}, ... */
  public String stateLabel() {
    return state.label();
  }
}
