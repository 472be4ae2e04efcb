package io.asyncz.scheduler;

import io.asyncz.ConflictIdException;
import io.asyncz.SchedulerAlreadyRunningException;
import io.asyncz.SchedulerNotRunningException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.ArgumentWriter;
import io.asyncz.task.Task;
import io.asyncz.trigger.ShutdownTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Starting and stopping a scheduler: the reference count, the defaults added at start, the tasks
 * committed at start, and a shutdown that always completes, whatever executors and stores do.
 */
final class Lifecycle {
  /**
   * How long a shutdown without a timeout waits for each store (its shutdown tasks and its own
   * shutdown); with a timeout, each store gets what is left of it, and at least a second.
   */
  static final Duration STORE_SHUTDOWN_LIMIT = Duration.ofSeconds(30);

  private final Scheduler scheduler;
  private final Logger logger;
  private int refCount; // guarded by the scheduler's lock
  private volatile Instant startedAt;
  private volatile Instant lastSeenAt;

  Lifecycle(Scheduler scheduler, Logger logger) {
    this.scheduler = scheduler;
    this.logger = logger;
  }

  /** When the scheduler last started, or {@code null} while it is stopped. */
  Instant startedAt() {
    return startedAt;
  }

  /** When the scheduler was last seen working: its last round, start or shutdown. */
  Instant lastSeenAt() {
    return lastSeenAt;
  }

  void seen(Instant now) {
    lastSeenAt = now;
  }

  // ------------------------------------------------------------------ start

  boolean start(boolean paused) {
    Plugins plugins = scheduler.plugins();
    // Before the lock: a slow argument writer holds up only this start, not the callers meanwhile.
    ArgumentWriter written = scheduler.changes().writePendingAhead();
    scheduler.schedulerLock().lock();
    try {
      if (++refCount > 1) {
        return false;
      }
      if (scheduler.state() != SchedulerState.STOPPED) {
        refCount--;
        throw new SchedulerAlreadyRunningException("start()");
      }
      try {
        // As in the seed: the defaults are added (with their events) before anything starts.
        if (!plugins.executors().containsKey(Scheduler.DEFAULT)) {
          plugins.putExecutor(Scheduler.DEFAULT, scheduler.createDefaultExecutor());
          scheduler
              .events()
              .dispatch(new SchedulerEvent.Lifecycle(Events.EXECUTOR_ADDED, Scheduler.DEFAULT));
        }
        if (!plugins.slots().containsKey(Scheduler.DEFAULT)) {
          plugins.putSlot(plugins.slotOf(Scheduler.DEFAULT, new MemoryStore()));
          scheduler
              .events()
              .dispatch(new SchedulerEvent.Lifecycle(Events.STORE_ADDED, Scheduler.DEFAULT));
        }
        plugins.executors().forEach((alias, executor) -> executor.start(plugins.contexts, alias));
        plugins.slots().forEach((alias, slot) -> slot.store.start(plugins.contexts, alias));
        RunRecorder recorder = scheduler.recorder();
        if (recorder != null) {
          plugins.slots().values().forEach(recorder::open);
        }
        scheduler.setState(paused ? SchedulerState.PAUSED : SchedulerState.RUNNING);
        Instant now = scheduler.clock().instant();
        Duration delay = scheduler.startupDelay();
        Instant notBefore = delay.isZero() ? null : now.plus(delay);
        PendingTasks pending = scheduler.pending();
        while (!pending.isEmpty()) {
          PendingTasks.Pending p = pending.first();
          Task task = p.task().toBuilder().pending(false).build();
          try {
            scheduler
                .changes()
                .commit(task, p.replaceExisting(), p.startTask(), notBefore, written);
          } catch (ConflictIdException taken) {
            // The seed's start() ignores it too: that is how several processes register one set.
            logger.info(
                "Task '{}' is already in store '{}'; keeping the stored task",
                task.id(),
                task.storeAlias());
          }
          pending.commitFirst();
        }
        startedAt = now;
        lastSeenAt = now;
        if (scheduler.usesStoreLanes()) {
          plugins.slots().values().forEach(plugins::openLane);
        }
      } catch (RuntimeException e) {
        // Stay stopped, with the tasks not committed still pending, so that start() can be retried
        // (e.g. after adding the task whose id is taken with replaceExisting).
        scheduler.setState(SchedulerState.STOPPED);
        refCount = 0;
        startedAt = null;
        for (StoreSlot slot : plugins.slots().values()) {
          Plugins.closeLane(slot);
          closeHistory(slot, Duration.ZERO);
        }
        for (TaskExecutor executor : plugins.executors().values()) {
          try {
            executor.shutdown(false);
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        for (StoreSlot slot : plugins.slots().values()) {
          try {
            slot.store.shutdown();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    } finally {
      scheduler.schedulerLock().unlock();
    }
    logger.info("Scheduler {} started", scheduler.identity());
    scheduler.events().dispatch(new SchedulerEvent.Lifecycle(Events.SCHEDULER_START, null));
    scheduler.startLoop();
    if (!paused) {
      scheduler.wakeup();
    }
    return true;
  }

  /** Takes the reference count down to one, so that the next shutdown stops the scheduler. */
  void lastReference() {
    scheduler.schedulerLock().lock();
    try {
      refCount = Math.min(refCount, 1);
    } finally {
      scheduler.schedulerLock().unlock();
    }
  }

  // ------------------------------------------------------------------ shutdown

  ShutdownReport stop(boolean wait, Duration timeout) {
    Map<String, TaskExecutor> stopping;
    Map<String, StoreSlot> closing;
    scheduler.schedulerLock().lock();
    try {
      if (scheduler.state() == SchedulerState.STOPPED) {
        throw new SchedulerNotRunningException("shutdown()");
      }
      if (--refCount > 0) {
        return new ShutdownReport(false, Map.of(), List.of());
      }
      refCount = 0;
      scheduler.setState(SchedulerState.STOPPED);
      lastSeenAt = scheduler.clock().instant();
      startedAt = null;
      stopping = scheduler.plugins().executors();
      closing = scheduler.plugins().slots();
    } finally {
      scheduler.schedulerLock().unlock();
    }
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + nanos(timeout);
    List<String> failures = new ArrayList<>();
    Map<String, Integer> leftBehind = new TreeMap<>();
    attempt(failures, "stopping the loop", scheduler::stopLoop);
    for (StoreSlot slot : closing.values()) {
      Plugins.closeLane(slot);
    }
    for (Map.Entry<String, TaskExecutor> e : stopping.entrySet()) {
      attempt(
          failures,
          "shutting down executor '" + e.getKey() + "'",
          () -> {
            if (wait) {
              e.getValue()
                  .shutdown(remaining(deadline))
                  .forEach((id, n) -> leftBehind.merge(id, n, Integer::sum));
            } else {
              e.getValue().shutdown(false);
            }
          });
    }
    for (StoreSlot slot : closing.values()) {
      // A store that stopped answering must not keep the shutdown from completing.
      Duration limit = timeout == null ? STORE_SHUTDOWN_LIMIT : atLeastASecond(remaining(deadline));
      bounded(
          slot,
          limit,
          failures,
          found -> {
            runShutdownTasks(slot, wait, deadline, found);
            // The runs have ended: their records are written before the store closes.
            closeHistory(slot, RunRecorder.CLOSE_LIMIT);
            attempt(found, "shutting down store '" + slot.alias + "'", slot.store::shutdown);
          });
    }
    if (!leftBehind.isEmpty()) {
      logger.warn(
          "Shutdown stopped waiting for {} runs still in progress (by task: {}); they were"
              + " interrupted",
          leftBehind.values().stream().mapToInt(Integer::intValue).sum(),
          leftBehind);
    }
    if (!failures.isEmpty()) {
      logger.error("Scheduler shut down with {} failures: {}", failures.size(), failures);
    }
    logger.info("Scheduler has been shut down");
    scheduler.events().dispatch(new SchedulerEvent.Lifecycle(Events.SCHEDULER_SHUTDOWN, null));
    return new ShutdownReport(true, leftBehind, failures);
  }

  private void closeHistory(StoreSlot slot, Duration limit) {
    RunRecorder recorder = scheduler.recorder();
    if (recorder != null) {
      recorder.close(slot.alias, limit);
    }
  }

  private static Duration atLeastASecond(Duration d) {
    return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
  }

  /**
   * Runs a shutdown step on a store: on this thread for a memory store, else on a thread of its own
   * for at most {@code limit}, after which it is left running and reported.
   */
  private void bounded(
      StoreSlot slot, Duration limit, List<String> failures, Consumer<List<String>> step) {
    if (slot.userStore() instanceof MemoryStore) {
      step.accept(failures);
      return;
    }
    List<String> found = Collections.synchronizedList(new ArrayList<>());
    Thread worker =
        new Thread(
            () -> {
              try {
                step.accept(found);
              } catch (Throwable e) {
                found.add("shutting down store '" + slot.alias + "': " + e);
              }
            },
            "asyncz-shutdown-" + slot.alias);
    worker.setDaemon(true);
    worker.start();
    boolean interrupted = false;
    long until = System.nanoTime() + limit.toNanos();
    while (worker.isAlive()) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      }
    }
    if (worker.isAlive()) {
      String what =
          "store '"
              + slot.alias
              + "' did not shut down within "
              + limit
              + (interrupted ? " (the shutdown was interrupted)" : "")
              + "; it was left to finish on its own";
      logger.error("{}", what);
      found.add(what);
    }
    synchronized (found) {
      failures.addAll(found);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void attempt(List<String> failures, String what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException | Error e) {
      logger.error("Error {} during shutdown", what, e);
      failures.add(what + ": " + e);
    }
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  private static Duration remaining(long deadline) {
    if (deadline == Long.MAX_VALUE) {
      return null;
    }
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  /**
   * The seed's shutdown tasks: each is removed from its store, then its function is called on this
   * thread, so that it runs once (with a persistent store, not again at every restart). A task
   * whose removal fails is not run, and stays for the next shutdown.
   */
  private void runShutdownTasks(
      StoreSlot slot, boolean wait, long deadline, List<String> failures) {
    List<Task> tasks;
    try {
      // Shutdown tasks never have a next run time: the paused tasks are enough, and a store of a
      // million scheduled tasks is not sorted to find none.
      tasks = new ArrayList<>();
      for (Task task : slot.store.pausedTasks()) {
        if (task.trigger() instanceof ShutdownTrigger) {
          tasks.add(task);
        }
      }
      tasks.sort(Comparator.comparing(Task::id)); // the order allTasks gives paused tasks
    } catch (RuntimeException e) {
      logger.error("Error reading the shutdown tasks of store '{}'", slot.alias, e);
      failures.add("reading the shutdown tasks of store '" + slot.alias + "': " + e);
      return;
    }
    for (Task task : tasks) {
      if (!(task.trigger() instanceof ShutdownTrigger)) {
        continue;
      }
      try {
        slot.store.deleteTask(task.id());
      } catch (TaskLookupException gone) {
        continue;
      } catch (RuntimeException e) {
        logger.error(
            "Shutdown task '{}' was not run: it could not be removed from store '{}'",
            task.id(),
            slot.alias,
            e);
        failures.add("removing shutdown task '" + task.id() + "': " + e);
        continue;
      }
      try {
        Object result = task.function().invoke(task.args(), task.kwargs());
        if (result instanceof CompletionStage<?> stage && wait) {
          Duration left = remaining(deadline);
          if (left == null) {
            stage.toCompletableFuture().get();
          } else {
            stage.toCompletableFuture().get(left.toNanos(), TimeUnit.NANOSECONDS);
          }
        }
        logger.info("Shutdown task '{}' has been executed", task.name());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add("shutdown task '" + task.id() + "' was interrupted");
      } catch (TimeoutException e) {
        failures.add("shutdown task '" + task.id() + "' did not finish in time");
      } catch (ExecutionException e) {
        logger.error("Error executing shutdown task '{}'", task.name(), e.getCause());
      } catch (Throwable e) {
        logger.error("Error executing shutdown task '{}'", task.name(), e);
      }
    }
  }

  // ------------------------------------------------------------------ failures of the loop

  void loopFailed(String why, Throwable cause) {
    scheduler.schedulerLock().lock();
    try {
      if (scheduler.state() == SchedulerState.STOPPED) {
        return;
      }
      scheduler.setState(SchedulerState.FAILED);
    } finally {
      scheduler.schedulerLock().unlock();
    }
    logger.error("The scheduler's loop cannot go on: {}; shut the scheduler down", why, cause);
    scheduler.events().dispatch(new io.asyncz.event.SchedulerErrorEvent(null, why, cause, true));
  }
}
