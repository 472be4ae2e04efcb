package io.asyncz.cli;

import io.asyncz.InvalidInputException;
import io.asyncz.admin.FieldChange;
import io.asyncz.admin.HttpOperations;
import io.asyncz.admin.Operations;
import io.asyncz.admin.RunSubmission;
import io.asyncz.admin.TaskFilter;
import io.asyncz.admin.TaskPage;
import io.asyncz.admin.TaskView;
import io.asyncz.admin.UpdateResult;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The task commands with {@code --url}: the same commands, made through the remote API of a running
 * service ({@link HttpOperations}) instead of on the stores; the service audits them under the
 * token's user. The output is the same as in direct mode, but for {@code run}, which hands the run
 * to the service and does not wait for it.
 */
final class RemoteCommands {
  private RemoteCommands() {}

  /** The remote operations {@code --url} (or {@code ASYNCZ_URL}) names, or {@code null}. */
  static Operations operations(Common common, Io io) {
    String url = common.url != null ? common.url : io.env().get("ASYNCZ_URL");
    if (url == null || url.isBlank()) {
      return null;
    }
    String token = common.token != null ? common.token : io.env().get("ASYNCZ_TOKEN");
    if (token == null || token.isBlank()) {
      throw new CliException(
          CliException.USAGE,
          "--url needs --token (or ASYNCZ_TOKEN): the token the service printed at start");
    }
    if (!common.stores.isEmpty() || common.config != null) {
      throw new CliException(
          CliException.USAGE, "--url talks to a service: drop --store and --config");
    }
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "--url", url, "is not a URL; expected e.g. http://127.0.0.1:8420");
    }
    return new HttpOperations(uri, token.strip(), Duration.ofSeconds(30));
  }

  /** Runs a task command against the remote operations. */
  static int call(TaskCommands.Base command, Operations ops) {
    Output out = new Output(command.io);
    if (command instanceof TaskCommands.ListTasks c) {
      return list(c, ops, out);
    }
    if (command instanceof TaskCommands.Inspect c) {
      TaskView t = ops.getTask(c.id);
      if (c.json) {
        out.json(Map.of("task", task(t)));
      } else {
        Map<String, String> fields = new LinkedHashMap<>();
        task(t)
            .forEach(
                (k, v) ->
                    fields.put(
                        k,
                        k.equals("next_run_time")
                            ? Output.time(t.nextRunTime(), ZoneOffset.UTC)
                            : String.valueOf(v)));
        out.fields(fields);
      }
      return CliException.OK;
    }
    if (command instanceof TaskCommands.Add c) {
      return add(c, ops, out);
    }
    if (command instanceof TaskCommands.Update c) {
      return update(c, ops, out);
    }
    if (command instanceof TaskCommands.Run c) {
      RunSubmission r = ops.runTask(c.id);
      if (c.json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", c.id);
        body.put("outcome", "SUBMITTED");
        out.json(body);
      } else {
        command
            .io
            .out()
            .println(
                "Task '"
                    + c.id
                    + "' handed to the service"
                    + (r.task() == null ? " (its schedule is finished: removed)" : ""));
      }
      return CliException.OK;
    }
    if (command instanceof TaskCommands.Pause c) {
      for (String id : c.ids) {
        ops.pauseTask(id);
        command.io.out().println("Paused task '" + id + "'");
      }
      return CliException.OK;
    }
    if (command instanceof TaskCommands.Resume c) {
      for (String id : c.ids) {
        Optional<TaskView> t = ops.resumeTask(id);
        command
            .io
            .out()
            .println(
                t.isPresent()
                    ? "Resumed task " + summary(t.get())
                    : "Task '" + id + "' had no run left and was removed");
      }
      return CliException.OK;
    }
    if (command instanceof TaskCommands.Remove c) {
      int code = CliException.OK;
      for (String id : c.ids) {
        TaskView t = ops.getTask(id);
        if (!TaskCommands.confirm(command.io, "Remove task " + summary(t) + "?", c.yes)) {
          command.io.out().println("Kept task '" + id + "'");
          code = CliException.FAILURE;
          continue;
        }
        ops.removeTask(id);
        command.io.out().println("Removed task '" + id + "'");
      }
      return code;
    }
    if (command instanceof HistoryCommand c) {
      return c.call(ops);
    }
    throw new CliException(
        CliException.USAGE,
        "--url works with list, inspect, add, update, run, pause, resume, remove and history; run"
            + " this command on the service's stores instead");
  }

  private static int list(TaskCommands.ListTasks c, Operations ops, Output out) {
    String sort = c.sortBy.equals("schedule_state") ? "state" : c.sortBy;
    List<TaskView> tasks = new ArrayList<>();
    for (int page = 1; ; page++) {
      TaskPage p =
          ops.listTasks(
              new TaskFilter(
                  c.query,
                  c.state,
                  null,
                  c.executor,
                  c.trigger,
                  sort,
                  c.desc,
                  page,
                  TaskFilter.MAX_SIZE));
      tasks.addAll(p.tasks());
      if (p.tasks().isEmpty() || tasks.size() >= p.total()) {
        break;
      }
    }
    if (c.json) {
      List<Object> list = new ArrayList<>();
      tasks.forEach(t -> list.add(task(t)));
      out.json(Map.of("tasks", list));
      return CliException.OK;
    }
    if (tasks.isEmpty()) {
      c.io.out().println("No tasks.");
      return CliException.OK;
    }
    List<List<String>> rows = new ArrayList<>();
    for (TaskView t : tasks) {
      rows.add(
          List.of(
              t.id(),
              t.name(),
              t.trigger().description(),
              Output.time(t.nextRunTime(), ZoneOffset.UTC),
              out.state(t.state()),
              t.store()));
    }
    out.table(
        List.of("ID", "NAME", "TRIGGER", "NEXT RUN", "STATE", "STORE"), rows, Set.of(0, 1, 2, 5));
    return CliException.OK;
  }

  private static int add(TaskCommands.Add c, Operations ops, Output out) {
    if (c.replace) {
      throw new CliException(CliException.USAGE, "--replace is not available with --url");
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    if (c.id != null) {
      spec.put("id", c.id);
    }
    if (c.name != null) {
      spec.put("name", c.name);
    }
    spec.put("function", c.function);
    spec.put("trigger", trigger(c.cron, c.every, c.at, true));
    if (c.args != null) {
      spec.put("args", Specs.jsonList("--args", c.args));
    }
    if (c.kwargs != null) {
      spec.put("kwargs", Specs.jsonMap("--kwargs", c.kwargs));
    }
    if (c.executor != null) {
      spec.put("executor", c.executor);
    }
    if (c.paused) {
      spec.put("paused", true);
    }
    TaskView t = ops.createTask(spec);
    if (c.json) {
      out.json(Map.of("task", task(t)));
    } else {
      c.io.out().println("Added task " + summary(t));
    }
    return CliException.OK;
  }

  private static Map<String, Object> trigger(
      String cron, String every, String at, boolean required) {
    // Checked here as in direct mode, so the messages name the options the user typed.
    if (Specs.trigger(cron, every, at, ZoneOffset.UTC, required) == null) {
      return null;
    }
    return cron != null
        ? Map.of("cron", cron)
        : every != null ? Map.of("every", every) : Map.of("at", at);
  }

  private static int update(TaskCommands.Update c, Operations ops, Output out) {
    Map<String, Object> changes = new LinkedHashMap<>();
    if (c.name != null) {
      changes.put("name", c.name);
    }
    if (c.function != null) {
      changes.put("function", c.function);
    }
    if (c.args != null) {
      changes.put("args", Specs.jsonList("--args", c.args));
    }
    if (c.kwargs != null) {
      changes.put("kwargs", Specs.jsonMap("--kwargs", c.kwargs));
    }
    Map<String, Object> trigger = trigger(c.cron, c.every, c.at, false);
    if (trigger != null) {
      changes.put("trigger", trigger);
    }
    if (c.executor != null) {
      changes.put("executor", c.executor);
    }
    if (c.moveTo != null) {
      changes.put("store", c.moveTo);
    }
    if (c.maxInstances != null) {
      changes.put("max_instances", c.maxInstances);
    }
    if (c.coalesce != null) {
      changes.put("coalesce", c.coalesce);
    }
    if (c.grace != null) {
      changes.put(
          "mistrigger_grace_time",
          c.grace.strip().equalsIgnoreCase("none")
              ? null
              : Specs.duration("--grace", c.grace).toMillis() / 1000.0);
    }
    if (c.nextRunTime != null) {
      changes.put("next_run_time", c.nextRunTime);
    }
    if (changes.isEmpty()) {
      throw new CliException(
          CliException.USAGE,
          "nothing to change; give at least one of --name, --function, --args, --kwargs, --cron,"
              + " --every, --at, --executor, --move-to, --max-instances, --coalesce, --grace,"
              + " --next-run-time");
    }
    if (c.json && !c.dryRun && !c.yes) {
      throw new CliException(CliException.USAGE, "--json needs --yes or --dry-run");
    }
    UpdateResult preview = ops.updateTask(c.id, changes, true);
    if (!c.json) {
      c.io.out().println("Task '" + c.id + "':");
      for (FieldChange d : preview.diff()) {
        c.io.out().println("  " + d.field() + ": " + d.before() + " -> " + d.after());
      }
      if (preview.diff().isEmpty()) {
        c.io.out().println("  (no difference)");
      }
    }
    if (c.dryRun) {
      if (c.json) {
        out.json(updateJson(c.id, true, preview, null));
      } else {
        c.io.out().println("Dry run: nothing changed.");
      }
      return CliException.OK;
    }
    if (!c.json
        && !TaskCommands.confirm(c.io, "Apply this change to task '" + c.id + "'?", c.yes)) {
      c.io.out().println("Nothing changed.");
      return CliException.FAILURE;
    }
    UpdateResult applied = ops.updateTask(c.id, changes, false);
    if (c.json) {
      out.json(updateJson(c.id, false, applied, applied.after()));
    } else if (applied.after() != null) {
      c.io.out().println("Updated task " + summary(applied.after()));
    } else {
      c.io.out().println("Updated task '" + c.id + "': its schedule is finished, it was removed");
    }
    return CliException.OK;
  }

  private static Map<String, Object> updateJson(
      String id, boolean dryRun, UpdateResult r, TaskView after) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("task_id", id);
    body.put("dry_run", dryRun);
    List<Object> diff = new ArrayList<>();
    for (FieldChange d : r.diff()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("field", d.field());
      m.put("before", d.before());
      m.put("after", d.after());
      diff.add(m);
    }
    body.put("changes", diff);
    if (!dryRun && after != null) {
      body.put("task", task(after));
    }
    return body;
  }

  private static String summary(TaskView t) {
    return "'"
        + t.id()
        + "' ("
        + t.name()
        + ", "
        + t.trigger().description()
        + ", next run "
        + Output.time(t.nextRunTime(), ZoneId.of("UTC"))
        + ")";
  }

  /** A task as the command line's JSON gives it (docs/cli.md), from the API's task. */
  static Map<String, Object> task(TaskView t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("name", t.name());
    m.put("function", t.function());
    m.put("trigger", t.trigger().description());
    m.put("trigger_type", t.trigger().type());
    m.put("state", t.state());
    m.put("next_run_time", t.nextRunTime() == null ? null : t.nextRunTime().toString());
    m.put("store", t.store());
    m.put("executor", t.executor());
    m.put("args", t.args());
    m.put("kwargs", t.kwargs());
    m.put("max_instances", t.maxInstances());
    m.put("coalesce", t.coalesce());
    Double grace = t.mistriggerGraceTime();
    m.put(
        "mistrigger_grace_time",
        grace == null ? null : grace == Math.rint(grace) ? (Object) grace.longValue() : grace);
    return m;
  }
}
