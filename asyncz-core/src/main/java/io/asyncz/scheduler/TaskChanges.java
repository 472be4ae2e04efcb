package io.asyncz.scheduler;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.MaxInstancesException;
import io.asyncz.PluginOptions;
import io.asyncz.SchedulerNotRunningException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.ArgumentWriter;
import io.asyncz.task.RetryPolicy;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskFunctions;
import io.asyncz.time.TimePoint;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.TriggerState;
import io.asyncz.trigger.Triggers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Changing a scheduler's tasks: adding them (one, many, or pending start), updating, moving,
 * pausing, resuming, running now, deleting, and the quarantine's restore and discard. Each change
 * to a stored task holds that store's lock, never the scheduler's, across its read and write.
 */
final class TaskChanges {
  /** The seed's update keys. */
  static final Set<String> UPDATABLE =
      Set.of(
          "name",
          "fn",
          "args",
          "kwargs",
          "trigger",
          "executor",
          "store_alias",
          "mistrigger_grace_time",
          "coalesce",
          "max_instances",
          "retry",
          "timeout",
          "next_run_time");

  private final Scheduler scheduler;
  private final ArgumentWriter argumentWriter; // null: arguments that are not JSON are refused
  private final Logger logger;

  TaskChanges(Scheduler scheduler, ArgumentWriter argumentWriter, Logger logger) {
    this.scheduler = scheduler;
    this.argumentWriter = argumentWriter;
    this.logger = logger;
  }

  private Plugins plugins() {
    return scheduler.plugins();
  }

  private EventHub events() {
    return scheduler.events();
  }

  private static TaskLookupException notFound(String taskId) {
    return new TaskLookupException(taskId);
  }

  // ------------------------------------------------------------------ adding

  List<Task> addAll(Consumer<TaskBatch> tasks) {
    TaskBatch batch = new TaskBatch(scheduler);
    tasks.accept(batch);
    List<TaskBatch.Entry> entries = batch.entries();
    // A generated id is 64 random bits: only given ids are checked against each other, so that a
    // batch of tasks with generated ids never writes its ids out.
    Set<String> ids = new HashSet<>();
    String inJvmStore = null; // the last store found to keep task objects: nothing to check
    for (int i = 0; i < entries.size(); i++) {
      TaskBatch.Entry e = entries.get(i);
      Task task = e.task();
      if (!task.hasGeneratedId() && !ids.add(task.id())) {
        throw new ConflictIdException(task.id());
      }
      if (!task.storeAlias().equals(inJvmStore)) {
        StoreSlot slot = plugins().slot(task.storeAlias());
        if (slot != null && !slot.userStore().persistent()) {
          inJvmStore = task.storeAlias();
        } else {
          Task persistable = checkPersistable(task);
          if (persistable != task) {
            entries.set(i, new TaskBatch.Entry(persistable, e.startTask()));
          }
        }
      }
    }
    List<Task> added = new ArrayList<>(entries.size());
    scheduler.schedulerLock().lock();
    try {
      if (scheduler.state() == SchedulerState.STOPPED) {
        PendingTasks pending = scheduler.pending();
        for (TaskBatch.Entry e : entries) {
          if (pending.contains(e.task().id())) {
            throw new ConflictIdException(e.task().id());
          }
        }
        for (TaskBatch.Entry e : entries) {
          Task task = e.task().toBuilder().pending(true).build();
          pending.add(task, false, e.startTask());
          added.add(task);
        }
        return added;
      }
    } finally {
      scheduler.schedulerLock().unlock();
    }
    Instant now = scheduler.clock().instant();
    Instant earliest = null;
    Map<String, List<Task>> byStore = new LinkedHashMap<>();
    List<Task> dueNow = new ArrayList<>(); // date tasks due already: run at once, never stored
    List<Task> dueStored = new ArrayList<>(); // other tasks due already: stored, then run at once
    String executor = null;
    StoreSlot storeSlot = null;
    List<Task> storeGroup = null;
    for (TaskBatch.Entry e : entries) {
      Task task = e.task();
      if (!task.executor().equals(executor)) {
        plugins().lookupExecutor(task.executor());
        executor = task.executor();
      }
      if (storeSlot == null || !storeSlot.alias.equals(task.storeAlias())) {
        storeSlot = plugins().slotFor(task.storeAlias());
        storeGroup = byStore.computeIfAbsent(task.storeAlias(), alias -> new ArrayList<>());
      }
      if (task.nextRunTimeOrNull() == null && e.startTask()) {
        task =
            task.withNextRunTime(
                task.trigger().nextFireTime(scheduler.timezone(), null, now).orElse(null));
      }
      added.add(task);
      if (e.startTask() && submitsUnstored(storeSlot, task, now)) {
        dueNow.add(task);
        continue;
      }
      if (e.startTask()) {
        Instant next = task.nextRunTimeOrNull();
        earliest = Scheduler.earliest(earliest, next);
        if (next != null && !next.isAfter(now)) {
          dueStored.add(task);
        }
      }
      storeGroup.add(task);
    }
    for (Task task : dueNow) {
      // Checked before anything is stored or run, so that a taken id still adds nothing.
      if (!task.hasGeneratedId()) {
        StoreSlot slot = plugins().slotFor(task.storeAlias());
        slot.lock.lock();
        try {
          if (slot.store.lookupTask(task.id()).isPresent()) {
            throw new ConflictIdException(task.id());
          }
        } finally {
          slot.lock.unlock();
        }
      }
    }
    List<String> stored = new ArrayList<>();
    try {
      for (Map.Entry<String, List<Task>> group : byStore.entrySet()) {
        StoreSlot slot = plugins().slotFor(group.getKey());
        slot.lock.lock();
        try {
          slot.store.addTasks(group.getValue());
        } finally {
          slot.lock.unlock();
        }
        slot.changed();
        stored.add(group.getKey());
      }
    } catch (RuntimeException e) {
      for (String alias : stored) {
        for (Task task : byStore.get(alias)) {
          try {
            plugins().slotFor(alias).store.deleteTask(task.id());
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
      throw e;
    }
    scheduler.wakeupIfEarlier(earliest);
    logger.info("Added {} tasks", added.size());
    if (events().listening(Events.TASK_ADDED)) {
      for (Task task : added) {
        events().dispatch(new TaskEvent(Events.TASK_ADDED, task.id(), task.storeAlias()));
      }
    }
    if (!dueNow.isEmpty()) {
      submitDueNow(dueNow, now);
    }
    if (!dueStored.isEmpty()
        && scheduler.state() == SchedulerState.RUNNING
        && scheduler.runsDueTasksOnAdd()) {
      // As commit does for one task: from the caller's thread, not in the loop's next round.
      List<SchedulerEvent> due = new ArrayList<>();
      for (Task task : dueStored) {
        scheduler.taskLoop().processOne(plugins().slotFor(task.storeAlias()), task, now, due);
        if (due.size() >= 1_024) {
          events().dispatchAll(due);
          due.clear();
        }
      }
      events().dispatchAll(due);
      scheduler.wakeup(); // whatever stayed due (held back, a backlog) is the loop's
    }
    return added;
  }

  /**
   * Hands the batch's date tasks that are due already to their executors from the caller's thread,
   * as {@link #commit} does for one task, instead of storing them for the loop's next round. A task
   * the loop must see after all (its store started failing meanwhile) is stored for it.
   */
  private void submitDueNow(List<Task> dueNow, Instant now) {
    List<SchedulerEvent> due = new ArrayList<>();
    Instant earliest = null;
    for (Task task : dueNow) {
      StoreSlot slot = plugins().slotFor(task.storeAlias());
      slot.lock.lock();
      try {
        if (!scheduler.taskLoop().submitUnstored(slot, task, now, due)) {
          slot.store.addTask(task);
          slot.changed();
          earliest = Scheduler.earliest(earliest, task.nextRunTimeOrNull());
        }
      } finally {
        slot.lock.unlock();
      }
      if (due.size() >= 1_024) {
        events().dispatchAll(due); // listeners see runs as they go out, not after the batch
        due.clear();
      }
    }
    events().dispatchAll(due);
    scheduler.wakeupIfEarlier(earliest);
  }

  Task add(
      Task.Builder builder, Trigger trigger, boolean replaceExisting, boolean nextRunTimeGiven) {
    boolean stopped = scheduler.state() == SchedulerState.STOPPED;
    boolean computed = false;
    if (!stopped && !nextRunTimeGiven) {
      // The first run time goes into the one build of the task, not into a second copy of it.
      Instant now = scheduler.clock().instant();
      builder.nextRunTime(trigger.nextFireTime(scheduler.timezone(), null, now).orElse(null));
      computed = true;
    }
    Task built = checkPersistable(builder.scheduler(scheduler).pending(stopped).build());
    boolean startTask = !nextRunTimeGiven || built.nextRunTime().isPresent();
    scheduler.schedulerLock().lock();
    try {
      if (scheduler.state() == SchedulerState.STOPPED) {
        // The scheduler may have started or stopped while the task was built outside the lock.
        Task task = built;
        if (!task.isPending() || computed) {
          task =
              task.toBuilder()
                  .pending(true)
                  .nextRunTime(computed ? null : task.nextRunTime().orElse(null))
                  .build();
        }
        scheduler.pending().add(task, replaceExisting, startTask);
        logger.info(
            "Adding task tentatively; it will be properly scheduled when the scheduler starts");
        return task;
      }
    } finally {
      scheduler.schedulerLock().unlock();
    }
    Task task = built.isPending() ? built.toBuilder().pending(false).build() : built;
    return commit(task, replaceExisting, startTask, null);
  }

  /**
   * Stores a task that is not pending: its first run time computed (and pushed back to {@code
   * notBefore}, the seed's startup delay), the event sent, and a task due already handed over.
   */
  Task commit(Task task, boolean replaceExisting, boolean startTask, Instant notBefore) {
    return commit(task, replaceExisting, startTask, notBefore, argumentWriter);
  }

  /**
   * Stores a task as {@link #commit(Task, boolean, boolean, Instant)} does, writing its arguments
   * with {@code writer} (at start, the one {@link #writePendingAhead()} gave).
   */
  Task commit(
      Task task,
      boolean replaceExisting,
      boolean startTask,
      Instant notBefore,
      ArgumentWriter writer) {
    // A typo in the executor alias would otherwise quarantine the task at its first run.
    plugins().lookupExecutor(task.executor());
    if (argumentWriter != null) {
      // A task added before start to a store added after it was not written then (see add).
      task = checkPersistable(task, writer);
    }
    Task added = task;
    Instant now = scheduler.clock().instant();
    if (task.nextRunTime().isEmpty() && startTask) {
      Instant next = task.trigger().nextFireTime(scheduler.timezone(), null, now).orElse(null);
      added = task.withNextRunTime(next);
      if (next == null) {
        logger.warn("Task '{}' has no run time left; it is added paused", task.id());
      }
    }
    if (notBefore != null && added.nextRunTime().isPresent()) {
      Instant next = added.nextRunTime().get();
      if (next.isBefore(notBefore)) {
        added = added.withNextRunTime(notBefore); // the seed's startup_delay
      }
    }
    StoreSlot slot = plugins().slotFor(added.storeAlias());
    if (startTask && submitsUnstored(slot, added, now)) {
      List<SchedulerEvent> due = new ArrayList<>(2);
      boolean submitted;
      slot.lock.lock();
      try {
        // A generated id is 64 random bits: another task holding it is not worth a lookup.
        if (!added.hasGeneratedId() && slot.store.lookupTask(added.id()).isPresent()) {
          if (!replaceExisting) {
            throw new ConflictIdException(added.id());
          }
          submitted = false; // the stored task is replaced the usual way
        } else {
          submitted = scheduler.taskLoop().submitUnstored(slot, added, now, due);
        }
      } finally {
        slot.lock.unlock();
      }
      if (submitted) {
        if (logger.isInfoEnabled()) {
          logger.info("Added task '{}' to store '{}'", added.name(), added.storeAlias());
        }
        events().dispatchAll(due);
        return added;
      }
    }
    slot.lock.lock();
    try {
      try {
        slot.store.addTask(added);
      } catch (ConflictIdException e) {
        if (!replaceExisting) {
          throw e;
        }
        slot.store.updateTask(added);
        scheduler.taskLoop().revokeEarly(added.id());
      }
    } finally {
      slot.lock.unlock();
    }
    slot.changed();
    if (events().listening(Events.TASK_ADDED)) {
      events().dispatch(new TaskEvent(Events.TASK_ADDED, added.id(), added.storeAlias()));
    }
    if (logger.isInfoEnabled()) {
      logger.info("Added task '{}' to store '{}'", added.name(), added.storeAlias());
    }
    Instant next = added.nextRunTime().orElse(null);
    if (startTask
        && next != null
        && !next.isAfter(now)
        && scheduler.state() == SchedulerState.RUNNING
        && scheduler.runsDueTasksOnAdd()) {
      // Due already: hand it to its executor from here, as the loop would, instead of waking the
      // loop thread for it (the JDK's executors also start a task due now on the caller's call).
      List<SchedulerEvent> due = new ArrayList<>(1);
      scheduler.taskLoop().processOne(slot, added, now, due);
      events().dispatchAll(due);
      try {
        next = slot.store.lookupTask(added.id()).flatMap(Task::nextRunTime).orElse(null);
      } catch (RuntimeException e) {
        // The task is stored, and it may not have run here (processOne could not read it back):
        // the loop looks at once, and reports the store if it still fails. add() did add it.
        next = now;
      }
    }
    if (startTask) {
      scheduler.wakeupIfEarlier(next);
    }
    return added;
  }

  /**
   * Whether a task added due already may skip its store (see {@link TaskLoop#submitUnstored}): a
   * date task, due now, in the memory store (whose contents only this process sees), while the
   * scheduler runs and nobody listens for {@code TASK_ADDED} (which must precede the run's events).
   */
  private boolean submitsUnstored(StoreSlot slot, Task task, Instant now) {
    Instant next = task.nextRunTimeOrNull();
    return next != null
        && !next.isAfter(now)
        && task.trigger() instanceof DateTrigger
        && slot.store.getClass() == MemoryStore.class
        && scheduler.state() == SchedulerState.RUNNING
        && scheduler.runsDueTasksOnAdd()
        && !events().listening(Events.TASK_ADDED);
  }

  /**
   * Refuses a task that its store could not keep (a lambda, or an argument that is not a JSON
   * value, for a store that keeps tasks outside the JVM), when the task is added or changed rather
   * than when the store first writes it; with an {@link ArgumentWriter}, returns the task with its
   * arguments that are not JSON values written by it first. A store not added yet is not checked;
   * it refuses such a task when the task is committed to it at start (after the writer, if any, has
   * written its arguments).
   */
  private Task checkPersistable(Task task) {
    return checkPersistable(task, argumentWriter);
  }

  private Task checkPersistable(Task task, ArgumentWriter writer) {
    StoreSlot slot = plugins().slot(task.storeAlias());
    if (slot == null) {
      return task;
    }
    return TaskFunctions.checkPersistable(task, slot.alias, slot.userStore(), writer);
  }

  /**
   * Writes the arguments that {@code change} gives {@code current} (as it was read before any lock)
   * through the argument writer now, before the update takes a store's or the scheduler's lock, so
   * that a slow writer holds up only this caller; returns the writer for the check under the lock,
   * which gives those arguments' written forms (or the writer's refusals) back at once and asks the
   * scheduler's writer only for an argument it has not seen (the task changed meanwhile). Nothing
   * is thrown here: the check under the lock throws what it threw before, in the same order.
   */
  private ArgumentWriter writeAhead(Task current, TaskChange change, String targetAlias) {
    StoreSlot slot = argumentWriter == null ? null : plugins().slot(targetAlias);
    if (slot == null || !slot.userStore().persistent()) {
      return argumentWriter;
    }
    WrittenAhead writer = new WrittenAhead(argumentWriter);
    try {
      TaskFunctions.checkPersistable(
          change.applyTo(current, scheduler.registry(), targetAlias),
          slot.alias,
          slot.userStore(),
          writer);
    } catch (RuntimeException thrownAgainUnderTheLock) {
      // The same check under the lock throws it, if the task is still as it was read.
    }
    return writer;
  }

  /**
   * Writes the arguments of the tasks pending start that their commit will write (those bound for a
   * persistent store added after them), before {@code start()} takes the scheduler's lock, so that
   * a slow writer holds up only the start; returns the writer for those commits, which gives the
   * written forms (or refusals) back at once. Nothing is thrown here: a commit throws what it threw
   * before.
   */
  ArgumentWriter writePendingAhead() {
    if (argumentWriter == null) {
      return null;
    }
    List<Task> pending;
    scheduler.schedulerLock().lock();
    try {
      if (scheduler.state() != SchedulerState.STOPPED) {
        return argumentWriter;
      }
      pending = scheduler.pending().tasks(null);
    } finally {
      scheduler.schedulerLock().unlock();
    }
    WrittenAhead writer = new WrittenAhead(argumentWriter);
    for (Task task : pending) {
      try {
        checkPersistable(task, writer);
      } catch (RuntimeException thrownAgainAtCommit) {
        // The commit's own check throws it, under start()'s lock, as before.
      }
    }
    return writer;
  }

  /**
   * The scheduler's argument writer with what it wrote for one change (or one start) remembered by
   * the identity of each value: one thread's, so not shared.
   */
  private static final class WrittenAhead implements ArgumentWriter {
    private final ArgumentWriter writer;
    private final Map<Object, Object> written = new IdentityHashMap<>();

    WrittenAhead(ArgumentWriter writer) {
      this.writer = writer;
    }

    @Override
    public Object write(Object value) {
      Object result = written.get(value);
      if (result == null && !written.containsKey(value)) { // a writer may write null
        try {
          result = writer.write(value);
        } catch (RuntimeException refused) {
          result = new Refused(refused);
        }
        written.put(value, result);
      }
      if (result instanceof Refused refused) {
        throw refused.exception();
      }
      return result;
    }

    @Override
    public String describe() {
      return writer.describe();
    }

    /** The writer's refusal of a value, thrown again each time the value is written. */
    private record Refused(RuntimeException exception) {}
  }

  // ------------------------------------------------------------------ updating

  /** Reads the seed's update map into a typed change; every key and value is checked first. */
  TaskChange fromMap(Map<String, ?> changes) {
    for (String key : changes.keySet()) {
      if (!UPDATABLE.contains(key)) {
        throw new InvalidInputException(
            "task update",
            key,
            "is not a modifiable task field; expected one of " + new TreeSet<>(UPDATABLE));
      }
    }
    TaskChange change = new TaskChange();
    for (Map.Entry<String, ?> e : changes.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "name" -> change.name(v == null ? null : v.toString());
        case "fn" -> {
          if (v instanceof TaskFunction function) {
            change.function(function);
          } else if (v instanceof String reference) {
            scheduler.registry().resolve(reference); // refused now, not when applied
            change.function(reference);
          } else {
            throw new InvalidInputException(
                "fn",
                v,
                "is not a function; expected a registered name, a Class::method reference or a"
                    + " TaskFunction");
          }
        }
        case "args" -> {
          if (!(v instanceof List<?> list)) {
            throw new InvalidInputException("args", v, "is not a list; expected a list of values");
          }
          change.args(list);
        }
        case "kwargs" -> {
          if (!(v instanceof Map<?, ?> map)) {
            throw new InvalidInputException(
                "kwargs", v, "is not a map; expected a map of names to values");
          }
          @SuppressWarnings("unchecked")
          Map<String, ?> kwargs = (Map<String, ?>) map;
          change.kwargs(kwargs);
        }
        case "trigger" -> change.trigger(toTrigger(v));
        case "executor" -> change.executor(v == null ? null : v.toString());
        case "store_alias" -> change.store(v == null ? null : v.toString());
        case "mistrigger_grace_time" -> {
          if (v == null) {
            change.noGraceLimit();
          } else {
            change.mistriggerGraceTime(PluginOptions.secondsValue("mistrigger_grace_time", v));
          }
        }
        case "coalesce" -> change.coalesce(PluginOptions.booleanValue("coalesce", v));
        case "max_instances" -> change.maxInstances(PluginOptions.integerValue("max_instances", v));
        case "retry" -> {
          if (v == null || v instanceof RetryPolicy) {
            change.retry((RetryPolicy) v);
          } else if (v instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, ?> options = (Map<String, ?>) map;
            change.retry(RetryPolicy.fromMap(options));
          } else {
            throw new InvalidInputException(
                "retry", v, "expected a map of retry options (max_retries, delay, ...) or null");
          }
        }
        case "timeout" ->
            change.timeout(v == null ? null : PluginOptions.secondsValue("timeout", v));
        case "next_run_time" -> {
          if (v == null) {
            change.paused();
          } else {
            change.nextRunTime(
                TimePoint.from(v, null, "next_run_time").toInstant(scheduler.timezone()));
          }
        }
        default -> throw new IllegalStateException(e.getKey());
      }
    }
    return change;
  }

  private Trigger toTrigger(Object value) {
    if (value instanceof Trigger t) {
      return t;
    }
    if (value instanceof Map<?, ?> map) {
      TriggerState s = TriggerState.fromMap(map);
      return Triggers.create(s.alias(), s.fields(), scheduler.clock());
    }
    throw new InvalidInputException(
        "trigger",
        value,
        "is not a trigger; expected a Trigger or {\"alias\": ..., \"fields\": {...}}");
  }

  Task update(String taskId, String store, TaskChange change) {
    Task updated;
    String alias;
    TaskQueries.Located located = scheduler.queries().locate(taskId, store);
    if (located.store() == null) {
      String pendingTarget = change.store() != null ? change.store() : located.task().storeAlias();
      ArgumentWriter writer = writeAhead(located.task(), change, pendingTarget);
      scheduler.schedulerLock().lock();
      try {
        TaskQueries.Located again = scheduler.queries().locate(taskId, store);
        if (again.store() != null) {
          return update(taskId, store, change); // started meanwhile
        }
        String target = change.store() != null ? change.store() : again.task().storeAlias();
        updated =
            checkPersistable(change.applyTo(again.task(), scheduler.registry(), target), writer);
        scheduler.pending().replace(updated, change.nextRunTimeSet());
        alias = null;
      } finally {
        scheduler.schedulerLock().unlock();
      }
    } else {
      StoreSlot from = plugins().slotFor(located.store());
      StoreSlot to = change.store() == null ? from : plugins().slotFor(change.store());
      ArgumentWriter writer = writeAhead(located.task(), change, to.alias);
      if (to == from) {
        from.lock.lock();
        try {
          Task current = from.store.lookupTask(taskId).orElseThrow(() -> notFound(taskId));
          updated =
              checkPersistable(change.applyTo(current, scheduler.registry(), from.alias), writer);
          if (change.executorSet()) {
            plugins().lookupExecutor(updated.executor());
          }
          from.store.updateTask(updated);
          if (!Objects.equals(current.nextRunTimeOrNull(), updated.nextRunTimeOrNull())) {
            // Paused or rescheduled: a run handed over early for the old schedule does not start.
            // (A change that keeps the schedule, a new name say, lets it run, as the seed lets a
            // submitted run go on.)
            scheduler.taskLoop().revokeEarly(taskId);
          }
        } finally {
          from.lock.unlock();
        }
      } else {
        updated = move(taskId, from, to, change, writer);
      }
      from.changed();
      to.changed();
      alias = to.alias;
    }
    events().dispatch(new TaskEvent(Events.TASK_MODIFIED, taskId, alias));
    if (scheduler.state() == SchedulerState.RUNNING) {
      scheduler.wakeup();
    }
    return updated;
  }

  /** Moves a task to another store: added there first, then deleted here, or not moved at all. */
  private Task move(
      String taskId, StoreSlot from, StoreSlot to, TaskChange change, ArgumentWriter writer) {
    // Take the two stores' locks in one order, so that two opposite moves never deadlock.
    StoreSlot first = from.alias.compareTo(to.alias) < 0 ? from : to;
    StoreSlot second = first == from ? to : from;
    first.lock.lock();
    second.lock.lock();
    try {
      Task current = from.store.lookupTask(taskId).orElseThrow(() -> notFound(taskId));
      Task updated =
          checkPersistable(change.applyTo(current, scheduler.registry(), to.alias), writer);
      plugins().lookupExecutor(updated.executor());
      to.store.addTask(updated);
      try {
        from.store.deleteTask(taskId);
      } catch (RuntimeException e) {
        try {
          to.store.deleteTask(taskId);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      logger.info("Moved task '{}' from store '{}' to '{}'", taskId, from.alias, to.alias);
      return updated;
    } finally {
      second.lock.unlock();
      first.lock.unlock();
    }
  }

  Task reschedule(String taskId, String store, Trigger trigger) {
    Objects.requireNonNull(trigger, "trigger");
    TaskChange change = new TaskChange().trigger(trigger);
    Instant next =
        trigger.nextFireTime(scheduler.timezone(), null, scheduler.clock().instant()).orElse(null);
    if (next == null) {
      change.paused();
    } else {
      change.nextRunTime(next);
    }
    return update(taskId, store, change);
  }

  Task pause(String taskId, String store) {
    return update(taskId, store, new TaskChange().paused());
  }

  Optional<Task> resume(String taskId, String store) {
    TaskQueries.Located located = scheduler.queries().locate(taskId, store);
    String where = located.store() != null ? located.store() : store;
    Optional<Instant> next =
        located
            .task()
            .trigger()
            .nextFireTime(scheduler.timezone(), null, scheduler.clock().instant());
    if (next.isEmpty()) {
      delete(taskId, where);
      return Optional.empty();
    }
    return Optional.of(update(taskId, where, new TaskChange().nextRunTime(next.get())));
  }

  // ------------------------------------------------------------------ running now

  Optional<Task> run(String taskId, String store, boolean force, boolean removeFinished) {
    if (scheduler.state() == SchedulerState.STOPPED) {
      throw new SchedulerNotRunningException("runTask()");
    }
    StoreSlot slot = plugins().slotFor(scheduler.queries().locate(taskId, store).store());
    List<SchedulerEvent> events = new ArrayList<>(2);
    try {
      slot.lock.lock();
      try {
        return runNow(slot, taskId, force, removeFinished, events);
      } finally {
        slot.lock.unlock();
        slot.changed();
      }
    } finally {
      events().dispatchAll(events);
    }
  }

  private Optional<Task> runNow(
      StoreSlot slot,
      String taskId,
      boolean force,
      boolean removeFinished,
      List<SchedulerEvent> events) {
    Task task = slot.store.lookupTask(taskId).orElseThrow(() -> notFound(taskId));
    Instant now = scheduler.clock().instant();
    List<Instant> runTimes = List.of();
    long coalesced = 0;
    Instant next = null;
    Instant due = task.nextRunTime().orElse(null);
    if (due != null && !due.isAfter(now)) {
      RunPlan plan = RunPlan.of(task, scheduler.timezone(), now, false, false, RunPlan.LIMIT);
      runTimes = plan.runTimes();
      coalesced = plan.coalescedRunCount();
      next = plan.next();
    }
    if (runTimes.isEmpty()) {
      if (!force) {
        return Optional.of(task);
      }
      runTimes = List.of(now);
      next = task.trigger().nextFireTime(scheduler.timezone(), now, now).orElse(null);
    }
    TaskExecutor executor = plugins().lookupExecutor(task.executor());
    try {
      executor.submit(task, runTimes, TaskSubmissionEvent.Source.MANUAL);
    } catch (MaxInstancesException e) {
      logger.warn(
          "Execution of task '{}' skipped: maximum running instances reached ({})",
          task.name(),
          task.maxInstances());
      events.add(submission(Events.TASK_MAX_INSTANCES, task, slot, runTimes, coalesced));
      throw e;
    } catch (RuntimeException e) {
      logger.error("Error submitting task '{}' to executor '{}'", task.name(), task.executor(), e);
      throw e;
    }
    events.add(submission(Events.TASK_SUBMITTED, task, slot, runTimes, coalesced));
    if (next != null && !next.isAfter(now)) {
      // A manual run always moves the schedule strictly forward.
      next = now.plusMillis(1);
    }
    Task current = slot.store.lookupTask(taskId).orElse(null);
    if (current == null) {
      return Optional.empty(); // the run (inline) removed it
    }
    if (next == null && removeFinished) {
      slot.store.deleteTask(taskId);
      logger.info("Removed task {}", taskId);
      events.add(new TaskEvent(Events.TASK_REMOVED, taskId, slot.alias));
      return Optional.empty();
    }
    Task updated = current.withNextRunTime(next);
    slot.store.updateTask(updated);
    return Optional.of(updated);
  }

  private static TaskSubmissionEvent submission(
      int code, Task task, StoreSlot slot, List<Instant> runTimes, long coalesced) {
    return new TaskSubmissionEvent(
        code, task.id(), slot.alias, runTimes, TaskSubmissionEvent.Source.MANUAL, coalesced, null);
  }

  // ------------------------------------------------------------------ deleting

  void delete(String taskId, String store) {
    String removedFrom = null;
    scheduler.schedulerLock().lock();
    try {
      if (scheduler.state() == SchedulerState.STOPPED) {
        Task removed = scheduler.pending().remove(taskId, store);
        if (removed == null) {
          throw new TaskLookupException(taskId);
        }
        removedFrom = removed.storeAlias();
      }
    } finally {
      scheduler.schedulerLock().unlock();
    }
    if (removedFrom == null) {
      for (StoreSlot slot : plugins().slots().values()) {
        if (store != null && !store.equals(slot.alias)) {
          continue;
        }
        slot.lock.lock();
        try {
          slot.store.deleteTask(taskId);
          scheduler.taskLoop().revokeEarly(taskId);
          removedFrom = slot.alias;
        } catch (TaskLookupException notHere) {
          continue; // look in the next store
        } finally {
          slot.lock.unlock();
        }
        slot.changed();
        break;
      }
    }
    if (removedFrom == null) {
      throw new TaskLookupException(taskId);
    }
    logger.info("Removed task {}", taskId);
    events().dispatch(new TaskEvent(Events.TASK_REMOVED, taskId, removedFrom));
  }

  void removeAll(String store) {
    boolean stopped;
    scheduler.schedulerLock().lock();
    try {
      stopped = scheduler.state() == SchedulerState.STOPPED;
      if (stopped) {
        scheduler.pending().removeAll(store);
      }
    } finally {
      scheduler.schedulerLock().unlock();
    }
    if (!stopped) {
      for (StoreSlot slot : plugins().slots().values()) {
        if (store == null || store.equals(slot.alias)) {
          slot.lock.lock();
          try {
            slot.store.removeAllTasks();
            scheduler.taskLoop().revokeAllEarly();
            slot.held.clear();
          } finally {
            slot.lock.unlock();
          }
          slot.changed();
        }
      }
    }
    events().dispatch(new SchedulerEvent.Lifecycle(Events.ALL_TASKS_REMOVED, store));
  }
}
