package io.asyncz.event;

import java.time.Instant;
import java.util.List;

/**
 * A task was handed to its executor, or refused because it runs too many instances.
 *
 * @param code {@link Events#TASK_SUBMITTED} or {@link Events#TASK_MAX_INSTANCES}
 * @param taskId the task's id
 * @param store the alias of the task's store
 * @param scheduledRunTimes the run times handed over, oldest first
 */
public record TaskSubmissionEvent(
    int code, String taskId, String store, List<Instant> scheduledRunTimes)
    implements SchedulerEvent {

  /** Creates the event; the run times are copied. */
  public TaskSubmissionEvent {
    scheduledRunTimes = List.copyOf(scheduledRunTimes);
  }

  @Override
  public String alias() {
    return store;
  }

  @Override
  public String toString() {
    return Events.name(code) + "[" + taskId + " " + scheduledRunTimes + "]";
  }
}
