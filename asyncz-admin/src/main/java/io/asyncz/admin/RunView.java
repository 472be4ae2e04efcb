package io.asyncz.admin;

import io.asyncz.history.RunRecord;
import java.time.Instant;

/**
 * A run as the API shows it: the fields of {@link RunRecord}, with its status as a label and its
 * duration in milliseconds.
 *
 * @param runId the run's id
 * @param taskId the task's id
 * @param taskName the task's name
 * @param store the store's alias
 * @param executor the executor's alias, or {@code null}
 * @param status {@code running}, {@code succeeded}, {@code failed}, {@code missed}, {@code skipped}
 *     or {@code interrupted}
 * @param source {@code scheduled} or {@code manual}
 * @param attempt the attempt, from 1
 * @param scheduledAt the run time it stands for
 * @param startedAt when it started
 * @param endedAt when it ended, or {@code null}
 * @param node the scheduler that ran it
 * @param result a summary of the return value, or {@code null}
 * @param errorType the class of what it threw, or {@code null}
 * @param errorMessage the message of what it threw, or {@code null}
 * @param stackTrace the stack trace, or {@code null}
 * @param log the captured log lines, or {@code null}
 * @param durationMs how long it ran, or {@code null} while running
 */
public record RunView(
    String runId,
    String taskId,
    String taskName,
    String store,
    String executor,
    String status,
    String source,
    int attempt,
    Instant scheduledAt,
    Instant startedAt,
    Instant endedAt,
    String node,
    String result,
    String errorType,
    String errorMessage,
    String stackTrace,
    String log,
    Long durationMs) {

  /** The view of a record. */
  public static RunView of(RunRecord r) {
    return new RunView(
        r.runId(),
        r.taskId(),
        r.taskName(),
        r.store(),
        r.executor(),
        r.status().label(),
        r.source(),
        r.attempt(),
        r.scheduledAt(),
        r.startedAt(),
        r.endedAt(),
        r.node(),
        r.result(),
        r.errorType(),
        r.errorMessage(),
        r.stackTrace(),
        r.log(),
        r.duration().map(java.time.Duration::toMillis).orElse(null));
  }

  /**
   * The record this view shows (its duration is derived from the times again), for a client that
   * reads runs through the API and prints them as the scheduler's own history would.
   *
   * @throws io.asyncz.InvalidInputException when the status is not a run status's label
   */
  public RunRecord toRecord() {
    return new RunRecord(
        runId,
        taskId,
        taskName,
        store,
        executor,
        io.asyncz.history.RunStatus.parse(status),
        source,
        attempt,
        scheduledAt,
        startedAt,
        endedAt,
        node,
        result,
        errorType,
        errorMessage,
        stackTrace,
        log);
  }
}
