package io.asyncz.scheduler;

import io.asyncz.ConflictIdException;
import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.MaxInstancesException;
import io.asyncz.SchedulerAlreadyRunningException;
import io.asyncz.SchedulerNotRunningException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.EventListener;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerErrorEvent;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.Subscription;
import io.asyncz.executor.AsyncExecutor;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskDefaults;
import io.asyncz.task.TaskDefinition;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskInfo;
import io.asyncz.task.TaskOperations;
import io.asyncz.task.TaskRegistry;
import io.asyncz.task.TaskRunPreview;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.Triggers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules tasks: the seed's BaseScheduler. It keeps tasks in stores, wakes when the earliest is
 * due, hands due runs to executors and reports what happens as events.
 *
 * <pre>{@code
 * try (ThreadScheduler scheduler = Scheduler.create()) {
 *   scheduler.start();
 *   scheduler.task(() -> report()).id("report").every(Duration.ofMinutes(5)).add();
 *   scheduler.onEvent(TaskExecutionEvent.class, e -> log(e));
 *   scheduler.pauseTask("report");
 * }
 * }</pre>
 *
 * <p>Subclasses decide where the loop runs: {@link ThreadScheduler} on a thread of its own (the
 * default, {@link #create()}), {@link ExecutorServiceScheduler} on a caller's {@link
 * java.util.concurrent.ScheduledExecutorService}, and the testkit's manual scheduler on a test's
 * command. Start and shutdown are reference-counted as in the seed; the scheduler is {@link
 * AutoCloseable}.
 *
 * <p>This class is the public face; the work is done by parts of its own, one per responsibility
 * (see {@code docs/architecture.md}): the loop ({@link TaskLoop}), starting and stopping ({@link
 * Lifecycle}), executors and stores ({@link Plugins}), listeners ({@link EventHub}), changes to
 * tasks ({@link TaskChanges}), reading them ({@link TaskQueries}) and the quarantine ({@link
 * QuarantineOps}). Each store has a lock of its own for the changes made to its tasks, and the
 * scheduler's own lock is never held during a store call: a store that is slow or down holds up the
 * operations on that store only.
 *
 * <p>Operations that take a {@code store} argument accept {@code null} for "any store", as the seed
 * does; each has an overload without it.
 */
public abstract class Scheduler implements TaskOperations, AutoCloseable {
  /** The alias of the executor and the store that are created when none is added. */
  public static final String DEFAULT = "default";

  /** The most run times {@link #previewTaskRuns} gives, as in the seed. */
  public static final int MAX_PREVIEW_COUNT = 50;

  private static final Instant ROUND_IN_PROGRESS = Instant.MIN;

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
  private final ClusterSettings cluster;

  // The scheduler's own lock guards the state, the pending tasks, the reference count, the planned
  // wake-up and changes to the executor and store maps; never held during a store call or a run.
  private final ReentrantLock lock = new ReentrantLock();
  private final PendingTasks pending = new PendingTasks();
  private volatile SchedulerState state = SchedulerState.STOPPED;
  private Instant plannedWakeup; // null: idle until a change
  private volatile Object[] lastRunnable; // {Runnable, its TaskFunction}

  private final EventHub events;
  private final Plugins plugins;
  private final TaskLoop loop;
  private final Lifecycle lifecycle;
  private final TaskChanges changes;
  private final TaskQueries queries;
  private final QuarantineOps quarantine;
  private final RunObservers runObservers;
  private final RunDeadlines deadlines = new RunDeadlines();
  private final Retries retries;
  private final RunRecorder recorder; // null when run history is off

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
    this.cluster = settings.cluster();
    this.logger =
        LoggerFactory.getLogger(
            settings.loggerName() == null
                ? "asyncz.schedulers"
                : "asyncz.schedulers." + settings.loggerName());
    this.events = new EventHub(identity, logger);
    this.runObservers = new RunObservers(logger);
    this.retries = new Retries(this, logger);
    this.plugins = new Plugins(this, settings);
    this.loop = new TaskLoop(this, logger);
    this.lifecycle = new Lifecycle(this, logger);
    this.changes = new TaskChanges(this, settings.argumentWriter(), logger);
    this.queries = new TaskQueries(this);
    this.quarantine = new QuarantineOps(this, logger);
    if (settings.runHistory()) {
      this.recorder = new RunRecorder(this, settings.runRetention(), logger);
      runObservers.add(recorder);
      events.add(recorder, Events.TASK_MAX_INSTANCES);
    } else {
      this.recorder = null;
    }
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

  // ------------------------------------------------------------------ the parts' view

  ReentrantLock schedulerLock() {
    return lock;
  }

  void setState(SchedulerState state) {
    this.state = state;
  }

  PendingTasks pending() {
    return pending;
  }

  EventHub events() {
    return events;
  }

  Plugins plugins() {
    return plugins;
  }

  TaskLoop taskLoop() {
    return loop;
  }

  Lifecycle lifecycle() {
    return lifecycle;
  }

  TaskChanges changes() {
    return changes;
  }

  TaskQueries queries() {
    return queries;
  }

  Duration storeRetryInterval() {
    return storeRetryInterval;
  }

  /** The run history recorder, or {@code null} when run history is off. */
  RunRecorder recorder() {
    return recorder;
  }

  String lockPath() {
    return lockPath;
  }

  Duration startupDelay() {
    return startupDelay;
  }

  Duration heartbeatStaleAfter() {
    return heartbeatStaleAfter;
  }

  ClusterSettings cluster() {
    return cluster;
  }

  static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
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
   * Tells the scheduler that its stores may have changed behind its back (another process added,
   * resumed or rescheduled tasks in a shared store): each store is read afresh in the next round,
   * which runs now. A store's own thread otherwise keeps the next run time it last read until this
   * scheduler changes that store itself.
   */
  public void storesChanged() {
    for (StoreSlot slot : plugins.slots().values()) {
      slot.changed();
    }
    wakeup();
  }

  /**
   * Whether stores that may block (all but the memory store) are processed on a thread of their
   * own, so that one store's outage never holds up the others. The testkit's manual scheduler says
   * no, so that a step processes every store before it returns.
   */
  protected boolean usesStoreLanes() {
    return true;
  }

  /**
   * Whether a task added already due is handed to its executor by {@code add()} itself rather than
   * by the next round of the loop; the testkit's manual scheduler says no, so that a test decides
   * when rounds run.
   */
  protected boolean runsDueTasksOnAdd() {
    return true;
  }

  /**
   * How long before its due time the loop hands a run to its executor, for the executor's thread to
   * wait for it ({@link Duration#ZERO}: at its time): the run then starts after one wake-up instead
   * of two (the loop's, then the executor thread's). Only a scheduler whose loop sleeps on the
   * system clock hands runs early, and only while no executor runs tasks on the loop's thread.
   */
  Duration earlyHandoff() {
    return Duration.ZERO;
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
    lifecycle.seen(now);
    lock.lock();
    try {
      plannedWakeup = ROUND_IN_PROGRESS;
    } finally {
      lock.unlock();
    }
    expireDeadlines(now);
    Instant nextWakeup = deadlines.earliest();
    for (StoreSlot slot : plugins.slots().values()) {
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

  /** Stops the runs whose timeout elapsed; one failing stops neither the others nor the round. */
  private void expireDeadlines(Instant now) {
    for (Runnable expiry : deadlines.expire(now)) {
      try {
        expiry.run();
      } catch (RuntimeException e) {
        logger.error("Could not stop a run whose timeout elapsed", e);
      }
    }
  }

  /** Watches a run's deadline; the loop wakes up for it. */
  Runnable watchDeadline(Instant deadline, Runnable onExpiry) {
    Runnable unwatch = deadlines.add(deadline, onExpiry);
    wakeupIfEarlier(deadline);
    return unwatch;
  }

  /** Decides and stores the retries of failed runs. */
  Retries retries() {
    return retries;
  }

  /**
   * Wakes the loop when a task now due at {@code next} would run before the loop's planned wake-up.
   */
  void wakeupIfEarlier(Instant next) {
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

  /**
   * Reports that the loop cannot go on: the state becomes {@link SchedulerState#FAILED}, and a
   * fatal {@link SchedulerErrorEvent} and an error log line say why. Called by subclasses whose
   * loop lost its thread or executor.
   */
  protected void loopFailed(String why, Throwable cause) {
    lifecycle.loopFailed(why, cause);
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

  /** Whether any listener listens to events with this code; events nobody wants are not built. */
  protected boolean listening(int code) {
    return events.listening(code);
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
   * @throws SchedulerAlreadyRunningException when it runs already
   */
  public boolean start(boolean paused) {
    return lifecycle.start(paused);
  }

  /** The executor added under {@link #DEFAULT} when none was: an {@link AsyncExecutor}. */
  protected TaskExecutor createDefaultExecutor() {
    return new AsyncExecutor();
  }

  /**
   * Shuts the scheduler down and waits, without a limit, for the runs in progress; the same as
   * {@code shutdown(true)}. See {@link #shutdown(Duration)}.
   *
   * @return whether this call stopped the scheduler (start and shutdown are reference-counted)
   * @throws SchedulerNotRunningException when the scheduler is not running
   */
  public boolean shutdown() {
    return shutdown(true);
  }

  /**
   * Shuts the scheduler down without waiting for the runs in progress, which go on on their
   * threads; the same as {@code shutdown(false)}.
   *
   * @return whether this call stopped the scheduler (start and shutdown are reference-counted)
   * @throws SchedulerNotRunningException when the scheduler is not running
   */
  public boolean shutdownNow() {
    return shutdown(false);
  }

  /**
   * Shuts the scheduler down, as {@link #shutdown(Duration)} does, waiting without a limit for the
   * runs in progress when {@code wait} is true (the seed's form). Reference-counted like {@link
   * #start}.
   *
   * <p>Unlike the seed's {@code AsyncIOScheduler.shutdown}, which returns whether the scheduler is
   * still referenced, this returns whether this call stopped it (the seed's {@code BaseScheduler}).
   *
   * @param wait whether to wait for the runs in progress, asynchronous ones (a function's
   *     unfinished {@link java.util.concurrent.CompletionStage}) included; the wait ends early if
   *     the calling thread is interrupted
   * @return whether this call stopped the scheduler
   * @throws SchedulerNotRunningException when the scheduler is not running
   */
  public boolean shutdown(boolean wait) {
    return lifecycle.stop(wait, null).stopped();
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
    return lifecycle.stop(true, timeout);
  }

  /** Shuts down and waits for running tasks, if the scheduler is running. */
  @Override
  public void close() {
    if (state != SchedulerState.STOPPED) {
      lifecycle.lastReference();
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
    return plugins.runningInstances(taskId);
  }

  // ------------------------------------------------------------------ executors and stores

  /**
   * Adds an executor under an alias; it starts at once if the scheduler runs. The same order of
   * arguments as {@link SchedulerSettings.Builder#executor(String, TaskExecutor)}.
   *
   * @throws InvalidInputException when the alias is taken or breaks the rules of {@link
   *     Identifiers#checkAlias}
   */
  public void addExecutor(String alias, TaskExecutor executor) {
    plugins.addExecutor(alias, executor);
  }

  /**
   * Adds an executor under an alias, in the seed's order of arguments; see {@link
   * #addExecutor(String, TaskExecutor)}.
   */
  public void addExecutor(TaskExecutor executor, String alias) {
    plugins.addExecutor(alias, executor);
  }

  /**
   * Removes an executor and shuts it down, waiting for its runs.
   *
   * @throws InvalidInputException when no executor has that alias
   */
  public void removeExecutor(String alias) {
    plugins.removeExecutor(alias, true);
  }

  /**
   * Removes an executor (the seed's form).
   *
   * @param shutdown whether to shut it down (waiting for its runs)
   * @throws InvalidInputException when no executor has that alias
   */
  public void removeExecutor(String alias, boolean shutdown) {
    plugins.removeExecutor(alias, shutdown);
  }

  /**
   * Adds a store under an alias; it starts at once if the scheduler runs. The same order of
   * arguments as {@link SchedulerSettings.Builder#store(String, TaskStore)}.
   *
   * @throws InvalidInputException when the alias is taken or breaks the rules of {@link
   *     Identifiers#checkAlias}
   */
  public void addStore(String alias, TaskStore store) {
    plugins.addStore(alias, store);
  }

  /**
   * Adds a store under an alias, in the seed's order of arguments; see {@link #addStore(String,
   * TaskStore)}.
   */
  public void addStore(TaskStore store, String alias) {
    plugins.addStore(alias, store);
  }

  /**
   * Removes a store and shuts it down; its tasks stay in the store itself.
   *
   * @throws InvalidInputException when no store has that alias
   */
  public void removeStore(String alias) {
    plugins.removeStore(alias, true);
  }

  /**
   * Removes a store and forgets its tasks (they stay in the store itself); the seed's form.
   *
   * @param shutdown whether to shut the store down
   * @throws InvalidInputException when no store has that alias
   */
  public void removeStore(String alias, boolean shutdown) {
    plugins.removeStore(alias, shutdown);
  }

  /**
   * The executor with this alias.
   *
   * @throws InvalidInputException when there is none, listing the aliases there are
   */
  public TaskExecutor lookupExecutor(String alias) {
    return plugins.lookupExecutor(alias);
  }

  /**
   * The store with this alias.
   *
   * @throws InvalidInputException when there is none, listing the aliases there are
   */
  public TaskStore lookupStore(String alias) {
    return plugins.slotFor(alias).userStore();
  }

  // ------------------------------------------------------------------ events

  /**
   * Calls {@code listener} with every event of a type: {@code TaskExecutionEvent.class} for the
   * ends of runs, {@code TaskSubmissionEvent.class}, {@code TaskEvent.class} (added, modified,
   * removed), {@code TaskQuarantinedEvent.class}, {@code SchedulerErrorEvent.class}, {@code
   * SchedulerEvent.Lifecycle.class}, or {@code SchedulerEvent.class} for every event.
   *
   * <pre>{@code
   * scheduler.onEvent(TaskExecutionEvent.class, e -> {
   *   if (e.failed()) alerts.send(e.taskId(), e.exception());
   * });
   * }</pre>
   *
   * @return the registration; cancel it to stop the calls
   */
  public <E extends SchedulerEvent> Subscription onEvent(
      Class<E> type, Consumer<? super E> listener) {
    return events.add(type, listener);
  }

  /**
   * Tells {@code observer} about each run of a task as it starts and ends, on the thread that runs
   * it (see {@link io.asyncz.run.RunObserver}): what run history, metrics and tracing hook into.
   * Runs already going when it is added are not told.
   *
   * @return the registration; cancel it to stop the calls
   */
  public Subscription observeRuns(io.asyncz.run.RunObserver observer) {
    return runObservers.add(observer);
  }

  private volatile io.asyncz.run.RunLogs runLogs;

  /**
   * Takes each run's captured log lines into its run history record when the run ends (the optional
   * {@code asyncz-logging} module's {@code TaskLogCapture.bind} registers itself here); {@code
   * null} stops it.
   */
  public void captureRunLogs(io.asyncz.run.RunLogs logs) {
    this.runLogs = logs;
  }

  /** Where run logs are taken from, or {@code null}. */
  io.asyncz.run.RunLogs runLogs() {
    return runLogs;
  }

  /** The run observers as one, or {@code null} while there are none. */
  io.asyncz.run.RunObserver runObserver() {
    return runObservers.current();
  }

  /**
   * Adds a listener for every event, the seed's and the extensions ({@link Events#EVERY_EVENT}).
   */
  public void addListener(EventListener listener) {
    addListener(listener, Events.EVERY_EVENT);
  }

  /**
   * Adds a listener for the events in {@code mask} (codes of {@link Events} joined with {@code |};
   * the seed's form).
   *
   * @throws InvalidInputException when the mask has no known event bit
   */
  public void addListener(EventListener listener, int mask) {
    events.add(listener, mask);
  }

  /** Removes a listener; returns whether it was registered. */
  public boolean removeListener(EventListener listener) {
    return events.remove(listener);
  }

  /**
   * Sends an event to the listeners whose mask selects it, stamped with this scheduler's identity.
   * Whatever a listener throws (an error, an undeclared checked exception) is logged and never
   * reaches the caller.
   */
  protected void dispatch(SchedulerEvent event) {
    events.dispatch(event);
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

  /**
   * Starts a task of a {@link TaskDefinition} with its data: the task's reference is the
   * definition's name and its one argument the data as a JSON object, so that a persistent store
   * can keep it and any process that registers the definition can run it. The definition is
   * registered in the {@link #registry()} on first use.
   *
   * <pre>{@code
   * scheduler.task(REMIND, invoice).at(due).store("db").add();
   * }</pre>
   *
   * @throws InvalidInputException when the data holds a value that cannot be stored (the message
   *     names the component), or another definition or function is registered under the
   *     definition's name
   */
  public <T> TaskBuilder task(TaskDefinition<T> definition, T data) {
    List<Object> args = definition.arguments(data);
    registry.register(definition);
    return task(definition.name()).args(args);
  }

  /**
   * Starts a task of a {@link TaskDefinition} without data; see {@link #task(TaskDefinition,
   * Object)}.
   *
   * @throws InvalidInputException when another definition or function is registered under the
   *     definition's name
   */
  public TaskBuilder task(TaskDefinition<Void> definition) {
    return task(definition, null);
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
   * only ({@code replaceExisting} is refused). A task due already is handed to its executor before
   * {@code addAll} returns, as {@link TaskBuilder#add()} does, once the whole batch is checked and
   * stored; where a store owes writes, it runs in the loop's next round.
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
    return changes.addAll(tasks);
  }

  /** Adds a built task (called by {@link TaskBuilder#add()}). */
  Task add(
      Task.Builder builder, Trigger trigger, boolean replaceExisting, boolean nextRunTimeGiven) {
    return changes.add(builder, trigger, replaceExisting, nextRunTimeGiven);
  }

  // ------------------------------------------------------------------ changing tasks

  /**
   * Changes a task, typed; only what the change sets changes, all of it or nothing.
   *
   * <pre>{@code
   * scheduler.updateTask("report", change -> change.maxInstances(3).coalesce(false));
   * }</pre>
   *
   * @throws TaskLookupException when no such task exists
   * @throws InvalidInputException for an invalid value
   * @throws ConflictIdException when moving the task to a store that has a task with its id
   */
  public Task updateTask(String taskId, Consumer<TaskChange> change) {
    return updateTask(taskId, null, change);
  }

  /**
   * Changes a task of one store (or of any, when {@code store} is null), typed; see {@link
   * #updateTask(String, Consumer)}.
   */
  public Task updateTask(String taskId, String store, Consumer<TaskChange> change) {
    TaskChange typed = new TaskChange();
    change.accept(typed);
    return changes.update(taskId, store, typed);
  }

  /**
   * Changes a task's options, the seed's form. Keys: {@code name}, {@code fn} (the function: a
   * reference or registered name, or a {@link TaskFunction}), {@code args}, {@code kwargs}, {@code
   * trigger} (a {@link Trigger} or a {@code {"alias":..., "fields":...}} map), {@code executor},
   * {@code store_alias} (moves the task to that store), {@code mistrigger_grace_time} (seconds or a
   * Duration; null for no limit), {@code coalesce}, {@code max_instances}, {@code next_run_time} (a
   * date-time; null pauses). Read into a {@link TaskChange}: all changes are checked before any is
   * made.
   *
   * @throws TaskLookupException when no such task exists
   * @throws InvalidInputException for an unknown key or an invalid value
   * @throws ConflictIdException when moving the task to a store that has a task with its id
   */
  @Override
  public Task updateTask(String taskId, String store, Map<String, ?> changes) {
    return this.changes.update(taskId, store, this.changes.fromMap(changes));
  }

  /**
   * Gives a task a new trigger and computes its next run time from it.
   *
   * @throws TaskLookupException when no such task exists
   */
  public Task rescheduleTask(String taskId, Trigger trigger) {
    return changes.reschedule(taskId, null, trigger);
  }

  @Override
  public Task rescheduleTask(String taskId, String store, Trigger trigger) {
    return changes.reschedule(taskId, store, trigger);
  }

  /**
   * Pauses a task: it keeps its trigger and has no next run time until resumed.
   *
   * @throws TaskLookupException when no such task exists
   */
  public Task pauseTask(String taskId) {
    return changes.pause(taskId, null);
  }

  @Override
  public Task pauseTask(String taskId, String store) {
    return changes.pause(taskId, store);
  }

  /**
   * Resumes a task from now; removes it when its schedule has finished.
   *
   * @return the task, or empty when it was removed
   * @throws TaskLookupException when no such task exists
   */
  public Optional<Task> resumeTask(String taskId) {
    return changes.resume(taskId, null);
  }

  @Override
  public Optional<Task> resumeTask(String taskId, String store) {
    return changes.resume(taskId, store);
  }

  /**
   * Runs a task now, as the seed's {@code run_task} with its defaults: its due run times (coalesced
   * as the loop would), or one run now when none is due; a schedule that finishes with it removes
   * the task. See {@link #runTask(String, String, boolean, boolean)}.
   *
   * @return the task afterwards, or empty if it was removed
   */
  public Optional<Task> runTask(String taskId) {
    return changes.run(taskId, null, true, true);
  }

  /**
   * Runs a task now, as the CLI's and dashboard's "run now" (the seed's {@code run_task}): its due
   * run times, coalesced as the loop would (a coalescing task runs the last one only), or, when
   * none is due and {@code force} is set, one run now. The submission event says {@code MANUAL}.
   * The schedule then moves strictly past now; a schedule left with no run time (a date task run
   * before its date, say) is finished.
   *
   * @param store the store alias, or {@code null} to look in every store
   * @param force whether to run at once even when no run is due
   * @param removeFinished whether to delete the task when its schedule is finished afterwards;
   *     otherwise it stays, paused
   * @return the task afterwards, or empty if it was removed
   * @throws SchedulerNotRunningException when the scheduler is stopped
   * @throws MaxInstancesException when the task runs as many instances as it may
   */
  public Optional<Task> runTask(
      String taskId, String store, boolean force, boolean removeFinished) {
    return changes.run(taskId, store, force, removeFinished);
  }

  /**
   * Deletes a task: from the pending list before start, from its store after.
   *
   * @throws TaskLookupException when no such task exists
   */
  public void deleteTask(String taskId) {
    changes.delete(taskId, null);
  }

  @Override
  public void deleteTask(String taskId, String store) {
    changes.delete(taskId, store);
  }

  /** Deletes every task of every store (before start: every pending task). */
  public void removeAllTasks() {
    changes.removeAll(null);
  }

  /** Deletes every task of one store, or of all stores when {@code store} is null. */
  public void removeAllTasks(String store) {
    changes.removeAll(store);
  }

  // ------------------------------------------------------------------ quarantine

  /**
   * The records the stores could not read, and the tasks the loop could not process, set aside (see
   * {@link QuarantinedRecord}), by store alias, for the stores that have any.
   */
  public Map<String, List<QuarantinedRecord>> quarantinedRecords() {
    return quarantine.quarantinedRecords();
  }

  /**
   * Reads a quarantined record again, in whichever store holds it; see {@link
   * #restoreQuarantined(String, String)}.
   */
  public Task restoreQuarantined(String taskId) {
    return quarantine.restoreQuarantined(taskId, null);
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
    return quarantine.restoreQuarantined(taskId, store);
  }

  /**
   * Deletes the quarantined records of a task id for good, in whichever store holds them; see
   * {@link #discardQuarantined(String, String)}.
   */
  public void discardQuarantined(String taskId) {
    quarantine.discardQuarantined(taskId, null);
  }

  /**
   * Deletes the quarantined records of a task id for good.
   *
   * @param store the store alias, or {@code null} to look in every store
   * @throws TaskLookupException when no store has a quarantined record of this id
   */
  public void discardQuarantined(String taskId, String store) {
    quarantine.discardQuarantined(taskId, store);
  }

  // ------------------------------------------------------------------ run history

  /**
   * The run history of every store, read as one: {@link RunHistory#query} merges the stores' pages
   * newest first, {@link RunHistory#find} asks each store. A store that keeps history (a database)
   * is read there, the others in this process's memory; a persistent store's history is read while
   * the scheduler runs. Records are written off the runs' threads, so a run's record may show a few
   * milliseconds after the run (see {@link #flushRunHistory}). Empty when run history is off
   * ({@link SchedulerSettings.Builder#runHistory(boolean)}).
   */
  public RunHistory runHistory() {
    return recorder == null ? NO_HISTORY : recorder.view();
  }

  /**
   * Waits until the run records handed to the stores' history writers are written, at most {@code
   * timeout} per store; a writer waiting to retry a failed store tries at once.
   *
   * @return whether every store's records are written
   */
  public boolean flushRunHistory(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return recorder == null || recorder.flush(timeout);
  }

  private static final RunHistory NO_HISTORY =
      new RunHistory() {
        @Override
        public void save(RunRecord record) {}

        @Override
        public Optional<RunRecord> find(String runId) {
          return Optional.empty();
        }

        @Override
        public RunPage query(RunQuery query) {
          return new RunPage(List.of(), null);
        }
      };

  // ------------------------------------------------------------------ reading tasks

  /**
   * The tasks of one store or all stores; before start, the pending tasks.
   *
   * @param store a store alias, or {@code null} for all
   */
  public List<Task> getTasks(String store) {
    return queries.getTasks(store);
  }

  /** Every task of every store. */
  public List<Task> getTasks() {
    return queries.getTasks(null);
  }

  /** The task with this id, in the given store or any store when {@code store} is null. */
  public Optional<Task> getTask(String taskId, String store) {
    return queries.getTask(taskId, store);
  }

  /** The task with this id in any store. */
  public Optional<Task> getTask(String taskId) {
    return queries.getTask(taskId, null);
  }

  /** A snapshot of the task with this id in any store. */
  public Optional<TaskInfo> getTaskInfo(String taskId) {
    return getTaskInfo(taskId, null);
  }

  /** A snapshot of the task with this id. */
  public Optional<TaskInfo> getTaskInfo(String taskId, String store) {
    return queries.getTask(taskId, store).map(Task::info);
  }

  /** Snapshots of the tasks the query selects, in its order. */
  public List<TaskInfo> getTaskInfos(TaskQuery query) {
    return queries.getTaskInfos(query);
  }

  /**
   * The coming run times of a task in any store; see {@link #previewTaskRuns(String, String, int)}.
   */
  public Optional<TaskRunPreview> previewTaskRuns(String taskId, int count) {
    return queries.previewTaskRuns(taskId, null, count);
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
    return queries.previewTaskRuns(taskId, store, count);
  }

  /**
   * The next {@code count} run times of a task, as {@link #previewTaskRuns} gives them.
   *
   * @throws TaskLookupException when no such task exists
   * @throws InvalidInputException when {@code count} is outside 1 to {@value #MAX_PREVIEW_COUNT}
   */
  public List<Instant> previewRunTimes(String taskId, int count) {
    return queries
        .previewTaskRuns(taskId, null, count)
        .orElseThrow(() -> new TaskLookupException(taskId))
        .runTimes();
  }

  /**
   * A snapshot of the scheduler (the seed's {@code get_scheduler_info}): identity, state, uptime,
   * zone, executors, stores and task counts.
   */
  public SchedulerInfo info() {
    return queries.info();
  }

  /**
   * The scheduler instances this process knows of (the seed's {@code
   * get_scheduler_instance_infos}): this one, seen now, and in cluster mode the other nodes of its
   * first clustered store, from their heartbeats (scope {@value SchedulerInstanceInfo#CLUSTER}).
   */
  public List<SchedulerInstanceInfo> instances() {
    return ClusterCoordinator.withMembers(this, queries.instances());
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
