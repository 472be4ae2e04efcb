package io.asyncz.process;

import io.asyncz.InvalidInputException;
import io.asyncz.MaxInstancesException;
import io.asyncz.TaskTimeoutException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.executor.ExecutorContext;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.run.RunIds;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import io.asyncz.run.RunOutcome;
import io.asyncz.task.Task;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs tasks in worker JVMs (alias {@code processpool}; the seed's ProcessPoolExecutor): for work
 * that must not share the scheduler's memory, or that may crash. Workers are started with the
 * application's class path when a run needs one, at most {@code max_workers} of them, and kept warm
 * for the next runs. A run is sent by reference only (a name registered in the worker's {@link
 * io.asyncz.task.TaskRegistry} through a {@link WorkerRegistrar}, or an allowed {@code
 * com.example.Jobs::method}) with its arguments as JSON; the JSON return value comes back as the
 * run's return value, an exception as a {@link RemoteTaskException} in {@code TASK_ERROR}.
 *
 * <p>A worker that dies during a run ({@code System.exit}, a signal, out of memory) fails that run
 * with a {@link WorkerDiedException}, and a run longer than {@code task_timeout} ends its worker
 * and fails with a {@link TaskTimedOutException}; a new worker takes the next run. Instances are
 * counted by the scheduler across its executors, as for every executor, so {@code max_instances}
 * holds across workers.
 */
public final class ProcessPoolExecutor implements TaskExecutor {
  /** The seed's default number of workers. */
  public static final int DEFAULT_MAX_WORKERS = 10;

  /** How long a new worker has to start and answer the handshake, by default. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The JVM option every worker gets before the user's: a worker out of memory exits (and is
   * replaced) instead of going on in an unknown state.
   */
  public static final String EXIT_ON_OOM = "-XX:+ExitOnOutOfMemoryError";

  /**
   * How long the parent waits for a worker that stopped answering to exit, before it ends it, and
   * then for its exit code.
   */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

  /** How long before a run time a waiting thread stops sleeping and spins. */
  private static final long SPIN_NANOS = 50_000;

  private final ProcessPoolSettings settings;
  private final ConcurrentHashMap<String, Integer> instances = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
  private final Set<Worker> busy = ConcurrentHashMap.newKeySet();
  private final AtomicInteger workerIds = new AtomicInteger();
  private volatile ExecutorContext context;
  private volatile String alias = "processpool";
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.executors.processpool");
  private volatile ThreadPoolExecutor slots;
  private volatile ScheduledExecutorService timer;
  private volatile String stopReason;

  private ProcessPoolExecutor(ProcessPoolSettings settings) {
    this.settings = settings;
  }

  /** A pool with the defaults: {@value #DEFAULT_MAX_WORKERS} workers, no task timeout. */
  public static ProcessPoolExecutor create() {
    return builder().build();
  }

  /** A builder of a pool, starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The most workers that run at once. */
  public int maxWorkers() {
    return settings.maxWorkers();
  }

  /** The time limit of one run, if any. */
  public Optional<Duration> taskTimeout() {
    return Optional.ofNullable(settings.taskTimeout());
  }

  ProcessPoolSettings settings() {
    return settings;
  }

  @Override
  public synchronized void start(ExecutorContext context, String alias) {
    this.context = Objects.requireNonNull(context, "context");
    this.alias = Objects.requireNonNull(alias, "alias");
    this.logger = LoggerFactory.getLogger("asyncz.executors." + alias);
    if (slots == null || slots.isShutdown()) {
      stopReason = null;
      AtomicInteger count = new AtomicInteger();
      slots =
          new ThreadPoolExecutor(
              settings.maxWorkers(),
              settings.maxWorkers(),
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              r -> daemon(r, "asyncz-" + alias + "-" + count.incrementAndGet()));
      ScheduledThreadPoolExecutor t =
          new ScheduledThreadPoolExecutor(1, r -> daemon(r, "asyncz-" + alias + "-timer"));
      t.setRemoveOnCancelPolicy(true);
      timer = t;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public boolean runsOnCallerThread() {
    return false;
  }

  @Override
  public void submit(Task task, List<Instant> runTimes) {
    submit(task, runTimes, TaskSubmissionEvent.Source.SCHEDULED, 1);
  }

  @Override
  public void submit(Task task, List<Instant> runTimes, TaskSubmissionEvent.Source source) {
    submit(task, runTimes, source, 1);
  }

  @Override
  public void submitRetry(Task task, Instant runTime, int attempt) {
    submit(task, List.of(runTime), TaskSubmissionEvent.Source.SCHEDULED, attempt);
  }

  private void submit(
      Task task, List<Instant> runTimes, TaskSubmissionEvent.Source source, int attempt) {
    ExecutorContext ctx = context;
    ThreadPoolExecutor pool = slots;
    if (ctx == null || pool == null) {
      throw new IllegalStateException("Executor '" + alias + "' has not been started");
    }
    if (!ctx.tryAcquireInstance(task.id(), task.maxInstances())) {
      throw new MaxInstancesException(task.id(), task.maxInstances());
    }
    instances.merge(task.id(), 1, Integer::sum);
    try {
      pool.execute(new Job(task, List.copyOf(runTimes), source, attempt));
    } catch (RejectedExecutionException e) {
      release(task.id());
      throw new IllegalStateException("Executor '" + alias + "' is shut down", e);
    }
    RunObserver observer = ctx.runObserver();
    if (observer != null) {
      try {
        observer.submitted(task, alias, runTimes.size());
      } catch (RuntimeException e) {
        logger.error("Run observer failed on a submission of task '{}'", task.name(), e);
      }
    }
  }

  @Override
  public int runningInstances(String taskId) {
    return instances.getOrDefault(taskId, 0);
  }

  /**
   * Stops taking work; with {@code wait}, waits for the runs handed over (queued ones included) and
   * then stops the idle workers; without it, drops the queued runs and ends the workers at once,
   * failing their runs with a {@link WorkerDiedException}.
   */
  @Override
  public void shutdown(boolean wait) {
    if (wait) {
      shutdown((Duration) null);
    } else {
      ThreadPoolExecutor pool = slots;
      if (pool != null) {
        pool.shutdown();
      }
      abandon("the executor was shut down without waiting (shutdown(wait=false))");
    }
  }

  @Override
  public Map<String, Integer> shutdown(Duration timeout) {
    ThreadPoolExecutor pool = slots;
    if (pool == null) {
      return Map.of();
    }
    pool.shutdown();
    boolean finished;
    boolean interrupted = false;
    try {
      finished =
          timeout == null
              ? pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS)
              : pool.awaitTermination(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
      finished = false;
    } catch (ArithmeticException e) {
      finished = awaitForever(pool);
    }
    Map<String, Integer> leftBehind = Map.of();
    if (!finished) {
      leftBehind = Map.copyOf(instances);
      abandon("the executor's shutdown stopped waiting for the run (timeout " + timeout + ")");
    } else {
      stopIdleWorkers();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return leftBehind;
  }

  private static boolean awaitForever(ThreadPoolExecutor pool) {
    try {
      return pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Drops the queued runs and ends every worker; the runs in progress fail saying {@code why}. */
  private void abandon(String why) {
    stopReason = why;
    ThreadPoolExecutor pool = slots;
    if (pool != null) {
      for (Runnable neverStarted : pool.shutdownNow()) {
        if (neverStarted instanceof Job job) {
          release(job.task.id());
        }
      }
    }
    for (Worker w : busy) {
      w.kill();
    }
    Worker w;
    while ((w = idle.poll()) != null) {
      w.kill();
    }
    ScheduledExecutorService t = timer;
    if (t != null) {
      t.shutdown();
    }
  }

  private void stopIdleWorkers() {
    ScheduledExecutorService t = timer;
    Worker w;
    while ((w = idle.poll()) != null) {
      w.stop(t);
    }
    // The timer kills a worker that ignores the stop; it ends by itself once that is done.
    if (t != null) {
      t.shutdown();
    }
  }

  /** The submitted run times of one task, run in order on one slot. */
  private final class Job implements Runnable {
    final Task task;
    final List<Instant> runTimes;
    final TaskSubmissionEvent.Source source;
    final int attempt;

    Job(Task task, List<Instant> runTimes, TaskSubmissionEvent.Source source, int attempt) {
      this.task = task;
      this.runTimes = runTimes;
      this.source = source;
      this.attempt = attempt;
    }

    @Override
    public void run() {
      List<SchedulerEvent> events = new ArrayList<>(runTimes.size());
      try {
        for (int i = 0; i < runTimes.size(); i++) {
          runOnce(this, runTimes.get(i), i == 0, events);
        }
      } finally {
        // The instance is given back before the events go out (a listener may run the task
        // again), as the core's executors do.
        release(task.id());
        for (SchedulerEvent event : events) {
          context.dispatch(event);
        }
      }
    }
  }

  private void runOnce(Job job, Instant runTime, boolean first, List<SchedulerEvent> events) {
    ExecutorContext ctx = context;
    Task task = job.task;
    if (first && runTime.isAfter(ctx.clock().instant())) {
      // Handed over before its time: wait here, as the core's executors do.
      if (!awaitRunTime(ctx.clock(), runTime) || !ctx.stillWanted(task.id(), runTime)) {
        return;
      }
    }
    Instant now = ctx.clock().instant();
    RunObserver observer = ctx.runObserver();
    String runId = RunIds.next(now.toEpochMilli());
    // A retry starts late on purpose: the grace time is the first attempt's.
    Duration grace = job.attempt == 1 ? task.mistriggerGraceTime().orElse(null) : null;
    if (grace != null) {
      Duration late = Duration.between(runTime, now);
      if (late.compareTo(grace) > 0) {
        logger.warn("Run time of task '{}' was missed by {}", task.name(), late);
        if (observer != null) {
          try {
            observer.missed(info(job, runId, runTime, now), late);
          } catch (RuntimeException e) {
            logger.error("Run observer failed on a missed run of task '{}'", task.name(), e);
          }
        }
        record(events, Events.TASK_MISSED, task, runTime, null, null, null);
        return;
      }
    }
    if (logger.isInfoEnabled()) {
      logger.info("Running task '{}' (scheduled at {})", task.name(), runTime);
    }
    RunObservation observation = RunObservation.NONE;
    if (observer != null) {
      try {
        RunObservation started = observer.started(info(job, runId, runTime, now));
        observation = started == null ? RunObservation.NONE : started;
      } catch (RuntimeException e) {
        logger.error("Run observer failed at the start of task '{}'", task.name(), e);
      }
    }
    Outcome outcome;
    String outerRun = MDC.get(RunInfo.MDC_RUN_ID);
    MDC.put(RunInfo.MDC_TASK_ID, task.id());
    MDC.put(RunInfo.MDC_RUN_ID, runId);
    try {
      outcome = runRemotely(task);
    } finally {
      if (outerRun == null) {
        MDC.remove(RunInfo.MDC_TASK_ID);
        MDC.remove(RunInfo.MDC_RUN_ID);
      }
    }
    Instant end = ctx.clock().instant();
    Throwable error = outcome.error();
    RunOutcome ended =
        error == null
            ? RunOutcome.succeeded(outcome.value(), end)
            : error instanceof TaskTimeoutException
                ? RunOutcome.timedOut(error, end)
                : RunOutcome.failed(error, end);
    try {
      observation.finished(ended);
    } catch (RuntimeException e) {
      logger.error("Run observer failed at the end of task '{}'", task.name(), e);
    }
    if (error == null) {
      if (logger.isInfoEnabled()) {
        logger.info("Task '{}' executed successfully", task.name());
      }
      record(events, Events.TASK_EXECUTED, task, runTime, outcome.value(), null, null);
    } else if (error instanceof TaskTimeoutException) {
      logger.warn("{}", error.getMessage());
      record(events, Events.TASK_TIMED_OUT, task, runTime, null, error, trace(error));
    } else {
      logger.error("Task '{}' raised an exception", task.name(), error);
      String traceback =
          error instanceof RemoteTaskException remote ? remote.remoteStackTrace() : trace(error);
      record(events, Events.TASK_ERROR, task, runTime, null, error, traceback);
    }
    if (task.retryPolicy().isPresent()) {
      try {
        SchedulerEvent retry = ctx.runEnded(task, runTime, job.attempt, error);
        if (retry != null && ctx.listening(retry.code())) {
          events.add(retry);
        }
      } catch (RuntimeException e) {
        logger.error("Could not schedule the retry of task '{}'", task.name(), e);
      }
    }
  }

  private RunInfo info(Job job, String runId, Instant runTime, Instant startedAt) {
    return new RunInfo(
        runId,
        job.task,
        alias,
        runTime,
        startedAt,
        job.source,
        job.attempt,
        context.schedulerIdentity());
  }

  /** How a run ended: its return value, or what failed it. */
  private record Outcome(Object value, Throwable error) {
    static Outcome failure(Throwable error) {
      return new Outcome(null, error);
    }
  }

  /** Runs the task in a worker. */
  private Outcome runRemotely(Task task) {
    String reference = task.reference().orElse(null);
    if (reference == null) {
      return Outcome.failure(
          new InvalidInputException(
              "task '" + task.id() + "'",
              task.name(),
              "has no function reference (a lambda or function object); executor '"
                  + alias
                  + "' runs tasks in other JVMs and sends only references: register the function"
                  + " by name in a WorkerRegistrar, use an allowed com.example.Jobs::method, or a"
                  + " TaskDefinition"));
    }
    Object args;
    Object kwargs;
    try {
      args = Frames.toJson(task.args(), "args");
      kwargs = Frames.toJson(task.kwargs(), "kwargs");
    } catch (IllegalArgumentException e) {
      return Outcome.failure(
          new InvalidInputException(
              "arguments of task '" + task.id() + "'",
              e.getMessage(),
              "cannot be sent to a worker of executor '" + alias + "', which takes JSON only"));
    }
    Worker worker;
    try {
      worker = takeWorker();
    } catch (WorkerStartException e) {
      return Outcome.failure(e);
    }
    busy.add(worker);
    AtomicInteger state = new AtomicInteger(); // 0 running, 1 answered, 2 timed out
    Duration timeout = task.timeout().orElse(settings.taskTimeout());
    ScheduledFuture<?> deadline = null;
    if (timeout != null) {
      deadline =
          Worker.schedule(
              timer,
              () -> {
                if (state.compareAndSet(0, 2)) {
                  worker.kill();
                }
              },
              timeout);
    }
    try {
      Map<String, Object> answer;
      try {
        if (stopReason != null) {
          throw new IOException("the executor is stopping");
        }
        answer = worker.run(reference, args, kwargs);
      } catch (IOException | RuntimeException e) {
        return Outcome.failure(
            ended(task, worker, timeout, state.get() == 2 || !state.compareAndSet(0, 1)));
      }
      if (!state.compareAndSet(0, 1)) {
        // The answer and the deadline crossed: the worker is being ended, so the run counts as
        // timed out, as the worker is.
        return Outcome.failure(ended(task, worker, timeout, true));
      }
      if ("result".equals(answer.get("type"))) {
        return new Outcome(answer.get("value"), null);
      }
      return Outcome.failure(remote(answer, worker.id));
    } finally {
      if (deadline != null) {
        deadline.cancel(false);
      }
      busy.remove(worker);
      giveBack(worker);
    }
  }

  /** Why a worker stopped answering: the deadline, a shutdown, or its own death. */
  private RuntimeException ended(Task task, Worker worker, Duration timeout, boolean timedOut) {
    // The exit code first, and only then a kill if the worker is still there: an exiting JVM
    // closes its standard output before it is gone, and a kill in that window would replace its
    // exit code (System.exit's, or 3 for out of memory) with SIGKILL's.
    Integer code = worker.exitCode(EXIT_WAIT);
    if (code == null) {
      worker.kill();
      code = worker.exitCode(EXIT_WAIT);
    }
    if (timedOut) {
      return new TaskTimedOutException(
          "Task '"
              + task.name()
              + "' ran longer than its timeout "
              + timeout
              + "; process-pool worker "
              + worker.id
              + " (pid "
              + worker.pid()
              + ") was ended",
          task.id(),
          timeout,
          worker.id);
    }
    String how = code == null ? "it did not exit" : Worker.describeExit(code);
    String reason = stopReason;
    String message =
        reason != null
            ? "Process-pool worker "
                + worker.id
                + " (pid "
                + worker.pid()
                + ") was stopped while it ran task '"
                + task.name()
                + "': "
                + reason
                + " ("
                + how
                + ")"
            : "Process-pool worker "
                + worker.id
                + " (pid "
                + worker.pid()
                + ") died while it ran task '"
                + task.name()
                + "' ("
                + how
                + "); a new worker takes the next run";
    return new WorkerDiedException(message, worker.id, code);
  }

  private static RemoteTaskException remote(Map<String, Object> answer, int workerId) {
    List<StackTraceElement> frames = new ArrayList<>();
    if (answer.get("frames") instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> f) {
          frames.add(
              new StackTraceElement(
                  String.valueOf(f.get("class")),
                  String.valueOf(f.get("method")),
                  f.get("file") instanceof String file ? file : null,
                  f.get("line") instanceof Number n ? n.intValue() : -1));
        }
      }
    }
    return new RemoteTaskException(
        String.valueOf(answer.get("class")),
        answer.get("message") instanceof String m ? m : null,
        answer.get("trace") instanceof String t ? t : "",
        frames.toArray(new StackTraceElement[0]),
        workerId);
  }

  /** An idle live worker, or a new one when none is idle. */
  private Worker takeWorker() throws WorkerStartException {
    Worker w;
    while ((w = idle.poll()) != null) {
      if (w.isAlive()) {
        return w;
      }
    }
    int id = workerIds.incrementAndGet();
    logger.debug("Starting process-pool worker {}", id);
    return Worker.start(id, settings, Worker.newToken(), logger, timer);
  }

  /** Keeps a live worker warm for the next run, unless it has done its share or a stop began. */
  private void giveBack(Worker worker) {
    if (!worker.isAlive()) {
      return;
    }
    int max = settings.maxRunsPerWorker();
    if (stopReason != null || (max > 0 && worker.runs() >= max)) {
      worker.stop(timer);
      return;
    }
    idle.push(worker);
  }

  private boolean awaitRunTime(Clock clock, Instant runTime) {
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

  private void record(
      List<SchedulerEvent> events,
      int code,
      Task task,
      Instant runTime,
      Object value,
      Throwable error,
      String traceback) {
    if (context.listening(code)) {
      events.add(
          new TaskExecutionEvent(
              code, task.id(), task.storeAlias(), runTime, value, error, traceback));
    }
  }

  private static String trace(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  private void release(String taskId) {
    instances.computeIfPresent(taskId, (id, running) -> running > 1 ? running - 1 : null);
    context.releaseInstance(taskId);
  }

  @Override
  public String toString() {
    return "ProcessPoolExecutor[max_workers=" + settings.maxWorkers() + "]";
  }

  /** Builds a {@link ProcessPoolExecutor}; each setter checks its value and names a bad one. */
  public static final class Builder {
    private int maxWorkers = DEFAULT_MAX_WORKERS;
    private String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<String> jvmOptions = new ArrayList<>();
    private String classPath = System.getProperty("java.class.path");
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private Duration taskTimeout;
    private int maxRunsPerWorker;
    private final Set<String> allowedPackages = new LinkedHashSet<>();
    private final List<String> registrars = new ArrayList<>();

    private Builder() {}

    /** The most workers that run at once (default {@value #DEFAULT_MAX_WORKERS}). */
    public Builder maxWorkers(int maxWorkers) {
      if (maxWorkers < 1) {
        throw new InvalidInputException("max_workers", maxWorkers, "is not 1 or more");
      }
      this.maxWorkers = maxWorkers;
      return this;
    }

    /** The {@code java} binary that starts workers (default: this JVM's). */
    public Builder java(String java) {
      if (java == null || java.isBlank()) {
        throw new InvalidInputException(
            "java", java, "is blank; expected the path of a java binary");
      }
      this.java = java;
      return this;
    }

    /** JVM options of the workers, e.g. {@code -Xmx256m}, after {@value #EXIT_ON_OOM}. */
    public Builder jvmOptions(List<String> options) {
      Objects.requireNonNull(options, "options");
      for (String option : options) {
        if (option == null || option.isBlank() || !option.startsWith("-")) {
          throw new InvalidInputException(
              "jvm_options", option, "is not a JVM option; expected text starting with '-'");
        }
      }
      jvmOptions.clear();
      jvmOptions.addAll(options);
      return this;
    }

    /** The class path of the workers (default: this JVM's {@code java.class.path}). */
    public Builder classPath(String classPath) {
      if (classPath == null || classPath.isBlank()) {
        throw new InvalidInputException("class_path", classPath, "is blank");
      }
      this.classPath = classPath;
      return this;
    }

    /** How long a new worker has to start and answer (default 30 s). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = positive("start_timeout", timeout);
      return this;
    }

    /** The time limit of one run; its worker is ended when it is up (default: none). */
    public Builder taskTimeout(Duration timeout) {
      this.taskTimeout = timeout == null ? null : positive("task_timeout", timeout);
      return this;
    }

    /** Replaces a worker after this many runs (default 0: never), against slow leaks. */
    public Builder maxRunsPerWorker(int runs) {
      if (runs < 0) {
        throw new InvalidInputException(
            "max_runs_per_worker", runs, "is negative; expected 0 (never) or more");
      }
      this.maxRunsPerWorker = runs;
      return this;
    }

    /** Allows references to public static methods in {@code packageName}, in the workers. */
    public Builder allowPackage(String packageName) {
      if (packageName == null || packageName.isBlank()) {
        throw new InvalidInputException(
            "allowed_packages", packageName, "is blank; expected a package name");
      }
      allowedPackages.add(packageName.strip());
      return this;
    }

    /** Has every worker call {@code registrar} before its first run. */
    public Builder registrar(Class<? extends WorkerRegistrar> registrar) {
      return registrar(Objects.requireNonNull(registrar, "registrar").getName());
    }

    /** Has every worker call the registrar of this class name before its first run. */
    public Builder registrar(String className) {
      if (className == null || className.isBlank()) {
        throw new InvalidInputException("registrars", className, "is blank; expected a class name");
      }
      registrars.add(className.strip());
      return this;
    }

    /** The pool; it starts no worker until a run needs one. */
    public ProcessPoolExecutor build() {
      List<String> options = new ArrayList<>();
      options.add(EXIT_ON_OOM);
      options.addAll(jvmOptions);
      return new ProcessPoolExecutor(
          new ProcessPoolSettings(
              maxWorkers,
              java,
              List.copyOf(options),
              classPath,
              startTimeout,
              taskTimeout,
              maxRunsPerWorker,
              Set.copyOf(allowedPackages),
              List.copyOf(registrars)));
    }

    private static Duration positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new InvalidInputException(name, value, "is not a positive duration");
      }
      return value;
    }
  }
}
