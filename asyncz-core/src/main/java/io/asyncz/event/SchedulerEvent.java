package io.asyncz.event;

/**
 * Something that happened in a scheduler; every event has a code from {@link Events}. The seed's
 * event classes map to the first four records that implement this interface; {@link
 * TaskQuarantinedEvent} is beyond the seed.
 */
public sealed interface SchedulerEvent
    permits SchedulerEvent.Lifecycle,
        TaskEvent,
        TaskSubmissionEvent,
        TaskExecutionEvent,
        TaskQuarantinedEvent {

  /** The event's code, one of the {@link Events} constants. */
  int code();

  /** The alias of the store or executor concerned, when there is one. */
  String alias();

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
