package io.asyncz.process;

import io.asyncz.InvalidInputException;
import io.asyncz.TaskTimeoutException;
import io.asyncz.executor.AbstractExecutor;
import io.asyncz.executor.ExecutorContext;
import io.asyncz.run.RunInfo;
import io.asyncz.task.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * Runs tasks in worker JVMs (alias {@code processpool}; the seed's ProcessPoolExecutor): for work
 * that must not share the scheduler's memory, or that may crash. Workers are started with the
 * application's class path when a run needs one, at most {@code max_workers} of them, and kept warm
 * for the next runs. A run is sent by reference only (a name registered in the worker's {@link
 * io.asyncz.task.TaskRegistry} through a {@link WorkerRegistrar}, or an allowed {@code
 * com.example.Jobs::method}) with its arguments as JSON; the JSON return value comes back as the
 * run's return value, an exception as a {@link RemoteTaskException} in {@code TASK_ERROR}. An
 * {@link Error} the task throws is reported the same way, and its worker is stopped after the run,
 * since an Error may leave a JVM unfit for more runs.
 *
 * <p>A worker that dies during a run ({@code System.exit}, a signal, out of memory) fails that run
 * with a {@link WorkerDiedException}, and a run longer than its time limit (the task's {@code
 * timeout}, else the pool's {@code task_timeout}, counted from when its worker has it) ends its
 * worker and is reported as timed out with a {@link TaskTimedOutException}; a new worker takes the
 * next run. Everything else is the core's run loop ({@link AbstractExecutor}), as for every
 * executor: {@code max_instances} counted by the scheduler across its executors, grace times,
 * events, run observers, retries and the MDC.
 */
public final class ProcessPoolExecutor extends AbstractExecutor {
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

  private final ProcessPoolSettings settings;
  private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
  private final Set<Worker> busy = ConcurrentHashMap.newKeySet();

  /** The worker each run thread has a run in, for the timeout to end. */
  private final ConcurrentHashMap<Thread, Worker> runningIn = new ConcurrentHashMap<>();

  private final AtomicInteger workerIds = new AtomicInteger();
  private volatile ThreadPoolExecutor slots;
  private volatile ScheduledExecutorService timer;
  private volatile String stopReason;
  private volatile Duration shutdownTimeout;

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
    super.start(context, alias);
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

  /** A run takes one of the {@code max_workers} slots, each of which holds at most one worker. */
  @Override
  protected void dispatch(Runnable work) {
    ThreadPoolExecutor pool = slots;
    if (pool == null) {
      throw new IllegalStateException("Executor '" + alias() + "' has not been started");
    }
    try {
      pool.execute(work);
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("Executor '" + alias() + "' is shut down", e);
    }
  }

  /** Queued runs still run (the seed's default). */
  @Override
  protected void stopAccepting() {
    ThreadPoolExecutor pool = slots;
    if (pool != null) {
      pool.shutdown();
    }
  }

  /** The runs in progress fail as their workers are ended; the queued ones are dropped. */
  @Override
  protected void abandonRuns() {
    abandon(
        "the executor's shutdown stopped waiting for the run (timeout " + shutdownTimeout + ")");
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
      stopAccepting();
      abandon("the executor was shut down without waiting (shutdown(wait=false))");
    }
  }

  @Override
  public Map<String, Integer> shutdown(Duration timeout) {
    shutdownTimeout = timeout;
    Map<String, Integer> leftBehind = super.shutdown(timeout);
    if (stopReason == null) {
      stopIdleWorkers();
    }
    return leftBehind;
  }

  /** Drops the queued runs and ends every worker; the runs in progress fail saying {@code why}. */
  private void abandon(String why) {
    stopReason = why;
    ThreadPoolExecutor pool = slots;
    if (pool != null) {
      for (Runnable neverStarted : pool.shutdownNow()) {
        dropped(neverStarted);
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

  /**
   * Runs the task in a worker: an idle one, or a new one. Its time limit starts once the worker has
   * it, so that a worker's start does not count against the task.
   */
  @Override
  protected Object invoke(Task task) throws Exception {
    String reference = task.reference().orElse(null);
    if (reference == null) {
      throw new InvalidInputException(
          "task '" + task.id() + "'",
          task.name(),
          "has no function reference (a lambda or function object); executor '"
              + alias()
              + "' runs tasks in other JVMs and sends only references: register the function"
              + " by name in a WorkerRegistrar, use an allowed com.example.Jobs::method, or a"
              + " TaskDefinition");
    }
    Object args;
    Object kwargs;
    try {
      args = Frames.toJson(task.args(), "args");
      kwargs = Frames.toJson(task.kwargs(), "kwargs");
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "arguments of task '" + task.id() + "'",
          e.getMessage(),
          "cannot be sent to a worker of executor '" + alias() + "', which takes JSON only");
    }
    Worker worker = takeWorker();
    Thread runner = Thread.currentThread();
    busy.add(worker);
    runningIn.put(runner, worker);
    boolean retire = false;
    try {
      startTimeLimit(task.timeout().orElse(settings.taskTimeout()));
      Map<String, Object> answer;
      try {
        if (stopReason != null) {
          throw new IOException("the executor is stopping");
        }
        answer = worker.run(reference, args, kwargs, task.id(), MDC.get(RunInfo.MDC_RUN_ID));
      } catch (IOException | RuntimeException e) {
        throw ended(task, worker);
      }
      if ("result".equals(answer.get("type"))) {
        return answer.get("value");
      }
      RemoteTaskException error = remote(answer, worker.id);
      retire = Boolean.TRUE.equals(answer.get(ProcessWorker.RETIRE));
      if (retire) {
        logger()
            .info(
                "Process-pool worker {} (pid {}) is replaced: task '{}' threw {} in it",
                worker.id,
                worker.pid(),
                task.name(),
                error.remoteType());
      }
      throw error;
    } finally {
      runningIn.remove(runner, worker);
      busy.remove(worker);
      if (retire) {
        worker.stop(timer);
      } else {
        giveBack(worker);
      }
    }
  }

  /**
   * Ends the worker of a run past its time limit: kills it, without waiting for its exit, since
   * this runs on the scheduler's loop, which must not stop for a process (a killed JVM is gone
   * within milliseconds; the run's thread sees its pipe close and gives the worker up).
   */
  @Override
  protected TaskTimeoutException stopTimedOut(Task task, Duration limit, Thread runner) {
    Worker[] ended = new Worker[1];
    // Atomic with the run's own removal: a worker given back for another run is never ended.
    runningIn.computeIfPresent(
        runner,
        (thread, worker) -> {
          worker.kill();
          ended[0] = worker;
          return worker;
        });
    Worker worker = ended[0];
    if (worker == null) {
      // The worker answered as the time ran out; the run is done with it.
      return new TaskTimeoutException(task.id(), limit);
    }
    return new TaskTimedOutException(
        "Task '"
            + task.name()
            + "' ran longer than its timeout "
            + limit
            + "; process-pool worker "
            + worker.id
            + " (pid "
            + worker.pid()
            + ") was ended",
        task.id(),
        limit,
        worker.id);
  }

  /** A remote error's trace is the one the worker printed, causes included. */
  @Override
  protected String traceback(Throwable error) {
    return error instanceof RemoteTaskException remote
        ? remote.remoteStackTrace()
        : super.traceback(error);
  }

  /**
   * Why a worker stopped answering: a shutdown, its own death, or its time limit (reported then).
   */
  private WorkerDiedException ended(Task task, Worker worker) {
    // The exit code first, and only then a kill if the worker is still there: an exiting JVM
    // closes its standard output before it is gone, and a kill in that window would replace its
    // exit code (System.exit's, or 3 for out of memory) with SIGKILL's.
    Integer code = worker.exitCode(EXIT_WAIT);
    if (code == null) {
      worker.kill();
      code = worker.exitCode(EXIT_WAIT);
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
    logger().debug("Starting process-pool worker {}", id);
    return Worker.start(id, settings, Worker.newToken(), logger(), timer);
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
