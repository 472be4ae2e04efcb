package io.asyncz.admin;

import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerInfo;
import io.asyncz.scheduler.TaskBuilder;
import io.asyncz.scheduler.TaskChange;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.task.Task;
import io.asyncz.task.TaskRunPreview;
import io.asyncz.trigger.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operator actions over an in-process {@link Scheduler}. Every state-changing action is written
 * to the audit log under the user this instance acts for ({@link #as(String)}), with the task
 * before and after and the outcome, failures included.
 *
 * <pre>{@code
 * SchedulerOperations ops = SchedulerOperations.builder(scheduler).build();
 * TaskView task = ops.as("alice").createTask(Map.of(
 *     "id", "report", "function", "reports.daily", "trigger", Map.of("cron", "0 5 * * *")));
 * }</pre>
 */
public final class SchedulerOperations implements Operations, AutoCloseable {
  /** The most ids one bulk action takes. */
  public static final int MAX_BULK = 500;

  /** The user of actions made without {@link #as(String)}. */
  public static final String SYSTEM_USER = "system";

  /** How old the listing's copy of a persistent store may be by default. */
  public static final Duration DEFAULT_LISTING_MAX_AGE = Duration.ofSeconds(1);

  private static final List<String> BULK_ACTIONS = List.of("run", "pause", "resume", "remove");

  private final Shared shared;
  private final String user;

  private record Shared(
      Scheduler scheduler,
      RunHistory history,
      AuditLog audit,
      EventBuffer events,
      TaskListing listing,
      BiConsumer<String, Map<String, Object>> functionCheck) {}

  private SchedulerOperations(Shared shared, String user) {
    this.shared = shared;
    this.user = user;
  }

  /** Starts the operations over {@code scheduler}. */
  public static Builder builder(Scheduler scheduler) {
    return new Builder(scheduler);
  }

  /** The same operations, audited as made by {@code user}. */
  public SchedulerOperations as(String user) {
    if (user == null || user.isBlank()) {
      throw new InvalidInputException("user", user, "is blank; expected a user name");
    }
    return new SchedulerOperations(shared, user);
  }

  /** The user these operations are audited as. */
  public String user() {
    return user;
  }

  /** The scheduler. */
  public Scheduler scheduler() {
    return shared.scheduler;
  }

  /** The recent-events buffer, to subscribe to. */
  public EventBuffer events() {
    return shared.events;
  }

  /** The audit log. */
  public AuditLog auditLog() {
    return shared.audit;
  }

  /** Stops listening to the scheduler's events and closes the audit file. */
  @Override
  public void close() {
    shared.listing.close();
    shared.events.close();
    shared.audit.close();
  }

  private Scheduler s() {
    return shared.scheduler;
  }

  private ZoneId zone() {
    return s().timezone();
  }

  // ------------------------------------------------------------------ reading

  @Override
  public InfoView info() {
    SchedulerInfo i = s().info();
    return new InfoView(
        i.identity(),
        i.stateLabel(),
        i.running(),
        i.startedAt(),
        i.uptime() == null ? null : i.uptime().toSeconds(),
        i.timezone().getId(),
        i.executors(),
        i.stores(),
        new InfoView.Counts(
            i.taskCount(), i.scheduledTaskCount(), i.pausedTaskCount(), i.pendingTaskCount()),
        s().clock().instant());
  }

  @Override
  public List<InstanceView> instances() {
    return s().instances().stream()
        .map(
            i ->
                new InstanceView(
                    i.identity(),
                    i.scope(),
                    i.stateLabel(),
                    i.active(),
                    i.stale(),
                    i.startedAt(),
                    i.lastSeenAt(),
                    i.timezone().getId(),
                    i.executors(),
                    i.stores(),
                    i.taskCount()))
        .toList();
  }

  @Override
  public TaskPage listTasks(TaskFilter f) {
    // Checked against the scheduler's aliases (not info(), which counts every task).
    if (f.store() != null) {
      s().lookupStore(f.store());
    }
    if (f.executor() != null) {
      s().lookupExecutor(f.executor());
    }
    TaskListing.Page page = shared.listing.list(f);
    List<TaskView> views = new ArrayList<>(page.rows().size());
    for (TaskListing.Row row : page.rows()) {
      views.add(view(row.task()));
    }
    return new TaskPage(views, page.total(), f.page(), f.size());
  }

  @Override
  public TaskView getTask(String id) {
    return view(task(id));
  }

  private Task task(String id) {
    if (id == null || id.isBlank()) {
      throw new InvalidInputException("id", id, "is blank; expected a task id");
    }
    return s().getTask(id).orElseThrow(() -> new TaskLookupException(id));
  }

  @Override
  public PreviewView previewTask(String id, int count) {
    checkCount(count);
    TaskRunPreview p =
        s().previewTaskRuns(id, null, count).orElseThrow(() -> new TaskLookupException(id));
    return new PreviewView(p.runTimes(), p.exhausted(), p.timezone().getId());
  }

  @Override
  public PreviewView previewSpec(Map<String, Object> spec, int count) {
    checkCount(count);
    TaskSpecs.Parsed p = TaskSpecs.read(spec, false, zone(), s().clock());
    if (p.trigger() == null) {
      throw new InvalidInputException(
          "trigger",
          null,
          "is missing; expected {\"cron\": \"*/5 * * * *\"}, {\"every\": \"10s\"}, {\"at\": ISO},"
              + " {\"type\": \"interval\", \"seconds\": 5} or a crontab");
    }
    Instant now = s().clock().instant();
    List<Instant> times = new ArrayList<>();
    Instant previous = null;
    boolean exhausted = false;
    while (true) {
      Optional<Instant> next = p.trigger().nextFireTime(zone(), previous, now);
      if (next.isEmpty()) {
        exhausted = true;
        break;
      }
      if (times.size() == count) {
        break;
      }
      times.add(next.get());
      previous = next.get();
    }
    return new PreviewView(times, exhausted, zone().getId());
  }

  private static void checkCount(int count) {
    if (count < 1 || count > Scheduler.MAX_PREVIEW_COUNT) {
      throw new InvalidInputException(
          "count", count, "is out of range; expected 1 to " + Scheduler.MAX_PREVIEW_COUNT);
    }
  }

  private record Cursor(Instant time, Task task) {}

  @Override
  public Timeline timeline(int hours, int limit) {
    if (hours < 1 || hours > 744) {
      throw new InvalidInputException("hours", hours, "is out of range; expected 1 to 744");
    }
    if (limit < 1 || limit > 5000) {
      throw new InvalidInputException("limit", limit, "is out of range; expected 1 to 5000");
    }
    Instant now = s().clock().instant();
    Instant horizon = now.plus(Duration.ofHours(hours));
    // A merge of every task's run times: only `limit` of them are ever computed.
    PriorityQueue<Cursor> queue =
        new PriorityQueue<>(Comparator.comparing(Cursor::time).thenComparing(c -> c.task().id()));
    for (Task t : s().getTasks()) {
      Instant next = t.nextRunTimeOrNull();
      if (next != null && !next.isAfter(horizon)) {
        queue.add(new Cursor(next, t));
      }
    }
    List<Timeline.Entry> entries = new ArrayList<>();
    while (!queue.isEmpty() && entries.size() < limit) {
      Cursor c = queue.poll();
      entries.add(new Timeline.Entry(c.task().id(), c.task().name(), c.time()));
      Optional<Instant> next = c.task().trigger().nextFireTime(zone(), c.time(), now);
      if (next.isPresent() && !next.get().isAfter(horizon) && next.get().isAfter(c.time())) {
        queue.add(new Cursor(next.get(), c.task()));
      }
    }
    return new Timeline(entries);
  }

  @Override
  public RunList runs(RunQuery query) {
    if (shared.history == null) {
      return new RunList(List.of(), null);
    }
    RunPage page = shared.history.query(query);
    return new RunList(page.runs().stream().map(RunView::of).toList(), page.next());
  }

  @Override
  public Optional<RunView> findRun(String runId) {
    if (shared.history == null || runId == null) {
      return Optional.empty();
    }
    return shared.history.find(runId).map(RunView::of);
  }

  @Override
  public List<EventView> recentEvents(int limit) {
    checkLimit(limit, 1000);
    return shared.events.recent(limit);
  }

  @Override
  public List<AuditEntry> audit(int limit) {
    checkLimit(limit, 1000);
    return shared.audit.recent(limit);
  }

  private static void checkLimit(int limit, int max) {
    if (limit < 1 || limit > max) {
      throw new InvalidInputException("limit", limit, "is out of range; expected 1 to " + max);
    }
  }

  @Override
  public List<QuarantineEntry> quarantine() {
    List<QuarantineEntry> out = new ArrayList<>();
    s().quarantinedRecords()
        .forEach(
            (store, records) -> {
              for (QuarantinedRecord r : records) {
                out.add(
                    new QuarantineEntry(
                        store,
                        r.taskId(),
                        r.reason(),
                        r.detail(),
                        r.quarantinedAt(),
                        r.raw().length));
              }
            });
    return out;
  }

  @Override
  public List<DoctorCheck> doctor() {
    List<DoctorCheck> checks = new ArrayList<>();
    SchedulerInfo info = s().info();
    checks.add(
        new DoctorCheck(
            "scheduler",
            info.running() ? "ok" : "warning",
            "state " + info.stateLabel() + ", " + info.taskCount() + " tasks"));
    Map<String, List<QuarantinedRecord>> quarantined = s().quarantinedRecords();
    for (String store : info.stores()) {
      try {
        int n = s().getTasks(store).size();
        checks.add(new DoctorCheck("store " + store, "ok", n + " tasks"));
      } catch (RuntimeException e) {
        checks.add(new DoctorCheck("store " + store, "error", "unreachable: " + e.getMessage()));
      }
      int q = quarantined.getOrDefault(store, List.of()).size();
      checks.add(
          new DoctorCheck(
              "quarantine " + store,
              q == 0 ? "ok" : "warning",
              q == 0 ? "no quarantined records" : q + " quarantined records"));
    }
    checks.add(
        new DoctorCheck(
            "run history",
            shared.history == null ? "warning" : "ok",
            shared.history == null ? "not kept" : "kept"));
    return checks;
  }

  // ------------------------------------------------------------------ changing

  @Override
  public TaskView createTask(Map<String, Object> spec) {
    Object id = spec == null ? null : spec.get("id");
    return audited(
        "create",
        id == null ? "(new)" : String.valueOf(id),
        () -> null,
        () -> {
          TaskSpecs.Parsed p = TaskSpecs.read(spec, false, zone(), s().clock());
          if (p.function() == null) {
            throw new InvalidInputException(
                "function",
                null,
                "is missing; expected a registered name or com.example.Jobs::method");
          }
          if (p.trigger() == null) {
            throw new InvalidInputException(
                "trigger",
                null,
                "is missing; expected {\"cron\": \"*/5 * * * *\"}, {\"every\": \"10s\"},"
                    + " {\"at\": ISO}, {\"type\": \"interval\", \"seconds\": 5} or a crontab");
          }
          checkAliases(p);
          Map<String, Object> kwargs = p.kwargs() == null ? Map.of() : p.kwargs();
          shared.functionCheck.accept(p.function(), kwargs);
          TaskBuilder b =
              s().task(p.function())
                  .trigger(p.trigger())
                  .args(p.args() == null ? List.of() : p.args())
                  .kwargs(kwargs);
          if (p.id() != null) {
            b.id(p.id());
          }
          // Named after the reference the operator typed unless named: a registered function's
          // own display name may be a lambda's class name, which says nothing in a listing.
          b.name(p.name() != null ? p.name() : p.function());
          if (p.executor() != null) {
            b.executor(p.executor());
          }
          if (p.store() != null) {
            b.store(p.store());
          }
          if (p.maxInstances() != null) {
            b.maxInstances(p.maxInstances());
          }
          if (p.coalesce() != null) {
            b.coalesce(p.coalesce());
          }
          if (p.graceGiven()) {
            if (p.grace() == null) {
              b.noGraceLimit();
            } else {
              b.mistriggerGraceTime(p.grace());
            }
          }
          if (Boolean.TRUE.equals(p.paused())) {
            b.paused();
          }
          return view(b.add());
        },
        after -> after);
  }

  private void checkAliases(TaskSpecs.Parsed p) {
    if (p.executor() != null) {
      s().lookupExecutor(p.executor());
    }
    if (p.store() != null) {
      s().lookupStore(p.store());
    }
  }

  @Override
  public UpdateResult updateTask(String id, Map<String, Object> changes, boolean dryRun) {
    Task current = task(id);
    TaskView before = view(current);
    return audited(
        dryRun ? "update (dry run)" : "update",
        id,
        () -> before,
        () -> {
          TaskSpecs.Parsed p = TaskSpecs.read(changes, true, zone(), s().clock());
          if (changes.isEmpty()) {
            throw new InvalidInputException(
                "changes",
                "{}",
                "is empty; expected at least one of name, function, trigger, crontab, args,"
                    + " kwargs, executor, store, max_instances, coalesce, mistrigger_grace_time,"
                    + " paused, next_run_time");
          }
          checkAliases(p);
          shared.functionCheck.accept(
              p.function() != null ? p.function() : before.function(),
              p.kwargs() != null ? p.kwargs() : before.kwargs());
          if (p.function() != null) {
            s().registry().resolve(p.function()); // refused here, before anything changes
          }
          TaskView after = dryRun ? simulate(current, before, p) : apply(id, before, p);
          return new UpdateResult(before, after, diff(before, after), !dryRun);
        },
        r -> r.applied() ? r.after() : null);
  }

  private TaskView simulate(Task current, TaskView before, TaskSpecs.Parsed p) {
    Instant now = s().clock().instant();
    Trigger trigger = p.trigger() != null ? p.trigger() : current.trigger();
    boolean paused = p.paused() != null ? p.paused() : before.paused();
    Instant next = before.nextRunTime();
    if (p.nextRunTime() != null) {
      next = p.nextRunTime();
    } else if (p.trigger() != null || (before.paused() && !paused)) {
      next = trigger.nextFireTime(zone(), null, now).orElse(null);
    }
    if (paused) {
      next = null;
    }
    Duration grace = p.graceGiven() ? p.grace() : current.mistriggerGraceTime().orElse(null);
    return new TaskView(
        before.id(),
        p.name() != null ? p.name() : before.name(),
        p.function() != null ? p.function() : before.function(),
        p.trigger() != null ? triggerView(p.trigger()) : before.trigger(),
        p.args() != null ? p.args() : before.args(),
        p.kwargs() != null ? p.kwargs() : before.kwargs(),
        p.executor() != null ? p.executor() : before.executor(),
        p.store() != null ? p.store() : before.store(),
        paused ? "paused" : before.paused() ? "scheduled" : before.state(),
        next,
        p.coalesce() != null ? p.coalesce() : before.coalesce(),
        p.maxInstances() != null ? p.maxInstances() : before.maxInstances(),
        seconds(grace),
        paused);
  }

  private TaskView apply(String id, TaskView before, TaskSpecs.Parsed p) {
    List<Consumer<TaskChange>> steps = new ArrayList<>();
    if (p.name() != null) {
      steps.add(c -> c.name(p.name()));
    }
    if (p.function() != null) {
      steps.add(c -> c.function(p.function()));
    }
    if (p.args() != null) {
      steps.add(c -> c.args(p.args()));
    }
    if (p.kwargs() != null) {
      steps.add(c -> c.kwargs(p.kwargs()));
    }
    if (p.executor() != null) {
      steps.add(c -> c.executor(p.executor()));
    }
    if (p.store() != null && !p.store().equals(before.store())) {
      steps.add(c -> c.store(p.store()));
    }
    if (p.maxInstances() != null) {
      steps.add(c -> c.maxInstances(p.maxInstances()));
    }
    if (p.coalesce() != null) {
      steps.add(c -> c.coalesce(p.coalesce()));
    }
    if (p.graceGiven()) {
      steps.add(
          c -> {
            if (p.grace() == null) {
              c.noGraceLimit();
            } else {
              c.mistriggerGraceTime(p.grace());
            }
          });
    }
    if (p.nextRunTime() != null) {
      if (p.trigger() != null) {
        steps.add(c -> c.trigger(p.trigger()));
      }
      steps.add(c -> c.nextRunTime(p.nextRunTime()));
    }
    if (!steps.isEmpty()) {
      s().updateTask(id, null, c -> steps.forEach(step -> step.accept(c)));
    }
    if (p.trigger() != null && p.nextRunTime() == null) {
      // Rescheduling computes the next run time from the new trigger, as asyncz update does.
      s().rescheduleTask(id, null, p.trigger());
    }
    if (Boolean.TRUE.equals(p.paused()) && !before.paused()) {
      s().pauseTask(id, null);
    } else if (Boolean.FALSE.equals(p.paused()) && before.paused()) {
      Optional<Task> resumed = s().resumeTask(id, null);
      if (resumed.isEmpty()) {
        return null; // the schedule had finished: resuming removed it
      }
    }
    return view(task(id));
  }

  private static List<FieldChange> diff(TaskView before, TaskView after) {
    List<FieldChange> diff = new ArrayList<>();
    if (after == null) {
      diff.add(new FieldChange("removed", false, true));
      return diff;
    }
    add(diff, "name", before.name(), after.name());
    add(diff, "function", before.function(), after.function());
    add(diff, "trigger", before.trigger().description(), after.trigger().description());
    add(diff, "args", before.args(), after.args());
    add(diff, "kwargs", before.kwargs(), after.kwargs());
    add(diff, "executor", before.executor(), after.executor());
    add(diff, "store", before.store(), after.store());
    add(diff, "max_instances", before.maxInstances(), after.maxInstances());
    add(diff, "coalesce", before.coalesce(), after.coalesce());
    add(diff, "mistrigger_grace_time", before.mistriggerGraceTime(), after.mistriggerGraceTime());
    add(diff, "paused", before.paused(), after.paused());
    add(diff, "next_run_time", before.nextRunTime(), after.nextRunTime());
    return diff;
  }

  private static void add(List<FieldChange> diff, String field, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      diff.add(
          new FieldChange(
              field,
              before instanceof Instant i ? i.toString() : before,
              after instanceof Instant i ? i.toString() : after));
    }
  }

  @Override
  public RunSubmission runTask(String id) {
    TaskView before = getTask(id);
    return audited(
        "run",
        id,
        () -> before,
        () -> {
          Optional<Task> after = s().runTask(id, null, true, true);
          return new RunSubmission(null, true, after.map(this::view).orElse(null));
        },
        RunSubmission::task);
  }

  @Override
  public TaskView pauseTask(String id) {
    TaskView before = getTask(id);
    return audited("pause", id, () -> before, () -> view(s().pauseTask(id, null)), t -> t);
  }

  @Override
  public Optional<TaskView> resumeTask(String id) {
    TaskView before = getTask(id);
    return audited(
        "resume",
        id,
        () -> before,
        () -> s().resumeTask(id, null).map(this::view),
        t -> t.orElse(null));
  }

  @Override
  public void removeTask(String id) {
    TaskView before = getTask(id);
    audited(
        "remove",
        id,
        () -> before,
        () -> {
          s().deleteTask(id, null);
          return Boolean.TRUE;
        },
        done -> null);
  }

  @Override
  public BulkResult bulk(String action, List<String> ids) {
    if (action == null || !BULK_ACTIONS.contains(action)) {
      throw new InvalidInputException(
          "action", action, "is not a bulk action; expected one of " + BULK_ACTIONS);
    }
    if (ids == null || ids.isEmpty()) {
      throw new InvalidInputException("ids", ids, "is empty; expected a list of task ids");
    }
    if (ids.size() > MAX_BULK) {
      throw new InvalidInputException(
          "ids", ids.size() + " ids", "are too many; expected at most " + MAX_BULK);
    }
    List<BulkResult.Item> results = new ArrayList<>();
    for (String id : ids) {
      try {
        switch (action) {
          case "run" -> runTask(id);
          case "pause" -> pauseTask(id);
          case "resume" -> resumeTask(id);
          default -> removeTask(id);
        }
        results.add(new BulkResult.Item(id, true, null));
      } catch (RuntimeException e) {
        results.add(new BulkResult.Item(id, false, OperationError.of(e)));
      }
    }
    return new BulkResult(results);
  }

  @Override
  public TaskView restoreQuarantined(String store, String taskId) {
    checkStore(store);
    return audited(
        "restore",
        store + "/" + taskId,
        () -> null,
        () -> view(s().restoreQuarantined(taskId, store)),
        t -> t);
  }

  @Override
  public void discardQuarantined(String store, String taskId) {
    checkStore(store);
    audited(
        "discard",
        store + "/" + taskId,
        () -> null,
        () -> {
          s().discardQuarantined(taskId, store);
          return Boolean.TRUE;
        },
        done -> null);
  }

  private void checkStore(String store) {
    if (store == null || store.isBlank()) {
      throw new InvalidInputException("store", store, "is blank; expected a store alias");
    }
    s().lookupStore(store);
  }

  /** Records an action in the audit log as it ends, well or not, and passes its outcome on. */
  private <T> T audited(
      String action,
      String target,
      Supplier<Object> before,
      Supplier<T> operation,
      Function<T, Object> after) {
    Object was = before.get();
    T result;
    try {
      result = operation.get();
    } catch (RuntimeException e) {
      shared.audit.record(
          new AuditEntry(
              s().clock().instant(), user, action, target, was, null, "failed", e.getMessage()));
      throw e;
    }
    shared.audit.record(
        new AuditEntry(
            s().clock().instant(), user, action, target, was, after.apply(result), "ok", null));
    return result;
  }

  /** Records an action made outside these operations (a login, a logout) in the same audit log. */
  public void recordAction(String action, String target, boolean ok, String error) {
    shared.audit.record(
        new AuditEntry(
            s().clock().instant(), user, action, target, null, null, ok ? "ok" : "failed", error));
  }

  // ------------------------------------------------------------------ views

  /** The view of a task. */
  public TaskView view(Task t) {
    return new TaskView(
        t.id(),
        t.name(),
        t.reference().orElse(t.info().callableName()),
        triggerView(t.trigger()),
        t.args(),
        t.kwargs(),
        t.executor(),
        t.storeAlias(),
        t.scheduleState().value(),
        t.nextRunTimeOrNull(),
        t.coalesce(),
        t.maxInstances(),
        seconds(t.mistriggerGraceTime().orElse(null)),
        t.isPaused());
  }

  private static TriggerView triggerView(Trigger trigger) {
    return new TriggerView(
        trigger.alias(), trigger.toString(), new LinkedHashMap<>(trigger.state().fields()));
  }

  private static Double seconds(Duration d) {
    return d == null ? null : d.toMillis() / 1000.0;
  }

  /** Builds {@link SchedulerOperations}. */
  public static final class Builder {
    private final Scheduler scheduler;
    private RunHistory history;
    private AuditLog audit;
    private int eventCapacity = EventBuffer.DEFAULT_CAPACITY;
    private Duration listingMaxAge = DEFAULT_LISTING_MAX_AGE;
    private BiConsumer<String, Map<String, Object>> functionCheck = (function, kwargs) -> {};

    private Builder(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Where run history is read; by default the scheduler's own ({@link Scheduler#runHistory()},
     * empty while its run history is off).
     */
    public Builder history(RunHistory history) {
      this.history = history;
      return this;
    }

    /** The audit log; by default one in memory of {@value AuditLog#DEFAULT_CAPACITY} entries. */
    public Builder audit(AuditLog audit) {
      this.audit = audit;
      return this;
    }

    /**
     * How many recent events are kept (default {@value EventBuffer#DEFAULT_CAPACITY}).
     *
     * @throws InvalidInputException when not 1 or more
     */
    public Builder eventCapacity(int capacity) {
      if (capacity < 1) {
        throw new InvalidInputException(
            "eventCapacity", capacity, "is out of range; expected 1 or more");
      }
      this.eventCapacity = capacity;
      return this;
    }

    /**
     * How old the task listing's copy of a persistent store may be before a listing reads the store
     * again (default 1 second, on the scheduler's clock): the bound on how late a listing shows
     * what another process wrote into a shared store. Changes made through this scheduler show at
     * once whatever this is; {@link Duration#ZERO} reads persistent stores on every listing.
     *
     * @throws InvalidInputException when negative
     */
    public Builder listingMaxAge(Duration maxAge) {
      if (maxAge == null || maxAge.isNegative()) {
        throw new InvalidInputException(
            "listingMaxAge", maxAge, "is negative or missing; expected 0 or more");
      }
      this.listingMaxAge = maxAge;
      return this;
    }

    /**
     * A check of the function and keyword arguments of every task created or changed (the command
     * line's rule that built-in {@code exec} and {@code http} tasks are off unless enabled); it
     * refuses by throwing.
     */
    public Builder functionCheck(BiConsumer<String, Map<String, Object>> check) {
      this.functionCheck = Objects.requireNonNull(check, "check");
      return this;
    }

    /** The operations, acting as {@value SchedulerOperations#SYSTEM_USER}. */
    public SchedulerOperations build() {
      return new SchedulerOperations(
          new Shared(
              scheduler,
              history != null ? history : scheduler.runHistory(),
              audit != null ? audit : AuditLog.inMemory(AuditLog.DEFAULT_CAPACITY),
              new EventBuffer(scheduler, eventCapacity),
              new TaskListing(scheduler, listingMaxAge),
              functionCheck),
          SYSTEM_USER);
    }
  }
}
