package io.asyncz.scheduler;

import io.asyncz.ConflictIdException;
import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.MaxInstancesException;
import io.asyncz.PluginOptions;
import io.asyncz.SchedulerAlreadyRunningException;
import io.asyncz.SchedulerNotRunningException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.EventListener;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerErrorEvent;
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
import io.asyncz.task.TaskRunPreview;
import io.asyncz.task.TaskScheduleState;
import io.asyncz.time.TimePoint;
import io.asyncz.trigger.ShutdownTrigger;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.TriggerState;
import io.asyncz.trigger.Triggers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 *
 * <p>Each store has a lock of its own for the changes made to its tasks, and the scheduler's own
 * lock is never held during a store call: a store that is slow or down holds up the operations on
 * that store only. A store that may block (every store but the memory store) is processed on a
 * thread of its own when the loop runs on a thread ({@link #usesStoreLanes()}).
 */
public abstract class Scheduler implements TaskOperations, AutoCloseable {
  /** The alias of the executor and the store that are created when none is added. */
  public static final String DEFAULT = "default";

  /** How many due tasks one hold of a store's lock processes. */
  static final int BATCH_SIZE = TaskLoop.BATCH_SIZE;

  /** The fewest and most run times {@link #previewTaskRuns} gives, as in the seed. */
  public static final int MAX_PREVIEW_COUNT = 50;

  private static final Instant ROUND_IN_PROGRESS = Instant.MIN;

  /**
   * How long a shutdown without a timeout waits for each store (its shutdown tasks and its own
   * shutdown); with a timeout, each store gets what is left of it, and at least a second.
   */
  static final Duration STORE_SHUTDOWN_LIMIT = Duration.ofSeconds(30);

  private static final Set<String> UPDATABLE =
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
          "next_run_time");

  /** The scheduler's logger, {@code asyncz.schedulers} (or {@code asyncz.schedulers.<name>}). */
  protected final Logger logger;

  private final Clock clock;
  private final ZoneId timezone;
  private final TaskDefaults taskDefaults;
  private final TaskRegistry registry;
  private final Duration storeRetryInterval;
  private final String lockPath;
  private final String identity;
  private final Duration startupDelay;
  private final Duration heartbeatStaleAfter;

  // The scheduler's own lock guards the state, the pending tasks, the reference count and changes
  // to the executor and store maps; it is never held during a store call or a run.
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Map<String, TaskExecutor> executors = Map.of();
  private volatile Map<String, StoreSlot> slots = Map.of();
  private final List<PendingTask> pending = new ArrayList<>();
  private final List<Registration> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, Integer> instances = new ConcurrentHashMap<>();
  private final TaskLoop loop;
  private volatile SchedulerState state = SchedulerState.STOPPED;
  private volatile int listenedMask;
  private volatile Object[] lastRunnable; // {Runnable, its TaskFunction}
  // The loop's planned wake-up (null: idle until a change), guarded by lock; a new task wakes the
  // loop only when it is due before it.
  private Instant plannedWakeup;
  private volatile Instant startedAt;
  private volatile Instant lastSeenAt;
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
    this.identity =
        settings.identity() != null
            ? settings.identity()
            : getClass().getSimpleName() + "-" + randomHex(12);
    this.startupDelay = settings.effectiveStartupDelay();
    this.heartbeatStaleAfter = settings.heartbeatStaleAfter();
    this.logger =
        LoggerFactory.getLogger(
            settings.loggerName() == null
                ? "asyncz.schedulers"
                : "asyncz.schedulers." + settings.loggerName());
    this.loop = new TaskLoop(this, logger);
    this.executors = Collections.unmodifiableMap(new LinkedHashMap<>(settings.executors()));
    Map<String, StoreSlot> initial = new LinkedHashMap<>();
    settings.stores().forEach((alias, store) -> initial.put(alias, slotOf(alias, store)));
    this.slots = Collections.unmodifiableMap(initial);
  }

  /** A scheduler with default settings, running its loop on a thread of its own. */
  public static ThreadScheduler create() {
    return new ThreadScheduler(SchedulerSettings.defaults());
  }

  /** Starts the settings of a scheduler. */
  public static SchedulerSettings.Builder builder() {
    return SchedulerSettings.builder();
  }

  private static String randomHex(int digits) {
    StringBuilder hex = new StringBuilder(digits);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < digits; i++) {
      hex.append(Character.forDigit(random.nextInt(16), 16));
    }
    return hex.toString();
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
   * Whether stores that may block (all but the memory store) are processed on a thread of their
   * own, so that one store's outage never holds up the others. The testkit's manual scheduler says
   * no, so that a step processes every store before it returns.
   */
  protected boolean usesStoreLanes() {
    return true;
  }

  /**
   * One round of the loop: hands every due run to its executor, advances or removes the tasks, and
   * returns when the next round is due. It never throws: a failing store is logged, reported as a
   * {@link SchedulerErrorEvent} and asked again after the store retry interval.
   *
   * @return the time of the next round, or empty to wait until something changes
   */
  protected Optional<Instant> processTasks() {
    if (state != SchedulerState.RUNNING) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    lastSeenAt = now;
    lock.lock();
    try {
      plannedWakeup = ROUND_IN_PROGRESS;
    } finally {
      lock.unlock();
    }
    Instant nextWakeup = null;
    for (StoreSlot slot : slots.values()) {
      if (state != SchedulerState.RUNNING) {
        return Optional.empty(); // shut down or paused during the round
      }
      StoreLane lane = slot.lane;
      Instant next = lane != null ? lane.poll(now) : loop.processStore(slot, now);
      nextWakeup = earliest(nextWakeup, next);
    }
    if (lockPath != null) {
      // Other processes change the shared stores without waking this one: look again in time.
      nextWakeup = earliest(nextWakeup, now.plus(storeRetryInterval));
    }
    lock.lock();
    try {
      plannedWakeup = nextWakeup;
    } finally {
      lock.unlock();
    }
    return Optional.ofNullable(nextWakeup);
  }

  /**
   * Reports that the loop cannot go on: the state becomes {@link SchedulerState#FAILED}, and a
   * fatal {@link SchedulerErrorEvent} and an error log line say why. Called by subclasses whose
   * loop lost its thread or executor.
   */
  protected void loopFailed(String why, Throwable cause) {
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        return;
      }
      state = SchedulerState.FAILED;
    } finally {
      lock.unlock();
    }
    logger.error("The scheduler's loop cannot go on: {}; shut the scheduler down", why, cause);
    dispatch(new SchedulerErrorEvent(null, why, cause, true));
  }

  /**
   * Reports a round of the loop that threw (the loop itself goes on, after a pause): logged and
   * sent as a {@link SchedulerErrorEvent}.
   */
  protected void roundFailed(Throwable cause, Duration retryIn) {
    logger.error("Error processing tasks; retrying in {}", retryIn, cause);
    if (listening(Events.SCHEDULER_ERROR)) {
      dispatch(
          new SchedulerErrorEvent(
              null, "A round of the loop failed; retrying in " + retryIn, cause, false));
    }
  }

  /**
   * Wakes the loop when a task now due at {@code next} would run before the loop's planned wake-up;
   * called under the lock.
   */
  private void wakeupIfEarlier(Instant next) {
    if (state != SchedulerState.RUNNING || next == null) {
      return;
    }
    lock.lock();
    try {
      Instant planned = plannedWakeup;
      if (planned == null || planned == ROUND_IN_PROGRESS || next.isBefore(planned)) {
        wakeup();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether any listener listens to events with this code; events nobody wants are not built. */
  protected boolean listening(int code) {
    return (listenedMask & code) != 0;
  }

  static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  // ------------------------------------------------------------------ what the loop reads

  /** The store of an alias as the scheduler holds it, or {@code null}. */
  StoreSlot slot(String alias) {
    return slots.get(alias);
  }

  /** The executor of an alias, or {@code null}. */
  TaskExecutor executor(String alias) {
    return executors.get(alias);
  }

  /** The executor aliases, sorted. */
  Set<String> executorAliases() {
    return new TreeSet<>(executors.keySet());
  }

  Duration storeRetryInterval() {
    return storeRetryInterval;
  }

  void dispatchAll(List<SchedulerEvent> events) {
    for (SchedulerEvent event : events) {
      dispatch(event);
    }
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
   * <p>A task added before start whose id is already in its store is left out, and the stored task
   * kept, as in the seed: that is how several processes register one set of tasks.
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
          putExecutor(DEFAULT, createDefaultExecutor());
          dispatch(new SchedulerEvent.Lifecycle(Events.EXECUTOR_ADDED, DEFAULT));
        }
        if (!slots.containsKey(DEFAULT)) {
          putSlot(slotOf(DEFAULT, new MemoryStore()));
          dispatch(new SchedulerEvent.Lifecycle(Events.STORE_ADDED, DEFAULT));
        }
        executors.forEach((alias, executor) -> executor.start(contexts, alias));
        slots.forEach((alias, slot) -> slot.store.start(contexts, alias));
        state = paused ? SchedulerState.PAUSED : SchedulerState.RUNNING;
        Instant now = clock.instant();
        Instant notBefore = startupDelay.isZero() ? null : now.plus(startupDelay);
        while (!pending.isEmpty()) {
          PendingTask p = pending.get(0);
          Task task = p.task().toBuilder().pending(false).build();
          try {
            realAddTask(task, p.replaceExisting(), p.startTask(), notBefore);
          } catch (ConflictIdException taken) {
            logger.info(
                "Task '{}' is already in store '{}'; keeping the stored task",
                task.id(),
                task.storeAlias());
          }
          pending.remove(0);
        }
        startedAt = now;
        lastSeenAt = now;
        if (usesStoreLanes()) {
          slots.values().forEach(this::openLane);
        }
      } catch (RuntimeException e) {
        // Stay stopped, with the tasks not committed still pending, so that start() can be retried
        // (e.g. after adding the task whose id is taken with replaceExisting).
        state = SchedulerState.STOPPED;
        refCount = 0;
        startedAt = null;
        for (StoreSlot slot : slots.values()) {
          closeLane(slot);
        }
        for (TaskExecutor executor : executors.values()) {
          try {
            executor.shutdown(false);
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        for (StoreSlot slot : slots.values()) {
          try {
            slot.store.shutdown();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    } finally {
      lock.unlock();
    }
    logger.info("Scheduler {} started", identity);
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

  private void openLane(StoreSlot slot) {
    if (slot.lane == null && !(slot.userStore() instanceof MemoryStore)) {
      slot.lane =
          new StoreLane(slot.alias, () -> loop.processStore(slot, clock.instant()), this::wakeup);
    }
  }

  private static void closeLane(StoreSlot slot) {
    StoreLane lane = slot.lane;
    if (lane != null) {
      slot.lane = null;
      lane.stop();
    }
  }

  /**
   * Shuts the scheduler down, as {@link #shutdown(Duration)} does, waiting without a limit for the
   * runs in progress when {@code wait} is true. Reference-counted like {@link #start}.
   *
   * <p>Unlike the seed's {@code AsyncIOScheduler.shutdown}, which returns whether the scheduler is
   * still referenced, this returns whether this call stopped it (the seed's {@code BaseScheduler}).
   *
   * @param wait whether to wait for the runs in progress, asynchronous ones (a function's
   *     unfinished {@link CompletionStage}) included; the wait ends early if the calling thread is
   *     interrupted
   * @return whether this call stopped the scheduler
   * @throws SchedulerNotRunningException when the scheduler is not running
   */
  public boolean shutdown(boolean wait) {
    return stop(wait, null).stopped();
  }

  /**
   * Shuts the scheduler down: stops the loop, stops the executors (waiting at most {@code timeout}
   * for the runs in progress, asynchronous ones included, then interrupting them), runs the tasks
   * whose trigger is {@code shutdown} (each is removed from its store and its function called on
   * this thread, as in the seed, without task events), and shuts the stores down. Whatever fails on
   * the way is logged and reported, and the shutdown goes on: it always stops everything the
   * scheduler owns. Reference-counted like {@link #start}.
   *
   * @param timeout how long to wait for runs in progress (and shutdown tasks' stages)
   * @return what the shutdown left behind and what failed
   * @throws SchedulerNotRunningException when the scheduler is not running
   */
  public ShutdownReport shutdown(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new InvalidInputException(
          "timeout", timeout, "is negative; expected 0 or a positive duration");
    }
    return stop(true, timeout);
  }

  private ShutdownReport stop(boolean wait, Duration timeout) {
    Map<String, TaskExecutor> stopping;
    Map<String, StoreSlot> closing;
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        throw new SchedulerNotRunningException("shutdown()");
      }
      if (--refCount > 0) {
        return new ShutdownReport(false, Map.of(), List.of());
      }
      refCount = 0;
      state = SchedulerState.STOPPED;
      lastSeenAt = clock.instant();
      startedAt = null;
      stopping = executors;
      closing = slots;
    } finally {
      lock.unlock();
    }
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + nanos(timeout);
    List<String> failures = new ArrayList<>();
    Map<String, Integer> leftBehind = new TreeMap<>();
    attempt(failures, "stopping the loop", this::stopLoop);
    for (StoreSlot slot : closing.values()) {
      closeLane(slot);
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
    dispatch(new SchedulerEvent.Lifecycle(Events.SCHEDULER_SHUTDOWN, null));
    return new ShutdownReport(true, leftBehind, failures);
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
      tasks = slot.store.allTasks();
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

  /** Running, paused, stopped, or failed. */
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

  /**
   * The scheduler's identity ({@code asyncz.identity}; by default its class name and a random
   * suffix): in every task event, in {@link #info()} and in instance listings.
   */
  public String identity() {
    return identity;
  }

  /**
   * How many runs of a task are in progress, across every executor of this scheduler: what {@code
   * max_instances} limits.
   */
  public int runningInstances(String taskId) {
    return instances.getOrDefault(taskId, 0);
  }

  // ------------------------------------------------------------------ executors, stores, listeners

  /**
   * Adds an executor under an alias; it starts at once if the scheduler runs.
   *
   * @throws InvalidInputException when the alias is taken or breaks the rules of {@link
   *     Identifiers#checkAlias}
   */
  public void addExecutor(TaskExecutor executor, String alias) {
    Objects.requireNonNull(executor, "executor");
    Identifiers.checkAlias("executor alias", alias);
    lock.lock();
    try {
      if (executors.containsKey(alias)) {
        throw new InvalidInputException(
            "executor alias",
            alias,
            "is taken; this scheduler already has an executor by that alias");
      }
      if (state != SchedulerState.STOPPED) {
        executor.start(contexts, alias);
      }
      putExecutor(alias, executor);
    } finally {
      lock.unlock();
    }
    dispatch(new SchedulerEvent.Lifecycle(Events.EXECUTOR_ADDED, alias));
  }

  private void putExecutor(String alias, TaskExecutor executor) {
    Map<String, TaskExecutor> copy = new LinkedHashMap<>(executors);
    copy.put(alias, executor);
    executors = Collections.unmodifiableMap(copy);
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
      Map<String, TaskExecutor> copy = new LinkedHashMap<>(executors);
      copy.remove(alias);
      executors = Collections.unmodifiableMap(copy);
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
   * @throws InvalidInputException when the alias is taken or breaks the rules of {@link
   *     Identifiers#checkAlias}
   */
  public void addStore(TaskStore store, String alias) {
    Objects.requireNonNull(store, "store");
    Identifiers.checkAlias("store alias", alias);
    StoreSlot slot = slotOf(alias, store);
    lock.lock();
    try {
      if (slots.containsKey(alias)) {
        throw new InvalidInputException(
            "store alias", alias, "is taken; this scheduler already has a store by that alias");
      }
      if (state != SchedulerState.STOPPED) {
        slot.store.start(contexts, alias);
        if (usesStoreLanes()) {
          openLane(slot);
        }
      }
      putSlot(slot);
    } finally {
      lock.unlock();
    }
    dispatch(new SchedulerEvent.Lifecycle(Events.STORE_ADDED, alias));
    if (state == SchedulerState.RUNNING) {
      wakeup();
    }
  }

  private void putSlot(StoreSlot slot) {
    Map<String, StoreSlot> copy = new LinkedHashMap<>(slots);
    copy.put(slot.alias, slot);
    slots = Collections.unmodifiableMap(copy);
  }

  /**
   * Removes a store and forgets its tasks (they stay in the store itself).
   *
   * @param shutdown whether to shut the store down
   * @throws InvalidInputException when no store has that alias
   */
  public void removeStore(String alias, boolean shutdown) {
    StoreSlot slot;
    lock.lock();
    try {
      slot = slotFor(alias); // fails naming the aliases there are
      Map<String, StoreSlot> copy = new LinkedHashMap<>(slots);
      copy.remove(alias);
      slots = Collections.unmodifiableMap(copy);
    } finally {
      lock.unlock();
    }
    closeLane(slot);
    if (shutdown) {
      slot.store.shutdown();
    }
    dispatch(new SchedulerEvent.Lifecycle(Events.STORE_REMOVED, alias));
  }

  /**
   * The executor with this alias.
   *
   * @throws InvalidInputException when there is none, listing the aliases there are
   */
  public TaskExecutor lookupExecutor(String alias) {
    Map<String, TaskExecutor> current = executors;
    TaskExecutor executor = current.get(alias);
    if (executor == null) {
      throw new InvalidInputException(
          "executor",
          alias,
          "is not an executor of this scheduler; expected one of " + current.keySet());
    }
    return executor;
  }

  /**
   * The store with this alias.
   *
   * @throws InvalidInputException when there is none, listing the aliases there are
   */
  public TaskStore lookupStore(String alias) {
    return slotFor(alias).userStore();
  }

  /** The store as the scheduler holds it (behind the {@code lock_path} lock, if configured). */
  private StoreSlot slotFor(String alias) {
    Map<String, StoreSlot> current = slots;
    StoreSlot slot = current.get(alias);
    if (slot == null) {
      throw new InvalidInputException(
          "store", alias, "is not a store of this scheduler; expected one of " + current.keySet());
    }
    return slot;
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

  /**
   * Sends an event to the listeners whose mask selects it, stamped with this scheduler's identity.
   * Whatever a listener throws (an error, an undeclared checked exception) is logged and never
   * reaches the caller.
   */
  protected void dispatch(SchedulerEvent event) {
    SchedulerEvent stamped = null;
    for (Registration r : listeners) {
      if ((event.code() & r.mask()) != 0) {
        if (stamped == null) {
          stamped = event.withSchedulerIdentity(identity);
        }
        try {
          r.listener().onEvent(stamped);
        } catch (Throwable e) {
          try {
            logger.error("Error notifying listener {} of {}", r.listener(), stamped, e);
          } catch (Throwable ignored) {
            // Even logging failed (a StackOverflowError may leave no room): go on regardless.
          }
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
    } finally {
      lock.unlock();
    }
    Instant now = clock.instant();
    Instant earliest = null;
    Map<String, List<Task>> byStore = new LinkedHashMap<>();
    for (TaskBatch.Entry e : entries) {
      Task task = e.task();
      lookupExecutor(task.executor());
      slotFor(task.storeAlias());
      if (task.nextRunTime().isEmpty() && e.startTask()) {
        task = task.withNextRunTime(task.trigger().nextFireTime(timezone, null, now).orElse(null));
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
        StoreSlot slot = slotFor(group.getKey());
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
            slotFor(alias).store.deleteTask(task.id());
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
      throw e;
    }
    wakeupIfEarlier(earliest);
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
      if (stopped) {
        // The scheduler may have started or stopped while the task was built outside the lock.
        Task task = built.isPending() ? built : built.toBuilder().pending(true).build();
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
    } finally {
      lock.unlock();
    }
    Task task = built.isPending() ? built.toBuilder().pending(false).build() : built;
    return realAddTask(task, replaceExisting, startTask, null);
  }

  private Task realAddTask(
      Task task, boolean replaceExisting, boolean startTask, Instant notBefore) {
    // A typo in the executor alias would otherwise quarantine the task at its first run.
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
    if (notBefore != null && added.nextRunTime().isPresent()) {
      Instant next = added.nextRunTime().get();
      if (next.isBefore(notBefore)) {
        added = added.withNextRunTime(notBefore); // the seed's startup_delay
      }
    }
    StoreSlot slot = slotFor(added.storeAlias());
    slot.lock.lock();
    try {
      try {
        slot.store.addTask(added);
      } catch (ConflictIdException e) {
        if (!replaceExisting) {
          throw e;
        }
        slot.store.updateTask(added);
      }
    } finally {
      slot.lock.unlock();
    }
    slot.changed();
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
      loop.processOne(slot, added, now, events);
      dispatchAll(events);
      next = slot.store.lookupTask(added.id()).flatMap(Task::nextRunTime).orElse(null);
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
   * Changes a task's options. Keys: {@code name}, {@code fn} (the function: a reference or
   * registered name, or a {@link TaskFunction}), {@code args}, {@code kwargs}, {@code trigger} (a
   * {@link Trigger} or a {@code {"alias":..., "fields":...}} map), {@code executor}, {@code
   * store_alias} (moves the task to that store), {@code mistrigger_grace_time} (seconds or a
   * Duration; null for no limit), {@code coalesce}, {@code max_instances}, {@code next_run_time} (a
   * date-time; null pauses). All changes are checked before any is made.
   *
   * @throws TaskLookupException when no such task exists
   * @throws InvalidInputException for an unknown key or an invalid value
   * @throws ConflictIdException when moving the task to a store that has a task with its id
   */
  @Override
  public Task updateTask(String taskId, String store, Map<String, ?> changes) {
    for (String key : changes.keySet()) {
      if (!UPDATABLE.contains(key)) {
        throw new InvalidInputException(
            "task update",
            key,
            "is not a modifiable task field; expected one of " + new TreeSet<>(UPDATABLE));
      }
    }
    Task updated;
    String alias;
    Located located = locate(taskId, store);
    if (located.store() == null) {
      lock.lock();
      try {
        Located again = locate(taskId, store);
        if (again.store() != null) {
          return updateTask(taskId, store, changes); // started meanwhile
        }
        updated = changed(again.task(), changes, again.task().storeAlias());
        if (changes.containsKey("store_alias")) {
          lookupStoreAliasIfRunning(updated.storeAlias());
        }
        replacePending(updated, changes.containsKey("next_run_time"));
        alias = null;
      } finally {
        lock.unlock();
      }
    } else {
      StoreSlot from = slotFor(located.store());
      Object target = changes.get("store_alias");
      StoreSlot to = target == null ? from : slotFor(target.toString());
      if (to == from) {
        from.lock.lock();
        try {
          Task current = from.store.lookupTask(taskId).orElseThrow(() -> notFound(taskId));
          updated = changed(current, changes, from.alias);
          if (changes.containsKey("executor")) {
            lookupExecutor(updated.executor());
          }
          from.store.updateTask(updated);
        } finally {
          from.lock.unlock();
        }
      } else {
        updated = move(taskId, from, to, changes);
      }
      from.changed();
      to.changed();
      alias = to.alias;
    }
    dispatch(new TaskEvent(Events.TASK_MODIFIED, taskId, alias));
    if (state == SchedulerState.RUNNING) {
      wakeup();
    }
    return updated;
  }

  private void lookupStoreAliasIfRunning(String alias) {
    if (state != SchedulerState.STOPPED) {
      slotFor(alias);
    }
  }

  /** Moves a task to another store: added there first, then deleted here, or not moved at all. */
  private Task move(String taskId, StoreSlot from, StoreSlot to, Map<String, ?> changes) {
    // Take the two stores' locks in one order, so that two opposite moves never deadlock.
    StoreSlot first = from.alias.compareTo(to.alias) < 0 ? from : to;
    StoreSlot second = first == from ? to : from;
    first.lock.lock();
    second.lock.lock();
    try {
      Task current = from.store.lookupTask(taskId).orElseThrow(() -> notFound(taskId));
      Task updated = changed(current, changes, to.alias);
      lookupExecutor(updated.executor());
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

  private static TaskLookupException notFound(String taskId) {
    return new TaskLookupException(taskId);
  }

  private Task changed(Task current, Map<String, ?> changes, String storeAlias) {
    Task.Builder b = current.toBuilder();
    applyChanges(b, changes);
    b.storeAlias(storeAlias);
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private void applyChanges(Task.Builder b, Map<String, ?> changes) {
    for (Map.Entry<String, ?> e : changes.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "name" -> b.name(v == null ? null : v.toString());
        case "fn" -> {
          if (v instanceof TaskFunction function) {
            b.function(function, null);
          } else if (v instanceof String reference) {
            b.function(registry.resolve(reference), reference);
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
        case "store_alias" -> {
          if (v == null || v.toString().isBlank()) {
            throw new InvalidInputException("store_alias", v, "is blank; expected a store alias");
          }
        }
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
      TriggerState s = TriggerState.fromMap(map);
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
    Located located = locate(taskId, store);
    Optional<Instant> next = located.task().trigger().nextFireTime(timezone, null, clock.instant());
    if (next.isEmpty()) {
      deleteTask(taskId, located.store() != null ? located.store() : store);
      return Optional.empty();
    }
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("next_run_time", next.get());
    return Optional.of(
        updateTask(taskId, located.store() != null ? located.store() : store, changes));
  }

  /**
   * Runs a task now, as the CLI's and dashboard's "run now" (the seed's {@code run_task}): its due
   * run times, coalesced as the loop would (a coalescing task runs the last one only), or, when
   * none is due and {@code force} is set, one run now. The submission event says {@code MANUAL}.
   * The schedule then moves strictly past now; a schedule left with no run time (a date task run
   * before its date, say) is finished.
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
    StoreSlot slot = slotFor(locate(taskId, store).store());
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
      dispatchAll(events);
    }
  }

  private Optional<Task> runNow(
      StoreSlot slot,
      String taskId,
      boolean force,
      boolean removeFinished,
      List<SchedulerEvent> events) {
    Task task = slot.store.lookupTask(taskId).orElseThrow(() -> notFound(taskId));
    Instant now = clock.instant();
    List<Instant> runTimes = List.of();
    long coalesced = 0;
    Instant next = null;
    Instant due = task.nextRunTime().orElse(null);
    if (due != null && !due.isAfter(now)) {
      RunPlan plan = RunPlan.of(task, timezone, now, false, false, RunPlan.LIMIT);
      runTimes = plan.runTimes();
      coalesced = plan.coalescedRunCount();
      next = plan.next();
    }
    if (runTimes.isEmpty()) {
      if (!force) {
        return Optional.of(task);
      }
      runTimes = List.of(now);
      next = task.trigger().nextFireTime(timezone, now, now).orElse(null);
    }
    TaskExecutor executor = lookupExecutor(task.executor());
    try {
      executor.submit(task, runTimes);
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

  /**
   * Deletes a task: from the pending list before start, from its store after.
   *
   * @throws TaskLookupException when no such task exists
   */
  @Override
  public void deleteTask(String taskId, String store) {
    String removedFrom = null;
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        for (int i = 0; i < pending.size(); i++) {
          Task t = pending.get(i).task();
          if (t.id().equals(taskId) && (store == null || store.equals(t.storeAlias()))) {
            pending.remove(i);
            removedFrom = t.storeAlias();
            break;
          }
        }
        if (removedFrom == null) {
          throw new TaskLookupException(taskId);
        }
      }
    } finally {
      lock.unlock();
    }
    if (removedFrom == null) {
      for (StoreSlot slot : slots.values()) {
        if (store != null && !store.equals(slot.alias)) {
          continue;
        }
        slot.lock.lock();
        try {
          slot.store.deleteTask(taskId);
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
    dispatch(new TaskEvent(Events.TASK_REMOVED, taskId, removedFrom));
  }

  /** Deletes every task of one store, or of all stores when {@code store} is null. */
  public void removeAllTasks(String store) {
    boolean stopped;
    lock.lock();
    try {
      stopped = state == SchedulerState.STOPPED;
      if (stopped) {
        pending.removeIf(p -> store == null || store.equals(p.task().storeAlias()));
      }
    } finally {
      lock.unlock();
    }
    if (!stopped) {
      for (StoreSlot slot : slots.values()) {
        if (store == null || store.equals(slot.alias)) {
          slot.lock.lock();
          try {
            slot.store.removeAllTasks();
            slot.held.clear();
          } finally {
            slot.lock.unlock();
          }
          slot.changed();
        }
      }
    }
    dispatch(new SchedulerEvent.Lifecycle(Events.ALL_TASKS_REMOVED, store));
  }

  // ------------------------------------------------------------------ quarantine

  /**
   * The records the stores could not read, and the tasks the loop could not process, set aside (see
   * {@link QuarantinedRecord}), by store alias, for the stores that have any.
   */
  public Map<String, List<QuarantinedRecord>> quarantinedRecords() {
    Map<String, List<QuarantinedRecord>> all = new LinkedHashMap<>();
    for (StoreSlot slot : startedSlots()) {
      List<QuarantinedRecord> records = slot.store.quarantinedRecords();
      if (!records.isEmpty()) {
        all.put(slot.alias, List.copyOf(records));
      }
    }
    return all;
  }

  /**
   * Reads a quarantined record again (e.g. after its old key was configured, its function
   * registered, or its executor added) and puts the task back in its store; a next run time now
   * past is handled by grace and coalesce as after a restart.
   *
   * @param store the store alias, or {@code null} to look in every store
   * @return the restored task
   * @throws TaskLookupException when no store has a quarantined record of this id
   * @throws ConflictIdException when a task with this id is stored; the record stays quarantined
   * @throws InvalidInputException when the task names an executor this scheduler does not have; the
   *     record stays quarantined
   * @throws io.asyncz.AsynczException when the record still cannot be read; it stays quarantined
   */
  public Task restoreQuarantined(String taskId, String store) {
    Objects.requireNonNull(taskId, "taskId");
    Task restored = null;
    StoreSlot restoredTo = null;
    for (StoreSlot slot : startedSlots()) {
      if (!quarantines(slot, taskId, store)) {
        continue;
      }
      slot.lock.lock();
      try {
        restored = slot.store.restoreQuarantined(taskId);
        if (!executors.containsKey(restored.executor())) {
          InvalidInputException missing =
              new InvalidInputException(
                  "executor",
                  restored.executor(),
                  "of quarantined task '"
                      + taskId
                      + "' is not an executor of this scheduler; add it first (it has "
                      + executorAliases()
                      + ")");
          slot.store.quarantineTask(
              taskId, "UNKNOWN_EXECUTOR", "its executor '" + restored.executor() + "' is missing");
          throw missing;
        }
        slot.heldBack.remove(taskId);
        restoredTo = slot;
      } finally {
        slot.lock.unlock();
      }
      break;
    }
    if (restoredTo == null) {
      throw new TaskLookupException(taskId);
    }
    restoredTo.changed();
    wakeupIfEarlier(restored.nextRunTime().orElse(null));
    logger.info("Restored quarantined task {} to store '{}'", taskId, restoredTo.alias);
    dispatch(new TaskEvent(Events.TASK_ADDED, taskId, restoredTo.alias));
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
    for (StoreSlot slot : startedSlots()) {
      if (quarantines(slot, taskId, store)) {
        slot.lock.lock();
        try {
          slot.store.discardQuarantined(taskId);
        } finally {
          slot.lock.unlock();
        }
        logger.warn(
            "Discarded the quarantined records of task {} in store '{}'", taskId, slot.alias);
        return;
      }
    }
    throw new TaskLookupException(taskId);
  }

  private static boolean quarantines(StoreSlot slot, String taskId, String store) {
    if (store != null && !store.equals(slot.alias)) {
      return false;
    }
    for (QuarantinedRecord r : slot.store.quarantinedRecords()) {
      if (r.taskId().equals(taskId)) {
        return true;
      }
    }
    return false;
  }

  private List<StoreSlot> startedSlots() {
    if (state == SchedulerState.STOPPED) {
      throw new SchedulerNotRunningException("the quarantine is read from started stores");
    }
    return List.copyOf(slots.values());
  }

  /** A store as the loop holds it: behind the {@code lock_path} lock when one is configured. */
  private StoreSlot slotOf(String alias, TaskStore store) {
    Objects.requireNonNull(store, "store");
    if (lockPath == null || store instanceof MemoryStore) {
      return new StoreSlot(alias, store); // a memory store is never shared between processes
    }
    return new StoreSlot(
        alias, new LockedStore(store, Path.of(lockPath.replace("{store}", alias))));
  }

  // ------------------------------------------------------------------ reading tasks

  /**
   * The tasks of one store or all stores; before start, the pending tasks.
   *
   * @param store a store alias, or {@code null} for all
   */
  public List<Task> getTasks(String store) {
    List<Task> tasks = new ArrayList<>();
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        for (PendingTask p : pending) {
          if (store == null || store.equals(p.task().storeAlias())) {
            tasks.add(p.task());
          }
        }
        return tasks;
      }
    } finally {
      lock.unlock();
    }
    for (StoreSlot slot : slots.values()) {
      if (store == null || store.equals(slot.alias)) {
        tasks.addAll(slot.store.allTasks());
      }
    }
    return tasks;
  }

  /** Every task of every store. */
  public List<Task> getTasks() {
    return getTasks(null);
  }

  /** The task with this id, in the given store or any store when {@code store} is null. */
  public Optional<Task> getTask(String taskId, String store) {
    try {
      return Optional.of(locate(taskId, store).task());
    } catch (TaskLookupException e) {
      return Optional.empty();
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
   * The coming run times of a task without changing it (the seed's {@code preview_task_runs}): from
   * its next run time on, or, for a paused or pending task, from the first time its trigger gives
   * after now. Jittered triggers give one possible set of times.
   *
   * @param store the store alias, or {@code null} to look in every store
   * @param count how many run times, 1 to {@value #MAX_PREVIEW_COUNT}
   * @return the preview, or empty when no such task exists
   * @throws InvalidInputException when {@code count} is outside 1 to {@value #MAX_PREVIEW_COUNT}
   */
  public Optional<TaskRunPreview> previewTaskRuns(String taskId, String store, int count) {
    if (count < 1 || count > MAX_PREVIEW_COUNT) {
      throw new InvalidInputException(
          "count", count, "is out of range; expected 1 to " + MAX_PREVIEW_COUNT);
    }
    Optional<Task> found = getTask(taskId, store);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Task task = found.get();
    Instant now = clock.instant();
    Trigger trigger = task.trigger();
    List<Instant> times = new ArrayList<>(count);
    Instant next = task.nextRunTime().orElse(null);
    if (next == null) {
      next = trigger.nextFireTime(timezone, null, now).orElse(null);
    }
    while (next != null && times.size() < count) {
      times.add(next);
      next = trigger.nextFireTime(timezone, next, next).orElse(null);
    }
    return Optional.of(new TaskRunPreview(task.info(), timezone, now, count, times, next == null));
  }

  /**
   * The next {@code count} run times of a task, as {@link #previewTaskRuns} gives them.
   *
   * @throws TaskLookupException when no such task exists
   * @throws InvalidInputException when {@code count} is outside 1 to {@value #MAX_PREVIEW_COUNT}
   */
  public List<Instant> previewRunTimes(String taskId, int count) {
    return previewTaskRuns(taskId, null, count).orElseThrow(() -> notFound(taskId)).runTimes();
  }

  /**
   * A snapshot of the scheduler (the seed's {@code get_scheduler_info}): identity, state, uptime,
   * zone, executors, stores and task counts.
   */
  public SchedulerInfo info() {
    List<Task> tasks = getTasks(null);
    int scheduled = 0;
    int paused = 0;
    int pendingCount = 0;
    int submitted = 0;
    for (Task t : tasks) {
      TaskScheduleState s = t.scheduleState();
      if (s == TaskScheduleState.SCHEDULED) {
        scheduled++;
      } else if (s == TaskScheduleState.PAUSED) {
        paused++;
      } else if (s == TaskScheduleState.PENDING) {
        pendingCount++;
      }
      if (t.info().submitted()) {
        submitted++;
      }
    }
    SchedulerState current = state;
    Instant started = current == SchedulerState.STOPPED ? null : startedAt;
    Duration uptime = started == null ? null : positive(Duration.between(started, clock.instant()));
    return new SchedulerInfo(
        identity,
        current,
        current != SchedulerState.STOPPED,
        started,
        uptime,
        timezone,
        List.copyOf(new TreeSet<>(executors.keySet())),
        List.copyOf(new TreeSet<>(slots.keySet())),
        tasks.size(),
        scheduled,
        paused,
        pendingCount,
        submitted,
        storeRetryInterval,
        startupDelay);
  }

  /**
   * The scheduler instances this process knows of (the seed's {@code
   * get_scheduler_instance_infos}): this one, seen now.
   */
  public List<SchedulerInstanceInfo> instances() {
    Instant now = clock.instant();
    if (state != SchedulerState.STOPPED) {
      lastSeenAt = now;
    }
    SchedulerInfo info = info();
    Instant seen = lastSeenAt != null ? lastSeenAt : now;
    Duration age = positive(Duration.between(seen, now));
    boolean stale = !info.running() || age.compareTo(heartbeatStaleAfter) > 0;
    return List.of(
        new SchedulerInstanceInfo(
            identity,
            SchedulerInstanceInfo.PROCESS_LOCAL,
            info.state(),
            info.running() && !stale,
            stale,
            info.startedAt(),
            seen,
            info.uptime(),
            age,
            heartbeatStaleAfter,
            timezone,
            info.executors(),
            info.stores(),
            info.taskCount(),
            info.scheduledTaskCount(),
            info.pausedTaskCount(),
            info.pendingTaskCount(),
            info.submittedTaskCount()));
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  // ------------------------------------------------------------------ lookups

  private record Located(Task task, String store) {}

  private Located locate(String taskId, String store) {
    lock.lock();
    try {
      if (state == SchedulerState.STOPPED) {
        for (PendingTask p : pending) {
          if (p.task().id().equals(taskId)
              && (store == null || store.equals(p.task().storeAlias()))) {
            return new Located(p.task(), null);
          }
        }
        throw new TaskLookupException(taskId);
      }
    } finally {
      lock.unlock();
    }
    for (StoreSlot slot : slots.values()) {
      if (store == null || store.equals(slot.alias)) {
        Optional<Task> t = slot.store.lookupTask(taskId);
        if (t.isPresent()) {
          return new Located(t.get(), slot.alias);
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

    @Override
    public boolean tryAcquireInstance(String taskId, int maxInstances) {
      boolean[] taken = new boolean[1];
      instances.compute(
          taskId,
          (id, running) -> {
            int n = running == null ? 0 : running;
            if (n >= maxInstances) {
              return running;
            }
            taken[0] = true;
            return n + 1;
          });
      return taken[0];
    }

    @Override
    public void releaseInstance(String taskId) {
      instances.computeIfPresent(taskId, (id, running) -> running > 1 ? running - 1 : null);
      loop.instanceReleased(taskId);
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
