package io.asyncz.history;

import io.asyncz.run.RunInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Run history in this JVM's memory, for a store whose history is not persistent: per task the
 * newest {@link RunRetention#maxRunsPerTask()} runs, none older than {@link RunRetention#maxAge()}.
 * Both limits are enforced as runs are written: a task's runs beyond its limit go when the new ones
 * are filed under the task (at once for {@link #save}; for {@link #saveStart}, within a batch of a
 * few thousand starts, and always before anything is read), and runs past the age limit go from the
 * oldest end, so that a one-shot task's run does not outlive its age; queries and {@link #find}
 * skip runs older than the age limit.
 *
 * <p>Recording must stay cheap next to a run that does nothing. The runs are kept in columns of
 * primitives rather than as objects (see {@code RunTable}), and in stripes chosen by the task id's
 * hash, each with its own lock: the executor threads that record runs of different tasks do not
 * wait for each other (with one lock, a thread that lost the processor while holding it stalled
 * every other run's recording for a time slice). A query for one task reads its stripe; a query
 * over every task merges the stripes' newest runs.
 */
public final class MemoryRunHistory implements RunHistory {
  private static final int STRIPE_BITS = 56; // a handle: stripe, then the stripe's own handle

  private final RunRetention retention;
  private final Clock clock;
  private final RunTable[] stripes;
  private final int stripeShift;
  // A write prunes its own stripe; every stripe is pruned at most once a second, by the first write
  // of that second (benignly racy: two writers may both prune).
  private volatile long nextSweepSecond = Long.MIN_VALUE;
  // The age limit of the starts of one millisecond, worked out at the first of them: the starts
  // of a busy drain share it instead of each reading the clock and making two instants.
  private volatile Floor floor;

  private record Floor(long startMilli, Instant oldest) {}

  /** A history that keeps what {@code retention} says, judging age on {@code clock}. */
  public MemoryRunHistory(RunRetention retention, Clock clock) {
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
    int count = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 4));
    stripes = new RunTable[Math.min(64, count)];
    stripeShift = 32 - Integer.numberOfTrailingZeros(stripes.length);
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new RunTable(retention.maxRunsPerTask());
    }
  }

  private int stripeOf(String taskId) {
    return stripeOfHash(RunTable.hashOfTask(taskId));
  }

  private int stripeOfHash(int taskHash) {
    // The top bits of another mix: a stripe's tables index by the low bits of hashOfTask.
    return (taskHash * 0x85EBCA6B) >>> stripeShift;
  }

  /** The oldest start kept now; sweeps every stripe of older runs once a second. */
  private Instant oldest() {
    Instant oldest = clock.instant().minus(retention.maxAge());
    if (oldest.getEpochSecond() >= nextSweepSecond) {
      nextSweepSecond = oldest.getEpochSecond() + 1;
      for (RunTable stripe : stripes) {
        stripe.prune(oldest);
      }
    }
    return oldest;
  }

  /** {@link #oldest()} as at the first start of this start's millisecond. */
  private Instant oldestForStart(Instant startedAt) {
    long milli = startedAt.toEpochMilli();
    Floor f = floor;
    if (f != null && f.startMilli == milli) {
      return f.oldest;
    }
    Instant oldest = oldest();
    floor = new Floor(milli, oldest);
    return oldest;
  }

  // ------------------------------------------------------------------ writing

  @Override
  public void save(RunRecord record) {
    Objects.requireNonNull(record, "record");
    Instant oldest = oldest();
    stripes[stripeOf(record.taskId())].save(record, oldest);
  }

  @Override
  public void pruneExpired() {
    Instant oldest = clock.instant().minus(retention.maxAge());
    for (RunTable stripe : stripes) {
      stripe.prune(oldest);
    }
  }

  /**
   * Saves the start of a run whose id was never saved before (a new id from {@link
   * io.asyncz.run.RunIds#next}), without looking the id up, and returns a handle that {@link
   * #saveEnd} takes: the scheduler's recorder saves each run this way. A record whose id was saved
   * before would be kept twice; {@link #save} is for every other record.
   */
  public long saveStart(RunRecord start) {
    Objects.requireNonNull(start, "start");
    int taskHash = RunTable.hashOfTask(start.taskId());
    int stripe = stripeOfHash(taskHash);
    long handle = stripes[stripe].saveStart(start, taskHash, oldestForStart(start.startedAt()));
    return handle < 0 ? handle : ((long) stripe << STRIPE_BITS) | handle;
  }

  /**
   * Saves the start of a run as the {@code RUNNING} record the scheduler's recorder would make of
   * it (its start cut by {@link RunOrder#startOf}), without making the record: {@link
   * #saveStart(RunRecord)} otherwise. A run's recording is the history's share of every run, and
   * two records a run were most of what it allocated.
   */
  public long saveStart(RunInfo run) {
    Objects.requireNonNull(run, "run");
    Instant startedAt = RunOrder.startOf(run.startedAt());
    int taskHash = RunTable.hashOfTask(run.taskId());
    int stripe = stripeOfHash(taskHash);
    long handle = stripes[stripe].saveStart(run, startedAt, taskHash, oldestForStart(startedAt));
    return handle < 0 ? handle : ((long) stripe << STRIPE_BITS) | handle;
  }

  /**
   * Ends a run that {@link #saveStart(RunInfo)} saved, in place, when it has nothing to keep but
   * its status and end time (no result, error or log); false when the handle no longer points at
   * the run (moved, or removed), for the caller to save its whole record with {@link #saveEnd(long,
   * RunRecord)}.
   */
  public boolean saveEnd(long handle, RunInfo run, RunStatus status, Instant endedAt) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(endedAt, "endedAt");
    if (handle < 0) {
      return false;
    }
    int stripe = (int) (handle >>> STRIPE_BITS);
    long own = handle & ((1L << STRIPE_BITS) - 1);
    return stripe < stripes.length
        && stripe == stripeOf(run.taskId())
        && stripes[stripe].saveEnd(own, RunOrder.startOf(run.startedAt()), status, endedAt);
  }

  /**
   * Saves the record of a run that {@link #saveStart} saved, replacing its start in place; the same
   * as {@link #save} when the handle no longer points at the run (moved, or removed).
   */
  public void saveEnd(long handle, RunRecord end) {
    Objects.requireNonNull(end, "end");
    if (handle >= 0) {
      int stripe = (int) (handle >>> STRIPE_BITS);
      long own = handle & ((1L << STRIPE_BITS) - 1);
      if (stripe < stripes.length
          && stripe == stripeOf(end.taskId())
          && stripes[stripe].saveEnd(own, end)) {
        return;
      }
    }
    save(end);
  }

  // ------------------------------------------------------------------ reading

  @Override
  public Optional<RunRecord> find(String runId) {
    Objects.requireNonNull(runId, "runId");
    Instant oldest = oldest();
    for (RunTable stripe : stripes) {
      RunRecord found = stripe.find(runId, oldest);
      if (found != null) {
        return Optional.of(found);
      }
    }
    return Optional.empty();
  }

  @Override
  public RunPage query(RunQuery query) {
    Instant oldest = oldest();
    Instant floor = query.from() != null && query.from().isAfter(oldest) ? query.from() : oldest;
    Instant cursorStart = null;
    if (query.after() != null) {
      if (query.taskId() != null) {
        cursorStart = stripes[stripeOf(query.taskId())].startOf(query.after(), query.taskId());
      } else {
        for (RunTable stripe : stripes) {
          cursorStart = stripe.startOf(query.after(), null);
          if (cursorStart != null) {
            break;
          }
        }
      }
      if (cursorStart == null) {
        cursorStart = RunOrder.cursorStart(query.after()); // not held: placed by its id's time
      }
    }
    int wanted = query.limit() + 1;
    List<RunRecord> runs;
    if (query.taskId() != null) {
      runs = stripes[stripeOf(query.taskId())].newest(query, floor, cursorStart, wanted);
    } else {
      runs = new ArrayList<>();
      for (RunTable stripe : stripes) {
        runs.addAll(stripe.newest(query, floor, cursorStart, wanted));
      }
      runs.sort(RunOrder.NEWEST_FIRST);
    }
    if (runs.size() > query.limit()) {
      runs = runs.subList(0, query.limit());
      return new RunPage(List.copyOf(runs), runs.get(runs.size() - 1).runId());
    }
    return new RunPage(runs, null);
  }

  /** How many runs are kept, across every task. */
  public int size() {
    int size = 0;
    for (RunTable stripe : stripes) {
      size += stripe.size();
    }
    return size;
  }
}
