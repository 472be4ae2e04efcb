package io.asyncz.event;

/**
 * The scheduler could not do part of its work ({@link Events#SCHEDULER_ERROR}): a store failed a
 * read or a write and is retried later, a round of the loop threw, or, when {@code fatal}, the loop
 * cannot go on at all and the scheduler's state is {@code FAILED}. Beyond the seed, which only logs
 * these.
 *
 * @param store the alias of the store concerned, or {@code null} when no store is
 * @param message what failed and what the scheduler does about it
 * @param exception the failure, or {@code null}
 * @param fatal whether the scheduler stopped processing tasks because of it
 */
public record SchedulerErrorEvent(String store, String message, Throwable exception, boolean fatal)
    implements SchedulerEvent {
  @Override
  public int code() {
    return Events.SCHEDULER_ERROR;
  }

  @Override
  public String alias() {
    return store;
  }

  @Override
  public String toString() {
    return "SCHEDULER_ERROR["
        + (store == null ? "" : store + ": ")
        + message
        + (fatal ? ", fatal" : "")
        + "]";
  }
}
