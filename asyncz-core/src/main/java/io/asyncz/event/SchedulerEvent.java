package io.asyncz.event;

/**
 * Something that happened in a scheduler; every event has a code from {@link Events}. The seed's
 * event classes map to {@link Lifecycle}, {@link TaskEvent}, {@link TaskSubmissionEvent} and {@link
 * TaskExecutionEvent}; {@link TaskQuarantinedEvent}, {@link TaskRetryEvent} and {@link
 * SchedulerErrorEvent} are beyond the seed.
 */
public sealed interface SchedulerEvent
    permits SchedulerEvent.Lifecycle,
        TaskEvent,
        TaskSubmissionEvent,
        TaskExecutionEvent,
        TaskQuarantinedEvent,
        TaskRetryEvent,
        SchedulerErrorEvent {

  /** The event's code, one of the {@link Events} constants. */
  int code();

  /** The alias of the store or executor concerned, when there is one. */
  String alias();

  /**
   * The identity of the scheduler that sent a task event (the seed's {@code scheduler_identity}),
   * or {@code null} for scheduler-level events.
   */
  default String schedulerIdentity() {
    return null;
  }

  /**
   * This event stamped with the identity of the scheduler that dispatches it; scheduler-level
   * events, which carry none, are returned as they are.
   */
  default SchedulerEvent withSchedulerIdentity(String identity) {
    return this;
  }

  /**
   * A scheduler-level event: start, shutdown, pause, resume, executor or store added or removed,
   * all tasks removed.
   *
   * @param code the event code
   * @param alias the executor or store alias concerned, or {@code null}
   */
  record Lifecycle(int code, String alias) implements SchedulerEvent {
    @Override
    public String toString() {
      return Events.name(code) + (alias == null ? "" : "[" + alias + "]");
    }
  }
}
