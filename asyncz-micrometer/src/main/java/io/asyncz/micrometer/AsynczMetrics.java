package io.asyncz.micrometer;

import io.asyncz.InvalidInputException;
import io.asyncz.event.Events;
import io.asyncz.event.Subscription;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.TaskStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Binds a scheduler's metrics to a Micrometer {@link MeterRegistry} with one call.
 *
 * <pre>{@code
 * Subscription metrics = AsynczMetrics.bind(scheduler, registry);
 * // or, with task ids as a tag and at most 50 task names:
 * AsynczMetrics.bind(scheduler, registry, AsynczMetrics.options().tagTaskId(true).maxTaskTags(50));
 * }</pre>
 *
 * <p>Counters of runs ({@value #SUBMITTED}, {@value #EXECUTED}, {@value #FAILED}, {@value #MISSED},
 * {@value #SKIPPED}, {@value #RETRIED} and {@value #TIMED_OUT}) and the timers {@value #LATENESS}
 * and {@value #DURATION} are tagged {@code task} (the task's name), {@code executor} and {@code
 * store}; {@code task_id} too when asked. Gauges give the tasks by state ({@value #TASKS}) and the
 * runs in flight ({@value #IN_FLIGHT}). Store operations are timed by wrapping a store in {@link
 * #timeStore}. See {@code docs/metrics.md}.
 */
public final class AsynczMetrics {
  /** Runs handed to an executor (one per scheduled run time handed over). */
  public static final String SUBMITTED = "asyncz.runs.submitted";

  /** Runs that returned (or whose stage completed). */
  public static final String EXECUTED = "asyncz.runs.executed";

  /** Runs that threw (or whose stage failed). */
  public static final String FAILED = "asyncz.runs.failed";

  /** Run times found later than the task's grace time, and skipped. */
  public static final String MISSED = "asyncz.runs.missed";

  /** Run times not handed over because the task already ran {@code max_instances} instances. */
  public static final String SKIPPED = "asyncz.runs.skipped";

  /** Runs retried after a failure; counted from the events given by {@link Options#countEvent}. */
  public static final String RETRIED = "asyncz.runs.retried";

  /** Runs stopped by their timeout; counted from the events given by {@link Options#countEvent}. */
  public static final String TIMED_OUT = "asyncz.runs.timed_out";

  /** From a run's scheduled time to its actual start. */
  public static final String LATENESS = "asyncz.run.lateness";

  /** From a run's start to its end, tagged {@code outcome} (succeeded or failed). */
  public static final String DURATION = "asyncz.run.duration";

  /** Tasks by {@code state}: scheduled, paused, pending. */
  public static final String TASKS = "asyncz.tasks";

  /** Runs started and not yet ended, by {@code executor}. */
  public static final String IN_FLIGHT = "asyncz.runs.in_flight";

  /** One store operation, tagged {@code store}, {@code operation} and {@code outcome}. */
  public static final String STORE_OPERATION = "asyncz.store.operation";

  /** The tag value that stands for every task name (or id) beyond {@link Options#maxTaskTags}. */
  public static final String OTHER = "other";

  /** The tag value of a task whose name or executor this binding could not learn. */
  public static final String UNKNOWN = "unknown";

  private AsynczMetrics() {}

  /**
   * The default options, to change and pass to {@link #bind(Scheduler, MeterRegistry, Options)}.
   */
  public static Options options() {
    return Options.DEFAULTS;
  }

  /**
   * Binds the scheduler's metrics to {@code registry} with the default options.
   *
   * @return the binding; cancel it to stop recording and remove the meters it registered
   */
  public static Subscription bind(Scheduler scheduler, MeterRegistry registry) {
    return bind(scheduler, registry, Options.DEFAULTS);
  }

  /**
   * Binds the scheduler's metrics to {@code registry}: counters and timers of the runs from now on,
   * and gauges of its tasks.
   *
   * @return the binding; cancel it to stop recording and remove the meters it registered
   */
  public static Subscription bind(Scheduler scheduler, MeterRegistry registry, Options options) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(options, "options");
    return MetricsBinding.bind(scheduler, registry, options);
  }

  /**
   * A store that times each of its operations in {@value #STORE_OPERATION}, tagged with the alias
   * it is added under; add it to the scheduler in place of {@code store}. Every call goes to {@code
   * store}; the wrapper is seen as a store of its own class, so a memory store wrapped this way is
   * processed on a thread of its own as other stores are.
   */
  public static TaskStore timeStore(TaskStore store, MeterRegistry registry) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(registry, "registry");
    return new TimedStore(store, registry);
  }

  /** What a binding records beyond the defaults; immutable, each setter returns a changed copy. */
  public static final class Options {
    /** How many distinct task names (and ids) are tags by default. */
    public static final int DEFAULT_MAX_TASK_TAGS = 100;

    /** How long the task counts of the {@value #TASKS} gauges are kept by default. */
    public static final Duration DEFAULT_TASK_COUNT_CACHE = Duration.ofSeconds(1);

    static final Options DEFAULTS =
        new Options(false, DEFAULT_MAX_TASK_TAGS, DEFAULT_TASK_COUNT_CACHE, defaultEventCounters());

    private final boolean tagTaskId;
    private final int maxTaskTags;
    private final Duration taskCountCache;
    private final Map<Integer, String> eventCounters;

    private Options(
        boolean tagTaskId,
        int maxTaskTags,
        Duration taskCountCache,
        Map<Integer, String> eventCounters) {
      this.tagTaskId = tagTaskId;
      this.maxTaskTags = maxTaskTags;
      this.taskCountCache = taskCountCache;
      this.eventCounters = Collections.unmodifiableMap(new LinkedHashMap<>(eventCounters));
    }

    /**
     * The counters fed from events: runs skipped at {@code max_instances} ({@link #SKIPPED}),
     * retries scheduled ({@link #RETRIED}) and runs timed out ({@link #TIMED_OUT}). Submissions are
     * counted from the executors' run observer calls, which cost far less than an event each.
     */
    private static Map<Integer, String> defaultEventCounters() {
      Map<Integer, String> counters = new LinkedHashMap<>();
      counters.put(Events.TASK_MAX_INSTANCES, SKIPPED);
      counters.put(Events.TASK_RETRY_SCHEDULED, RETRIED);
      counters.put(Events.TASK_TIMED_OUT, TIMED_OUT);
      return counters;
    }

    /** Whether runs are tagged {@code task_id} too (off by default: ids can be many). */
    public Options tagTaskId(boolean tag) {
      return new Options(tag, maxTaskTags, taskCountCache, eventCounters);
    }

    /**
     * How many distinct task names (and, with {@link #tagTaskId}, ids) become tag values; later
     * ones are tagged {@value AsynczMetrics#OTHER}, and a warning says so once.
     *
     * @throws InvalidInputException when {@code max} is below 1
     */
    public Options maxTaskTags(int max) {
      if (max < 1) {
        throw new InvalidInputException("maxTaskTags", max, "is below 1; expected 1 or more");
      }
      return new Options(tagTaskId, max, taskCountCache, eventCounters);
    }

    /**
     * How long the task counts behind the {@value AsynczMetrics#TASKS} gauges are kept: counting
     * reads every task of every store, so scrapes within this time share one count.
     *
     * @throws InvalidInputException when {@code cache} is negative
     */
    public Options taskCountCache(Duration cache) {
      Objects.requireNonNull(cache, "cache");
      if (cache.isNegative()) {
        throw new InvalidInputException(
            "taskCountCache", cache, "is negative; expected 0 or a positive duration");
      }
      return new Options(tagTaskId, maxTaskTags, cache, eventCounters);
    }

    /**
     * Counts the events with {@code code} in the counter {@code name}, tagged as the run counters
     * are: how {@link AsynczMetrics#RETRIED} and {@link AsynczMetrics#TIMED_OUT} are fed from the
     * retry and timeout events. A task event counts its task's run times (a submission event's run
     * times, else one). A code no scheduler sends simply never counts.
     *
     * @throws InvalidInputException when {@code code} is not one event bit, or {@code name} is
     *     blank
     */
    public Options countEvent(int code, String name) {
      if (Integer.bitCount(code) != 1) {
        throw new InvalidInputException(
            "event code", code, "is not a single event bit; expected a code of Events");
      }
      if (name == null || name.isBlank()) {
        throw new InvalidInputException("counter name", name, "is blank; expected a meter name");
      }
      Map<Integer, String> counters = new LinkedHashMap<>(eventCounters);
      counters.put(code, name);
      return new Options(tagTaskId, maxTaskTags, taskCountCache, counters);
    }

    /** Whether runs are tagged {@code task_id}. */
    public boolean tagsTaskId() {
      return tagTaskId;
    }

    /** How many distinct task names (and ids) become tag values. */
    public int maxTaskTagCount() {
      return maxTaskTags;
    }

    /** How long task counts are kept. */
    public Duration taskCountCacheTime() {
      return taskCountCache;
    }

    /** The counters fed from events, by event code. */
    public Map<Integer, String> eventCounters() {
      return eventCounters;
    }
  }
}
