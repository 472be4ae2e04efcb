package io.asyncz.scheduler;

import java.util.List;
import java.util.Map;

/**
 * What a {@link Scheduler#shutdown(java.time.Duration) shutdown} did: whether it stopped the
 * scheduler (reference counting may leave it running), the runs it stopped waiting for, and what
 * failed on the way (a store that could not be closed, a shutdown task that could not be removed),
 * each also logged.
 *
 * @param stopped whether this call stopped the scheduler
 * @param runsLeftBehind runs still in progress when the shutdown stopped waiting, as a count per
 *     task id; they were interrupted, and runs not started yet were dropped
 * @param failures what failed, one line each
 */
public record ShutdownReport(
    boolean stopped, Map<String, Integer> runsLeftBehind, List<String> failures) {

  /** Copies the collections. */
  public ShutdownReport {
    runsLeftBehind = Map.copyOf(runsLeftBehind);
    failures = List.copyOf(failures);
  }

  /** Whether every run finished and nothing failed. */
  public boolean clean() {
    return runsLeftBehind.isEmpty() && failures.isEmpty();
  }
}
