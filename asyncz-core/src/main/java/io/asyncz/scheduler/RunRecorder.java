package io.asyncz.scheduler;

import io.asyncz.event.EventListener;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.history.MemoryRunHistory;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunOrder;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunRetention;
import io.asyncz.history.RunStatus;
import io.asyncz.run.RemoteFailure;
import io.asyncz.run.RunIds;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import io.asyncz.run.RunOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Run history's recorder: told of each run (a {@link RunObserver}) and of each run refused for
 * {@code max_instances} (an event listener), it saves a {@code RUNNING} record when a run starts
 * and its final record when it ends, a {@code MISSED} record per missed run time and a {@code
 * SKIPPED} record per refused run time, each in the history of the task's store: the store's own
 * (through a {@link HistoryWriter}) when it keeps one, else a {@link MemoryRunHistory}. Starts are
 * kept to the millisecond, the time a run id carries, so that a cursor places a run in every
 * store's history.
 */
final class RunRecorder implements RunObserver, EventListener {
  /** How long a shutdown waits for a store's unwritten run records. */
  static final Duration CLOSE_LIMIT = Duration.ofSeconds(5);

  private final Scheduler scheduler;
  private final RunRetention retention;
  private final Logger logger;
  private final ConcurrentHashMap<String, RunHistory> histories = new ConcurrentHashMap<>();

  RunRecorder(Scheduler scheduler, RunRetention retention, Logger logger) {
    this.scheduler = scheduler;
    this.retention = retention;
    this.logger = logger;
  }

  RunRetention retention() {
    return retention;
  }

  // ------------------------------------------------------------------ stores

  /** Opens the history of a store that just started: its own, or one in memory. */
  void open(StoreSlot slot) {
    Optional<RunHistory> own;
    try {
      own = slot.store.runHistory(retention);
    } catch (RuntimeException e) {
      logger.error(
          "Store '{}' could not open its run history; keeping its runs in memory", slot.alias, e);
      own = Optional.empty();
    }
    if (own.isPresent()) {
      RunHistory previous =
          histories.put(
              slot.alias,
              new HistoryWriter(
                  slot.alias,
                  own.get(),
                  scheduler.clock(),
                  scheduler.storeRetryInterval(),
                  logger,
                  HistoryWriter.QUEUE_LIMIT));
      if (previous instanceof HistoryWriter writer) {
        writer.close(Duration.ZERO);
      }
    } else {
      // A memory history outlives a restart of the scheduler, as the memory store's tasks do.
      histories.compute(
          slot.alias,
          (alias, previous) ->
              previous instanceof MemoryRunHistory
                  ? previous
                  : new MemoryRunHistory(retention, scheduler.clock()));
    }
  }

  /** Writes what a store's writer holds (at most {@code limit}) and stops it. */
  void close(String alias, Duration limit) {
    RunHistory history = histories.get(alias);
    if (history instanceof HistoryWriter writer) {
      histories.remove(alias, writer);
      writer.close(limit);
    }
  }

  /** Waits until every store's writer has written what it holds, at most {@code timeout} each. */
  boolean flush(Duration timeout) {
    boolean all = true;
    for (RunHistory history : histories.values()) {
      if (history instanceof HistoryWriter writer) {
        all &= writer.flush(timeout);
      }
    }
    return all;
  }

  private RunHistory historyOf(String store) {
    RunHistory history = histories.get(store);
    if (history != null) {
      return history;
    }
    return histories.computeIfAbsent(
        store, alias -> new MemoryRunHistory(retention, scheduler.clock()));
  }

  /** Every store's history as one, for reading. */
  RunHistory view() {
    return new Merged();
  }

  // ------------------------------------------------------------------ runs

  @Override
  public RunObservation started(RunInfo run) {
    RunHistory history = historyOf(run.task().storeAlias());
    if (history instanceof MemoryRunHistory memory) {
      // The run id is new: the memory history saves it without looking it up, and its end in place,
      // from the run itself rather than from records made of it.
      return new MemoryRunEnd(memory, memory.saveStart(run), run);
    }
    RunRecord start = record(run, RunStatus.RUNNING, null, null);
    history.save(start);
    return new RunEnd(history, start);
  }

  // Classes rather than capturing lambdas: in a profile of a drain of empty tasks, the lambda
  // made on every run was made through a method handle (DirectMethodHandle.allocateInstance).

  /** The end of a run whose start a memory history saved: written over the start, in place. */
  private final class MemoryRunEnd implements RunObservation {
    private final MemoryRunHistory memory;
    private final long handle;
    private final RunInfo run;

    MemoryRunEnd(MemoryRunHistory memory, long handle, RunInfo run) {
      this.memory = memory;
      this.handle = handle;
      this.run = run;
    }

    @Override
    public void finished(RunOutcome outcome) {
      String log = logsOf(run.runId());
      if (log == null
          && outcome.succeeded()
          && outcome.returnValue() == null
          && memory.saveEnd(handle, run, RunStatus.SUCCEEDED, outcome.endedAt())) {
        return; // nothing to keep but the end: no record made
      }
      memory.saveEnd(handle, ended(record(run, RunStatus.RUNNING, null, null), outcome, log));
    }
  }

  /** The end of a run whose start another history saved. */
  private final class RunEnd implements RunObservation {
    private final RunHistory history;
    private final RunRecord start;

    RunEnd(RunHistory history, RunRecord start) {
      this.history = history;
      this.start = start;
    }

    @Override
    public void finished(RunOutcome outcome) {
      history.save(ended(start, outcome, logsOf(start.runId())));
    }
  }

  @Override
  public void missed(RunInfo run, Duration late) {
    RunRecord missed = record(run, RunStatus.MISSED, null, null);
    historyOf(missed.store()).save(missed);
  }

  @Override
  public void onEvent(SchedulerEvent event) {
    if (event instanceof TaskSubmissionEvent refused
        && refused.code() == Events.TASK_MAX_INSTANCES) {
      Instant now = scheduler.clock().instant();
      RunHistory history = historyOf(refused.store());
      String node = scheduler.identity();
      for (Instant runTime : refused.scheduledRunTimes()) {
        history.save(
            new RunRecord(
                RunIds.next(now.toEpochMilli()),
                refused.taskId(),
                null,
                refused.store(),
                null,
                RunStatus.SKIPPED,
                refused.source().value(),
                1,
                runTime,
                RunOrder.startOf(now),
                null,
                node,
                null,
                null,
                "the task already runs max_instances instances",
                null,
                null));
      }
    }
  }

  private static RunRecord record(RunInfo run, RunStatus status, Instant end, String result) {
    return new RunRecord(
        run.runId(),
        run.taskId(),
        run.task().name(),
        run.task().storeAlias(),
        run.executor(),
        status,
        run.source().value(),
        run.attempt(),
        run.scheduledRunTime(),
        RunOrder.startOf(run.startedAt()),
        end,
        run.node(),
        result,
        null,
        null,
        null,
        null);
  }

  /** The log lines captured for a run, if a capture is registered and has any. */
  private String logsOf(String runId) {
    io.asyncz.run.RunLogs logs = scheduler.runLogs();
    if (logs == null) {
      return null;
    }
    try {
      return logs.take(runId).orElse(null);
    } catch (RuntimeException e) {
      logger.warn("Could not take the captured log of run {}", runId, e);
      return null;
    }
  }

  private static RunRecord ended(RunRecord start, RunOutcome outcome, String log) {
    boolean ok = outcome.succeeded();
    Throwable error = outcome.error();
    return new RunRecord(
        start.runId(),
        start.taskId(),
        start.taskName(),
        start.store(),
        start.executor(),
        ok
            ? RunStatus.SUCCEEDED
            : outcome.status() == RunOutcome.Status.TIMED_OUT
                ? RunStatus.TIMED_OUT
                : RunStatus.FAILED,
        start.source(),
        start.attempt(),
        start.scheduledAt(),
        start.startedAt(),
        outcome.endedAt(),
        start.node(),
        ok ? summary(outcome.returnValue()) : null,
        ok ? null : errorType(error),
        ok ? null : errorMessage(error),
        ok ? null : stackTrace(error),
        log);
  }

  /** The class name of a run's error: the original's, for an error raised in another JVM. */
  static String errorType(Throwable error) {
    return error instanceof RemoteFailure remote ? remote.remoteType() : error.getClass().getName();
  }

  /** The message of a run's error: the original's, for an error raised in another JVM. */
  static String errorMessage(Throwable error) {
    return error instanceof RemoteFailure remote ? remote.remoteMessage() : error.getMessage();
  }

  /** The text of a return value, cut to the result limit; {@code null} for no value. */
  static String summary(Object value) {
    if (value == null) {
      return null;
    }
    String text;
    try {
      text = String.valueOf(value);
    } catch (RuntimeException e) {
      text = value.getClass().getName() + " (toString failed: " + e + ")";
    }
    return cut(text, RunRecord.RESULT_LIMIT);
  }

  static String stackTrace(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    return cut(text.toString(), RunRecord.STACK_TRACE_LIMIT);
  }

  private static String cut(String text, int limit) {
    if (text.length() <= limit) {
      return text;
    }
    int end = limit;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    return text.substring(0, end);
  }

  // ------------------------------------------------------------------ reading

  /** Every store's history as one: pages merged newest first, finds asked of each store. */
  private final class Merged implements RunHistory {
    @Override
    public void save(RunRecord record) {
      historyOf(record.store()).save(record);
    }

    @Override
    public Optional<RunRecord> find(String runId) {
      for (RunHistory history : readers()) {
        Optional<RunRecord> found = history.find(runId);
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }

    @Override
    public RunPage query(RunQuery query) {
      List<RunRecord> runs = new ArrayList<>();
      boolean more = false;
      for (RunHistory history : readers()) {
        RunPage page;
        try {
          page = history.query(query);
        } catch (RuntimeException e) {
          if (e instanceof io.asyncz.InvalidInputException) {
            throw e;
          }
          logger.warn("Run history query failed on one store; its runs are left out", e);
          continue;
        }
        runs.addAll(page.runs());
        more |= page.next() != null;
      }
      runs.sort(RunOrder.NEWEST_FIRST);
      if (runs.size() > query.limit()) {
        runs = runs.subList(0, query.limit());
        more = true;
      }
      return new RunPage(runs, more && !runs.isEmpty() ? runs.get(runs.size() - 1).runId() : null);
    }

    private List<RunHistory> readers() {
      List<RunHistory> readers = new ArrayList<>();
      for (Map.Entry<String, RunHistory> e : histories.entrySet()) {
        RunHistory h = e.getValue();
        readers.add(h instanceof HistoryWriter writer ? writer.target() : h);
      }
      return readers;
    }
  }
}
