package io.asyncz.task;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * The coming run times of a task, computed from its trigger without changing it (the seed's {@code
 * TaskRunPreview}).
 *
 * @param task the task as it is now
 * @param timezone the scheduler's zone
 * @param generatedAt when the preview was made
 * @param requestedCount how many run times were asked for
 * @param runTimes the run times, at most {@code requestedCount}, oldest first
 * @param exhausted whether the schedule ends with these run times (it has no more)
 */
public record TaskRunPreview(
    TaskInfo task,
    ZoneId timezone,
    Instant generatedAt,
    int requestedCount,
    List<Instant> runTimes,
    boolean exhausted) {

  /** Copies the run times. */
  public TaskRunPreview {
    runTimes = List.copyOf(runTimes);
  }
}
