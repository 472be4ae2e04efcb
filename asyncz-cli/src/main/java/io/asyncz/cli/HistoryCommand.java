package io.asyncz.cli;

import io.asyncz.InvalidInputException;
import io.asyncz.admin.Operations;
import io.asyncz.admin.RunList;
import io.asyncz.admin.RunView;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code asyncz history [TASK] [--status s,s] [--since DURATION|INSTANT] [--limit N] [--after
 * CURSOR] [--json]}: the runs of the selected stores, newest first, read from {@code
 * Scheduler.runHistory()} (direct mode), or with {@code --url} from a running service's API.
 */
@Command(
    name = "history",
    description = "Show the runs of the tasks, newest first (run history).",
    mixinStandardHelpOptions = true)
final class HistoryCommand extends TaskCommands.Base {
  @Parameters(paramLabel = "TASK", arity = "0..1", description = "Only this task's runs.")
  String task;

  @Option(
      names = "--status",
      split = ",",
      paramLabel = "STATUS",
      description =
          "Only runs in these statuses: running, succeeded, failed, missed, skipped, interrupted.")
  List<String> statuses = List.of();

  @Option(
      names = "--since",
      paramLabel = "DURATION|INSTANT",
      description = "Only runs started since then: 1h, 2d, PT30M, or an ISO-8601 instant.")
  String since;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most N runs (1 to 1000, default 20).")
  int limit = 20;

  @Option(
      names = "--after",
      paramLabel = "CURSOR",
      description = "The page after this cursor (the 'next' of the page before).")
  String after;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  HistoryCommand(Io io) {
    super(io);
  }

  @Override
  int call(Session session) {
    RunPage page = session.scheduler().runHistory().query(query());
    List<RunRecord> runs = new ArrayList<>();
    for (RunRecord r : page.runs()) {
      if (session.target() == null || session.target().equals(r.store())) {
        runs.add(r);
      }
    }
    return print(runs, page.next(), zone(session));
  }

  /**
   * {@code --url}: the same runs, read through a running service's API; times in UTC, as the other
   * commands print them with {@code --url}.
   */
  int call(Operations operations) {
    RunList page = operations.runs(query());
    List<RunRecord> runs = new ArrayList<>();
    for (RunView r : page.runs()) {
      runs.add(r.toRecord());
    }
    return print(runs, page.next(), ZoneOffset.UTC);
  }

  /** The query the options describe, each checked. */
  private RunQuery query() {
    Set<RunStatus> wanted = EnumSet.noneOf(RunStatus.class);
    for (String s : statuses) {
      try {
        wanted.add(RunStatus.parse(s));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(
            "--status", s, "one of running, succeeded, failed, missed, skipped, interrupted");
      }
    }
    if (limit < 1 || limit > RunQuery.MAX_LIMIT) {
      throw new InvalidInputException("--limit", limit, "a number from 1 to " + RunQuery.MAX_LIMIT);
    }
    Instant from = since == null ? null : since(since, io.clock().instant());
    return new RunQuery(task, wanted, from, null, limit, after);
  }

  private int print(List<RunRecord> runs, String next, ZoneId zone) {
    if (json) {
      List<Map<String, Object>> items = new ArrayList<>();
      for (RunRecord r : runs) {
        items.add(document(r));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("runs", items);
      body.put("next", next);
      out.json(body);
      return CliException.OK;
    }
    if (runs.isEmpty()) {
      io.out().println("No runs recorded" + (task == null ? "." : " for task " + task + "."));
      return CliException.OK;
    }
    List<List<String>> rows = new ArrayList<>();
    for (RunRecord r : runs) {
      rows.add(
          List.of(
              r.startedAt().atZone(zone).toLocalDateTime().toString(),
              r.taskId(),
              r.status().label(),
              r.source(),
              r.duration().map(HistoryCommand::seconds).orElse("-"),
              r.lateness().isZero() ? "-" : seconds(r.lateness()),
              outcome(r)));
    }
    out.table(List.of("STARTED", "TASK", "STATUS", "SOURCE", "DURATION", "LATE", "RESULT"), rows);
    if (next != null) {
      io.out().println("More: --after " + next);
    }
    return CliException.OK;
  }

  /** {@code --since}: a duration back from now, or an instant. */
  static Instant since(String text, Instant now) {
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException notAnInstant) {
      try {
        return now.minus(Specs.duration("--since", text));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(
            "--since",
            text,
            "a duration back from now (30m, 2h, 1d, PT1H) or an ISO-8601 instant"
                + " (2030-01-15T10:00:00Z)");
      }
    }
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.3fs", d.toNanos() / 1e9);
  }

  private static String outcome(RunRecord r) {
    String text =
        r.errorType() != null
            ? r.errorType() + (r.errorMessage() == null ? "" : ": " + r.errorMessage())
            : r.result() != null ? r.result() : r.errorMessage() != null ? r.errorMessage() : "";
    text = text.replace('\n', ' ');
    return text.length() > 60 ? text.substring(0, 59) + "…" : text;
  }

  /** A run as the JSON schema gives it ({@code docs/cli.md}). */
  static Map<String, Object> document(RunRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", r.runId());
    m.put("task_id", r.taskId());
    m.put("task_name", r.taskName());
    m.put("store", r.store());
    m.put("executor", r.executor());
    m.put("status", r.status().label());
    m.put("source", r.source());
    m.put("attempt", r.attempt());
    m.put("scheduled_at", r.scheduledAt().toString());
    m.put("started_at", r.startedAt().toString());
    m.put("ended_at", r.endedAt() == null ? null : r.endedAt().toString());
    m.put("duration", r.duration().map(d -> d.toNanos() / 1e9).orElse(null));
    m.put("node", r.node());
    m.put("result", r.result());
    m.put("error_type", r.errorType());
    m.put("error_message", r.errorMessage());
    m.put("stack_trace", r.stackTrace());
    return m;
  }
}
