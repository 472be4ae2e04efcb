package io.asyncz.scheduler;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.MaxInstancesException;
import io.asyncz.PluginOptions;
import io.asyncz.SchedulerAlreadyRunningException;
import io.asyncz.SchedulerNotRunningException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.EventListener;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.executor.AsyncExecutor;
import io.asyncz.executor.ExecutorContext;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskDefaults;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskInfo;
import io.asyncz.task.TaskOperations;
import io.asyncz.task.TaskRegistry;
import io.asyncz.task.TaskScheduleState;
import io.asyncz.time.TimePoint;
import io.asyncz.trigger.ShutdownTrigger;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.Triggers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules tasks: the seed's BaseScheduler. It keeps tasks in stores, wakes when the earliest is
 * due, hands due runs to executors and reports what happens as events.
 *
 * <p>Subclasses decide where the loop runs: {@link ThreadScheduler} on a thread of its own (the
 * default, {@link #create()}), {@link ExecutorServiceScheduler} on a caller's {@link
 * java.util.concurrent.ScheduledExecutorService}, and the testkit's manual scheduler on a test's
 * command. Start and shutdown are reference-counted as in the seed; the scheduler is {@link
 * AutoCloseable}.
 */
public abstract class Scheduler implements TaskOperations, AutoCloseable {
  /** The alias of the executor and the store that are created when none is added. */
  public static final String DEFAULT = "default";

  /** How many due tasks one hold of the lock processes. */
  static final int BATCH_SIZE = 256;

  private static final int MAX_BATCHES_PER_ROUND = 100_000;
  private static final Instant ROUND_IN_PROGRESS = Instant.MIN;

  private static final Set<String> UPDATABLE =
      Set.of(
          "name",
          "args",
          "kwargs",
          "trigger",
          "executor",
          "mistrigger_grace_time",
          "coalesce",
          "max_instances",
          "next_run_time");

  /** The scheduler's logger, {@code asyncz.schedulers}. */
  protected final Logger logger = LoggerFactory.getLogger("asyncz.schedulers");

  private final Clock clock;
  private final ZoneId timezone;
  private final TaskDefaults taskDefaults;
  private final TaskRegistry registry;
  private final Duration storeRetryInterval;
  private final String lockPath;

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, TaskExecutor> executors = new LinkedHashMap<>();
  private final Map<String, TaskStore> stores = new LinkedHashMap<>();
  private final List<PendingTask> pending = new ArrayList<>();
  private final List<Registration> listeners = new CopyOnWriteArrayList<>();
  private volatile SchedulerState state = SchedulerState.STOPPED;
  private volatile int listenedMask;
  private volatile Object[] lastRunnable; // {Runnable, its TaskFunction}
  // The loop's planned wake-up (null: idle until a change), guarded by lock; a new task wakes the
  // loop only when it is due before it.
  private Instant plannedWakeup;
  private volatile Instant startedAt;
  private int refCount;

  private final Contexts contexts = new Contexts();

  private record PendingTask(Task task, boolean replaceExisting, boolean startTask) {}

  private record Registration(EventListener listener, int mask) {}

  /** Creates a scheduler from its settings. */
  protected Scheduler(SchedulerSettings settings) {
    this.clock = settings.clock();
    this.timezone = settings.timezone();
    this.taskDefaults = settings.taskDefaults();
    this.registry = settings.registry();
    this.storeRetryInterval = settings.storeRetryInterval();
    this.lockPath = settings.lockPath();
    settings.executors().forEach(executors::put);
    settings.stores().forEach((alias, store) -> stores.put(alias, guarded(alias, store)));
  }

  /** A scheduler with default settings, running its loop on a thread of its own. */
  public static ThreadScheduler create() {
    return new ThreadScheduler(SchedulerSettings.defaults());
  }

  /** Starts the settings of a scheduler. */
  public static SchedulerSettings.Builder builder() {
    return SchedulerSettings.builder();
  }

  // ------------------------------------------------------------------ the loop, for subclasses

  /** Called once the scheduler has started: begin running the loop. */
  protected abstract void startLoop();

  /** Called when the scheduler shuts down: stop the loop. */
  protected abstract void stopLoop();

  /**
   * Asks the loop to process tasks now rather than at its planned wake-up time; called after every
   * change that may bring the next run time forward.
   */
  public abstract void wakeup();

  /**
   * One round of the loop: hands every due run to its executor, advances or removes the tasks, and
   * returns when the next round is due.
   *
   * @return the time of the next round, or empty to wait until something changes
   */
  protected Optional<Instant> processTasks() {
    if (state != SchedulerState.RUNNING) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Instant nextWakeup = null;
    List<Map.Entry<String, TaskStore>> storeList;
    lock.lock();
    try {
      plannedWakeup = ROUND_IN_PROGRESS;
      storeList = new ArrayList<>(stores.entrySet());
    } finally {
      lock.unlock();
    }
    for (Map.Entry<String, TaskStore> entry : storeList) {
      String alias = entry.getKey();
      TaskStore store = entry.getValue();
      // Due tasks go in batches, and the lock is released between them, so that adds and updates
      // from other threads never wait for a whole backlog.
      for (int batch = 0; batch < MAX_BATCHES_PER_ROUND; batch++) {
        List<SchedulerEvent> events = new ArrayList<>();
        boolean more;
        lock.lock();
        try {
          if (state != SchedulerState.RUNNING) {
            return Optional.empty(); // shut down or paused while this round waited for the lock
          }
          if (stores.get(alias) != store) {
            break; // removed during the round
          }
          LockedStore shared = store instanceof LockedStore l ? l : null;
          if (shared != null && !shared.tryLock()) {
            // Another process is processing this store: as in the seed, look again later.
            logger.debug("Store '{}' is locked by another process; retrying", alias);
            nextWakeup = earliest(nextWakeup, now.plus(storeRetryInterval));
            break;
          }
          List<Task> due;
          try {
            due = store.dueTasks(now, BATCH_SIZE);
          } catch (RuntimeException e) {
            if (shared != null) {
              shared.unlock();
            }
            logger.warn(
                "Error getting due tasks from store '{}'; retrying in {}",
                alias,
                storeRetryInterval,
                e);
            nextWakeup = earliest(nextWakeup, now.plus(storeRetryInterval));
            break;
          }
          boolean failed = false;
          try {
            Advance advance = new Advance();
            for (Task task : due) {
              processTask(task, alias, store, now, events, advance);
            }
            advance.write(alias, store, events);
          } catch (RuntimeException e) {
            // The runs went out but their next run times may not be stored: the store is failing.
            logger.error(
                "Error storing the next run times of due tasks in store '{}'; retrying in {}",
                alias,
                storeRetryInterval,
                e);
            nextWakeup = earliest(nextWakeup, now.plus(storeRetryInterval));
            failed = true;
          } finally {
            if (shared != null) {
              shared.unlock();
            }
          }
          more = !failed && due.size() == BATCH_SIZE;
        } finally {
          lock.unlock();
        }
        for (SchedulerEvent event : events) {
          dispatch(event);
        }
        if (!more) {
          break;
        }
      }
    }
    lock.lock();
    try {
      for (Map.Entry<String, TaskStore> entry : stores.entrySet()) {
        LockedStore shared = entry.getValue() instanceof LockedStore l ? l : null;
        if (shared != null && !shared.tryLock()) {
          // Never wait for another process here, with the scheduler's lock held.
          nextWakeup = earliest(nextWakeup, now.plus(storeRetryInterval));
          continue;
        }
        try {
          nextWakeup = earliest(nextWakeup, entry.getValue().nextRunTime().orElse(null));
        } catch (RuntimeException e) {
          logger.warn("Error getting the next run time from store '{}'", entry.getKey(), e);
          nextWakeup = earliest(nextWakeup, now.plus(storeRetryInterval));
        } finally {
          if (shared != null) {
            shared.unlock();
          }
        }
      }
      if (lockPath != null) {
        // Other processes change the shared stores without waking this one: look again in time.
        nextWakeup = earliest(nextWakeup, now.plus(storeRetryInterval));
      }
      plannedWakeup = nextWakeup;
    } finally {
      lock.unlock();
    }
    return Optional.ofNullable(nextWakeup);
  }

  /**
   * Wakes the loop when a task now due at {@code next} would run before the loop's planned wake-up;
   * called under the lock.
   */
  private void wakeupIfEarlier(Instant next) {
    if (state != SchedulerState.RUNNING || next == null) {
      return;
    }
    Instant planned = plannedWakeup;
    if (planned == null || planned == ROUND_IN_PROGRESS || next.isBefore(planned)) {
      wakeup();
    }
  }

  /** Whether any listener listens to events with this code; events nobody wants are not built. */
  protected boolean listening(int code) {
    return (listenedMask & code) != 0;
  }

  /**
   * The next run times of a batch of due tasks whose runs went to executors that run them on their
   * own threads: nothing on the loop's thread can change those tasks before the batch is written,
   * so the batch is written at once ({@link TaskStore#advanceTasks}).
   */
  private final class Advance {
    final List<Task> advanced = new ArrayList<>();
    final List<String> finished = new ArrayList<>();

    void write(String alias, TaskStore store, List<SchedulerEvent> events) {
      if (advanced.isEmpty() && finished.isEmpty()) {
        return;
      }
      store.advanceTasks(advanced, finished);
      if (listening(Events.TASK_REMOVED)) {
        for (String id : finished) {
          events.add(new TaskEvent(Events.TASK_REMOVED, id, alias));
        }
      }
      advanced.clear();
      finished.clear();
    }
  }

  private void processTask(
      Task task, String alias, TaskStore store, Instant now, List<SchedulerEvent> events) {
    processTask(task, alias, store, now, events, null);
  }

  private void processTask(
      Task task,
      String alias,
      TaskStore store,
      Instant now,
      List<SchedulerEvent> events,
      Advance advance) {
    TaskExecutor executor = executors.get(task.executor());
    if (executor == null) {
      logger.error(
          "Executor lookup ('{}') failed for task '{}'; removing it from the store",
          task.executor(),
          task.id());
      deleteFromStore(task.id(), alias, store);
      return;
    }
    List<Instant> runTimes = task.dueRunTimes(timezone, now);
    if (runTimes.isEmpty()) {
      return;
    }
    boolean batched = advance != null && !executor.runsOnCallerThread();
    if (advance != null && !batched) {
      advance.write(alias, store, events); // the batch so far, before this run may read it
    }
    try {
      executor.submit(task, runTimes);
      if (listening(Events.TASK_SUBMITTED)) {
        events.add(new TaskSubmissionEvent(Events.TASK_SUBMITTED, task.id(), alias, runTimes));
      }
    } catch (MaxInstancesException e) {
      logger.warn(
          "Execution of task '{}' skipped: maximum number of running instances reached ({})",
          task.name(),
          task.maxInstances());
      events.add(new TaskSubmissionEvent(Events.TASK_MAX_INSTANCES, task.id(), alias, runTimes));
    } catch (RuntimeException e) {
      logger.error("Error submitting task '{}' to executor '{}'", task.name(), task.executor(), e);
    }
    Instant lastRunTime = runTimes.get(runTimes.size() - 1);
    if (batched) {
      Optional<Instant> next = task.trigger().nextFireTime(timezone, lastRunTime, now);
      if (next.isPresent()) {
        advance.advanced.add(task.withNextRunTime(next.get()));
      } else {
        advance.finished.add(task.id());
      }
      return;
    }
    // A run on this thread (an inline executor, or a listener of its events) may have changed the
    // task: advance what is stored now, and leave alone a task it deleted, paused or rescheduled.
    Task current = store.lookupTask(task.id()).orElse(null);
    if (current == null || !current.nextRunTime().equals(task.nextRunTime())) {
      return;
    }
    Optional<Instant> next = current.trigger().nextFireTime(timezone, lastRunTime, now);
    if (next.isPresent()) {
      try {
        store.updateTask(current.withNextRunTime(next.get()));
      } catch (TaskLookupException gone) {
        // Deleted while it ran; nothing to advance.
      }
    } else {
      deleteFromStore(task.id(), alias, store);
    }
  }

  private void deleteFromStore(String taskId, String alias, TaskStore store) {
    try {
      store.deleteTask(taskId);
    } catch (TaskLookupException gone) {
      return;
    }
    if (listening(Events.TASK_REMOVED)) {
      dispatch(new TaskEvent(Events.TASK_REMOVED, taskId, alias));
    }
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  // ------------------------------------------------------------------ lifecycle

  /** Starts processing tasks; see {@link #start(boolean)}. */
  public boolean start() {
    return start(false);
  }

  /**
   * Starts the executors and stores, commits the tasks added before, and starts the loop.
   * Reference-counted: only the first of several calls starts, and as many {@link #shutdown}s stop.
   *
   * @param paused whether to start with task processing paused (see {@link #resume()})
   * @return whether this call started the scheduler
   */
  public boolean start(boolean paused) {
    lock.lock();
    try {
      if (++refCount > 1) {
        return false;
      }
      if (state != SchedulerState.STOPPED) {
        refCount--;
        throw new SchedulerAlreadyRunningException("start()");
      }
      try {
        // As in the seed: the defaults are added (with their events) before anything starts.
        if (!executors.containsKey(DEFAULT)) {
          executors.put(DEFAULT, createDefaultExecutor());
          dispatch(new SchedulerEvent.Lifecycle(Events.EXECUTOR_ADDED, DEFAULT));
        }
        if (!stores.containsKey(DEFAULT)) {
          stores.put(DEFAULT, guarded(DEFAULT, new MemoryStore()));
          dispatch(new SchedulerEvent.Lifecycle(Events.STORE_ADDED, DEFAULT));
        }
        executors.forEach((alias, executor) -> executor.start(contexts, alias));
        stores.forEach((alias, store) -> store.start(contexts, alias));
        state = paused ? SchedulerState.PAUSED : SchedulerState.RUNNING;
        while (!pending.isEmpty()) {
          PendingTask p = pending.get(0);
          realAddTask(
              p.task().toBuilder().pending(false).build(), p.replaceExisting(), p.startTask());
          pending.remove(0);
        }
        startedAt = clock.instant();
      } catch (RuntimeException e) {
        // Stay stopped, with the tasks not committed still pending, so that start() can be retried
        // (e.g. after adding the task whose id is taken with replaceExisting).
        state = SchedulerState.STOPPED;
        refCount = 0;
        for (TaskExecutor executor : executors.values()) {
          try {
            executor.shutdown(false);
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        for (TaskStore store : stores.values()) {
          try {
            store.shutdown();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    } finally {
      lock.unlock();
    }
    logger.info("Scheduler started");
    dispatch(new SchedulerEvent.Lifecycle(Events.SCHEDULER_START, null));
    startLoop();
    if (!paused) {
      wakeup();
    }
    return true;
  }

  /** The executor added under {@link #DEFAULT} when none was: an {@link AsyncExecutor}. */
  protected TaskExecutor createDefaultExecutor() {
    return new AsyncExecutor();
  }

  /**
   * Stops the loop, runs the tasks whose trigger is {@code shutdown}, then shuts down the executors
   * and stores. Reference-counted like {@link #start}.
   *
   * @param wait whether to wait for the runs in progress
   * @return whether this call stopped the scheduler
   * @throws SchedulerNotRunningException when the scheduler is not running
   */
  public boolean shutdown(boolean wait) {
    List<TaskExecutor> stopping;
    List<TaskStore> closing;
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        throw new SchedulerNotRunningException("shutdown()");
      }
      if (--refCount > 0) {
        return false;
      }
      refCount = 0;
      state = SchedulerState.STOPPED;
      runShutdownTasks();
      stopping = new ArrayList<>(executors.values());
      closing = new ArrayList<>(stores.values());
    } finally {
      lock.unlock();
    }
    stopLoop();
    for (TaskExecutor executor : stopping) {
      executor.shutdown(wait);
    }
    for (TaskStore store : closing) {
      store.shutdown();
    }
    logger.info("Scheduler has been shut down");
    dispatch(new SchedulerEvent.Lifecycle(Events.SCHEDULER_SHUTDOWN, null));
    return true;
  }

  private void runShutdownTasks() {
    Instant now = clock.instant();
    for (Map.Entry<String, TaskStore> entry : stores.entrySet()) {
      for (Task task : entry.getValue().allTasks()) {
        if (!(task.trigger() instanceof ShutdownTrigger)) {
          continue;
        }
        TaskExecutor executor = executors.get(task.executor());
        if (executor == null) {
          logger.error(
              "Executor '{}' of shutdown task '{}' does not exist", task.executor(), task.id());
          continue;
        }
        try {
          executor.submit(task.toBuilder().mistriggerGraceTime(null).build(), List.of(now));
          dispatch(
              new TaskSubmissionEvent(
                  Events.TASK_SUBMITTED, task.id(), entry.getKey(), List.of(now)));
        } catch (RuntimeException e) {
          logger.error("Error running shutdown task '{}'", task.id(), e);
        }
      }
    }
  }

  /** Shuts down and waits for running tasks, if the scheduler is running. */
  @Override
  public void close() {
    if (state != SchedulerState.STOPPED) {
      lock.lock();
      try {
        refCount = Math.min(refCount, 1);
      } finally {
        lock.unlock();
      }
      shutdown(true);
    }
  }

  /**
   * Pauses task processing; runs in progress go on.
   *
   * @throws SchedulerNotRunningException when the scheduler is stopped
   */
  public void pause() {
    if (state == SchedulerState.STOPPED) {
      throw new SchedulerNotRunningException("pause()");
    }
    if (state == SchedulerState.RUNNING) {
      state = SchedulerState.PAUSED;
      logger.info("Paused scheduler task processing");
      dispatch(new SchedulerEvent.Lifecycle(Events.SCHEDULER_PAUSED, null));
    }
  }

  /**
   * Resumes task processing.
   *
   * @throws SchedulerNotRunningException when the scheduler is stopped
   */
  public void resume() {
    if (state == SchedulerState.STOPPED) {
      throw new SchedulerNotRunningException("resume()");
    }
    if (state == SchedulerState.PAUSED) {
      state = SchedulerState.RUNNING;
      logger.info("Resumed scheduler task processing");
      dispatch(new SchedulerEvent.Lifecycle(Events.SCHEDULER_RESUMED, null));
      wakeup();
    }
  }

  /** Running, paused or stopped. */
  public SchedulerState state() {
    return state;
  }

  /** Whether the scheduler has been started and not shut down. */
  public boolean isRunning() {
    return state != SchedulerState.STOPPED;
  }

  /** The clock the scheduler reads. */
  public Clock clock() {
    return clock;
  }

  /** The scheduler's zone, for naive times and triggers without a zone. */
  public ZoneId timezone() {
    return timezone;
  }

  /** The resolver of function references. */
  public TaskRegistry registry() {
    return registry;
  }

  /** The values tasks take when they do not set their own. */
  public TaskDefaults taskDefaults() {
    return taskDefaults;
  }

  // ------------------------------------------------------------------ executors, stores, listeners

  /**
   * Adds an executor under an alias; it starts at once if the scheduler runs.
   *
   * @throws InvalidInputException when the alias is taken
   */
  public void addExecutor(TaskExecutor executor, String alias) {
    Objects.requireNonNull(executor, "executor");
    lock.lock();
    try {
      if (executors.containsKey(alias)) {
        throw new InvalidInputException(
            "executor alias",
            alias,
            "is taken; this scheduler already has an executor by that alias");
      }
      executors.put(alias, executor);
      if (state != SchedulerState.STOPPED) {
        executor.start(contexts, alias);
      }
    } finally {
      lock.unlock();
    }
    dispatch(new SchedulerEvent.Lifecycle(Events.EXECUTOR_ADDED, alias));
  }

  /**
   * Removes an executor.
   *
   * @param shutdown whether to shut it down (waiting for its runs)
   * @throws InvalidInputException when no executor has that alias
   */
  public void removeExecutor(String alias, boolean shutdown) {
    TaskExecutor executor;
    lock.lock();
    try {
      executor = lookupExecutor(alias);
      executors.remove(alias);
    } finally {
      lock.unlock();
    }
    if (shutdown) {
      executor.shutdown(true);
    }
    dispatch(new SchedulerEvent.Lifecycle(Events.EXECUTOR_REMOVED, alias));
  }

  /**
   * Adds a store under an alias; it starts at once if the scheduler runs.
   *
   * @throws InvalidInputException when the alias is taken
   */
  public void addStore(TaskStore store, String alias) {
    Objects.requireNonNull(store, "store");
    lock.lock();
    try {
      if (stores.containsKey(alias)) {
        throw new InvalidInputException(
            "store alias", alias, "is taken; this scheduler already has a store by that alias");
      }
      TaskStore added = guarded(alias, store);
      stores.put(alias, added);
      if (state != SchedulerState.STOPPED) {
        try {
          added.start(contexts, alias);
        } catch (RuntimeException e) {
          stores.remove(alias);
          throw e;
        }
      }
    } finally {
      lock.unlock();
    }
    dispatch(new SchedulerEvent.Lifecycle(Events.STORE_ADDED, alias));
    if (state == SchedulerState.RUNNING) {
      wakeup();
    }
  }

  /**
   * Removes a store and forgets its tasks (they stay in the store itself).
   *
   * @param shutdown whether to shut the store down
   * @throws InvalidInputException when no store has that alias
   */
  public void removeStore(String alias, boolean shutdown) {
    TaskStore store;
    lock.lock();
    try {
      lookupStore(alias); // fails naming the aliases there are
      store = stores.remove(alias);
    } finally {
      lock.unlock();
    }
    if (shutdown) {
      store.shutdown();
    }
    dispatch(new SchedulerEvent.Lifecycle(Events.STORE_REMOVED, alias));
  }

  /**
   * The executor with this alias.
   *
   * @throws InvalidInputException when there is none, listing the aliases there are
   */
  public TaskExecutor lookupExecutor(String alias) {
    lock.lock();
    try {
      TaskExecutor executor = executors.get(alias);
      if (executor == null) {
        throw new InvalidInputException(
            "executor",
            alias,
            "is not an executor of this scheduler; expected one of " + executors.keySet());
      }
      return executor;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The store with this alias.
   *
   * @throws InvalidInputException when there is none, listing the aliases there are
   */
  public TaskStore lookupStore(String alias) {
    TaskStore store = storeFor(alias);
    return store instanceof LockedStore shared ? shared.delegate() : store;
  }

  /** The store as the scheduler uses it (behind the {@code lock_path} lock, if configured). */
  private TaskStore storeFor(String alias) {
    lock.lock();
    try {
      TaskStore store = stores.get(alias);
      if (store == null) {
        throw new InvalidInputException(
            "store", alias, "is not a store of this scheduler; expected one of " + stores.keySet());
      }
      return store;
    } finally {
      lock.unlock();
    }
  }

  /** Adds a listener for every event. */
  public void addListener(EventListener listener) {
    addListener(listener, Events.EVERY_EVENT);
  }

  /**
   * Adds a listener for the events in {@code mask} (codes of {@link Events} joined with {@code |}).
   *
   * @throws InvalidInputException when the mask has no known event bit
   */
  public void addListener(EventListener listener, int mask) {
    Objects.requireNonNull(listener, "listener");
    if ((mask & Events.EVERY_EVENT) == 0) {
      throw new InvalidInputException(
          "event mask",
          mask,
          "selects no event; expected codes of io.asyncz.event.Events joined with |");
    }
    listeners.add(new Registration(listener, mask));
    recomputeListenedMask();
  }

  /** Removes a listener; returns whether it was registered. */
  public boolean removeListener(EventListener listener) {
    for (Registration r : listeners) {
      if (r.listener().equals(listener)) {
        boolean removed = listeners.remove(r);
        recomputeListenedMask();
        return removed;
      }
    }
    return false;
  }

  private void recomputeListenedMask() {
    int mask = 0;
    for (Registration r : listeners) {
      mask |= r.mask();
    }
    listenedMask = mask;
  }

  /** Sends an event to the listeners whose mask selects it; a failing listener is logged. */
  protected void dispatch(SchedulerEvent event) {
    for (Registration r : listeners) {
      if ((event.code() & r.mask()) != 0) {
        try {
          r.listener().onEvent(event);
        } catch (RuntimeException | LinkageError | AssertionError e) {
          logger.error("Error notifying listener {} of {}", r.listener(), event, e);
        }
      }
    }
  }

  // ------------------------------------------------------------------ adding tasks

  /** Starts a task that runs {@code function}. */
  public TaskBuilder task(TaskFunction function) {
    return new TaskBuilder(this, Objects.requireNonNull(function, "function"), null);
  }

  /** Starts a task that runs {@code runnable}. */
  public TaskBuilder task(Runnable runnable) {
    // Many tasks often share one Runnable: share its wrapper too (a benign race at worst makes
    // two).
    Object[] last = lastRunnable;
    if (last != null && last[0] == runnable) {
      return task((TaskFunction) last[1]);
    }
    TaskFunction function = TaskFunction.of(runnable);
    lastRunnable = new Object[] {runnable, function};
    return task(function);
  }

  /** Starts a task that calls {@code callable}; its result is the run's return value. */
  public TaskBuilder task(Callable<?> callable) {
    return task(TaskFunction.of(callable));
  }

  /**
   * Starts a task that runs the function a reference names: a name in the {@link #registry()} or
   * {@code com.example.Jobs::method} in an allowed package. Persistent stores need references.
   *
   * @throws InvalidInputException when the reference cannot be resolved or is not allowed
   */
  public TaskBuilder task(String reference) {
    return new TaskBuilder(this, registry.resolve(reference), reference);
  }

  /** Creates a trigger from its alias and options, reading this scheduler's clock. */
  public Trigger trigger(String alias, Map<String, ?> options) {
    return Triggers.create(alias, options, clock);
  }

  /**
   * Adds many tasks at once, all of them or none: {@code tasks} adds them to the batch with the
   * usual builders, and the scheduler then checks the whole batch and stores it, each store in one
   * go where it can (a transaction, a script), which is much faster than adding tasks one by one to
   * a database. Before {@link #start()} the tasks become pending tasks. The batch adds new tasks
   * only ({@code replaceExisting} is refused), and a task due already runs in the loop's next
   * round.
   *
   * <pre>{@code
   * scheduler.addAll(batch -> {
   *   for (Invoice invoice : invoices) {
   *     batch.task("billing.remind").id("remind-" + invoice.id()).args(invoice.id())
   *         .trigger(DateTrigger.at(invoice.due())).store("db").add();
   *   }
   * });
   * }</pre>
   *
   * @return the tasks as added, in the batch's order
   * @throws ConflictIdException when an id is taken, or given twice in the batch; nothing is added
   * @throws InvalidInputException when a task is invalid (when its builder's {@code add()} is
   *     called) or names an unknown executor or store; nothing is added
   */
  public List<Task> addAll(Consumer<TaskBatch> tasks) {
    TaskBatch batch = new TaskBatch(this);
    tasks.accept(batch);
    List<TaskBatch.Entry> entries = batch.entries();
    Set<String> ids = new HashSet<>();
    for (TaskBatch.Entry e : entries) {
      if (!ids.add(e.task().id())) {
        throw new ConflictIdException(e.task().id());
      }
    }
    List<Task> added = new ArrayList<>(entries.size());
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        for (PendingTask p : pending) {
          if (ids.contains(p.task().id())) {
            throw new ConflictIdException(p.task().id());
          }
        }
        for (TaskBatch.Entry e : entries) {
          Task task = e.task().toBuilder().pending(true).build();
          pending.add(new PendingTask(task, false, e.startTask()));
          added.add(task);
        }
        return added;
      }
      Instant now = clock.instant();
      Instant earliest = null;
      Map<String, List<Task>> byStore = new LinkedHashMap<>();
      for (TaskBatch.Entry e : entries) {
        Task task = e.task();
        lookupExecutor(task.executor());
        storeFor(task.storeAlias());
        if (task.nextRunTime().isEmpty() && e.startTask()) {
          task =
              task.withNextRunTime(task.trigger().nextFireTime(timezone, null, now).orElse(null));
        }
        if (e.startTask()) {
          earliest = earliest(earliest, task.nextRunTime().orElse(null));
        }
        byStore.computeIfAbsent(task.storeAlias(), alias -> new ArrayList<>()).add(task);
        added.add(task);
      }
      List<String> stored = new ArrayList<>();
      try {
        for (Map.Entry<String, List<Task>> group : byStore.entrySet()) {
          storeFor(group.getKey()).addTasks(group.getValue());
          stored.add(group.getKey());
        }
      } catch (RuntimeException e) {
        for (String alias : stored) {
          for (Task task : byStore.get(alias)) {
            try {
              storeFor(alias).deleteTask(task.id());
            } catch (RuntimeException suppressed) {
              e.addSuppressed(suppressed);
            }
          }
        }
        throw e;
      }
      wakeupIfEarlier(earliest);
    } finally {
      lock.unlock();
    }
    logger.info("Added {} tasks", added.size());
    if (listening(Events.TASK_ADDED)) {
      for (Task task : added) {
        dispatch(new TaskEvent(Events.TASK_ADDED, task.id(), task.storeAlias()));
      }
    }
    return added;
  }

  /** Adds a built task (called by {@link TaskBuilder#add()}). */
  Task add(Task.Builder builder, boolean replaceExisting, boolean nextRunTimeGiven) {
    Task built = builder.scheduler(this).pending(state == SchedulerState.STOPPED).build();
    boolean startTask = !nextRunTimeGiven || built.nextRunTime().isPresent();
    lock.lock();
    try {
      boolean stopped = state == SchedulerState.STOPPED;
      // The scheduler may have started or stopped while the task was built outside the lock.
      Task task = built.isPending() == stopped ? built : built.toBuilder().pending(stopped).build();
      if (stopped) {
        if (!replaceExisting) {
          for (PendingTask p : pending) {
            if (p.task().id().equals(task.id())) {
              throw new ConflictIdException(task.id());
            }
          }
        } else {
          pending.removeIf(p -> p.task().id().equals(task.id()));
        }
        pending.add(new PendingTask(task, replaceExisting, startTask));
        logger.info(
            "Adding task tentatively; it will be properly scheduled when the scheduler starts");
        return task;
      }
      return realAddTask(task, replaceExisting, startTask);
    } finally {
      lock.unlock();
    }
  }

  private Task realAddTask(Task task, boolean replaceExisting, boolean startTask) {
    // A typo in the executor alias would otherwise delete the task at its first run.
    lookupExecutor(task.executor());
    Task added = task;
    Instant now = clock.instant();
    if (task.nextRunTime().isEmpty() && startTask) {
      Instant next = task.trigger().nextFireTime(timezone, null, now).orElse(null);
      added = task.withNextRunTime(next);
      if (next == null) {
        logger.warn("Task '{}' has no run time left; it is added paused", task.id());
      }
    }
    TaskStore store = storeFor(added.storeAlias());
    try {
      store.addTask(added);
    } catch (ConflictIdException e) {
      if (!replaceExisting) {
        throw e;
      }
      store.updateTask(added);
    }
    if (listening(Events.TASK_ADDED)) {
      dispatch(new TaskEvent(Events.TASK_ADDED, added.id(), added.storeAlias()));
    }
    if (logger.isInfoEnabled()) {
      logger.info("Added task '{}' to store '{}'", added.name(), added.storeAlias());
    }
    Instant next = added.nextRunTime().orElse(null);
    if (startTask
        && next != null
        && !next.isAfter(now)
        && state == SchedulerState.RUNNING
        && runsDueTasksOnAdd()) {
      // Due already: hand it to its executor from here, as the loop would, instead of waking the
      // loop thread for it (the JDK's executors also start a task due now on the caller's call).
      List<SchedulerEvent> events = new ArrayList<>(1);
      processTask(added, added.storeAlias(), store, now, events);
      for (SchedulerEvent event : events) {
        dispatch(event);
      }
      next = store.lookupTask(added.id()).flatMap(Task::nextRunTime).orElse(null);
    }
    if (startTask) {
      wakeupIfEarlier(next);
    }
    return added;
  }

  /**
   * Whether a task added already due is handed to its executor by {@code add()} itself rather than
   * by the next round of the loop; the testkit's manual scheduler says no, so that a test decides
   * when rounds run.
   */
  protected boolean runsDueTasksOnAdd() {
    return true;
  }

  // ------------------------------------------------------------------ changing tasks

  /**
   * Changes a task's options. Keys: {@code name}, {@code args}, {@code kwargs}, {@code trigger} (a
   * {@link Trigger} or a {@code {"alias":..., "fields":...}} map), {@code executor}, {@code
   * mistrigger_grace_time} (seconds or a Duration; null for no limit), {@code coalesce}, {@code
   * max_instances}, {@code next_run_time} (a date-time; null pauses). All changes are checked
   * before any is made.
   *
   * @throws TaskLookupException when no such task exists
   * @throws InvalidInputException for an unknown key or an invalid value
   */
  @Override
  public Task updateTask(String taskId, String store, Map<String, ?> changes) {
    for (String key : changes.keySet()) {
      if (!UPDATABLE.contains(key)) {
        throw new InvalidInputException(
            "task update",
            key,
            "is not a modifiable task field; expected one of "
                + new java.util.TreeSet<>(UPDATABLE));
      }
    }
    Task updated;
    String alias;
    lock.lock();
    try {
      Located located = locate(taskId, store);
      Task.Builder b = located.task().toBuilder();
      applyChanges(b, changes);
      updated = b.build();
      if (changes.containsKey("executor") && state != SchedulerState.STOPPED) {
        lookupExecutor(updated.executor());
      }
      alias = located.store();
      if (alias == null) {
        replacePending(updated, changes.containsKey("next_run_time"));
      } else {
        stores.get(alias).updateTask(updated);
      }
    } finally {
      lock.unlock();
    }
    dispatch(new TaskEvent(Events.TASK_MODIFIED, taskId, alias));
    if (state == SchedulerState.RUNNING) {
      wakeup();
    }
    return updated;
  }

  @SuppressWarnings("unchecked")
  private void applyChanges(Task.Builder b, Map<String, ?> changes) {
    for (Map.Entry<String, ?> e : changes.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "name" -> b.name(v == null ? null : v.toString());
        case "args" -> {
          if (!(v instanceof List<?> list)) {
            throw new InvalidInputException("args", v, "is not a list; expected a list of values");
          }
          b.args(list);
        }
        case "kwargs" -> {
          if (!(v instanceof Map<?, ?> map)) {
            throw new InvalidInputException(
                "kwargs", v, "is not a map; expected a map of names to values");
          }
          b.kwargs((Map<String, ?>) map);
        }
        case "trigger" -> b.trigger(toTrigger(v));
        case "executor" -> b.executor(v == null ? null : v.toString());
        case "mistrigger_grace_time" ->
            b.mistriggerGraceTime(
                v == null ? null : PluginOptions.secondsValue("mistrigger_grace_time", v));
        case "coalesce" -> b.coalesce(PluginOptions.booleanValue("coalesce", v));
        case "max_instances" -> b.maxInstances(PluginOptions.integerValue("max_instances", v));
        case "next_run_time" ->
            b.nextRunTime(
                v == null ? null : TimePoint.from(v, null, "next_run_time").toInstant(timezone));
        default -> throw new IllegalStateException(e.getKey());
      }
    }
  }

  private Trigger toTrigger(Object value) {
    if (value instanceof Trigger t) {
      return t;
    }
    if (value instanceof Map<?, ?> map) {
      io.asyncz.trigger.TriggerState s = io.asyncz.trigger.TriggerState.fromMap(map);
      return Triggers.create(s.alias(), s.fields(), clock);
    }
    throw new InvalidInputException(
        "trigger",
        value,
        "is not a trigger; expected a Trigger or {\"alias\": ..., \"fields\": {...}}");
  }

  @Override
  public Task rescheduleTask(String taskId, String store, Trigger trigger) {
    Objects.requireNonNull(trigger, "trigger");
    Instant next = trigger.nextFireTime(timezone, null, clock.instant()).orElse(null);
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("trigger", trigger);
    changes.put("next_run_time", next);
    return updateTask(taskId, store, changes);
  }

  @Override
  public Task pauseTask(String taskId, String store) {
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("next_run_time", null);
    return updateTask(taskId, store, changes);
  }

  @Override
  public Optional<Task> resumeTask(String taskId, String store) {
    Task task;
    String alias;
    lock.lock();
    try {
      Located located = locate(taskId, store);
      task = located.task();
      alias = located.store();
      Optional<Instant> next = task.trigger().nextFireTime(timezone, null, clock.instant());
      if (next.isEmpty()) {
        deleteTask(taskId, alias);
        return Optional.empty();
      }
      Map<String, Object> changes = new LinkedHashMap<>();
      changes.put("next_run_time", next.get());
      return Optional.of(updateTask(taskId, alias, changes));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs a task now, as the CLI's and dashboard's "run now" (the seed's {@code run_task}).
   *
   * @param force whether to run at once even when no run is due
   * @param removeFinished whether to delete the task when its schedule is finished afterwards;
   *     otherwise it stays, paused
   * @return the task afterwards, or empty if it was removed
   * @throws SchedulerNotRunningException when the scheduler is stopped
   * @throws MaxInstancesException when the task runs as many instances as it may
   */
  public Optional<Task> runTask(
      String taskId, String store, boolean force, boolean removeFinished) {
    if (state == SchedulerState.STOPPED) {
      throw new SchedulerNotRunningException("runTask()");
    }
    Task task;
    String alias;
    List<Instant> runTimes;
    Instant now = clock.instant();
    lock.lock();
    try {
      Located located = locate(taskId, store);
      task = located.task();
      alias = located.store();
      runTimes = task.runTimes(timezone, now);
      if (runTimes.isEmpty()) {
        if (!force) {
          return Optional.of(task);
        }
        runTimes = List.of(now);
      }
      TaskExecutor executor = lookupExecutor(task.executor());
      try {
        executor.submit(task, runTimes);
      } catch (MaxInstancesException e) {
        logger.warn(
            "Execution of task '{}' skipped: maximum running instances reached ({})",
            task.name(),
            task.maxInstances());
        dispatch(new TaskSubmissionEvent(Events.TASK_MAX_INSTANCES, taskId, alias, runTimes));
        throw e;
      }
      dispatch(new TaskSubmissionEvent(Events.TASK_SUBMITTED, taskId, alias, runTimes));
      Instant next =
          task.trigger()
              .nextFireTime(timezone, runTimes.get(runTimes.size() - 1), now)
              .orElse(null);
      if (next != null && !next.isAfter(now)) {
        // A manual run always moves the schedule strictly forward.
        next = now.plusMillis(1);
      }
      if (next == null && removeFinished) {
        deleteTask(taskId, alias);
        return Optional.empty();
      }
      Task updated = task.withNextRunTime(next);
      stores.get(alias).updateTask(updated);
      return Optional.of(updated);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes a task: from the pending list before start, from its store after.
   *
   * @throws TaskLookupException when no such task exists
   */
  @Override
  public void deleteTask(String taskId, String store) {
    String removedFrom = null;
    boolean found = false;
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        for (int i = 0; i < pending.size(); i++) {
          Task t = pending.get(i).task();
          if (t.id().equals(taskId) && (store == null || store.equals(t.storeAlias()))) {
            pending.remove(i);
            removedFrom = t.storeAlias();
            found = true;
            break;
          }
        }
      } else {
        for (Map.Entry<String, TaskStore> e : stores.entrySet()) {
          if (store != null && !store.equals(e.getKey())) {
            continue;
          }
          try {
            e.getValue().deleteTask(taskId);
            removedFrom = e.getKey();
            found = true;
            break;
          } catch (TaskLookupException notHere) {
            // look in the next store
          }
        }
      }
    } finally {
      lock.unlock();
    }
    if (!found) {
      throw new TaskLookupException(taskId);
    }
    logger.info("Removed task {}", taskId);
    dispatch(new TaskEvent(Events.TASK_REMOVED, taskId, removedFrom));
  }

  /** Deletes every task of one store, or of all stores when {@code store} is null. */
  public void removeAllTasks(String store) {
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        pending.removeIf(p -> store == null || store.equals(p.task().storeAlias()));
      } else {
        for (Map.Entry<String, TaskStore> e : stores.entrySet()) {
          if (store == null || store.equals(e.getKey())) {
            e.getValue().removeAllTasks();
          }
        }
      }
    } finally {
      lock.unlock();
    }
    dispatch(new SchedulerEvent.Lifecycle(Events.ALL_TASKS_REMOVED, store));
  }

  // ------------------------------------------------------------------ quarantine

  /**
   * The records the stores could not read and set aside (see {@link QuarantinedRecord}), by store
   * alias, for the stores that have any.
   */
  public Map<String, List<QuarantinedRecord>> quarantinedRecords() {
    Map<String, List<QuarantinedRecord>> all = new LinkedHashMap<>();
    for (Map.Entry<String, TaskStore> e : startedStores().entrySet()) {
      List<QuarantinedRecord> records = e.getValue().quarantinedRecords();
      if (!records.isEmpty()) {
        all.put(e.getKey(), List.copyOf(records));
      }
    }
    return all;
  }

  /**
   * Reads a quarantined record again (e.g. after its old key was configured) and puts the task back
   * in its store; a next run time now past is handled by grace and coalesce as after a restart.
   *
   * @param store the store alias, or {@code null} to look in every store
   * @return the restored task
   * @throws TaskLookupException when no store has a quarantined record of this id
   * @throws ConflictIdException when a task with this id is stored; the record stays quarantined
   * @throws io.asyncz.AsynczException when the record still cannot be read; it stays quarantined
   */
  public Task restoreQuarantined(String taskId, String store) {
    Objects.requireNonNull(taskId, "taskId");
    Task restored = null;
    String restoredTo = null;
    lock.lock();
    try {
      for (Map.Entry<String, TaskStore> e : startedStores().entrySet()) {
        if (quarantines(e, taskId, store)) {
          restored = e.getValue().restoreQuarantined(taskId);
          restoredTo = e.getKey();
          break;
        }
      }
      if (restored == null) {
        throw new TaskLookupException(taskId);
      }
      wakeupIfEarlier(restored.nextRunTime().orElse(null));
    } finally {
      lock.unlock();
    }
    logger.info("Restored quarantined task {} to store '{}'", taskId, restoredTo);
    dispatch(new TaskEvent(Events.TASK_ADDED, taskId, restoredTo));
    return restored;
  }

  /**
   * Deletes the quarantined records of a task id for good.
   *
   * @param store the store alias, or {@code null} to look in every store
   * @throws TaskLookupException when no store has a quarantined record of this id
   */
  public void discardQuarantined(String taskId, String store) {
    Objects.requireNonNull(taskId, "taskId");
    lock.lock();
    try {
      for (Map.Entry<String, TaskStore> e : startedStores().entrySet()) {
        if (quarantines(e, taskId, store)) {
          e.getValue().discardQuarantined(taskId);
          logger.warn(
              "Discarded the quarantined records of task {} in store '{}'", taskId, e.getKey());
          return;
        }
      }
    } finally {
      lock.unlock();
    }
    throw new TaskLookupException(taskId);
  }

  private static boolean quarantines(Map.Entry<String, TaskStore> e, String taskId, String store) {
    if (store != null && !store.equals(e.getKey())) {
      return false;
    }
    for (QuarantinedRecord r : e.getValue().quarantinedRecords()) {
      if (r.taskId().equals(taskId)) {
        return true;
      }
    }
    return false;
  }

  private Map<String, TaskStore> startedStores() {
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        throw new SchedulerNotRunningException("the quarantine is read from started stores");
      }
      return new LinkedHashMap<>(stores);
    } finally {
      lock.unlock();
    }
  }

  /** The store as the loop uses it: behind the {@code lock_path} lock when one is configured. */
  private TaskStore guarded(String alias, TaskStore store) {
    if (lockPath == null || store instanceof MemoryStore) {
      return store; // a memory store is never shared between processes
    }
    return new LockedStore(store, Path.of(lockPath.replace("{store}", alias)));
  }

  // ------------------------------------------------------------------ reading tasks

  /**
   * The tasks of one store or all stores; before start, the pending tasks.
   *
   * @param store a store alias, or {@code null} for all
   */
  public List<Task> getTasks(String store) {
    lock.lock();
    try {
      List<Task> tasks = new ArrayList<>();
      if (state == SchedulerState.STOPPED) {
        for (PendingTask p : pending) {
          if (store == null || store.equals(p.task().storeAlias())) {
            tasks.add(p.task());
          }
        }
      } else {
        for (Map.Entry<String, TaskStore> e : stores.entrySet()) {
          if (store == null || store.equals(e.getKey())) {
            tasks.addAll(e.getValue().allTasks());
          }
        }
      }
      return tasks;
    } finally {
      lock.unlock();
    }
  }

  /** Every task of every store. */
  public List<Task> getTasks() {
    return getTasks(null);
  }

  /** The task with this id, in the given store or any store when {@code store} is null. */
  public Optional<Task> getTask(String taskId, String store) {
    lock.lock();
    try {
      return Optional.of(locate(taskId, store).task());
    } catch (TaskLookupException e) {
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /** The task with this id in any store. */
  public Optional<Task> getTask(String taskId) {
    return getTask(taskId, null);
  }

  /** A snapshot of the task with this id. */
  public Optional<TaskInfo> getTaskInfo(String taskId, String store) {
    return getTask(taskId, store).map(Task::info);
  }

  /** Snapshots of the tasks the query selects, in its order. */
  public List<TaskInfo> getTaskInfos(TaskQuery query) {
    List<TaskInfo> infos = new ArrayList<>();
    String text = query.q() == null ? null : query.q().strip().toLowerCase(Locale.ROOT);
    String trigger =
        query.trigger() == null ? null : query.trigger().strip().toLowerCase(Locale.ROOT);
    for (Task task : getTasks(query.store())) {
      TaskInfo info = task.info();
      if (query.scheduleState() != null && info.scheduleState() != query.scheduleState()) {
        continue;
      }
      if (query.executor() != null && !query.executor().equals(info.executor())) {
        continue;
      }
      if (trigger != null
          && !trigger.equals(lower(info.triggerAlias()))
          && !trigger.equals(lower(info.triggerName()))) {
        continue;
      }
      if (text != null && !text.isEmpty() && !matches(info, text)) {
        continue;
      }
      infos.add(info);
    }
    Comparator<TaskInfo> order = comparator(query.sortBy());
    infos.sort(query.descending() ? order.reversed() : order);
    return infos;
  }

  private static boolean matches(TaskInfo info, String needle) {
    for (String field :
        new String[] {
          info.id(),
          info.name(),
          info.callableName(),
          info.callableReference(),
          info.triggerAlias(),
          info.triggerName(),
          info.triggerDescription(),
          info.executor(),
          info.storeAlias(),
          info.scheduleState().value()
        }) {
      if (field != null && field.toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  private static Comparator<TaskInfo> comparator(String sortBy) {
    Comparator<TaskInfo> byId = Comparator.comparing(i -> lower(i.id()));
    Comparator<TaskInfo> byTime =
        Comparator.comparing(
            TaskInfo::nextRunTime, Comparator.nullsLast(Comparator.<Instant>naturalOrder()));
    return switch (sortBy) {
      case "id" -> byId;
      case "name" -> Comparator.comparing((TaskInfo i) -> lower(i.name())).thenComparing(byId);
      case "schedule_state" ->
          Comparator.comparing((TaskInfo i) -> i.scheduleState().value())
              .thenComparing(byTime)
              .thenComparing(byId);
      case "executor" ->
          Comparator.comparing((TaskInfo i) -> lower(i.executor())).thenComparing(byId);
      case "store" ->
          Comparator.comparing((TaskInfo i) -> lower(i.storeAlias())).thenComparing(byId);
      case "trigger" ->
          Comparator.comparing(
                  (TaskInfo i) ->
                      lower(i.triggerAlias() != null ? i.triggerAlias() : i.triggerName()))
              .thenComparing(byId);
      default -> byTime.thenComparing((TaskInfo i) -> lower(i.name())).thenComparing(byId);
    };
  }

  /**
   * The next {@code count} run times of a task, from its next run time on, as its trigger gives
   * them (without jitter effects being reproducible).
   *
   * @throws TaskLookupException when no such task exists
   */
  public List<Instant> previewRunTimes(String taskId, int count) {
    if (count < 0) {
      throw new InvalidInputException("count", count, "is negative; expected 0 or more");
    }
    Task task = getTask(taskId, null).orElseThrow(() -> new TaskLookupException(taskId));
    List<Instant> times = new ArrayList<>(count);
    Instant next = task.nextRunTime().orElse(null);
    Instant now = clock.instant();
    if (next == null && task.isPending() && startsWhenCommitted(taskId)) {
      // Not committed yet: its first run time is what start() will compute.
      next = task.trigger().nextFireTime(timezone, null, now).orElse(null);
    }
    while (next != null && times.size() < count) {
      times.add(next);
      next = task.trigger().nextFireTime(timezone, next, now).orElse(null);
    }
    return times;
  }

  private boolean startsWhenCommitted(String taskId) {
    lock.lock();
    try {
      for (PendingTask p : pending) {
        if (p.task().id().equals(taskId)) {
          return p.startTask();
        }
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot of the scheduler: state, start time, zone, stores, executors, task counts. */
  public SchedulerInfo info() {
    Map<TaskScheduleState, Integer> counts = new EnumMap<>(TaskScheduleState.class);
    for (TaskScheduleState s : TaskScheduleState.values()) {
      counts.put(s, 0);
    }
    for (Task t : getTasks(null)) {
      counts.merge(t.scheduleState(), 1, Integer::sum);
    }
    lock.lock();
    try {
      return new SchedulerInfo(
          state,
          startedAt,
          timezone,
          List.copyOf(stores.keySet()),
          List.copyOf(executors.keySet()),
          Map.copyOf(counts));
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ lookups

  private record Located(Task task, String store) {}

  private Located locate(String taskId, String store) {
    if (state == SchedulerState.STOPPED) {
      for (PendingTask p : pending) {
        if (p.task().id().equals(taskId)
            && (store == null || store.equals(p.task().storeAlias()))) {
          return new Located(p.task(), null);
        }
      }
    } else {
      for (Map.Entry<String, TaskStore> e : stores.entrySet()) {
        if (store == null || store.equals(e.getKey())) {
          Optional<Task> t = e.getValue().lookupTask(taskId);
          if (t.isPresent()) {
            return new Located(t.get(), e.getKey());
          }
        }
      }
    }
    throw new TaskLookupException(taskId);
  }

  private void replacePending(Task updated, boolean nextRunTimeChanged) {
    for (int i = 0; i < pending.size(); i++) {
      PendingTask p = pending.get(i);
      if (p.task().id().equals(updated.id())) {
        // A next run time set to none (pause_task) must stay none at start, as add(paused) does.
        boolean startTask = nextRunTimeChanged ? updated.nextRunTime().isPresent() : p.startTask();
        pending.set(i, new PendingTask(updated, p.replaceExisting(), startTask));
        return;
      }
    }
  }

  /** What executors and stores see of this scheduler. */
  private final class Contexts implements ExecutorContext, StoreContext {
    @Override
    public Clock clock() {
      return clock;
    }

    @Override
    public ZoneId timezone() {
      return timezone;
    }

    @Override
    public TaskRegistry registry() {
      return registry;
    }

    @Override
    public TaskOperations operations() {
      return Scheduler.this;
    }

    @Override
    public void dispatch(SchedulerEvent event) {
      Scheduler.this.dispatch(event);
    }

    @Override
    public boolean listening(int code) {
      return Scheduler.this.listening(code);
    }
  }

  // ------------------------------------------------------------------ annotated methods

  /**
   * Adds a task for every {@link io.asyncz.task.ScheduledTask} method of the bean's class and its
   * superclasses: instance methods are called on {@code bean}, static ones statically (the seed's
   * decorator mode). Every annotation is checked before any task is added. A {@code Class} argument
   * is handled as {@link #register(Class)}.
   *
   * @return the tasks added, in the order of the methods (none when no method is annotated)
   * @throws InvalidInputException naming the method, for a method with parameters, an unknown
   *     trigger alias, a bad trigger option or attribute, or an id used twice or already taken
   */
  public List<Task> register(Object bean) {
    Objects.requireNonNull(bean, "bean");
    if (bean instanceof Class<?> type) {
      return register(type);
    }
    return AnnotatedTasks.register(this, bean, bean.getClass());
  }

  /**
   * Adds a task for every {@link io.asyncz.task.ScheduledTask} static method of {@code type} and
   * its superclasses.
   *
   * @return the tasks added, in the order of the methods (none when no method is annotated)
   * @throws InvalidInputException naming the method, for an annotated instance method, and as
   *     {@link #register(Object)}
   */
  public List<Task> register(Class<?> type) {
    return AnnotatedTasks.register(this, null, Objects.requireNonNull(type, "type"));
  }
}
