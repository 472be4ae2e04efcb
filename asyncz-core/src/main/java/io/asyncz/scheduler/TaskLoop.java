package io.asyncz.scheduler;

import io.asyncz.MaxInstancesException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerErrorEvent;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.store.TaskStore;
import io.asyncz.task.PendingRetry;
import io.asyncz.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * The scheduler's loop, one store at a time: hands each due run to its executor, stores the tasks'
 * next run times, and keeps every promise when the store or a task misbehaves.
 *
 * <ul>
 *   <li>A run whose next run time the store did not take is never submitted again until the store
 *       takes it: the write is held and retried after the store retry interval, and a store that
 *       refuses every write is not processed until then (at most once per scheduled time while a
 *       store refuses writes).
 *   <li>A task that cannot be processed (its trigger throws, its executor does not exist, its new
 *       schedule can never be written) is quarantined in its store, never deleted and never run
 *       again in a tight loop.
 *   <li>Nothing this class calls can stop it: whatever a store, trigger, executor or listener
 *       throws is logged and reported, and the store is retried later.
 * </ul>
 */
final class TaskLoop {
  /** How many due tasks one hold of a store's lock processes. */
  static final int BATCH_SIZE = 256;

  /** How soon a store whose due tasks wait for an instance slot is looked at again. */
  static final Duration HELD_RETRY = Duration.ofMillis(100);

  /**
   * How many times a task's new schedule may fail to be written, while its store takes other
   * writes, before the task is quarantined as {@code UNWRITABLE}.
   */
  static final int MAX_WRITE_FAILURES = 3;

  private static final int MAX_BATCHES_PER_ROUND = 100_000;

  private final Scheduler scheduler;
  private final Logger logger;

  /**
   * Tasks with more due runs than one round hands over, by id, to their store's alias: the rest of
   * such a backlog waits for the task's instance slot instead of being dropped as the seed drops a
   * refused submission.
   */
  private final Map<String, String> backlogs = new ConcurrentHashMap<>();

  /** How long before its time a run is handed over (see {@link Scheduler#earlyHandoff}). */
  static final Duration EARLY = Duration.ofMillis(2);

  /**
   * Runs handed to an executor before their time, by task id, until the executor asks whether they
   * are still wanted: a change to the task meanwhile revokes its run.
   */
  private final Map<String, EarlyRun> early = new ConcurrentHashMap<>();

  private static final class EarlyRun {
    final Instant runTime;
    volatile boolean revoked;

    EarlyRun(Instant runTime) {
      this.runTime = runTime;
    }
  }

  /** Revokes the run of {@code taskId} handed over before its time, if there is one. */
  void revokeEarly(String taskId) {
    if (!early.isEmpty()) {
      EarlyRun run = early.get(taskId);
      if (run != null) {
        run.revoked = true;
      }
    }
  }

  /** Revokes every run handed over before its time (the scheduler paused, tasks removed). */
  void revokeAllEarly() {
    for (EarlyRun run : early.values()) {
      run.revoked = true;
    }
  }

  /** Whether the run of {@code taskId} at {@code runTime} may start, now that its time came. */
  boolean stillWanted(String taskId, Instant runTime) {
    if (early.isEmpty()) {
      return true;
    }
    EarlyRun run = early.get(taskId);
    if (run == null || !run.runTime.equals(runTime)) {
      return true;
    }
    early.remove(taskId, run);
    if (run.revoked) {
      logger.debug(
          "Run of task '{}' at {} not started: the task changed meanwhile", taskId, runTime);
    }
    return !run.revoked;
  }

  /** Up to when this round hands runs over: now, or the scheduler's early hand-off later. */
  private Instant horizon(Instant now) {
    Duration early = scheduler.earlyHandoff();
    return early.isZero() ? now : now.plus(early);
  }

  TaskLoop(Scheduler scheduler, Logger logger) {
    this.scheduler = scheduler;
    this.logger = logger;
  }

  /** Called when a task's instance slot is given back: the rest of its backlog may go now. */
  void instanceReleased(String taskId) {
    String alias = backlogs.isEmpty() ? null : backlogs.get(taskId);
    if (alias != null) {
      StoreSlot slot = scheduler.plugins().slot(alias);
      if (slot != null) {
        slot.changed();
      }
      scheduler.wakeup();
    }
  }

  /**
   * One round on one store: processes its due tasks and returns when it wants the next round. Never
   * throws.
   *
   * @return the store's next wake-up, or {@code null} to wait for a change
   */
  Instant processStore(StoreSlot slot, Instant now) {
    List<SchedulerEvent> events = new ArrayList<>();
    try {
      return processStore(slot, now, events);
    } catch (Throwable e) {
      // Whatever went wrong, this store is retried later and the other stores go on.
      return storeFailed(slot, now, "Error processing the due tasks of store '{}'", e, events);
    } finally {
      scheduler.events().dispatchAll(events);
    }
  }

  private Instant processStore(StoreSlot slot, Instant now, List<SchedulerEvent> events) {
    if (slot.cluster != null) {
      return slot.cluster.round(slot, now, events);
    }
    slot.lock.lock();
    try {
      if (slot.retryAt != null && now.isBefore(slot.retryAt)) {
        return slot.retryAt; // a failing store is asked again only after the retry interval
      }
      slot.retryAt = null;
      if (!slot.held.isEmpty() && !now.isBefore(slot.heldRetryAt)) {
        settleHeld(slot, now, events);
      }
    } finally {
      slot.lock.unlock();
    }
    LockedStore shared = slot.store instanceof LockedStore l ? l : null;
    boolean heldBack = false;
    for (int b = 0; b < MAX_BATCHES_PER_ROUND; b++) {
      Batch batch;
      slot.lock.lock();
      try {
        if (scheduler.state() != SchedulerState.RUNNING
            || scheduler.plugins().slot(slot.alias) != slot) {
          return null; // paused, stopped, or the store was removed during the round
        }
        if (shared != null && !shared.tryLock()) {
          // Another process is processing this store: as in the seed, look again later.
          logger.debug("Store '{}' is locked by another process; retrying", slot.alias);
          return now.plus(scheduler.storeRetryInterval());
        }
        try {
          List<Task> due;
          try {
            due = slot.store.dueTasks(horizon(now), BATCH_SIZE);
          } catch (RuntimeException e) {
            return storeFailed(slot, now, "Error getting due tasks from store '{}'", e, events);
          }
          batch = new Batch(slot, now, events);
          for (Task task : due) {
            batch.process(task);
          }
          if (!batch.write()) {
            return slot.retryAt;
          }
          heldBack |= batch.heldBack;
          if (due.size() < BATCH_SIZE || batch.progress == 0) {
            break;
          }
        } finally {
          if (shared != null) {
            shared.unlock();
          }
        }
      } finally {
        slot.lock.unlock();
      }
      // Events go out between batches, with no lock held, so listeners see runs as they go.
      scheduler.events().dispatchAll(events);
      events.clear();
    }
    return nextWakeup(slot, now, heldBack, events);
  }

  private Instant nextWakeup(
      StoreSlot slot, Instant now, boolean heldBack, List<SchedulerEvent> events) {
    LockedStore shared = slot.store instanceof LockedStore l ? l : null;
    slot.lock.lock();
    try {
      if (shared != null && !shared.tryLock()) {
        return now.plus(scheduler.storeRetryInterval()); // never wait for another process
      }
      try {
        Instant next;
        try {
          next = slot.store.nextRunTime().orElse(null);
        } catch (RuntimeException e) {
          return storeFailed(
              slot, now, "Error getting the next run time from store '{}'", e, events);
        }
        Instant horizon = horizon(now);
        if (heldBack && next != null && !next.isAfter(horizon)) {
          // What is due waits for an instance slot or is held: no busy loop over it.
          next = now.plus(HELD_RETRY);
        } else if (next != null && horizon != now) {
          next = next.minus(Duration.between(now, horizon)); // then the run is handed over
        }
        if (!slot.held.isEmpty()) {
          next = Scheduler.earliest(next, slot.heldRetryAt);
        }
        if (slot.failing) {
          slot.failing = false;
          logger.info("Store '{}' works again", slot.alias);
        }
        return next;
      } finally {
        if (shared != null) {
          shared.unlock();
        }
      }
    } finally {
      slot.lock.unlock();
    }
  }

  /**
   * Handles a task found due outside the loop (added already due): as one batch of one, on the
   * caller's thread, if the store still holds it as the caller stored it. Events go to {@code
   * events}.
   */
  void processOne(StoreSlot slot, Task task, Instant now, List<SchedulerEvent> events) {
    if (slot.cluster != null) {
      slot.changed(); // claimed by whichever node's round comes first
      return;
    }
    slot.lock.lock();
    try {
      if (slot.retryAt != null || slot.held.containsKey(task.id())) {
        return; // the loop gets to it once the store works again
      }
      // The task was stored, and the lock let go, before this: the loop thread may have run it
      // meanwhile (and removed or advanced it), or someone changed it. Only the stored task as the
      // caller stored it is still due here; anything else is the loop's, and running the caller's
      // copy would run it twice.
      Task current;
      try {
        current = slot.store.lookupTask(task.id()).orElse(null);
      } catch (RuntimeException e) {
        return; // stored: the loop's next round processes it, or reports the store
      }
      if (!stillAsRead(current, task)) {
        return;
      }
      Batch batch = new Batch(slot, now, events);
      batch.process(current);
      batch.write();
    } finally {
      slot.lock.unlock();
    }
  }

  /**
   * Hands a date task that is due already to its executor without storing it first: a date task has
   * nothing left to store after its run, so a store write and its removal would only cost the
   * adding thread time (the JDK's executors keep nothing either). The caller holds the slot's lock
   * and has checked the id is free. Events go to {@code events}.
   *
   * @return false, with nothing done, when the task needs the usual way: stored, then processed
   *     (its plan has a next run time, missed runs or none to submit; its executor runs tasks on
   *     the caller's thread or is unknown; the store owes writes)
   */
  boolean submitUnstored(StoreSlot slot, Task task, Instant now, List<SchedulerEvent> events) {
    if (slot.retryAt != null || !slot.held.isEmpty() || !slot.heldBack.isEmpty()) {
      return false;
    }
    TaskExecutor executor = scheduler.plugins().executor(task.executor());
    if (executor == null || executor.runsOnCallerThread()) {
      return false;
    }
    RunPlan plan;
    try {
      plan = RunPlan.of(task, scheduler.timezone(), now, true, false, RunPlan.LIMIT);
    } catch (RuntimeException e) {
      return false; // stored, the loop quarantines it
    }
    if (plan.next() != null || plan.runTimes().isEmpty() || !plan.missed().isEmpty()) {
      return false;
    }
    String id = task.id();
    scheduler.retries().lastRunHandedOut(task);
    try {
      executor.submit(task, plan.runTimes());
      if (scheduler.listening(Events.TASK_SUBMITTED)) {
        events.add(
            new TaskSubmissionEvent(
                Events.TASK_SUBMITTED,
                id,
                slot.alias,
                plan.runTimes(),
                TaskSubmissionEvent.Source.SCHEDULED,
                plan.coalescedRunCount(),
                null));
      }
    } catch (MaxInstancesException e) {
      scheduler.retries().forget(id);
      logger.warn(
          "Execution of task '{}' skipped: maximum number of running instances reached ({})",
          task.name(),
          task.maxInstances());
      events.add(
          new TaskSubmissionEvent(
              Events.TASK_MAX_INSTANCES,
              id,
              slot.alias,
              plan.runTimes(),
              TaskSubmissionEvent.Source.SCHEDULED,
              plan.coalescedRunCount(),
              null));
    } catch (Throwable e) {
      if (isFatal(e)) {
        throw (VirtualMachineError) e;
      }
      logger.error("Error submitting task '{}' to executor '{}'", task.name(), task.executor(), e);
    }
    if (scheduler.listening(Events.TASK_REMOVED)) {
      events.add(new TaskEvent(Events.TASK_REMOVED, id, slot.alias));
    }
    return true;
  }

  /** The runs of one batch of due tasks, and the next run times they leave to write. */
  private final class Batch {
    final StoreSlot slot;
    final Instant now;
    final List<SchedulerEvent> events;
    final List<Task> read = new ArrayList<>();
    final List<Task> advanced = new ArrayList<>();
    final List<Task> finished = new ArrayList<>();
    int progress;
    boolean heldBack;
    boolean storeRefused;
    boolean wrote;
    RuntimeException refusal; // the store refused a write in this batch and took none

    Batch(StoreSlot slot, Instant now, List<SchedulerEvent> events) {
      this.slot = slot;
      this.now = now;
      this.events = events;
    }

    void process(Task task) {
      if (storeRefused) {
        return;
      }
      String id = task.id();
      if (slot.held.containsKey(id) || slot.heldBack.contains(id)) {
        heldBack = true;
        return;
      }
      TaskExecutor executor = scheduler.plugins().executor(task.executor());
      if (executor == null) {
        quarantine(
            slot,
            task,
            "UNKNOWN_EXECUTOR",
            "its executor '"
                + task.executor()
                + "' is not an executor of this scheduler (it has "
                + scheduler.plugins().executorAliases()
                + "); restore the task once the executor is added",
            events);
        progress++;
        return;
      }
      PendingRetry retry = task.pendingRetry().orElse(null);
      if (retry != null && !retry.dueAt().isAfter(now)) {
        processRetry(task, retry, executor);
        return;
      }
      Instant first = task.nextRunTimeOrNull();
      boolean handedEarly = first != null && first.isAfter(now);
      if (handedEarly && (executor.runsOnCallerThread() || retry != null)) {
        // Not due yet, and would run on this thread, or may be its retry: the loop wakes for it.
        return;
      }
      RunPlan plan;
      try {
        plan =
            RunPlan.of(
                task,
                scheduler.timezone(),
                handedEarly ? first : now,
                true,
                scheduler.listening(Events.TASK_MISSED),
                RunPlan.LIMIT);
      } catch (Throwable e) {
        if (isFatal(e)) {
          throw (VirtualMachineError) e;
        }
        quarantine(slot, task, "TRIGGER_ERROR", "its trigger failed when stepped: " + e, events);
        progress++;
        return;
      }
      reportMissed(task, plan);
      boolean continuation = backlogs.containsKey(id);
      boolean inline = executor.runsOnCallerThread();
      Instant next = plan.next();
      if (!plan.runTimes().isEmpty()) {
        if (inline) {
          flush(); // the run on this thread may read or change what the batch has so far
        }
        EarlyRun earlyRun = handedEarly ? new EarlyRun(first) : null;
        boolean last = next == null && retry == null;
        if (last) {
          scheduler.retries().lastRunHandedOut(task);
        }
        try {
          if (retry != null && retry.keepsSlot(task)) {
            // The failed run's slot is kept for its retry: no other run starts in between.
            throw new MaxInstancesException(id, task.maxInstances());
          }
          if (earlyRun != null) {
            early.put(id, earlyRun);
          }
          executor.submit(task, plan.runTimes());
          earlyRun = null; // handed over: the executor asks stillWanted when its time comes
          if (scheduler.listening(Events.TASK_SUBMITTED)) {
            events.add(
                new TaskSubmissionEvent(
                    Events.TASK_SUBMITTED,
                    id,
                    slot.alias,
                    plan.runTimes(),
                    TaskSubmissionEvent.Source.SCHEDULED,
                    plan.coalescedRunCount(),
                    null));
          }
        } catch (MaxInstancesException e) {
          if (last) {
            scheduler.retries().forget(id);
          }
          if (continuation) {
            heldBack = true; // the rest of a backlog waits for its instance slot
            return;
          }
          logger.warn(
              "Execution of task '{}' skipped: maximum number of running instances reached ({})",
              task.name(),
              task.maxInstances());
          events.add(
              new TaskSubmissionEvent(
                  Events.TASK_MAX_INSTANCES,
                  id,
                  slot.alias,
                  plan.runTimes(),
                  TaskSubmissionEvent.Source.SCHEDULED,
                  plan.coalescedRunCount(),
                  null));
          if (plan.more()) {
            next = pastEveryDueRun(task, next);
          }
        } catch (Throwable e) {
          // Whatever the executor threw (an error, an undeclared checked exception), the schedule
          // advances as after a refused submission, and the other tasks go on.
          logger.error(
              "Error submitting task '{}' to executor '{}'", task.name(), task.executor(), e);
        } finally {
          if (earlyRun != null) {
            early.remove(id, earlyRun); // not handed over
          }
        }
      }
      if (plan.more()) {
        backlogs.put(id, slot.alias);
      } else if (continuation) {
        backlogs.remove(id);
      }
      progress++;
      // A pending retry keeps the task (waking for the retry) even when its trigger is done.
      Task after = next == null && retry == null ? null : task.advancedTo(next);
      if (inline) {
        // A run on this thread (an inline executor, or a listener of its events) may have changed
        // the task: advance what is stored now, and leave alone a task it deleted, paused or
        // rescheduled.
        writeOne(task, after);
      } else {
        read.add(task);
        (after == null ? finished : advanced).add(after == null ? task : after);
      }
    }

    /**
     * Hands out a task's retry that is due: the failed run time again, as the attempt that comes
     * next; the task then goes on at its trigger's next run time (or ends, if it has none).
     */
    private void processRetry(Task task, PendingRetry retry, TaskExecutor executor) {
      String id = task.id();
      boolean inline = executor.runsOnCallerThread();
      if (inline) {
        flush(); // the run on this thread may read or change what the batch has so far
      }
      Task after = task.retryHandedOut();
      if (after.nextRunTimeOrNull() == null) {
        after = null;
        scheduler.retries().lastRunHandedOut(task);
      }
      List<Instant> runTimes = List.of(retry.runTime());
      try {
        executor.submitRetry(task, retry.runTime(), retry.attempt());
        if (scheduler.listening(Events.TASK_SUBMITTED)) {
          events.add(
              new TaskSubmissionEvent(
                  Events.TASK_SUBMITTED,
                  id,
                  slot.alias,
                  runTimes,
                  TaskSubmissionEvent.Source.SCHEDULED,
                  0,
                  null));
        }
      } catch (MaxInstancesException e) {
        scheduler.retries().forget(id);
        logger.warn(
            "Attempt {} of task '{}' skipped: maximum number of running instances reached ({})",
            retry.attempt(),
            task.name(),
            task.maxInstances());
        events.add(
            new TaskSubmissionEvent(
                Events.TASK_MAX_INSTANCES,
                id,
                slot.alias,
                runTimes,
                TaskSubmissionEvent.Source.SCHEDULED,
                0,
                null));
      } catch (Throwable e) {
        if (isFatal(e)) {
          throw (VirtualMachineError) e;
        }
        scheduler.retries().forget(id);
        logger.error(
            "Error submitting attempt {} of task '{}' to executor '{}'",
            retry.attempt(),
            task.name(),
            task.executor(),
            e);
      }
      progress++;
      if (inline) {
        writeOne(task, after);
      } else {
        read.add(task);
        (after == null ? finished : advanced).add(after == null ? task : after);
      }
    }

    /** The next run time after every due one: a refused backlog is dropped as a whole. */
    private Instant pastEveryDueRun(Task task, Instant next) {
      try {
        Instant last =
            task.trigger().lastFireTimeUpTo(scheduler.timezone(), next, now).orElse(next);
        return task.trigger().nextFireTime(scheduler.timezone(), last, now).orElse(null);
      } catch (RuntimeException e) {
        return next;
      }
    }

    private void reportMissed(Task task, RunPlan plan) {
      if (!plan.missed().isEmpty()) {
        logger.warn(
            "{} run times of task '{}' from {} to {} were missed by more than its grace time",
            plan.missed().size(),
            task.name(),
            plan.missed().get(0),
            plan.missed().get(plan.missed().size() - 1));
        for (Instant t : plan.missed()) {
          events.add(
              new TaskExecutionEvent(
                  Events.TASK_MISSED, task.id(), slot.alias, t, null, null, null));
        }
      }
      if (plan.skipped() != 0) {
        logger.warn(
            "{} run times of task '{}' from {} to {} were missed by more than its grace time of {}",
            plan.skipped() < 0 ? "Very many" : plan.skipped(),
            task.name(),
            plan.firstSkipped(),
            plan.lastSkipped(),
            task.mistriggerGraceTime().orElse(null));
      }
    }

    /** Writes one task's new schedule unless it changed meanwhile; a refused write is held. */
    private void writeOne(Task read, Task after) {
      if (refusal != null) {
        hold(slot, read, after, null); // the store refuses writes: not tried again this round
        return;
      }
      try {
        applyIfUnchanged(slot, read, after, events);
        wrote = true;
      } catch (RuntimeException e) {
        if (wrote) {
          hold(slot, read, after, e); // the store takes other writes: this task's is refused
        } else {
          hold(slot, read, after, null);
          refusal = e;
        }
      }
    }

    /**
     * Writes the batch's next run times at once; when the store refuses, each task's on its own.
     *
     * @return false when the store refused every write: it is failing and is not processed further
     */
    boolean write() {
      if (!flush()) {
        return false;
      }
      if (refusal != null) {
        storeFailed(
            slot,
            now,
            "Store '{}' refused the next run times of "
                + slot.held.size()
                + " tasks whose runs went out; they will not run again until it takes them",
            refusal,
            events);
        storeRefused = true;
        return false;
      }
      return true;
    }

    /** Writes the next run times batched so far; false when the store refused them all. */
    private boolean flush() {
      if (storeRefused) {
        return false;
      }
      if (read.isEmpty()) {
        return true;
      }
      List<Task> readNow = List.copyOf(read);
      List<Task> advancedNow = List.copyOf(advanced);
      List<Task> finishedNow = List.copyOf(finished);
      read.clear();
      advanced.clear();
      finished.clear();
      List<String> finishedIds = new ArrayList<>(finishedNow.size());
      for (Task t : finishedNow) {
        finishedIds.add(t.id());
      }
      try {
        slot.store.advanceTasks(advancedNow, finishedIds);
        slot.wroteSinceSettle = true;
        wrote = true;
        if (scheduler.listening(Events.TASK_REMOVED)) {
          for (String id : finishedIds) {
            events.add(new TaskEvent(Events.TASK_REMOVED, id, slot.alias));
          }
        }
        return true;
      } catch (RuntimeException batchFailure) {
        // Find out which writes the store refuses: those tasks' runs went out, and must not go
        // out again before the store has their new schedule.
        int written = 0;
        RuntimeException last = batchFailure;
        for (Task r : readNow) {
          Task after = find(advancedNow, r.id());
          try {
            applyIfUnchanged(slot, r, after, events);
            written++;
          } catch (RuntimeException e) {
            last = e;
            hold(slot, r, after, null);
          }
        }
        if (written == 0 && !wrote) {
          storeFailed(
              slot,
              now,
              "Store '{}' refused the next run times of "
                  + readNow.size()
                  + " tasks whose runs went out; they will not run again until it takes them",
              last,
              events);
          storeRefused = true;
          return false;
        }
        logger.warn(
            "Store '{}' refused the next run times of {} of {} tasks; those are held and written"
                + " again in {}",
            slot.alias,
            readNow.size() - written,
            readNow.size(),
            scheduler.storeRetryInterval(),
            last);
        return true;
      }
    }
  }

  private static Task find(List<Task> tasks, String id) {
    for (Task t : tasks) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    return null;
  }

  private void hold(StoreSlot slot, Task read, Task after, RuntimeException cause) {
    slot.held.put(read.id(), new StoreSlot.Held(read, after, null, null, 0));
    if (slot.heldRetryAt == null || slot.held.size() == 1) {
      slot.heldRetryAt = scheduler.clock().instant().plus(scheduler.storeRetryInterval());
    }
    if (cause != null) {
      logger.warn(
          "Store '{}' refused the next run time of task '{}'; it is held and written again in {}",
          slot.alias,
          read.id(),
          scheduler.storeRetryInterval(),
          cause);
    }
  }

  /**
   * Whether the stored task ({@code current}, null when gone) is still the one that was read: still
   * there, with the same next run time. Otherwise the loop (or another caller) has run and advanced
   * it since, or someone changed it, and what was read is out of date.
   */
  private static boolean stillAsRead(Task current, Task read) {
    return current != null && Objects.equals(current.nextRunTime(), read.nextRunTime());
  }

  /**
   * Applies what the loop decided for a task, unless the store's copy changed since it was read (a
   * change made meanwhile, by an API call or a run, wins): its new schedule, or its removal. A
   * write that goes through is noted, as evidence that the store takes writes.
   */
  private void applyIfUnchanged(
      StoreSlot slot, Task read, Task after, List<SchedulerEvent> events) {
    TaskStore store = slot.store;
    Task current = store.lookupTask(read.id()).orElse(null);
    if (!stillAsRead(current, read)) {
      return;
    }
    // Through advanceTasks, as the batches are: a store writes the loop's advances even for a
    // record over a since-lowered size limit, which updates refuse.
    PendingRetry stored = current.pendingRetry().orElse(null);
    if (stored != null && !stored.equals(read.pendingRetry().orElse(null))) {
      // A run on this thread failed and stored its retry meanwhile: keep it, going on from where
      // the loop advanced to.
      Instant next = after == null ? null : after.nextRunTimeOrNull();
      store.advanceTasks(List.of(current.withPendingRetry(stored.resumingAt(next))), List.of());
      slot.wroteSinceSettle = true;
      return;
    }
    if (after == null) {
      store.advanceTasks(List.of(), List.of(read.id()));
      if (scheduler.listening(Events.TASK_REMOVED)) {
        events.add(new TaskEvent(Events.TASK_REMOVED, read.id(), slot.alias));
      }
    } else {
      // The stored copy, not the one read: a run on the loop's thread may have renamed it.
      store.advanceTasks(List.of(current.withScheduleOf(after)), List.of());
    }
    slot.wroteSinceSettle = true;
  }

  /**
   * Writes the held work of a store again. What the store still refuses stays held; a task whose
   * write keeps failing while the store takes other writes (a row it refuses) is quarantined after
   * {@value #MAX_WRITE_FAILURES} tries.
   */
  private void settleHeld(StoreSlot slot, Instant now, List<SchedulerEvent> events) {
    int written = 0;
    List<String> refused = new ArrayList<>();
    RuntimeException last = null;
    for (Iterator<Map.Entry<String, StoreSlot.Held>> it = slot.held.entrySet().iterator();
        it.hasNext(); ) {
      StoreSlot.Held h = it.next().getValue();
      try {
        if (h.quarantineReason() != null) {
          Task current = slot.store.lookupTask(h.read().id()).orElse(null);
          if (current != null) {
            quarantineOrThrow(slot, current, h.quarantineReason(), h.detail(), events);
          }
        } else {
          applyIfUnchanged(slot, h.read(), h.next(), events);
        }
        it.remove();
        written++;
      } catch (RuntimeException e) {
        refused.add(h.read().id());
        last = e;
      }
    }
    boolean storeTakesWrites = written > 0 || slot.wroteSinceSettle;
    slot.wroteSinceSettle = false;
    if (refused.isEmpty()) {
      logger.info("Store '{}' took the writes it had refused", slot.alias);
      slot.heldRetryAt = null;
      return;
    }
    slot.heldRetryAt = now.plus(scheduler.storeRetryInterval());
    reportHeld(slot, refused.size(), last, events);
    if (!storeTakesWrites) {
      return; // the store refuses every write: no task is to blame
    }
    for (String id : refused) {
      StoreSlot.Held h = slot.held.get(id).failedAgain();
      slot.held.put(id, h);
      if (h.failures() >= MAX_WRITE_FAILURES && h.quarantineReason() == null) {
        slot.held.remove(id);
        quarantine(
            slot,
            h.read(),
            "UNWRITABLE",
            "the store refused "
                + h.failures()
                + " times to store its next run time while it took other writes: "
                + last,
            events);
      }
    }
  }

  private void reportHeld(
      StoreSlot slot, int count, RuntimeException cause, List<SchedulerEvent> events) {
    String text =
        "Store '"
            + slot.alias
            + "' still refuses to store the schedules of "
            + count
            + " tasks whose runs went out; they will not run again until it takes them (next try"
            + " in "
            + scheduler.storeRetryInterval()
            + ")";
    logger.warn("{}", text, cause);
    if (scheduler.listening(Events.SCHEDULER_ERROR)) {
      events.add(new SchedulerErrorEvent(slot.alias, text + ": " + cause, cause, false));
    }
  }

  /**
   * Sets a task the loop cannot process aside in its store's quarantine; when the store cannot take
   * that now, the task is held (never run) and the quarantine is tried again later.
   */
  void quarantine(
      StoreSlot slot, Task task, String reason, String detail, List<SchedulerEvent> events) {
    try {
      quarantineOrThrow(slot, task, reason, detail, events);
    } catch (RuntimeException e) {
      slot.held.put(task.id(), new StoreSlot.Held(task, null, reason, detail, 0));
      if (slot.heldRetryAt == null) {
        slot.heldRetryAt = scheduler.clock().instant().plus(scheduler.storeRetryInterval());
      }
      logger.error(
          "Task '{}' in store '{}' cannot be processed ({}: {}) and the store did not take it into"
              + " its quarantine; it is held back and the quarantine is tried again in {}",
          task.id(),
          slot.alias,
          reason,
          detail,
          scheduler.storeRetryInterval(),
          e);
    }
  }

  private void quarantineOrThrow(
      StoreSlot slot, Task task, String reason, String detail, List<SchedulerEvent> events) {
    boolean moved;
    try {
      moved = slot.store.quarantineTask(task.id(), reason, detail);
    } catch (UnsupportedOperationException e) {
      slot.heldBack.add(task.id());
      logger.error(
          "Task '{}' in store '{}' cannot be processed ({}: {}), and the store has no quarantine;"
              + " this scheduler will not run it again until it restarts",
          task.id(),
          slot.alias,
          reason,
          detail);
      return;
    }
    backlogs.remove(task.id());
    if (moved) {
      logger.error(
          "Task '{}' in store '{}' was quarantined ({}): {}",
          task.id(),
          slot.alias,
          reason,
          detail);
      if (scheduler.listening(Events.TASK_QUARANTINED)) {
        events.add(new TaskQuarantinedEvent(task.id(), slot.alias, reason, detail));
      }
    }
  }

  /**
   * Marks a store as failing until the retry interval has passed, logs it and reports it.
   *
   * @return when the store is asked again
   */
  Instant storeFailed(
      StoreSlot slot, Instant now, String message, Throwable error, List<SchedulerEvent> events) {
    Instant retryAt = now.plus(scheduler.storeRetryInterval());
    slot.lock.lock();
    try {
      slot.retryAt = retryAt;
      slot.failing = true;
    } finally {
      slot.lock.unlock();
    }
    logger.warn(message + "; retrying in {}", slot.alias, scheduler.storeRetryInterval(), error);
    if (scheduler.listening(Events.SCHEDULER_ERROR)) {
      String text =
          message.replace("{}", slot.alias)
              + "; retrying in "
              + scheduler.storeRetryInterval()
              + (error == null ? "" : ": " + error);
      events.add(new SchedulerErrorEvent(slot.alias, text, error, false));
    }
    return retryAt;
  }

  /** Errors a task must not be quarantined for: the JVM itself is failing, not the task. */
  static boolean isFatal(Throwable e) {
    return e instanceof VirtualMachineError && !(e instanceof StackOverflowError);
  }
}
