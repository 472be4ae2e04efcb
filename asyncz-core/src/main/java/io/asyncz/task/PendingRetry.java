package io.asyncz.task;

import java.time.Instant;
import java.util.Objects;

/**
 * A retry a task waits for: the scheduled run time whose run failed, the attempt that comes next,
 * when it is due, and the trigger's own next run time it will resume at. It is stored with the
 * task, so that a restart (or, in a cluster, another node) runs it, once.
 *
 * @param runTime the scheduled run time being retried
 * @param attempt the attempt that comes next (2 for the first retry)
 * @param dueAt when the retry is due
 * @param resumeAt the trigger's next run time after {@code runTime}, or {@code null} when the
 *     trigger has no more (the task ends once its retries do)
 */
public record PendingRetry(Instant runTime, int attempt, Instant dueAt, Instant resumeAt) {

  /** Checks the fields. */
  public PendingRetry {
    Objects.requireNonNull(runTime, "runTime");
    Objects.requireNonNull(dueAt, "dueAt");
    if (attempt < 2) {
      throw new IllegalArgumentException("a retry is attempt 2 or later, got " + attempt);
    }
  }

  /** The time the task wakes up for: the retry or the trigger's next run, whichever is first. */
  public Instant wakeAt() {
    return resumeAt != null && resumeAt.isBefore(dueAt) ? resumeAt : dueAt;
  }

  /** Whether the task's policy keeps the failed run's instance slot for this retry. */
  public boolean keepsSlot(Task task) {
    return task.retryPolicy().map(RetryPolicy::keepSlot).orElse(false);
  }

  /** The same retry, the trigger having moved on to {@code next}. */
  public PendingRetry resumingAt(Instant next) {
    return new PendingRetry(runTime, attempt, dueAt, next);
  }
}
