package io.asyncz.micrometer;

import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.Subscription;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import io.asyncz.run.RunOutcome;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.trigger.DateTrigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduler's metrics in one registry: a run observer for starts, ends and missed runs, an
 * event listener for the counters fed from events, and the task gauges. Cancelling it stops both
 * and removes every meter it registered.
 */
final class MetricsBinding implements RunObserver, Subscription {
  /** How many task ids the binding remembers the tags of, for events that carry only the id. */
  private static final int KNOWN_TASKS = 16_384;

  private static final Logger LOGGER = LoggerFactory.getLogger("asyncz.metrics");

  private final Scheduler scheduler;
  private final MeterRegistry registry;
  private final boolean tagTaskId;
  private final Map<Integer, String> eventCounters;
  private final boolean countsOtherEvents; // events beyond skips, retries and timeouts
  private final TagLimiter names;
  private final TagLimiter ids;
  private final ConcurrentHashMap<RunTags, RunMeters> meters = new ConcurrentHashMap<>();
  private final KnownTasks known = new KnownTasks(KNOWN_TASKS);
  // Plain reads and writes: a stale slot only costs a lookup in the map of meters.
  private final AtomicReferenceArray<Recent> recent = new AtomicReferenceArray<>(16);
  private final ConcurrentHashMap<String, LongAdder> inFlight = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Boolean> memoryStores = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Meter> registered = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;
  private Subscription runs;
  private Subscription events;

  private MetricsBinding(Scheduler scheduler, MeterRegistry registry, AsynczMetrics.Options o) {
    this.scheduler = scheduler;
    this.registry = registry;
    this.tagTaskId = o.tagsTaskId();
    this.eventCounters = o.eventCounters();
    this.countsOtherEvents =
        eventCounters.keySet().stream()
            .anyMatch(
                code ->
                    code != Events.TASK_MAX_INSTANCES
                        && code != Events.TASK_RETRY_SCHEDULED
                        && code != Events.TASK_TIMED_OUT);
    this.names = new TagLimiter("task", o.maxTaskTagCount(), LOGGER);
    this.ids = new TagLimiter("task_id", o.maxTaskTagCount(), LOGGER);
    TaskCounts counts = new TaskCounts(scheduler, o.taskCountCacheTime(), LOGGER);
    for (TaskCounts.State state : TaskCounts.State.values()) {
      remember(
          Gauge.builder(AsynczMetrics.TASKS, counts, c -> c.count(state))
              .tag("state", state.label())
              .description("Tasks by state")
              .strongReference(true)
              .register(registry));
    }
  }

  static MetricsBinding bind(Scheduler scheduler, MeterRegistry registry, AsynczMetrics.Options o) {
    MetricsBinding binding = new MetricsBinding(scheduler, registry, o);
    binding.runs = scheduler.observeRuns(binding);
    int mask = 0;
    for (int code : binding.eventCounters.keySet()) {
      mask |= code;
    }
    io.asyncz.event.EventListener listener = binding::onEvent;
    scheduler.addListener(listener, mask);
    binding.events = () -> scheduler.removeListener(listener);
    return binding;
  }

  // ------------------------------------------------------------------ runs

  @Override
  public void submitted(Task task, String executor, int runTimes) {
    RunMeters m = metersOf(task, executor);
    m.submitted.increment(runTimes);
    if (mayOutliveItsStoreEntry(task)) {
      known.put(task.id(), m.runTags); // for the events that name it by id only (skips, retries)
    }
  }

  /**
   * Whether an event may name this task by id only once its store no longer holds it. A memory
   * store is read at no cost when such an event comes, and holds a task until its schedule is done;
   * a date task leaves it when its run is handed over (and is stored again with a retry, before the
   * retry's event), after which only a timeout can name it. Remembering every task would cost a
   * drain of one-shot tasks about 0.2 µs a run: each is a new entry, a young object stored into the
   * long-lived table, which the collector then tracks; a recurring task finds its own entry and
   * writes nothing.
   */
  private boolean mayOutliveItsStoreEntry(Task task) {
    return countsOtherEvents
        || !(task.trigger() instanceof DateTrigger)
        || task.timeout().isPresent()
        || !inMemory(task.storeAlias());
  }

  @Override
  public RunObservation started(RunInfo run) {
    RunMeters m = metersOf(run.task(), run.executor());
    m.lateness.record(nanosBetween(run.scheduledRunTime(), run.startedAt()), TimeUnit.NANOSECONDS);
    LongAdder running = inFlight(run.executor());
    running.increment();
    return new RunEnd(m, run, running);
  }

  @Override
  public void missed(RunInfo run, Duration late) {
    metersOf(run.task(), run.executor()).missed.increment();
  }

  /** The end of one run: counted, timed, and taken out of the runs in flight. */
  private static final class RunEnd implements RunObservation {
    private final RunMeters meters;
    private final RunInfo run;
    private final LongAdder running;

    RunEnd(RunMeters meters, RunInfo run, LongAdder running) {
      this.meters = meters;
      this.run = run;
      this.running = running;
    }

    @Override
    public void finished(RunOutcome outcome) {
      running.decrement();
      long took = nanosBetween(run.startedAt(), outcome.endedAt());
      if (outcome.succeeded()) {
        meters.executed.increment();
        meters.succeededDuration.record(took, TimeUnit.NANOSECONDS);
      } else {
        meters.failed.increment();
        meters.failedDuration.record(took, TimeUnit.NANOSECONDS);
      }
    }
  }

  // ------------------------------------------------------------------ events

  private void onEvent(SchedulerEvent event) {
    String counter = eventCounters.get(event.code());
    if (counter == null || closed) {
      return;
    }
    String taskId;
    String store;
    double amount = 1;
    if (event instanceof TaskSubmissionEvent e) {
      taskId = e.taskId();
      store = e.store();
      amount = e.scheduledRunTimes().size();
    } else if (event instanceof TaskExecutionEvent e) {
      taskId = e.taskId();
      store = e.store();
    } else if (event instanceof TaskEvent e) {
      taskId = e.taskId();
      store = e.store();
    } else if (event instanceof TaskQuarantinedEvent e) {
      taskId = e.taskId();
      store = e.store();
    } else if (event instanceof io.asyncz.event.TaskRetryEvent e) {
      taskId = e.taskId();
      store = e.store();
    } else {
      taskId = null; // a scheduler-level event: counted without a task
      store = event.alias();
    }
    metersOf(tagsOf(taskId, store)).counter(counter).increment(amount);
  }

  /**
   * The tags of a task that an event names by id only: those learned from its runs, else read from
   * a memory store (no I/O), else {@link AsynczMetrics#UNKNOWN} for its name and executor.
   */
  private RunTags tagsOf(String taskId, String store) {
    String storeTag = store == null ? AsynczMetrics.UNKNOWN : store;
    if (taskId == null) {
      return new RunTags(
          AsynczMetrics.UNKNOWN,
          AsynczMetrics.UNKNOWN,
          storeTag,
          tagTaskId ? AsynczMetrics.UNKNOWN : null);
    }
    RunTags tags = known.get(taskId);
    if (tags != null && tags.store().equals(storeTag)) {
      return tags;
    }
    // Not seen run lately: a memory store answers at no cost; another store is never read here,
    // on the loop's thread.
    Optional<Task> local = lookupInMemory(taskId, store);
    if (local.isPresent()) {
      return tagsOf(local.get(), local.get().executor());
    }
    return new RunTags(
        AsynczMetrics.UNKNOWN,
        AsynczMetrics.UNKNOWN,
        storeTag,
        tagTaskId ? ids.admit(taskId) : null);
  }

  private Optional<Task> lookupInMemory(String taskId, String store) {
    if (store == null || !inMemory(store)) {
      return Optional.empty();
    }
    TaskStore s = lookupStore(store);
    try {
      return s == null ? Optional.empty() : s.lookupTask(taskId);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private RunTags tagsOf(Task task, String executor) {
    String store = task.storeAlias();
    return new RunTags(
        names.admit(task.name()),
        executor == null ? AsynczMetrics.UNKNOWN : executor,
        store == null ? AsynczMetrics.UNKNOWN : store,
        tagTaskId ? ids.admit(task.id()) : null);
  }

  /** Whether the store of this alias is a memory store; asked of the scheduler once per alias. */
  private boolean inMemory(String store) {
    Boolean memory = memoryStores.get(store);
    if (memory == null) {
      TaskStore found = lookupStore(store);
      if (found == null) {
        return false; // not added (yet): asked again next time
      }
      memory = found instanceof MemoryStore;
      memoryStores.put(store, memory);
    }
    return memory;
  }

  private TaskStore lookupStore(String store) {
    try {
      return scheduler.lookupStore(store);
    } catch (RuntimeException e) {
      return null; // removed meanwhile, or never there
    }
  }

  // ------------------------------------------------------------------ meters

  /**
   * The meters of a task's runs on an executor. Runs of one task name, executor and store share the
   * same string instances (a name is computed once per function class, aliases once per scheduler),
   * so a table compared by identity answers most runs without building their tags.
   */
  private RunMeters metersOf(Task task, String executor) {
    String name = task.name();
    String store = task.storeAlias();
    if (tagTaskId) {
      return metersOf(tagsOf(task, executor)); // a tag per task: nothing to share
    }
    int slot = System.identityHashCode(name) & (recent.length() - 1);
    Recent r = recent.getPlain(slot);
    if (r != null && r.name == name && r.executor == executor && r.store == store) {
      return r.meters;
    }
    RunMeters m = metersOf(tagsOf(task, executor));
    recent.setPlain(slot, new Recent(name, executor, store, m));
    return m;
  }

  /** A task name, executor and store alias (the instances), and their meters. */
  private record Recent(String name, String executor, String store, RunMeters meters) {}

  private RunMeters metersOf(RunTags tags) {
    RunMeters m = meters.get(tags);
    return m != null ? m : meters.computeIfAbsent(tags, t -> new RunMeters(t, this));
  }

  /**
   * The nanoseconds from one instant to a later one, 0 when it is not later, held at the largest
   * long; no {@link Duration} is made, as each run would make two.
   */
  static long nanosBetween(Instant from, Instant to) {
    long seconds = to.getEpochSecond() - from.getEpochSecond();
    if (seconds < 0) {
      return 0;
    }
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L - 1) {
      return Long.MAX_VALUE;
    }
    long nanos = seconds * 1_000_000_000L + (to.getNano() - from.getNano());
    return Math.max(0, nanos);
  }

  private LongAdder inFlight(String executor) {
    LongAdder running = inFlight.get(executor);
    if (running != null) {
      return running;
    }
    return inFlight.computeIfAbsent(
        executor,
        e -> {
          LongAdder n = new LongAdder();
          remember(
              Gauge.builder(AsynczMetrics.IN_FLIGHT, n, LongAdder::sum)
                  .tag("executor", e)
                  .description("Runs started and not yet ended")
                  .strongReference(true)
                  .register(registry));
          return n;
        });
  }

  Counter counter(String name, Tags tags, String description) {
    return remember(Counter.builder(name).tags(tags).description(description).register(registry));
  }

  Timer timer(String name, Tags tags, String description) {
    return remember(
        Timer.builder(name)
            .tags(tags)
            .description(description)
            .publishPercentileHistogram()
            .register(registry));
  }

  private <M extends Meter> M remember(M meter) {
    registered.add(meter);
    if (closed) {
      registry.remove(meter); // registered by a run that raced the cancellation
    }
    return meter;
  }

  // ------------------------------------------------------------------ unbinding

  @Override
  public void cancel() {
    if (closed) {
      return;
    }
    closed = true;
    runs.cancel();
    events.cancel();
    Meter meter;
    while ((meter = registered.poll()) != null) {
      registry.remove(meter);
    }
  }
}
