package io.asyncz.logging;

import io.asyncz.InvalidInputException;
import io.asyncz.event.Subscription;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import io.asyncz.run.RunOutcome;
import io.asyncz.scheduler.Scheduler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the log lines written while each run of a task goes on, per run and with a size cap, for
 * run history to keep with the run.
 *
 * <pre>{@code
 * TaskLogCapture capture = TaskLogCapture.shared(); // what a configured appender feeds
 * capture.bind(scheduler);                          // opens a buffer at each run's start
 * ...
 * Optional<String> log = capture.take(runId);       // at the run's end: its lines, once
 * }</pre>
 *
 * <p>A run's lines are collected from its start to its end, as {@link AsynczTaskLogAppender} (for
 * Logback) and {@link AsynczTaskLogHandler} (for {@code java.util.logging}) hand them over with the
 * run id the executors put in the MDC ({@link RunInfo#MDC_RUN_ID}). Only runs started while the
 * capture is bound get a buffer, so a stray MDC value cannot make one. Everything is bounded: the
 * lines and bytes kept per run (beyond them, the count of lines left out is noted at the end), the
 * runs collected at once (a run beyond it is not captured, and a warning says so once), and the
 * ended runs whose lines nobody took yet (the oldest are dropped first).
 *
 * <p>At a run's end its lines wait for {@link #take}: run history, told of the end by its own run
 * observer, takes them there, whichever of the two observers was registered first.
 */
public final class TaskLogCapture {
  /** The most lines (log events) kept per run by default. */
  public static final int DEFAULT_MAX_LINES = 1_000;

  /** The most bytes (UTF-8) kept per run by default. */
  public static final int DEFAULT_MAX_BYTES = 64 * 1024;

  /** The most runs collected at once by default. */
  public static final int DEFAULT_MAX_RUNS = 1_000;

  /** The most ended runs whose lines wait to be taken, by default. */
  public static final int DEFAULT_MAX_UNTAKEN = 1_000;

  private static final Logger LOGGER = LoggerFactory.getLogger("asyncz.logging");
  private static volatile TaskLogCapture shared;

  private final int maxLines;
  private final int maxBytes;
  private final int maxRuns;
  private final int maxUntaken;
  private final ConcurrentHashMap<String, RunLog> running = new ConcurrentHashMap<>();
  private final ThreadLocal<String> current = new ThreadLocal<>();
  private final AtomicBoolean warnedFull = new AtomicBoolean();

  // Ended runs, oldest first, until taken or pushed out; guarded by itself.
  private final LinkedHashMap<String, RunLog> ended =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunLog> eldest) {
          return size() > maxUntaken;
        }
      };

  private TaskLogCapture(Builder b) {
    this.maxLines = b.maxLines;
    this.maxBytes = b.maxBytes;
    this.maxRuns = b.maxRuns;
    this.maxUntaken = b.maxUntaken;
  }

  /** A capture with the default bounds. */
  public static TaskLogCapture create() {
    return builder().build();
  }

  /** Starts a capture with bounds of its own. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The process's capture: the one an appender or handler configured by a logging file (with no
   * capture of its own) feeds. Created with the default bounds on first use, unless {@link
   * #setShared} gave one.
   */
  public static TaskLogCapture shared() {
    TaskLogCapture s = shared;
    if (s == null) {
      synchronized (TaskLogCapture.class) {
        if (shared == null) {
          shared = create();
        }
        s = shared;
      }
    }
    return s;
  }

  /** Makes {@code capture} the process's capture (see {@link #shared()}). */
  public static void setShared(TaskLogCapture capture) {
    Objects.requireNonNull(capture, "capture");
    synchronized (TaskLogCapture.class) {
      shared = capture;
    }
  }

  /**
   * Captures the runs of {@code scheduler} from now on.
   *
   * @return the registration; cancel it to stop opening buffers for new runs
   */
  public Subscription bind(Scheduler scheduler) {
    Subscription observing = Objects.requireNonNull(scheduler, "scheduler").observeRuns(observer());
    // Run history takes each run's lines into its record when the run ends.
    scheduler.captureRunLogs(this::take);
    return () -> {
      observing.cancel();
      scheduler.captureRunLogs(null);
    };
  }

  /**
   * The run observer that opens a run's buffer at its start and closes it at its end; {@link #bind}
   * registers it.
   */
  public RunObserver observer() {
    return this::started;
  }

  private RunObservation started(RunInfo run) {
    String runId = run.runId();
    if (running.size() >= maxRuns) {
      if (warnedFull.compareAndSet(false, true)) {
        LOGGER.warn(
            "{} runs are being captured already: the log lines of run {} of task '{}' and of later"
                + " runs beyond the bound are not captured",
            maxRuns,
            runId,
            run.task().name());
      }
      return RunObservation.NONE;
    }
    RunLog log = new RunLog(maxLines, maxBytes);
    running.put(runId, log);
    String outer = current.get();
    current.set(runId);
    return new RunObservation() {
      @Override
      public void detached() {
        restore(runId, outer);
      }

      @Override
      public void finished(RunOutcome outcome) {
        restore(runId, outer);
        RunLog done = running.remove(runId);
        if (done != null && done.hasLines()) {
          synchronized (ended) {
            ended.put(runId, done);
          }
        }
      }
    };
  }

  private void restore(String runId, String outer) {
    if (runId.equals(current.get())) {
      if (outer == null) {
        current.remove();
      } else {
        current.set(outer);
      }
    }
  }

  /**
   * The id of the run this capture is collecting on the calling thread, or {@code null}: for a
   * logging backend without an MDC.
   */
  public String currentRunId() {
    return current.get();
  }

  /**
   * Adds a line (one log event, formatted; it may span several lines) to a run's log. Ignored when
   * the run has no buffer: it is not running, was started before the capture was bound, or was
   * beyond the bound on runs.
   */
  public void append(String runId, String line) {
    if (runId == null || line == null) {
      return;
    }
    RunLog log = running.get(runId);
    if (log != null) {
      log.append(line);
    }
  }

  /**
   * Hands over a run's log and forgets it: the lines captured so far (all of them once the run has
   * ended), with a last line saying how many were left out beyond the bounds.
   *
   * @return the text, or empty when no line was captured for the run (or it was taken already)
   */
  public Optional<String> take(String runId) {
    RunLog log;
    synchronized (ended) {
      log = ended.remove(runId);
    }
    if (log == null) {
      log = running.remove(runId);
    }
    return log == null || !log.hasLines() ? Optional.empty() : Optional.of(log.text());
  }

  /** How many runs are being captured now. */
  public int runsCaptured() {
    return running.size();
  }

  /** The bounds of a {@link TaskLogCapture}. */
  public static final class Builder {
    private int maxLines = DEFAULT_MAX_LINES;
    private int maxBytes = DEFAULT_MAX_BYTES;
    private int maxRuns = DEFAULT_MAX_RUNS;
    private int maxUntaken = DEFAULT_MAX_UNTAKEN;

    private Builder() {}

    /** The most lines (log events) kept per run; the default is {@value #DEFAULT_MAX_LINES}. */
    public Builder maxLinesPerRun(int max) {
      this.maxLines = positive("maxLinesPerRun", max);
      return this;
    }

    /** The most bytes (UTF-8) kept per run; the default is {@value #DEFAULT_MAX_BYTES}. */
    public Builder maxBytesPerRun(int max) {
      this.maxBytes = positive("maxBytesPerRun", max);
      return this;
    }

    /** The most runs collected at once; the default is {@value #DEFAULT_MAX_RUNS}. */
    public Builder maxRunsInFlight(int max) {
      this.maxRuns = positive("maxRunsInFlight", max);
      return this;
    }

    /**
     * The most ended runs whose lines wait to be taken (the oldest go first); the default is
     * {@value #DEFAULT_MAX_UNTAKEN}.
     */
    public Builder maxUntakenRuns(int max) {
      this.maxUntaken = positive("maxUntakenRuns", max);
      return this;
    }

    private static int positive(String name, int value) {
      if (value < 1) {
        throw new InvalidInputException(name, value, "is below 1; expected 1 or more");
      }
      return value;
    }

    /** The capture. */
    public TaskLogCapture build() {
      return new TaskLogCapture(this);
    }
  }
}
