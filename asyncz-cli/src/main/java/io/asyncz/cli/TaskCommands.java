package io.asyncz.cli;

import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.TaskBuilder;
import io.asyncz.scheduler.TaskChange;
import io.asyncz.scheduler.TaskQuery;
import io.asyncz.task.Task;
import io.asyncz.task.TaskInfo;
import io.asyncz.task.TaskRunPreview;
import io.asyncz.time.TimePoint;
import io.asyncz.trigger.Trigger;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that add, read and change tasks. */
final class TaskCommands {
  private TaskCommands() {}

  /** Asks a yes/no question on the terminal unless {@code yes}; no answer is a refusal. */
  static boolean confirm(Io io, String question, boolean yes) {
    if (yes) {
      return true;
    }
    io.err().print(question + " [y/N] ");
    io.err().flush();
    String answer;
    try {
      answer = io.in().readLine();
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null) {
      throw new CliException(
          CliException.USAGE,
          "no answer to \"" + question + "\"; pass --yes to confirm without asking");
    }
    String a = answer.strip().toLowerCase(java.util.Locale.ROOT);
    return a.equals("y") || a.equals("yes");
  }

  /** A task by id in the selected store (or any), or not found. */
  static TaskInfo find(Session session, String id) {
    return session
        .scheduler()
        .getTaskInfo(id, session.target())
        .orElseThrow(() -> new TaskLookupException(id));
  }

  static String summary(TaskInfo t, ZoneId zone) {
    return "'"
        + t.id()
        + "' ("
        + t.name()
        + ", "
        + t.triggerDescription()
        + ", next run "
        + Output.time(t.nextRunTime(), zone)
        + ")";
  }

  /** Base of the task commands: the common options and the output. */
  abstract static class Base implements Callable<Integer> {
    @Mixin Common common = new Common();
    final Io io;
    final Output out;

    Base(Io io) {
      this.io = io;
      this.out = new Output(io);
    }

    @Override
    public final Integer call() throws Exception {
      io.asyncz.admin.Operations remote = RemoteCommands.operations(common, io);
      if (remote != null) {
        return RemoteCommands.call(this, remote);
      }
      try (Session session = Session.open(common, io).start(false)) {
        int code = call(session);
        if (changesTasks()) {
          StoreNotices.send(session);
        }
        return code;
      }
    }

    abstract int call(Session session) throws Exception;

    /** Whether the command changes tasks, so that a listening service should look now. */
    boolean changesTasks() {
      return false;
    }

    ZoneId zone(Session session) {
      return session.scheduler().timezone();
    }
  }

  /** {@code asyncz add}. */
  @Command(name = "add", description = "Add a task.", mixinStandardHelpOptions = true)
  static final class Add extends Base {
    @Parameters(
        index = "0",
        paramLabel = "FUNCTION",
        description =
            "A registered name (echo, exec, http, or the application's) or com.example.Jobs::method"
                + " in an allowed package.")
    String function;

    @Option(
        names = "--cron",
        paramLabel = "CRONTAB",
        description = "A crontab line: \"*/5 * * * *\".")
    String cron;

    @Option(names = "--every", paramLabel = "DURATION", description = "10s, 5m, 2h, 1d or P1D.")
    String every;

    @Option(names = "--at", paramLabel = "ISO", description = "Once, at an ISO-8601 date-time.")
    String at;

    @Option(
        names = "--args",
        paramLabel = "JSON",
        description = "Positional arguments: a JSON array.")
    String args;

    @Option(
        names = "--kwargs",
        paramLabel = "JSON",
        description = "Keyword arguments: a JSON object.")
    String kwargs;

    @Option(names = "--id", description = "The task's id (default: generated).")
    String id;

    @Option(names = "--name", description = "The task's name (default: the function's).")
    String name;

    @Option(names = "--executor", paramLabel = "ALIAS", description = "The executor's alias.")
    String executor;

    @Option(names = "--paused", description = "Add the task paused.")
    boolean paused;

    @Option(names = "--replace", description = "Replace a task with the same id.")
    boolean replace;

    @Option(names = "--json", description = "Print the task as JSON.")
    boolean json;

    Add(Io io) {
      super(io);
    }

    @Override
    boolean changesTasks() {
      return true;
    }

    @Override
    int call(Session session) {
      Scheduler scheduler = session.scheduler();
      Trigger trigger = Specs.trigger(cron, every, at, scheduler.timezone(), true);
      List<Object> argList = args == null ? List.of() : Specs.jsonList("--args", args);
      Map<String, Object> kwargMap = kwargs == null ? Map.of() : Specs.jsonMap("--kwargs", kwargs);
      session.permissions().check(function, kwargMap);
      scheduler.registry().resolveAvailable(function); // a new task's function must exist here
      TaskBuilder builder =
          scheduler
              .task(function)
              .trigger(trigger)
              .args(argList)
              .kwargs(kwargMap)
              .store(session.addTarget())
              .replaceExisting(replace);
      if (id != null) {
        builder.id(id);
      }
      if (name != null) {
        builder.name(name);
      }
      if (executor != null) {
        builder.executor(executor);
      }
      if (paused) {
        builder.paused();
      }
      TaskInfo added = builder.add().info();
      if (json) {
        out.json(Map.of("task", Output.task(added)));
      } else {
        io.out().println("Added task " + summary(added, zone(session)));
      }
      return CliException.OK;
    }
  }

  /** {@code asyncz list}. */
  @Command(name = "list", description = "List tasks.", mixinStandardHelpOptions = true)
  static final class ListTasks extends Base {
    @Option(
        names = "--state",
        description = "Only tasks in this state: scheduled, paused, pending.")
    String state;

    @Option(
        names = "--executor",
        paramLabel = "ALIAS",
        description = "Only tasks of this executor.")
    String executor;

    @Option(
        names = "--trigger",
        paramLabel = "TYPE",
        description = "Only tasks of this trigger type: cron, interval, date, ...")
    String trigger;

    @Option(
        names = "--query",
        paramLabel = "TEXT",
        description = "Only tasks whose id, name, function, trigger, ... contain TEXT.")
    String query;

    @Option(
        names = "--sort-by",
        paramLabel = "KEY",
        description =
            "id, name, next_run_time (default), schedule_state, executor, store, trigger.")
    String sortBy = "next_run_time";

    @Option(names = "--desc", description = "Reverse the order.")
    boolean desc;

    @Option(names = "--json", description = "Print JSON (schema in docs/cli.md).")
    boolean json;

    ListTasks(Io io) {
      super(io);
    }

    @Override
    int call(Session session) {
      TaskQuery q =
          TaskQuery.all()
              .withStore(session.target())
              .withScheduleState(state)
              .withExecutor(executor)
              .withTrigger(trigger)
              .withText(query)
              .sortedBy(sortBy, desc);
      List<TaskInfo> tasks = session.scheduler().getTaskInfos(q);
      if (json) {
        List<Object> list = new ArrayList<>();
        tasks.forEach(t -> list.add(Output.task(t)));
        out.json(Map.of("tasks", list));
        return CliException.OK;
      }
      if (tasks.isEmpty()) {
        io.out().println("No tasks.");
        return CliException.OK;
      }
      ZoneId zone = zone(session);
      List<List<String>> rows = new ArrayList<>();
      for (TaskInfo t : tasks) {
        rows.add(
            List.of(
                t.id(),
                t.name(),
                t.triggerDescription(),
                Output.time(t.nextRunTime(), zone),
                out.state(t.scheduleState().value()),
                t.storeAlias()));
      }
      out.table(
          List.of("ID", "NAME", "TRIGGER", "NEXT RUN", "STATE", "STORE"), rows, Set.of(0, 1, 2, 5));
      return CliException.OK;
    }
  }

  /** {@code asyncz inspect}. */
  @Command(
      name = "inspect",
      description = "Show everything about a task.",
      mixinStandardHelpOptions = true)
  static final class Inspect extends Base {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Inspect(Io io) {
      super(io);
    }

    @Override
    int call(Session session) {
      TaskInfo t = find(session, id);
      if (json) {
        out.json(Map.of("task", Output.task(t)));
        return CliException.OK;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      Output.task(t)
          .forEach(
              (k, v) ->
                  fields.put(
                      k,
                      k.equals("next_run_time")
                          ? Output.time(t.nextRunTime(), zone(session))
                          : k.equals("state") ? out.state(String.valueOf(v)) : String.valueOf(v)));
      out.fields(fields);
      return CliException.OK;
    }
  }

  /** {@code asyncz preview}. */
  @Command(
      name = "preview",
      description = "Show a task's coming run times.",
      mixinStandardHelpOptions = true)
  static final class Preview extends Base {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--count", description = "How many run times, 1 to 50 (default 5).")
    int count = 5;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Preview(Io io) {
      super(io);
    }

    @Override
    int call(Session session) {
      if (count < 1 || count > Scheduler.MAX_PREVIEW_COUNT) {
        throw new InvalidInputException("--count", count, "is out of range; expected 1 to 50");
      }
      TaskRunPreview p =
          session
              .scheduler()
              .previewTaskRuns(id, session.target(), count)
              .orElseThrow(() -> new TaskLookupException(id));
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", id);
        body.put("run_times", p.runTimes().stream().map(Instant::toString).toList());
        body.put("exhausted", p.exhausted());
        out.json(body);
        return CliException.OK;
      }
      for (Instant t : p.runTimes()) {
        io.out().println(Output.time(t, zone(session)));
      }
      if (p.exhausted()) {
        io.out().println("(no more runs)");
      }
      return CliException.OK;
    }
  }

  /** {@code asyncz timeline}. */
  @Command(
      name = "timeline",
      description = "Show the coming runs of all tasks, merged in time order.",
      mixinStandardHelpOptions = true)
  static final class Timeline extends Base {
    @Option(names = "--limit", description = "How many runs in all, 1 to 1000 (default 20).")
    int limit = 20;

    @Option(
        names = "--per-task",
        paramLabel = "N",
        description = "How many runs of each task at most, 1 to 50 (default 5).")
    int perTask = 5;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Timeline(Io io) {
      super(io);
    }

    private record Run(Instant time, TaskInfo task) {}

    @Override
    int call(Session session) {
      if (limit < 1 || limit > 1000) {
        throw new InvalidInputException("--limit", limit, "is out of range; expected 1 to 1000");
      }
      if (perTask < 1 || perTask > Scheduler.MAX_PREVIEW_COUNT) {
        throw new InvalidInputException("--per-task", perTask, "is out of range; expected 1 to 50");
      }
      List<Run> runs = new ArrayList<>();
      for (TaskInfo t :
          session.scheduler().getTaskInfos(TaskQuery.all().withStore(session.target()))) {
        if (t.nextRunTime() == null) {
          continue; // paused: no coming runs
        }
        session
            .scheduler()
            .previewTaskRuns(t.id(), t.storeAlias(), perTask)
            .ifPresent(p -> p.runTimes().forEach(time -> runs.add(new Run(time, t))));
      }
      runs.sort(java.util.Comparator.comparing(Run::time).thenComparing(r -> r.task().id()));
      List<Run> shown = runs.subList(0, Math.min(limit, runs.size()));
      if (json) {
        List<Object> list = new ArrayList<>();
        for (Run r : shown) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("time", r.time().toString());
          m.put("task_id", r.task().id());
          m.put("name", r.task().name());
          m.put("store", r.task().storeAlias());
          list.add(m);
        }
        out.json(Map.of("runs", list));
        return CliException.OK;
      }
      if (shown.isEmpty()) {
        io.out().println("No coming runs.");
        return CliException.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      for (Run r : shown) {
        rows.add(
            List.of(
                Output.time(r.time(), zone(session)),
                r.task().id(),
                r.task().name(),
                r.task().triggerDescription()));
      }
      out.table(List.of("TIME", "ID", "NAME", "TRIGGER"), rows, Set.of(1, 2, 3));
      return CliException.OK;
    }
  }

  /** {@code asyncz pause}. */
  @Command(
      name = "pause",
      description = "Pause tasks: they keep their trigger and do not run.",
      mixinStandardHelpOptions = true)
  static final class Pause extends Base {
    @Parameters(paramLabel = "ID", arity = "1..*")
    List<String> ids;

    Pause(Io io) {
      super(io);
    }

    @Override
    boolean changesTasks() {
      return true;
    }

    @Override
    int call(Session session) {
      for (String id : ids) {
        find(session, id);
        session.scheduler().pauseTask(id, session.target());
        io.out().println("Paused task '" + id + "'");
      }
      return CliException.OK;
    }
  }

  /** {@code asyncz resume}. */
  @Command(
      name = "resume",
      description = "Resume paused tasks from now.",
      mixinStandardHelpOptions = true)
  static final class Resume extends Base {
    @Parameters(paramLabel = "ID", arity = "1..*")
    List<String> ids;

    Resume(Io io) {
      super(io);
    }

    @Override
    boolean changesTasks() {
      return true;
    }

    @Override
    int call(Session session) {
      for (String id : ids) {
        find(session, id);
        Optional<Task> task = session.scheduler().resumeTask(id, session.target());
        io.out()
            .println(
                task.isPresent()
                    ? "Resumed task " + summary(task.get().info(), zone(session))
                    : "Task '" + id + "' had no run left and was removed");
      }
      return CliException.OK;
    }
  }

  /** {@code asyncz remove}. */
  @Command(
      name = "remove",
      description = "Remove tasks (asks first unless --yes).",
      mixinStandardHelpOptions = true)
  static final class Remove extends Base {
    @Parameters(paramLabel = "ID", arity = "1..*")
    List<String> ids;

    @Option(
        names = {"-y", "--yes"},
        description = "Do not ask.")
    boolean yes;

    Remove(Io io) {
      super(io);
    }

    @Override
    boolean changesTasks() {
      return true;
    }

    @Override
    int call(Session session) {
      int code = CliException.OK;
      for (String id : ids) {
        TaskInfo t = find(session, id);
        if (!confirm(io, "Remove task " + summary(t, zone(session)) + "?", yes)) {
          io.out().println("Kept task '" + id + "'");
          code = CliException.FAILURE;
          continue;
        }
        session.scheduler().deleteTask(id, session.target());
        io.out().println("Removed task '" + id + "'");
      }
      return code;
    }
  }

  /** {@code asyncz run}. */
  @Command(
      name = "run",
      description =
          "Run a task now: in the service when one runs on the task's store, else in this"
              + " process, waiting for the run to end.",
      mixinStandardHelpOptions = true)
  static final class Run extends Base {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        description = "How long to wait (default 60s).")
    String timeout = "60s";

    @Option(
        names = "--in-service",
        description =
            "Do not run it here: make the task due now, so that the service running on the store"
                + " runs it within its poll interval.")
    boolean inService;

    @Option(
        names = "--here",
        description = "Run it in this process even when a service runs on the task's store.")
    boolean here;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    Run(Io io) {
      super(io);
    }

    @Override
    boolean changesTasks() {
      return inService;
    }

    @Override
    int call(Session session) throws Exception {
      Duration wait = Specs.duration("--timeout", timeout);
      TaskInfo t = find(session, id);
      if (inService && here) {
        throw new CliException(CliException.USAGE, "--in-service and --here exclude each other");
      }
      if (!inService && !here) {
        String url = session.stores().get(t.storeAlias());
        Optional<ServiceMarker.Running> service =
            url == null ? Optional.empty() : ServiceMarker.running(io, url);
        if (service.isPresent()) {
          inService = true;
          if (!json) {
            io.out()
                .println(
                    "A service (pid "
                        + service.get().pid()
                        + ") runs on store '"
                        + t.storeAlias()
                        + "': handing the task to it (--here runs it in this process)");
          }
        }
      }
      if (inService) {
        Instant now = io.clock().instant();
        session.scheduler().updateTask(id, session.target(), c -> c.nextRunTime(now));
        if (json) {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("task_id", id);
          body.put("outcome", "DUE_NOW");
          body.put("next_run_time", now.toString());
          out.json(body);
        } else {
          io.out()
              .println(
                  "Task '"
                      + id
                      + "' is due now: the service running on its store runs it within its poll"
                      + " interval");
        }
        return CliException.OK;
      }
      session.permissions().check(t.callableReference(), t.kwargs());
      CompletableFuture<TaskExecutionEvent> ended = new CompletableFuture<>();
      session
          .scheduler()
          .onEvent(
              TaskExecutionEvent.class,
              e -> {
                if (e.taskId().equals(id)) {
                  ended.complete(e);
                }
              });
      session.scheduler().runTask(id, session.target(), true, true);
      TaskExecutionEvent e;
      try {
        e = ended.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException timedOut) {
        throw new CliException(
            CliException.FAILURE, "task '" + id + "' is still running after " + timeout);
      } catch (ExecutionException impossible) {
        throw new IllegalStateException(impossible);
      }
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", id);
        body.put("outcome", Events.name(e.code()));
        body.put("return_value", e.succeeded() ? String.valueOf(e.returnValue()) : null);
        body.put(
            "error", e.exception() == null ? null : String.valueOf(e.exception().getMessage()));
        out.json(body);
      } else if (e.succeeded()) {
        io.out().println("Ran task '" + id + "': returned " + e.returnValue());
      } else {
        io.out()
            .println(
                "Task '"
                    + id
                    + "' failed: "
                    + (e.exception() == null ? Events.name(e.code()) : e.exception().getMessage()));
      }
      return e.succeeded() ? CliException.OK : CliException.FAILURE;
    }
  }

  /** {@code asyncz update}. */
  @Command(
      name = "update",
      description = "Change a task; shows the change and asks first unless --yes.",
      mixinStandardHelpOptions = true)
  static final class Update extends Base {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--name")
    String name;

    @Option(names = "--function", paramLabel = "FUNCTION")
    String function;

    @Option(names = "--args", paramLabel = "JSON")
    String args;

    @Option(names = "--kwargs", paramLabel = "JSON")
    String kwargs;

    @Option(names = "--cron", paramLabel = "CRONTAB")
    String cron;

    @Option(names = "--every", paramLabel = "DURATION")
    String every;

    @Option(names = "--at", paramLabel = "ISO")
    String at;

    @Option(names = "--executor", paramLabel = "ALIAS")
    String executor;

    @Option(names = "--move-to", paramLabel = "STORE", description = "Move the task to this store.")
    String moveTo;

    @Option(names = "--max-instances", paramLabel = "N")
    Integer maxInstances;

    @Option(names = "--coalesce", paramLabel = "true|false", arity = "1")
    Boolean coalesce;

    @Option(
        names = "--grace",
        paramLabel = "DURATION|none",
        description = "How late a run may start (mistrigger grace time), or none.")
    String grace;

    @Option(names = "--next-run-time", paramLabel = "ISO")
    String nextRunTime;

    @Option(names = "--dry-run", description = "Show the change, change nothing.")
    boolean dryRun;

    @Option(
        names = {"-y", "--yes"},
        description = "Do not ask.")
    boolean yes;

    @Option(names = "--json", description = "Print the change as JSON.")
    boolean json;

    Update(Io io) {
      super(io);
    }

    @Override
    boolean changesTasks() {
      return true;
    }

    @Override
    int call(Session session) {
      Scheduler scheduler = session.scheduler();
      TaskInfo before = find(session, id);
      Map<String, Object> was = Output.task(before);
      Map<String, Object> will = new LinkedHashMap<>();
      List<Consumer<TaskChange>> steps = new ArrayList<>();
      if (name != null) {
        steps.add(c -> c.name(name));
        will.put("name", name);
      }
      if (function != null) {
        session.scheduler().registry().resolveAvailable(function);
        steps.add(c -> c.function(function));
        will.put("function", function);
      }
      if (args != null) {
        List<Object> argList = Specs.jsonList("--args", args);
        steps.add(c -> c.args(argList));
        will.put("args", argList);
      }
      Map<String, Object> kwargMap = kwargs == null ? null : Specs.jsonMap("--kwargs", kwargs);
      if (kwargMap != null) {
        steps.add(c -> c.kwargs(kwargMap));
        will.put("kwargs", kwargMap);
      }
      session
          .permissions()
          .check(
              function != null ? function : before.callableReference(),
              kwargMap != null ? kwargMap : before.kwargs());
      Trigger trigger = Specs.trigger(cron, every, at, scheduler.timezone(), false);
      if (trigger != null) {
        // Applied by rescheduling (below), which also computes the next run time from it.
        will.put("trigger", trigger.toString());
      }
      if (executor != null) {
        steps.add(c -> c.executor(executor));
        will.put("executor", executor);
      }
      if (moveTo != null) {
        steps.add(c -> c.store(moveTo));
        will.put("store", moveTo);
      }
      if (maxInstances != null) {
        steps.add(c -> c.maxInstances(maxInstances));
        will.put("max_instances", maxInstances);
      }
      if (coalesce != null) {
        steps.add(c -> c.coalesce(coalesce));
        will.put("coalesce", coalesce);
      }
      if (grace != null) {
        if (grace.strip().equalsIgnoreCase("none")) {
          steps.add(TaskChange::noGraceLimit);
          will.put("mistrigger_grace_time", null);
        } else {
          Duration g = Specs.duration("--grace", grace);
          steps.add(c -> c.mistriggerGraceTime(g));
          will.put("mistrigger_grace_time", Output.seconds(g));
        }
      }
      if (nextRunTime != null) {
        Instant next;
        try {
          next =
              TimePoint.from(nextRunTime, null, "--next-run-time").toInstant(scheduler.timezone());
        } catch (InvalidInputException e) {
          throw new InvalidInputException(
              "--next-run-time",
              nextRunTime,
              "is not a date-time; expected ISO-8601 such as 2030-01-31T09:00:00Z");
        }
        steps.add(c -> c.nextRunTime(next));
        will.put("next_run_time", next.toString());
      }
      if (will.isEmpty()) {
        throw new CliException(
            CliException.USAGE,
            "nothing to change; give at least one of --name, --function, --args, --kwargs, --cron,"
                + " --every, --at, --executor, --move-to, --max-instances, --coalesce, --grace,"
                + " --next-run-time");
      }
      List<Map<String, Object>> diff = new ArrayList<>();
      will.forEach(
          (field, after) -> {
            Object previous = was.get(field);
            if (!Objects.equals(previous, after)) {
              Map<String, Object> d = new LinkedHashMap<>();
              d.put("field", field);
              d.put("before", previous);
              d.put("after", after);
              diff.add(d);
            }
          });
      if (json) {
        if (!dryRun && !yes) {
          throw new CliException(CliException.USAGE, "--json needs --yes or --dry-run");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", id);
        body.put("dry_run", dryRun);
        body.put("changes", diff);
        if (!dryRun) {
          body.put("task", Output.task(apply(session, steps, trigger)));
        }
        out.json(body);
        return CliException.OK;
      }
      io.out().println("Task '" + id + "':");
      for (Map<String, Object> d : diff) {
        io.out().println("  " + d.get("field") + ": " + d.get("before") + " -> " + d.get("after"));
      }
      if (diff.isEmpty()) {
        io.out().println("  (no difference)");
      }
      if (dryRun) {
        io.out().println("Dry run: nothing changed.");
        return CliException.OK;
      }
      if (!confirm(io, "Apply this change to task '" + id + "'?", yes)) {
        io.out().println("Nothing changed.");
        return CliException.FAILURE;
      }
      TaskInfo after = apply(session, steps, trigger);
      io.out().println("Updated task " + summary(after, zone(session)));
      return CliException.OK;
    }

    /**
     * Makes the change: the fields in one update, then a new trigger by rescheduling, so that the
     * next run time follows it (unless --next-run-time set one).
     */
    private TaskInfo apply(Session session, List<Consumer<TaskChange>> steps, Trigger trigger) {
      Scheduler scheduler = session.scheduler();
      String store = moveTo != null ? null : session.target();
      if (trigger != null && nextRunTime != null) {
        steps.add(c -> c.trigger(trigger));
      }
      Task task = null;
      if (!steps.isEmpty()) {
        task =
            scheduler.updateTask(id, session.target(), c -> steps.forEach(step -> step.accept(c)));
      }
      if (trigger != null && nextRunTime == null) {
        task = scheduler.rescheduleTask(id, store, trigger);
      }
      return task.info();
    }
  }
}
