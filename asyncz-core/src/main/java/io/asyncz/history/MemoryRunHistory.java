package io.asyncz.history;

import io.asyncz.run.RunInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

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
 * over every task merges the stripes' newest runs. The recorder's starts ({@link
 * #saveStart(RunInfo)}) are staged per recording thread and filed into the stripes in batches (see
 * there); every read, prune and {@link #save} files them first.
 */
public final class MemoryRunHistory implements RunHistory {
  private static final int STRIPE_BITS = 56; // a handle: stripe, then the stripe's own handle
  private static final long STAGED = 1L << 62; // a handle of a run still staged (see Staging)
  private static final int STAGINGS = 64; // staging areas, chosen by the recording thread's id
  private static final int EPOCH_MASK = 0xFFFFFF; // the bits of a staging's epoch a handle keeps

  private final RunRetention retention;
  private final Clock clock;
  private final RunTable[] stripes;
  private final int stripeShift;
  private final AtomicReferenceArray<Staging> stagings = new AtomicReferenceArray<>(STAGINGS);
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
    fileAll(); // its run's start may be staged: filed first, so that the record replaces it
    Instant oldest = oldest();
    stripes[stripeOf(record.taskId())].save(record, oldest);
  }

  @Override
  public void pruneExpired() {
    fileAll();
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
    return handle < 0 ? handle : stripeHandle(stripe, handle);
  }

  /**
   * Saves the start of a run as the {@code RUNNING} record the scheduler's recorder would make of
   * it (its start cut by {@link RunOrder#startOf}), without making the record: {@link
   * #saveStart(RunRecord)} otherwise. A run's recording is the history's share of every run, and
   * two records a run were most of what it allocated.
   *
   * <p>The start is staged first, in an area of the recording thread's, and filed into its stripe
   * with the area's other runs once the area is full or something reads the history: the threads of
   * a pool then write each stripe in bursts, where filing each run at once had them take turns at
   * the stripes' cache lines on most runs. A run that ends before its start is filed (most runs) is
   * filed once, ended.
   */
  public long saveStart(RunInfo run) {
    Objects.requireNonNull(run, "run");
    int index = (int) Thread.currentThread().getId() & (STAGINGS - 1);
    Staging staging = stagings.get(index);
    if (staging == null) {
      stagings.compareAndSet(index, null, new Staging());
      staging = stagings.get(index);
    }
    synchronized (staging) {
      if (staging.count == Staging.SIZE) {
        file(staging);
      }
      int entry = staging.count++;
      staging.runs[entry] = run;
      staging.starts[entry] = RunOrder.startOf(run.startedAt());
      return stagedHandle(index, staging.epoch, entry);
    }
  }

  // A staged run's handle: STAGED, its staging area (bits 40 on), the area's epoch when it was
  // staged (its count of filed batches, cut to 24 bits; bits 8 to 31) and its entry (bits 0 to 7).
  // A filed run's handle is its stripe (bits 56 on) and the stripe's own handle.

  private static long stagedHandle(int area, int epoch, int entry) {
    return STAGED | ((long) area << 40) | ((long) (epoch & EPOCH_MASK) << 8) | entry;
  }

  private static boolean isStaged(long handle) {
    return handle > 0 && (handle & STAGED) != 0;
  }

  private static int areaOf(long handle) {
    return (int) (handle >>> 40) & (STAGINGS - 1);
  }

  private static int epochOf(long handle) {
    return (int) (handle >>> 8) & EPOCH_MASK;
  }

  private static int entryOf(long handle) {
    return (int) handle & 0xFF;
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
    if (isStaged(handle)) {
      Staging staging = stagings.get(areaOf(handle));
      if (staging == null) {
        return false;
      }
      synchronized (staging) {
        int entry = entryOf(handle);
        int epoch = epochOf(handle);
        if (epoch == (staging.epoch & EPOCH_MASK)) {
          if (entry >= staging.count || staging.runs[entry] != run) {
            return false;
          }
          staging.statuses[entry] = status;
          staging.ends[entry] = endedAt;
          return true;
        }
        handle = filedHandle(staging, epoch, entry);
      }
    }
    RunTable table = filedTable(handle, run.taskId());
    return table != null
        && table.saveEnd(ownHandle(handle), RunOrder.startOf(run.startedAt()), status, endedAt);
  }

  /**
   * Saves the record of a run that {@link #saveStart} saved, replacing its start in place; the same
   * as {@link #save} when the handle no longer points at the run (moved, or removed).
   */
  public void saveEnd(long handle, RunRecord end) {
    Objects.requireNonNull(end, "end");
    if (isStaged(handle)) {
      Staging staging = stagings.get(areaOf(handle));
      if (staging != null) {
        synchronized (staging) {
          int entry = entryOf(handle);
          int epoch = epochOf(handle);
          if (epoch == (staging.epoch & EPOCH_MASK) && entry < staging.count) {
            file(staging); // a record with more than an end: its start is filed, then replaced
          }
          handle = filedHandle(staging, epoch, entry);
        }
      } else {
        handle = -1;
      }
    }
    RunTable table = filedTable(handle, end.taskId());
    if (table != null && table.saveEnd(ownHandle(handle), end)) {
      return;
    }
    save(end);
  }

  /** The stripe a filed run's handle names, if it is that task's; null for a lost handle (-1). */
  private RunTable filedTable(long handle, String taskId) {
    if (handle < 0) {
      return null;
    }
    int stripe = (int) (handle >>> STRIPE_BITS);
    return stripe < stripes.length && stripe == stripeOf(taskId) ? stripes[stripe] : null;
  }

  private static long stripeHandle(int stripe, long own) {
    return ((long) stripe << STRIPE_BITS) | own;
  }

  private static long ownHandle(long filedHandle) {
    return filedHandle & ((1L << STRIPE_BITS) - 1);
  }

  /** The stripe handle an entry of the last filed epoch got, or -1. Holds the staging's lock. */
  private static long filedHandle(Staging staging, int epoch, int entry) {
    return epoch == ((staging.epoch - 1) & EPOCH_MASK) && entry < Staging.SIZE
        ? staging.filed[entry]
        : -1;
  }

  /**
   * Files a staging area's runs into their stripes, each stripe locked once for all of its runs.
   * Holds the staging's lock.
   */
  private void file(Staging staging) {
    int count = staging.count;
    if (count == 0) {
      return;
    }
    int[] hashes = new int[count];
    int[] order = new int[count];
    int[] stripeOfEntry = new int[count];
    // Worked out before any stripe is locked: it may sweep every stripe.
    Instant[] oldest = new Instant[count];
    for (int i = 0; i < count; i++) {
      oldest[i] = oldestForStart(staging.starts[i]);
      hashes[i] = RunTable.hashOfTask(staging.runs[i].taskId());
      stripeOfEntry[i] = stripeOfHash(hashes[i]);
      // Insertion into the order by stripe, keeping start order within a stripe.
      int j = i;
      while (j > 0 && stripeOfEntry[order[j - 1]] > stripeOfEntry[i]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }
    int at = 0;
    while (at < count) {
      int stripe = stripeOfEntry[order[at]];
      RunTable table = stripes[stripe];
      synchronized (table) {
        for (; at < count && stripeOfEntry[order[at]] == stripe; at++) {
          int i = order[at];
          Instant start = staging.starts[i];
          long own = table.saveStart(staging.runs[i], start, hashes[i], oldest[i]);
          if (own >= 0 && staging.statuses[i] != null) {
            table.saveEnd(own, start, staging.statuses[i], staging.ends[i]);
          }
          staging.filed[i] = own < 0 ? -1 : stripeHandle(stripe, own);
        }
      }
    }
    java.util.Arrays.fill(staging.runs, 0, count, null);
    java.util.Arrays.fill(staging.starts, 0, count, null);
    java.util.Arrays.fill(staging.statuses, 0, count, null);
    java.util.Arrays.fill(staging.ends, 0, count, null);
    staging.count = 0;
    staging.epoch++;
  }

  /** Files every staging area's runs: what reads or replaces runs sees every run saved before. */
  private void fileAll() {
    for (int i = 0; i < STAGINGS; i++) {
      Staging staging = stagings.get(i);
      if (staging != null) {
        synchronized (staging) {
          file(staging);
        }
      }
    }
  }

  /**
   * The runs one recording thread (or the few whose ids share its index) started lately and that
   * are not filed yet, with their ends when they ended meanwhile; guarded by itself.
   */
  private static final class Staging {
    static final int SIZE = 64;
    final RunInfo[] runs = new RunInfo[SIZE];
    final Instant[] starts = new Instant[SIZE];
    final RunStatus[] statuses = new RunStatus[SIZE]; // null while running
    final Instant[] ends = new Instant[SIZE];
    final long[] filed = new long[SIZE]; // the stripe handles of the last filed epoch's entries
    int count;
    int epoch;
  }

  // ------------------------------------------------------------------ reading

  @Override
  public Optional<RunRecord> find(String runId) {
    Objects.requireNonNull(runId, "runId");
    fileAll();
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
    fileAll();
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
    fileAll();
    int size = 0;
    for (RunTable stripe : stripes) {
      size += stripe.size();
    }
    return size;
  }
}
