package io.asyncz.executor;

import io.asyncz.MaxInstancesException;
import io.asyncz.TaskTimeoutException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.run.RunIds;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import io.asyncz.run.RunOutcome;
import io.asyncz.task.Task;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The seed's executor behaviour: refuses a submission past the task's {@code max_instances}
 * (counted by the scheduler across its executors), runs each due run time (skipping, as {@code
 * TASK_MISSED}, those later than the grace time when they start), and reports {@code TASK_EXECUTED}
 * or {@code TASK_ERROR}. A function that returns a {@link CompletionStage} keeps its instance until
 * the stage completes, without holding a thread, and {@link #shutdown(Duration)} waits for it as
 * for a running thread.
 *
 * <p>While a function runs, the SLF4J MDC holds the task's id and the run's id ({@link
 * RunInfo#MDC_TASK_ID}, {@link RunInfo#MDC_RUN_ID}), and the scheduler's run observers are told
 * when each run starts and how it ends.
 *
 * <p>Subclasses decide where a submission runs by implementing {@link #dispatch(Runnable)}, and how
 * to stop by overriding {@link #stopAccepting()} and {@link #abandonRuns()}. An executor that runs
 * the function somewhere else than on the run's thread (another JVM) overrides {@link #invoke} and
 * {@link #stopTimedOut}, and keeps everything else: instance slots, grace times, events, observers,
 * retries, timeouts and the MDC are this class's, the same for every executor.
 */
public abstract class AbstractExecutor implements TaskExecutor {
  /** The executor whose run this thread is running, so that a run may shut its executor down. */
  private static final ThreadLocal<AbstractExecutor> RUNNING_ON = new ThreadLocal<>();

  /** The run whose {@link #invoke} this thread is in, for {@link #startTimeLimit}. */
  private static final ThreadLocal<Call> CALLING = new ThreadLocal<>();

  private final ConcurrentHashMap<String, Integer> instances = new ConcurrentHashMap<>();
  private final ReentrantLock idleLock = new ReentrantLock();
  private final Condition idle = idleLock.newCondition();
  private final AtomicInteger inFlight = new AtomicInteger(); // submissions not finished
  private final AtomicInteger abandoned = new AtomicInteger(); // timed out, ignoring the interrupt
  private volatile ExecutorContext context;
  private volatile String alias = "default";
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.executors.default");
  // An executor that keeps the default invoke() has its time limit started here, without the
  // per-run Call and thread-local that startTimeLimit needs (a cost on every run of the engine).
  private final boolean ownInvoke = overridesInvoke(getClass());

  /** Creates the executor; it works once {@link #start} has been called. */
  protected AbstractExecutor() {}

  private static boolean overridesInvoke(Class<?> type) {
    for (Class<?> c = type; c != AbstractExecutor.class; c = c.getSuperclass()) {
      try {
        c.getDeclaredMethod("invoke", Task.class);
        return true;
      } catch (NoSuchMethodException notHere) {
        // look further up
      }
    }
    return false;
  }

  @Override
  public void start(ExecutorContext context, String alias) {
    this.context = Objects.requireNonNull(context, "context");
    this.alias = Objects.requireNonNull(alias, "alias");
    this.logger = LoggerFactory.getLogger("asyncz.executors." + alias);
  }

  /** The alias this executor was started under. */
  protected String alias() {
    return alias;
  }

  /** This executor's logger, {@code asyncz.executors.<alias>}. */
  protected Logger logger() {
    return logger;
  }

  @Override
  public final void submit(Task task, List<Instant> runTimes) {
    submit(task, runTimes, TaskSubmissionEvent.Source.SCHEDULED);
  }

  @Override
  public final void submit(Task task, List<Instant> runTimes, TaskSubmissionEvent.Source source) {
    submit(task, runTimes, source, 1);
  }

  @Override
  public final void submitRetry(Task task, Instant runTime, int attempt) {
    submit(task, List.of(runTime), TaskSubmissionEvent.Source.SCHEDULED, attempt);
  }

  private void submit(
      Task task, List<Instant> runTimes, TaskSubmissionEvent.Source source, int attempt) {
    ExecutorContext ctx = context;
    if (ctx == null) {
      throw new IllegalStateException("Executor '" + alias + "' has not been started");
    }
    if (!ctx.tryAcquireInstance(task.id(), task.maxInstances())) {
      throw new MaxInstancesException(task.id(), task.maxInstances());
    }
    track(task.id());
    Run run = new Run(task, List.copyOf(runTimes), source, attempt);
    try {
      dispatch(run);
    } catch (RuntimeException | Error e) {
      release(task.id());
      throw e;
    }
    RunObserver observer = ctx.runObserver();
    if (observer != null) {
      tellSubmitted(observer, task, run.runTimes.size());
    }
  }

  @Override
  public int runningInstances(String taskId) {
    return instances.getOrDefault(taskId, 0);
  }

  /** Runs {@code work} where this executor runs tasks: a pool, a new thread, or inline. */
  protected abstract void dispatch(Runnable work);

  /**
   * Runs the function of one run of {@code task} and returns what it returned: a value, or a {@link
   * CompletionStage} for a run that goes on asynchronously; what it throws fails the run. Called on
   * the run's thread with the run's MDC set, between the run observers' {@code started} and {@code
   * finished}. It must call {@link #startTimeLimit} when the function begins, or the run has no
   * time limit. The default calls the function on this thread, its time limit being the task's
   * {@code timeout}.
   *
   * @throws Exception what the function threw, or why it could not be run
   */
  protected Object invoke(Task task) throws Exception {
    startTimeLimit(task.timeout().orElse(null));
    return task.function().invoke(task.args(), task.kwargs());
  }

  /**
   * Starts the time limit of the run whose {@link #invoke} calls this, from now on the scheduler's
   * clock: once it is up, the run is stopped ({@link #stopTimedOut}, or its stage cancelled) and
   * reported as {@code TASK_TIMED_OUT} at once. An executor whose runs first wait for something the
   * limit should not count (a worker JVM to start) calls it once that is done.
   *
   * @param limit the time limit, or {@code null} for none
   * @throws IllegalStateException when not called from this executor's {@link #invoke}, or called
   *     twice in one run
   */
  protected final void startTimeLimit(Duration limit) {
    Call call = CALLING.get();
    if (call == null || call.executor != this || call.limitStarted) {
      throw new IllegalStateException(
          "startTimeLimit() is called once per run, from the executor's own invoke()");
    }
    call.limitStarted = true;
    if (limit != null) {
      call.watch =
          new Watch(
              call.task,
              call.runTime,
              call.attempt,
              limit,
              call.observation,
              context.clock().instant());
    }
  }

  /** What the default {@link #invoke} starts: the task's {@code timeout}, if it has one. */
  private Watch startWatch(Task task, Instant runTime, int attempt, RunObservation observation) {
    Duration limit = task.timeout().orElse(null);
    return limit == null
        ? null
        : new Watch(task, runTime, attempt, limit, observation, context.clock().instant());
  }

  /**
   * Stops a synchronous run whose time limit is up, and gives the error it is reported with. Called
   * once, on the scheduler's loop, while the run still holds {@code runner}: it is in {@link
   * #invoke}, or has just returned and is not yet accounted for, so that what this does reaches
   * that run and no other work. The run keeps its instance slot, counted as {@linkplain
   * #abandonedRuns abandoned}, until it returns. It must not block (it holds up every task's next
   * run): start the stop and return. The default interrupts {@code runner}.
   *
   * @param task the task of the run
   * @param limit the time limit that is up
   * @param runner the thread in {@link #invoke}
   * @return the run's error in its {@code TASK_TIMED_OUT} event and its outcome
   */
  protected TaskTimeoutException stopTimedOut(Task task, Duration limit, Thread runner) {
    runner.interrupt();
    return new TaskTimeoutException(task.id(), limit);
  }

  /**
   * The stack trace of a failed run's error, as its {@code TASK_ERROR} or {@code TASK_TIMED_OUT}
   * event carries it ({@code traceback}). The default prints the error's stack trace.
   */
  protected String traceback(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  /**
   * Stops taking new work; work already dispatched goes on. The default does nothing, for an
   * executor that runs work inline.
   */
  protected void stopAccepting() {}

  /**
   * Called when a shutdown stops waiting: interrupts the runs still going and drops the ones not
   * started, handing each dropped one to {@link #dropped(Runnable)}. The default does nothing.
   */
  protected void abandonRuns() {}

  /** Gives back the instance slot of dispatched work that will never run (dropped at shutdown). */
  protected final void dropped(Runnable work) {
    if (work instanceof Run run) {
      release(run.task.id());
    }
  }

  @Override
  public void shutdown(boolean wait) {
    if (wait) {
      shutdown((Duration) null);
    } else {
      stopAccepting();
    }
  }

  @Override
  public Map<String, Integer> shutdown(Duration timeout) {
    stopAccepting();
    boolean interrupted = false;
    boolean finished;
    try {
      finished = awaitIdle(timeout);
    } catch (InterruptedException e) {
      interrupted = true;
      finished = false;
    }
    Map<String, Integer> leftBehind = Map.of();
    if (!finished) {
      leftBehind = Map.copyOf(instances);
      abandonRuns();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return leftBehind;
  }

  /** Waits until no submission is in flight, at most {@code timeout} ({@code null}: no limit). */
  private boolean awaitIdle(Duration timeout) throws InterruptedException {
    long nanos = timeout == null ? Long.MAX_VALUE : Math.max(0, saturatedNanos(timeout));
    idleLock.lockInterruptibly();
    try {
      // A run that shuts its own executor down waits for the others, not for itself.
      int own = RUNNING_ON.get() == this ? 1 : 0;
      while (inFlight.get() > own) {
        if (timeout == null) {
          idle.await();
        } else {
          if (nanos <= 0) {
            return false;
          }
          nanos = idle.awaitNanos(nanos);
        }
      }
      return true;
    } finally {
      idleLock.unlock();
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? 0 : TimeUnit.DAYS.toNanos(365 * 100);
    }
  }

  /** One submission: the run times of one task, run in order. */
  private final class Run implements Runnable {
    final Task task;
    final List<Instant> runTimes;
    final TaskSubmissionEvent.Source source;
    final int attempt;

    Run(Task task, List<Instant> runTimes, TaskSubmissionEvent.Source source, int attempt) {
      this.task = task;
      this.runTimes = runTimes;
      this.source = source;
      this.attempt = attempt;
    }

    @Override
    public void run() {
      AbstractExecutor outer = RUNNING_ON.get();
      RUNNING_ON.set(AbstractExecutor.this);
      try {
        runFrom(this, 0, new ArrayList<>(0));
      } finally {
        if (outer == null) {
          RUNNING_ON.remove();
        } else {
          RUNNING_ON.set(outer);
        }
      }
    }
  }

  /** Runs the run times from {@code index} on; continues asynchronously after a pending stage. */
  private void runFrom(Run run, int index, List<SchedulerEvent> events) {
    Task task = run.task;
    List<Instant> runTimes = run.runTimes;
    for (int i = index; i < runTimes.size(); i++) {
      Instant runTime = runTimes.get(i);
      Instant now = context.clock().instant();
      if (i == 0 && runTime.isAfter(now)) {
        // Handed over before its time: the wait for it is this thread's, so that the run starts
        // after one wake-up (this one) instead of two (the loop's, then this thread's).
        if (!awaitRunTime(runTime) || !context.stillWanted(task.id(), runTime)) {
          continue; // interrupted by a shutdown that stopped waiting, or changed meanwhile
        }
        now = context.clock().instant();
      }
      RunObserver observer = context.runObserver();
      String runId = RunIds.next(now.toEpochMilli());
      // A retry starts late on purpose: the grace time is the first attempt's.
      Duration grace = run.attempt == 1 ? task.mistriggerGraceTime().orElse(null) : null;
      if (grace != null) {
        Duration late = Duration.between(runTime, now);
        if (late.compareTo(grace) > 0) {
          logger.warn("Run time of task '{}' was missed by {}", task.name(), late);
          if (observer != null) {
            tellMissed(observer, info(run, runId, runTime, now), late);
          }
          record(events, Events.TASK_MISSED, task, runTime, null, null);
          continue;
        }
      }
      if (logger.isInfoEnabled()) {
        logger.info("Running task '{}' (scheduled at {})", task.name(), runTime);
      }
      String outerTask = MDC.get(RunInfo.MDC_TASK_ID);
      String outerRun = MDC.get(RunInfo.MDC_RUN_ID);
      MDC.put(RunInfo.MDC_TASK_ID, task.id());
      MDC.put(RunInfo.MDC_RUN_ID, runId);
      RunObservation observation =
          observer == null
              ? RunObservation.NONE
              : tellStarted(observer, info(run, runId, runTime, now));
      Call call = null;
      Call outerCall = null;
      Watch ownWatch = null;
      if (ownInvoke) {
        call = new Call(task, runTime, run.attempt, observation);
        outerCall = CALLING.get();
        CALLING.set(call);
      } else {
        ownWatch = startWatch(task, runTime, run.attempt, observation);
      }
      Object result;
      try {
        result = call == null ? task.function().invoke(task.args(), task.kwargs()) : invoke(task);
      } catch (Throwable e) {
        if (call != null) {
          restoreCall(outerCall);
        }
        restoreMdc(outerTask, outerRun);
        Watch watch = call == null ? ownWatch : call.watch;
        if (watch != null && !watch.finish()) {
          continue; // timed out: reported when it did
        }
        tellFinished(observation, RunOutcome.failed(e, context.clock().instant()));
        failed(task, runTime, e, events);
        retry(task, runTime, run.attempt, e, events);
        continue;
      }
      if (call != null) {
        restoreCall(outerCall);
      }
      restoreMdc(outerTask, outerRun);
      Watch watch = call == null ? ownWatch : call.watch;
      if (result instanceof CompletionStage<?> stage) {
        int next = i + 1;
        if (watch != null && !watch.detach(stage)) {
          continue; // timed out while the stage was being made: cancelled and reported
        }
        tellDetached(observation);
        stage.whenComplete(
            (value, error) -> {
              if (watch == null || watch.finish()) {
                Instant end = context.clock().instant();
                if (error != null) {
                  Throwable cause = unwrap(error);
                  tellFinished(observation, RunOutcome.failed(cause, end));
                  failed(task, runTime, cause, events);
                  retry(task, runTime, run.attempt, cause, events);
                } else {
                  tellFinished(observation, RunOutcome.succeeded(value, end));
                  succeeded(task, runTime, value, events);
                  retry(task, runTime, run.attempt, null, events);
                }
              }
              runFrom(run, next, events);
            });
        return;
      }
      if (watch != null && !watch.finish()) {
        continue; // timed out, then returned: reported when it timed out
      }
      tellFinished(observation, RunOutcome.succeeded(result, context.clock().instant()));
      succeeded(task, runTime, result, events);
      retry(task, runTime, run.attempt, null, events);
    }
    // The instance is given back before the events go out (a listener may run the task again),
    // and the run counts as finished only after them, so that a shutdown that waits for its runs
    // returns with their events delivered.
    releaseInstance(task.id());
    try {
      for (SchedulerEvent event : events) {
        context.dispatch(event);
      }
    } finally {
      finished();
    }
  }

  /** Tells the scheduler a run of a task with a retry policy ended; it may schedule a retry. */
  private void retry(
      Task task, Instant runTime, int attempt, Throwable error, List<SchedulerEvent> events) {
    if (task.retryPolicy().isEmpty()) {
      return;
    }
    try {
      SchedulerEvent event = context.runEnded(task, runTime, attempt, error);
      if (event != null && context.listening(event.code())) {
        events.add(event);
      }
    } catch (RuntimeException e) {
      logger.error("Could not schedule the retry of task '{}'", task.name(), e);
    }
  }

  /**
   * How many runs timed out and have not returned yet: a function that ignores the interrupt, or a
   * run whose executor is still stopping it; each keeps its thread and its instance slot.
   */
  public int abandonedRuns() {
    return abandoned.get();
  }

  /**
   * The timeout of one run. Whoever comes first wins: the run ending ({@link #finish}) or the
   * deadline ({@link #expire}, on the scheduler's loop), which interrupts the thread while the run
   * still holds it (never after: the thread may have moved on to other work) or cancels the run's
   * stage, and reports the run as timed out at once; a run that ignores the interrupt is counted as
   * abandoned, and keeps its instance slot, until it returns.
   */
  private final class Watch {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;

    private final Task task;
    private final Instant runTime;
    private final int attempt;
    private final Duration timeout;
    private final RunObservation observation;
    private final Thread thread = Thread.currentThread();
    private final Runnable unwatch;
    private int state = RUNNING; // guarded by this
    private CompletionStage<?> stage; // guarded by this; set once the run is asynchronous

    Watch(
        Task task,
        Instant runTime,
        int attempt,
        Duration timeout,
        RunObservation observation,
        Instant start) {
      this.task = task;
      this.runTime = runTime;
      this.attempt = attempt;
      this.timeout = timeout;
      this.observation = observation;
      this.unwatch = context.watchDeadline(start.plus(timeout), this::expire);
    }

    /**
     * The run ended; on its thread for a synchronous run.
     *
     * @return false when it had timed out already (and was reported then)
     */
    boolean finish() {
      boolean timedOut;
      boolean asynchronous;
      synchronized (this) {
        timedOut = state == TIMED_OUT;
        asynchronous = stage != null;
        state = DONE;
      }
      if (timedOut) {
        if (!asynchronous) {
          Thread.interrupted(); // the interrupt was this run's, not the next work's on the thread
          abandoned.decrementAndGet();
          logger.info("Timed-out run of task '{}' returned", task.name());
        }
        return false;
      }
      unwatch.run();
      return true;
    }

    /**
     * The run went asynchronous: from now on its timeout cancels the stage.
     *
     * @return false when it had timed out already: the stage is cancelled
     */
    boolean detach(CompletionStage<?> pending) {
      synchronized (this) {
        if (state == RUNNING) {
          stage = pending;
          return true;
        }
        state = DONE;
      }
      Thread.interrupted();
      abandoned.decrementAndGet();
      pending.toCompletableFuture().cancel(true);
      return false;
    }

    void expire() {
      CompletionStage<?> pending;
      TaskTimeoutException error = null;
      synchronized (this) {
        if (state != RUNNING) {
          return;
        }
        state = TIMED_OUT;
        pending = stage;
        if (pending == null) {
          abandoned.incrementAndGet();
          error = stop(); // under the lock: the run still holds the thread
        }
      }
      if (error == null) {
        error = new TaskTimeoutException(task.id(), timeout);
      }
      logger.warn("Run of task '{}' timed out after {}; stopping it", task.name(), timeout);
      if (pending != null) {
        pending.toCompletableFuture().cancel(true);
      }
      tellFinished(observation, RunOutcome.timedOut(error, context.clock().instant()));
      List<SchedulerEvent> reported = new ArrayList<>(2);
      record(reported, Events.TASK_TIMED_OUT, task, runTime, null, error);
      retry(task, runTime, attempt, error, reported);
      for (SchedulerEvent event : reported) {
        context.dispatch(event);
      }
    }

    /** Stops the synchronous run; a failing executor hook must not keep it from being reported. */
    private TaskTimeoutException stop() {
      try {
        return stopTimedOut(task, timeout, thread);
      } catch (RuntimeException e) {
        logger.error("Could not stop the timed-out run of task '{}'", task.name(), e);
        return null;
      }
    }
  }

  /** One call of {@link #invoke}: what {@link #startTimeLimit} needs, and the watch it started. */
  private final class Call {
    final AbstractExecutor executor = AbstractExecutor.this;
    final Task task;
    final Instant runTime;
    final int attempt;
    final RunObservation observation;
    boolean limitStarted; // only ever touched on the calling thread
    Watch watch;

    Call(Task task, Instant runTime, int attempt, RunObservation observation) {
      this.task = task;
      this.runTime = runTime;
      this.attempt = attempt;
      this.observation = observation;
    }
  }

  private static void restoreCall(Call outer) {
    if (outer == null) {
      CALLING.remove();
    } else {
      CALLING.set(outer);
    }
  }

  private RunInfo info(Run run, String runId, Instant runTime, Instant startedAt) {
    return new RunInfo(
        runId,
        run.task,
        alias,
        runTime,
        startedAt,
        run.source,
        run.attempt,
        context.schedulerIdentity());
  }

  private static void restoreMdc(String outerTask, String outerRun) {
    if (outerTask == null) {
      MDC.remove(RunInfo.MDC_TASK_ID);
    } else {
      MDC.put(RunInfo.MDC_TASK_ID, outerTask);
    }
    if (outerRun == null) {
      MDC.remove(RunInfo.MDC_RUN_ID);
    } else {
      MDC.put(RunInfo.MDC_RUN_ID, outerRun);
    }
  }

  // An observer's failure is logged and never changes the run it observes.

  private RunObservation tellStarted(RunObserver observer, RunInfo info) {
    try {
      RunObservation observation = observer.started(info);
      return observation == null ? RunObservation.NONE : observation;
    } catch (RuntimeException e) {
      logger.error("Run observer failed at the start of task '{}'", info.task().name(), e);
      return RunObservation.NONE;
    }
  }

  private void tellMissed(RunObserver observer, RunInfo info, Duration late) {
    try {
      observer.missed(info, late);
    } catch (RuntimeException e) {
      logger.error("Run observer failed on a missed run of task '{}'", info.task().name(), e);
    }
  }

  private void tellSubmitted(RunObserver observer, Task task, int runTimes) {
    try {
      observer.submitted(task, alias, runTimes);
    } catch (RuntimeException e) {
      logger.error("Run observer failed on a submission of task '{}'", task.name(), e);
    }
  }

  private void tellDetached(RunObservation observation) {
    try {
      observation.detached();
    } catch (RuntimeException e) {
      logger.error("Run observer failed as a run went asynchronous", e);
    }
  }

  private void tellFinished(RunObservation observation, RunOutcome outcome) {
    try {
      observation.finished(outcome);
    } catch (RuntimeException e) {
      logger.error("Run observer failed at the end of a run", e);
    }
  }

  /** How long before a run time a waiting thread stops sleeping and spins. */
  private static final long SPIN_NANOS = 50_000;

  /**
   * Waits until {@code runTime} on the scheduler's clock: parked, then spinning through the last
   * {@value #SPIN_NANOS} ns, since a timed park wakes up a timer slack late.
   *
   * @return false when the thread was interrupted meanwhile (the interrupt stays set)
   */
  private boolean awaitRunTime(Instant runTime) {
    Clock clock = context.clock();
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
      long nanos = Duration.between(clock.instant(), runTime).toNanos();
      if (nanos <= 0) {
        return true;
      }
      if (nanos > SPIN_NANOS) {
        LockSupport.parkNanos(nanos - SPIN_NANOS);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private void succeeded(Task task, Instant runTime, Object value, List<SchedulerEvent> events) {
    if (logger.isInfoEnabled()) {
      logger.info("Task '{}' executed successfully", task.name());
    }
    record(events, Events.TASK_EXECUTED, task, runTime, value, null);
  }

  private void failed(Task task, Instant runTime, Throwable error, List<SchedulerEvent> events) {
    logger.error("Task '{}' raised an exception", task.name(), error);
    record(events, Events.TASK_ERROR, task, runTime, null, error);
  }

  private static Throwable unwrap(Throwable error) {
    if (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
      return error.getCause();
    }
    return error;
  }

  private void record(
      List<SchedulerEvent> events,
      int code,
      Task task,
      Instant runTime,
      Object value,
      Throwable error) {
    if (context.listening(code)) {
      events.add(event(code, task, runTime, value, error));
    }
  }

  private TaskExecutionEvent event(
      int code, Task task, Instant runTime, Object value, Throwable error) {
    return new TaskExecutionEvent(
        code,
        task.id(),
        task.storeAlias(),
        runTime,
        value,
        error,
        error == null ? null : traceback(error));
  }

  private void track(String taskId) {
    if (instances.putIfAbsent(taskId, 1) != null) {
      instances.merge(taskId, 1, Integer::sum);
    }
    inFlight.incrementAndGet();
  }

  private void release(String taskId) {
    releaseInstance(taskId);
    finished();
  }

  private void releaseInstance(String taskId) {
    if (!instances.remove(taskId, 1)) {
      instances.computeIfPresent(taskId, (id, running) -> running > 1 ? running - 1 : null);
    }
    context.releaseInstance(taskId);
  }

  private void finished() {
    if (inFlight.decrementAndGet() == 0) {
      // Waiters check the count under this lock, so a signal here cannot slip between their check
      // and their wait.
      idleLock.lock();
      try {
        idle.signalAll();
      } finally {
        idleLock.unlock();
      }
    }
  }
}
