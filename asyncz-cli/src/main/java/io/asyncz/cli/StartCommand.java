package io.asyncz.cli;

import io.asyncz.InvalidInputException;
import io.asyncz.admin.AuditLog;
import io.asyncz.admin.SchedulerOperations;
import io.asyncz.dashboard.Dashboard;
import io.asyncz.dashboard.DashboardOptions;
import io.asyncz.dashboard.Role;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.mongo.MongoStore;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ShutdownReport;
import io.asyncz.scheduler.TaskBuilder;
import io.asyncz.scheduler.TaskQuery;
import io.asyncz.task.TaskInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code asyncz start}: runs the scheduler on the selected stores until SIGINT or SIGTERM, adds the
 * configuration's tasks, and checks the stores every second for changes made by other processes.
 */
@Command(
    name = "start",
    description = "Run the scheduler as a service until SIGINT/SIGTERM.",
    mixinStandardHelpOptions = true)
final class StartCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger("asyncz.cli");

  @Mixin Common common = new Common();

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      description = "How long shutdown waits for runs in progress (default 30s).")
  String grace;

  @Option(
      names = "--poll",
      paramLabel = "DURATION",
      description = "How often the stores are checked for changes by other processes (default 1s).")
  String poll;

  @Option(
      names = "--watch",
      description =
          "Apply changes to the configuration file's tasks while running (added, changed and"
              + " removed entries).")
  boolean watch;

  @Option(
      names = "--dashboard",
      arity = "0..1",
      fallbackValue = DashboardOptions.DEFAULT_HOST + ":" + DashboardOptions.DEFAULT_PORT,
      paramLabel = "ADDR",
      description =
          "Serve the dashboard and its JSON API on ADDR (HOST:PORT, default 127.0.0.1:8420;"
              + " port 0 for a free one). Without service.dashboard_users, a login token is"
              + " printed (or taken from ASYNCZ_DASHBOARD_TOKEN).")
  String dashboard;

  private final Io io;

  StartCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws Exception {
    Session session = Session.open(common, io, true);
    CliConfig config = session.config();
    Duration graceTime =
        Specs.duration(
            "--grace",
            grace != null
                ? grace
                : String.valueOf(Objects.requireNonNullElse(config.service("grace"), "30s")));
    Duration pollEvery =
        Specs.duration(
            "--poll",
            poll != null
                ? poll
                : String.valueOf(
                    Objects.requireNonNullElse(config.service("poll_interval"), "1s")));
    Scheduler scheduler = session.scheduler();
    // The address is taken before the configuration's tasks are added or anything runs: a service
    // that cannot serve its dashboard (another one has the port) stops without touching the store.
    SchedulerOperations operations = null;
    Dashboard served = null;
    if (dashboard != null) {
      operations =
          SchedulerOperations.builder(scheduler)
              .functionCheck((function, kwargs) -> session.permissions().check(function, kwargs))
              .audit(auditLog(config))
              .build();
      served = serveDashboard(session, operations, config);
    }
    addConfigTasks(session, config);
    ConfigWatch configWatch = null;
    if (watch) {
      if (common.config == null) {
        throw new CliException(
            CliException.USAGE, "--watch needs --config FILE: the file to watch");
      }
      configWatch = new ConfigWatch(session, io.resolve(common.config));
    }
    ConfigWatch reload = configWatch;
    scheduler.onEvent(TaskExecutionEvent.class, StartCommand::logRun);
    session.start(true);
    session.stores().forEach((alias, url) -> LOG.info("Store '{}': {}", alias, url));
    scheduler
        .info()
        .executors()
        .forEach(
            alias ->
                LOG.info(
                    "Executor '{}': {}",
                    alias,
                    scheduler.lookupExecutor(alias).getClass().getSimpleName()));
    BuiltInFunctions.Permissions p = session.permissions();
    LOG.info(
        "Task kinds: echo; exec {}; http {}",
        p.exec()
            ? "enabled" + (p.execCommands().isEmpty() ? "" : " for " + p.execCommands())
            : "disabled",
        p.http()
            ? "enabled" + (p.httpHosts().isEmpty() ? "" : " for " + p.httpHosts())
            : "disabled");
    ServiceMarker marker = new ServiceMarker(io, session.stores(), session.storeTypes(), pollEvery);
    LOG.debug("Service files: {}", marker.paths());
    ChangeWatch changes = new ChangeWatch(scheduler);
    changes.check(false);
    scheduler.resume();
    if (served != null) {
      io.out().println("Dashboard: " + served.url());
      served.generatedToken().ifPresent(t -> io.out().println("Dashboard token: " + t));
      io.out().flush();
    }
    ScheduledExecutorService poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "asyncz-cli-watch");
              t.setDaemon(true);
              return t;
            });
    poller.scheduleWithFixedDelay(
        () -> {
          try {
            if (reload != null) {
              reload.check();
            }
            changes.check(true);
          } catch (RuntimeException e) {
            LOG.warn("Checking the stores for changes failed: {}", e.toString());
          } finally {
            marker.beat();
          }
        },
        pollEvery.toMillis(),
        pollEvery.toMillis(),
        TimeUnit.MILLISECONDS);
    NoticedChecks noticed = new NoticedChecks(scheduler, changes, poller);
    List<StoreNotices.Listener> listeners = new ArrayList<>();
    for (StoreNotices.Target target : StoreNotices.targets(session)) {
      listeners.add(new StoreNotices.Listener(target, noticed::notice, pollEvery));
    }
    listenToChangeStreams(session, noticed);
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                stopped.await(graceTime.toMillis() + 60_000, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "asyncz-cli-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    LOG.info(
        "Service started with {} tasks; stop it with Ctrl-C or SIGTERM (grace {})",
        scheduler.getTaskInfos(TaskQuery.all()).size(),
        graceTime);
    try {
      stop.await();
    } finally {
      if (served != null) {
        served.close();
        operations.close();
      }
      poller.shutdownNow();
      marker.close();
      listeners.forEach(StoreNotices.Listener::close);
      LOG.info("Stopping: waiting up to {} for runs in progress", graceTime);
      ShutdownReport report = scheduler.shutdown(graceTime);
      if (report.runsLeftBehind().isEmpty()) {
        LOG.info("Stopped cleanly");
      } else {
        LOG.warn("Stopped; runs cut off after {}: {}", graceTime, report.runsLeftBehind());
      }
      report.failures().forEach(f -> LOG.warn("Shutdown failure: {}", f));
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: that is how we got here
      }
    }
    return CliException.OK;
  }

  /** Serves the dashboard, or closes the session and says why it cannot. */
  private Dashboard serveDashboard(
      Session session, SchedulerOperations operations, CliConfig config) {
    try {
      return Dashboard.serve(operations, dashboardOptions(config));
    } catch (java.io.UncheckedIOException e) {
      operations.close();
      session.close();
      String reason = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
      throw new CliException(
          CliException.FAILURE,
          "cannot serve the dashboard on "
              + dashboard
              + " ("
              + reason
              + "); is another asyncz service running there? Stop it, or choose another"
              + " address with --dashboard HOST:PORT (port 0 picks a free one). Nothing was"
              + " started.");
    } catch (RuntimeException e) {
      operations.close();
      session.close();
      throw e;
    }
  }

  private AuditLog auditLog(CliConfig config) {
    Object file = config.service("dashboard_audit_file");
    return file == null
        ? AuditLog.inMemory(AuditLog.DEFAULT_CAPACITY)
        : AuditLog.appendingTo(io.resolve(String.valueOf(file)), AuditLog.DEFAULT_CAPACITY);
  }

  /**
   * The dashboard's options: the address, and the users and API tokens of the configuration's
   * {@code service.dashboard_users} ({@code NAME: {password_hash: BCRYPT, role: viewer|operator}})
   * and {@code service.dashboard_api_tokens} ({@code NAME: {token: TOKEN, role: ...}}).
   */
  private DashboardOptions dashboardOptions(CliConfig config) {
    DashboardOptions.Builder b = DashboardOptions.builder().address(dashboard);
    for (Map.Entry<String, Map<String, Object>> u :
        entries(config.service("dashboard_users"), "service.dashboard_users").entrySet()) {
      b.user(
          u.getKey(),
          String.valueOf(u.getValue().get("password_hash")),
          Role.parse(String.valueOf(u.getValue().get("role"))));
    }
    for (Map.Entry<String, Map<String, Object>> t :
        entries(config.service("dashboard_api_tokens"), "service.dashboard_api_tokens")
            .entrySet()) {
      b.apiToken(
          t.getKey(),
          String.valueOf(t.getValue().get("token")),
          Role.parse(String.valueOf(t.getValue().get("role"))));
    }
    String token = io.env().get("ASYNCZ_DASHBOARD_TOKEN");
    if (token != null && !token.isBlank()) {
      b.token(token.strip());
    }
    if (Boolean.parseBoolean(String.valueOf(config.service("dashboard_trust_forwarded_proto")))) {
      b.trustForwardedProto(true);
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> entries(Object value, String where) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new InvalidInputException(where, value, "is not a mapping; expected NAME: {...}");
    }
    Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> fields)) {
        throw new InvalidInputException(
            where + "." + e.getKey(), e.getValue(), "is not a mapping; expected {role: ...}");
      }
      out.put(String.valueOf(e.getKey()), (Map<String, Object>) fields);
    }
    return out;
  }

  private static void logRun(TaskExecutionEvent e) {
    if (e.succeeded()) {
      LOG.info("Task '{}' ran (due {}): {}", e.taskId(), e.scheduledRunTime(), e.returnValue());
    } else if (e.exception() != null) {
      LOG.warn(
          "Task '{}' failed (due {}): {}",
          e.taskId(),
          e.scheduledRunTime(),
          e.exception().getMessage());
    } else {
      LOG.warn("Task '{}' {} (due {})", e.taskId(), Events.name(e.code()), e.scheduledRunTime());
    }
  }

  /**
   * Adds the configuration's tasks whose ids are not stored yet (the seed's start does the same).
   */
  private static void addConfigTasks(Session session, CliConfig config) {
    int i = 0;
    for (Map<String, Object> spec : config.tasks()) {
      i++;
      configTask(session, spec, "tasks[" + i + "] in " + config.source()).add();
    }
  }

  /** The task a configuration entry describes, checked, ready to add. */
  private static TaskBuilder configTask(Session session, Map<String, Object> spec, String where) {
    Scheduler scheduler = session.scheduler();
    {
      Object id = spec.get("id");
      Object function = spec.get("function");
      if (id == null || function == null) {
        throw new InvalidInputException(where, spec, "needs an id and a function");
      }
      for (String key : spec.keySet()) {
        if (!List.of("id", "function", "trigger", "args", "kwargs", "options", "name")
            .contains(key)) {
          throw new InvalidInputException(
              where + " key",
              key,
              "is unknown; expected id, name, function, trigger, args, kwargs, options");
        }
      }
      Map<String, Object> kwargs =
          spec.get("kwargs") == null ? Map.of() : asMap(where + ".kwargs", spec.get("kwargs"));
      session.permissions().check(String.valueOf(function), kwargs);
      TaskBuilder b =
          scheduler
              .task(String.valueOf(function))
              .id(String.valueOf(id))
              .trigger(
                  Specs.configTrigger(
                      where + ".trigger",
                      spec.get("trigger"),
                      scheduler.timezone(),
                      scheduler.clock()))
              .kwargs(kwargs)
              .store(session.addTarget());
      // Named after its id unless named: the executor's log lines then say which task ran.
      b.name(String.valueOf(spec.get("name") != null ? spec.get("name") : id));
      if (spec.get("args") instanceof List<?> args) {
        b.args(args);
      } else if (spec.get("args") != null) {
        throw new InvalidInputException(where + ".args", spec.get("args"), "is not a list");
      }
      Map<String, Object> options =
          spec.get("options") == null ? Map.of() : asMap(where + ".options", spec.get("options"));
      for (Map.Entry<String, Object> o : options.entrySet()) {
        Object v = o.getValue();
        switch (o.getKey()) {
          case "executor" -> b.executor(String.valueOf(v));
          case "store" -> b.store(String.valueOf(v));
          case "max_instances" -> {
            if (!String.valueOf(v).matches("\\d{1,9}")) {
              throw new InvalidInputException(
                  where + ".options.max_instances", v, "is not a whole number of 1 or more");
            }
            b.maxInstances(Integer.parseInt(String.valueOf(v)));
          }
          case "coalesce" -> b.coalesce(Boolean.parseBoolean(String.valueOf(v)));
          case "mistrigger_grace_time" ->
              b.mistriggerGraceTime(
                  Specs.duration(where + ".options.mistrigger_grace_time", String.valueOf(v)));
          case "paused" -> {
            if (Boolean.parseBoolean(String.valueOf(v))) {
              b.paused();
            }
          }
          default ->
              throw new InvalidInputException(
                  where + ".options",
                  o.getKey(),
                  "is unknown; expected executor, store, max_instances, coalesce,"
                      + " mistrigger_grace_time, paused");
        }
      }
      return b;
    }
  }

  /**
   * Applies a changed configuration file's {@code tasks} ({@code --watch}): adds the new ids,
   * replaces the tasks whose entry changed and removes those whose entry is gone. Runs in progress
   * go on. A change is applied once the file reads the same at two checks in a row, so that a file
   * caught half written (an editor truncates it, then writes it) never removes the tasks it is
   * about to hold again. A file that no longer reads is logged and ignored until it changes again;
   * changes outside {@code tasks} wait for the next start.
   */
  static final class ConfigWatch {
    private final Session session;
    private final Path file;
    private byte[] content;
    private byte[] pending; // read at the last check, not applied yet: applied if it stays
    private CliConfig config;

    ConfigWatch(Session session, Path file) throws java.io.IOException {
      this.session = session;
      this.file = file;
      this.content = Files.readAllBytes(file);
      this.config = session.config();
    }

    void check() {
      byte[] now;
      try {
        now = Files.readAllBytes(file);
      } catch (java.io.IOException e) {
        return; // being replaced, or gone: look again at the next check
      }
      if (Arrays.equals(now, content)) {
        pending = null;
        return;
      }
      if (!Arrays.equals(now, pending)) {
        pending = now; // still being written, perhaps: look again at the next check
        return;
      }
      pending = null;
      content = now;
      CliConfig fresh;
      try {
        fresh = CliConfig.read(file);
      } catch (RuntimeException e) {
        LOG.warn("Ignoring the changed configuration {}: {}", file, e.getMessage());
        return;
      }
      Map<String, Map<String, Object>> before = byId(config);
      Map<String, Map<String, Object>> after = byId(fresh);
      int i = 0;
      for (Map<String, Object> spec : fresh.tasks()) {
        i++;
        String id = String.valueOf(spec.get("id"));
        Map<String, Object> old = before.get(id);
        if (old != null && old.equals(spec)) {
          continue;
        }
        try {
          configTask(session, spec, "tasks[" + i + "] in " + file).replaceExisting(true).add();
          LOG.info("Configuration {} task '{}'", old == null ? "added" : "changed", id);
        } catch (RuntimeException e) {
          LOG.warn("Configuration task '{}' not applied: {}", id, e.getMessage());
        }
      }
      for (String id : before.keySet()) {
        if (!after.containsKey(id)) {
          try {
            session.scheduler().deleteTask(id, null);
            LOG.info("Configuration removed task '{}'", id);
          } catch (RuntimeException e) {
            LOG.info("Configuration removed task '{}', which was no longer stored", id);
          }
        }
      }
      config = fresh;
    }

    private static Map<String, Map<String, Object>> byId(CliConfig config) {
      Map<String, Map<String, Object>> tasks = new HashMap<>();
      for (Map<String, Object> spec : config.tasks()) {
        tasks.put(String.valueOf(spec.get("id")), spec);
      }
      return tasks;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(String where, Object value) {
    if (!(value instanceof Map)) {
      throw new InvalidInputException(where, value, "is not a mapping");
    }
    return (Map<String, Object>) value;
  }

  /**
   * MongoDB stores tell of every change to their task collection through a change stream (on a
   * replica set; a standalone server sends none, which the store logs once, and the poll sees the
   * changes). Unlike the notices of PostgreSQL and Redis, which only the {@code asyncz} commands
   * send, these come for any writer, this service's own runs included: {@link NoticedChecks} keeps
   * them from reading the task list more than once a second. In cluster mode the scheduler listens
   * to the stream itself (a store has one callback), and the poll logs what others changed.
   */
  private static void listenToChangeStreams(Session session, NoticedChecks noticed) {
    if (session.clustered()) {
      return;
    }
    for (String alias : session.storeOptions().keySet()) {
      if (session.scheduler().lookupStore(alias) instanceof MongoStore mongo) {
        mongo.onChange(noticed::notice);
        if (mongo.hearsChanges()) {
          LOG.info("Store '{}': listening for change notices (change stream)", alias);
        }
      }
    }
  }

  /**
   * What a change notice does: wakes the scheduler at once, so that a task added or resumed
   * elsewhere runs on time, and runs the change check (a full read of the task list, which logs
   * what changed) on the watch thread soon after, at most once a {@link #SPACING} however many
   * notices come.
   */
  static final class NoticedChecks {
    static final Duration SPACING = Duration.ofSeconds(1);

    private final Runnable wake;
    private final Runnable check;
    private final ScheduledExecutorService watchThread;
    private final Duration spacing;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile long lastCheck;

    NoticedChecks(Scheduler scheduler, ChangeWatch changes, ScheduledExecutorService watchThread) {
      this(scheduler::storesChanged, () -> changes.check(true), watchThread, SPACING);
    }

    NoticedChecks(
        Runnable wake, Runnable check, ScheduledExecutorService watchThread, Duration spacing) {
      this.wake = wake;
      this.check = check;
      this.watchThread = watchThread;
      this.spacing = spacing;
      this.lastCheck = System.nanoTime() - spacing.toNanos();
    }

    void notice() {
      wake.run();
      if (!pending.compareAndSet(false, true)) {
        return; // a check is already coming, and it reads the store after this change
      }
      long wait = Math.max(0, lastCheck + spacing.toNanos() - System.nanoTime());
      try {
        watchThread.schedule(this::check, wait, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        pending.set(false); // the service is stopping
      }
    }

    private void check() {
      pending.set(false); // before the read: a notice during it asks for another
      lastCheck = System.nanoTime();
      try {
        check.run();
      } catch (RuntimeException e) {
        LOG.warn("Checking the stores for changes failed: {}", e.toString());
      }
    }
  }

  /**
   * Sees what other processes change in the stores: a full read of the task list each time,
   * compared with the last one; any difference wakes the scheduler, so that a task added or resumed
   * elsewhere runs on time, and a difference other than a next run time is logged.
   */
  static final class ChangeWatch {
    private final Scheduler scheduler;
    private Map<String, TaskInfo> last = new HashMap<>();

    ChangeWatch(Scheduler scheduler) {
      this.scheduler = scheduler;
    }

    synchronized void check(boolean log) {
      Map<String, TaskInfo> now = new HashMap<>();
      for (TaskInfo t : scheduler.getTaskInfos(TaskQuery.all())) {
        now.put(t.storeAlias() + "\u0000" + t.id(), t);
      }
      boolean changed = false;
      for (Map.Entry<String, TaskInfo> e : now.entrySet()) {
        TaskInfo before = last.get(e.getKey());
        TaskInfo after = e.getValue();
        if (before == null) {
          changed = true;
          if (log) {
            LOG.info(
                "Seen task '{}' added ({}, store '{}')",
                after.id(),
                after.triggerDescription(),
                after.storeAlias());
          }
        } else if (!Objects.equals(before.nextRunTime(), after.nextRunTime())
            || !same(before, after)) {
          changed = true;
          if (log && before.paused() != after.paused()) {
            LOG.info("Seen task '{}' {}", after.id(), after.paused() ? "paused" : "resumed");
          } else if (log && !same(before, after)) {
            LOG.info("Seen task '{}' updated ({})", after.id(), after.triggerDescription());
          }
        }
      }
      for (Map.Entry<String, TaskInfo> e : last.entrySet()) {
        if (!now.containsKey(e.getKey())) {
          changed = true;
          if (log) {
            LOG.info("Seen task '{}' removed", e.getValue().id());
          }
        }
      }
      last = now;
      if (changed) {
        scheduler.storesChanged();
      }
    }

    private static boolean same(TaskInfo a, TaskInfo b) {
      return a.paused() == b.paused()
          && Objects.equals(a.name(), b.name())
          && Objects.equals(a.callableReference(), b.callableReference())
          && Objects.equals(a.triggerDescription(), b.triggerDescription())
          && Objects.equals(a.executor(), b.executor())
          && Objects.equals(a.args(), b.args())
          && Objects.equals(a.kwargs(), b.kwargs())
          && a.maxInstances() == b.maxInstances()
          && a.coalesce() == b.coalesce()
          && Objects.equals(a.mistriggerGraceTime(), b.mistriggerGraceTime());
    }
  }
}
