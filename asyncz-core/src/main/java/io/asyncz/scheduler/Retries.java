package io.asyncz.scheduler;

import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskRetryEvent;
import io.asyncz.task.PendingRetry;
import io.asyncz.task.RetryPolicy;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;

/**
 * Retries of failed runs (a task's {@link RetryPolicy}): when a run fails, the retry is stored with
 * the task as its {@link PendingRetry}, so that the loop hands it out once it is due, once, after a
 * restart too.
 *
 * <p>A task whose last run went out is removed from its store, as the seed removes it; if that run
 * fails and is retried, the task is stored again with its retry. A task removed, paused or
 * rescheduled by an operator while its run was going is not retried.
 */
final class Retries {
  private final Scheduler scheduler;
  private final Logger logger;

  /** Tasks with a retry policy whose last run went out: they come back if that run fails. */
  private final Set<String> lastRunOut = ConcurrentHashMap.newKeySet();

  Retries(Scheduler scheduler, Logger logger) {
    this.scheduler = scheduler;
    this.logger = logger;
  }

  /** The loop removed {@code task} as its last run went out. */
  void lastRunHandedOut(Task task) {
    if (task.retryPolicy().isPresent()) {
      lastRunOut.add(task.id());
    }
  }

  /** The last run of a task did not go out after all. */
  void forget(String taskId) {
    lastRunOut.remove(taskId);
  }

  /**
   * A run of a task with a retry policy ended; {@code error} is {@code null} when it succeeded.
   *
   * @return the event to report: a retry scheduled, retries exhausted, or {@code null}
   */
  SchedulerEvent runEnded(Task task, Instant runTime, int attempt, Throwable error) {
    boolean wasLast = lastRunOut.remove(task.id());
    RetryPolicy policy = task.retryPolicy().orElse(null);
    if (error == null || policy == null || !policy.retries(error)) {
      return null;
    }
    String store = task.storeAlias();
    if (attempt > policy.maxRetries()) {
      logger.warn(
          "Task '{}' failed on its last attempt ({} of {}) for run time {}",
          task.name(),
          attempt,
          policy.maxRetries() + 1,
          runTime);
      return new TaskRetryEvent(
          Events.TASK_RETRIES_EXHAUSTED, task.id(), store, runTime, attempt, null, error);
    }
    int next = attempt + 1;
    Instant dueAt =
        scheduler.clock().instant().plus(policy.delayBefore(next, ThreadLocalRandom.current()));
    StoreSlot slot = scheduler.plugins().slot(store);
    if (slot == null) {
      return null; // its store was removed meanwhile
    }
    slot.lock.lock();
    try {
      Task current = slot.store.lookupTask(task.id()).orElse(null);
      if (current == null) {
        if (!wasLast) {
          logger.info("Task '{}' was removed while its run went on: not retried", task.name());
          return null;
        }
        slot.store.addTask(task.withPendingRetry(new PendingRetry(runTime, next, dueAt, null)));
      } else if (current.isPaused()) {
        logger.info("Task '{}' was paused while its run went on: not retried", task.name());
        return null;
      } else if (current.pendingRetry().filter(r -> r.runTime().equals(runTime)).isPresent()) {
        // The retry that just failed, still stored (it ran on the loop's thread): the next one
        // takes its place.
        PendingRetry handedOut = current.pendingRetry().get();
        slot.store.updateTask(
            current.withPendingRetry(new PendingRetry(runTime, next, dueAt, handedOut.resumeAt())));
      } else if (current.pendingRetry().isPresent()) {
        logger.warn(
            "Task '{}' already waits for the retry of run time {}: the failed run of {} is not"
                + " retried",
            task.name(),
            current.pendingRetry().get().runTime(),
            runTime);
        return null;
      } else {
        slot.store.updateTask(
            current.withPendingRetry(
                new PendingRetry(runTime, next, dueAt, current.nextRunTimeOrNull())));
      }
    } catch (RuntimeException e) {
      logger.error(
          "Could not store the retry of task '{}' (run time {}): it is not retried",
          task.name(),
          runTime,
          e);
      return null;
    } finally {
      slot.lock.unlock();
    }
    slot.changed();
    scheduler.wakeupIfEarlier(dueAt);
    logger.info(
        "Task '{}' failed (attempt {}); attempt {} at {}", task.name(), attempt, next, dueAt);
    return new TaskRetryEvent(
        Events.TASK_RETRY_SCHEDULED, task.id(), store, runTime, attempt, dueAt, error);
  }
}
