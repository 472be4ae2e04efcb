package io.asyncz.dashboard.browser;

import io.asyncz.history.RunHistory;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Run history in memory for the browser tests, fed by the scheduler's run observer: a running
 * record when a run starts, replaced by its outcome when it ends. (The stores' own histories are
 * another helper's work; the pages only need the API's run JSON.)
 */
final class MemoryRunHistory implements RunHistory, RunObserver {
  private final Map<String, RunRecord> runs = new LinkedHashMap<>();

  @Override
  public synchronized void save(RunRecord record) {
    runs.put(record.runId(), record);
  }

  @Override
  public synchronized Optional<RunRecord> find(String runId) {
    return Optional.ofNullable(runs.get(runId));
  }

  @Override
  public synchronized RunPage query(RunQuery query) {
    List<RunRecord> found =
        runs.values().stream()
            .filter(query::matches)
            .sorted(
                Comparator.comparing(RunRecord::startedAt)
                    .thenComparing(RunRecord::runId)
                    .reversed())
            .toList();
    int start = 0;
    if (query.after() != null) {
      for (int i = 0; i < found.size(); i++) {
        if (found.get(i).runId().equals(query.after())) {
          start = i + 1;
        }
      }
    }
    List<RunRecord> page =
        new ArrayList<>(found.subList(start, Math.min(found.size(), start + query.limit())));
    String next = start + query.limit() < found.size() ? page.get(page.size() - 1).runId() : null;
    return new RunPage(page, next);
  }

  @Override
  public RunObservation started(RunInfo run) {
    String log = "INFO " + run.taskId() + " started\n";
    save(record(run, RunStatus.RUNNING, null, null, null, log));
    return outcome ->
        save(
            record(
                run,
                outcome.succeeded() ? RunStatus.SUCCEEDED : RunStatus.FAILED,
                outcome.endedAt(),
                outcome.succeeded() ? String.valueOf(outcome.returnValue()) : null,
                outcome.error(),
                log
                    + (outcome.succeeded()
                        ? "INFO done\n"
                        : "ERROR " + outcome.error().getMessage() + "\n")));
  }

  private static RunRecord record(
      RunInfo run, RunStatus status, Instant end, String result, Throwable error, String log) {
    return new RunRecord(
        run.runId(),
        run.taskId(),
        run.task().name(),
        Objects.requireNonNullElse(run.task().storeAlias(), "default"),
        run.executor(),
        status,
        run.source().value(),
        run.attempt(),
        run.scheduledRunTime(),
        run.startedAt(),
        end,
        run.node(),
        result,
        error == null ? null : error.getClass().getName(),
        error == null ? null : error.getMessage(),
        error == null ? null : stackTrace(error),
        log);
  }

  private static String stackTrace(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
