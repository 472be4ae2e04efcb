package io.asyncz.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A task was handed to its executor, or refused because it runs too many instances.
 *
 * @param code {@link Events#TASK_SUBMITTED} or {@link Events#TASK_MAX_INSTANCES}
 * @param taskId the task's id
 * @param store the alias of the task's store
 * @param scheduledRunTimes the run times handed over, oldest first
 * @param source whether the scheduler's loop submitted the runs or an operator's "run now" did
 * @param coalescedRunCount how many due run times coalescing folded into the one handed over (the
 *     seed's {@code coalesced_run_count}); 0 when the task does not coalesce, and -1 when there
 *     were too many to count (only a combination trigger after a very long outage)
 * @param schedulerIdentity the identity of the scheduler that sent the event (set by the scheduler
 *     when it dispatches the event)
 */
public record TaskSubmissionEvent(
    int code,
    String taskId,
    String store,
    List<Instant> scheduledRunTimes,
    Source source,
    long coalescedRunCount,
    String schedulerIdentity)
    implements SchedulerEvent {

  /** Who submitted the runs; {@link #value()} gives the seed's word. */
  public enum Source {
    /** The scheduler's loop, at the runs' scheduled times. */
    SCHEDULED("scheduled"),
    /** An operator, through {@code runTask} ("run now"). */
    MANUAL("manual");

    private final String value;

    Source(String value) {
      this.value = value;
    }

    /** The seed's word for it: {@code scheduled} or {@code manual}. */
    public String value() {
      return value;
    }
  }

  /** Creates the event; the run times are copied. */
  public TaskSubmissionEvent {
    scheduledRunTimes = List.copyOf(scheduledRunTimes);
    Objects.requireNonNull(source, "source");
  }

  /** A scheduled submission of runs that were not coalesced. */
  public TaskSubmissionEvent(
      int code, String taskId, String store, List<Instant> scheduledRunTimes) {
    this(code, taskId, store, scheduledRunTimes, Source.SCHEDULED, 0, null);
  }

  @Override
  public String alias() {
    return store;
  }

  @Override
  public SchedulerEvent withSchedulerIdentity(String identity) {
    return new TaskSubmissionEvent(
        code, taskId, store, scheduledRunTimes, source, coalescedRunCount, identity);
  }

  @Override
  public String toString() {
    return Events.name(code)
        + "["
        + taskId
        + " "
        + scheduledRunTimes
        + (source == Source.MANUAL ? " manual" : "")
        + (coalescedRunCount != 0 ? " +" + coalescedRunCount + " coalesced" : "")
        + "]";
  }
}
