package io.asyncz.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a task as run history keeps it: plain data (strings, instants, numbers), so that every
 * store can persist it and every surface can show it as JSON.
 *
 * @param runId the run's id (a ULID, see {@link io.asyncz.run.RunIds}); a record saved again under
 *     the same id replaces the earlier one (a {@code RUNNING} record by its end)
 * @param taskId the task's id
 * @param taskName the task's name
 * @param store the alias of the task's store
 * @param executor the alias of the executor that ran it, or {@code null} when it never reached one
 * @param status where the run stands or how it ended
 * @param source {@code "scheduled"} (the loop) or {@code "manual"} ({@code runTask})
 * @param attempt 1 for the first attempt of this scheduled run time
 * @param scheduledAt the run time it stands for
 * @param startedAt when it started, or (missed, skipped) when that was found
 * @param endedAt when it ended; {@code null} while running, and for missed and skipped runs
 * @param node the identity of the scheduler that ran it
 * @param result a summary of the return value (its text, cut to {@link #RESULT_LIMIT} characters),
 *     or {@code null}
 * @param errorType the class name of what it threw, or {@code null}
 * @param errorMessage the message of what it threw, or {@code null}
 * @param stackTrace the stack trace of what it threw (cut to {@link #STACK_TRACE_LIMIT}
 *     characters), or {@code null}
 * @param log the log lines captured while it ran, or {@code null} when none were captured
 */
public record RunRecord(
    String runId,
    String taskId,
    String taskName,
    String store,
    String executor,
    RunStatus status,
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
    String log) {

  /** The longest result summary kept, in characters. */
  public static final int RESULT_LIMIT = 1024;

  /** The longest stack trace kept, in characters. */
  public static final int STACK_TRACE_LIMIT = 16 * 1024;

  /** Checks the fields that every record has. */
  public RunRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(scheduledAt, "scheduledAt");
    Objects.requireNonNull(startedAt, "startedAt");
  }

  /** How long it ran: from start to end, empty while it runs or when it never started. */
  public Optional<Duration> duration() {
    return endedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, endedAt));
  }

  /** How late it started: from its scheduled run time to its start, never negative. */
  public Duration lateness() {
    Duration late = Duration.between(scheduledAt, startedAt);
    return late.isNegative() ? Duration.ZERO : late;
  }
}
