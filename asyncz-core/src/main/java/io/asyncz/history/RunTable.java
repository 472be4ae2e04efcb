package io.asyncz.history;

import io.asyncz.run.RunInfo;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * One stripe of a {@link MemoryRunHistory}: the runs of the tasks whose id hashes to it, kept in
 * columns (arrays of primitives, one row per run) rather than as objects, so that recording stays
 * cheap next to a run that does nothing and a history of hundreds of thousands of runs does not
 * give the garbage collector as many objects to copy. A run id that is a ULID (as {@link
 * io.asyncz.run.RunIds} makes them) is kept as two {@code long}s, a task id as characters in one
 * shared array, and the strings that many runs share (task name, store, executor, node, source)
 * once each; a {@link RunRecord} is built only when a run is read. Two tables of {@code int}s find
 * a run by its id and a task by its id; each task's runs are a list linked through the rows in
 * start order (a start saved by {@link #saveStart} joins its task's list in a batch, see {@code
 * linkPending}). Rows of removed runs are reclaimed by copying the live rows once as many have been
 * removed as are live, so that the work per run stays constant. Every method holds the table's
 * lock.
 */
final class RunTable {
  private static final int NONE = -1;
  private static final byte DEAD = -1;
  private static final RunStatus[] STATUSES = RunStatus.values();
  private static final byte RUNNING = (byte) RunStatus.RUNNING.ordinal();
  private static final String DIGITS = RunOrder.DIGITS;
  private static final long NO_END = Long.MIN_VALUE;
  private static final int MIN_COMPACTION = 4096;
  private static final int LINK_BATCH = 4096;
  private static final int TOUCH_AHEAD = 256;

  private final int maxRunsPerTask;

  // ---- rows: one per run, in the order they were first saved (guarded by this)
  private int rows; // rows used (live and dead)
  private int live;
  private int removedSinceCompaction;
  private int head; // rows before it are dead or pruned
  private long[] idHi = new long[16];
  private long[] idLo = new long[16];
  private int[] task = new int[16];
  private long[] scheduledSecond = new long[16];
  private int[] scheduledNano = new int[16];
  private long[] startSecond = new long[16];
  private int[] startNano = new int[16];
  private long[] endSecond = new long[16];
  private int[] endNano = new int[16];
  private byte[] status = new byte[16];
  private int[] attempt = new int[16];
  private int[] context = new int[16];
  private Object[] detail = new Object[16]; // a Detail, or null for a run without one
  private int[] prev = new int[16]; // the task's previous run in start order
  private int[] next = new int[16];

  // How far a row's start may lie before the latest start of the rows saved ahead of it: a scan
  // from the newest row may stop once a start is older than what it needs by more than this.
  private long disorderNanos;
  private long latestStartNanos = Long.MIN_VALUE;

  // ---- run ids that are not ULIDs: rare (a record saved through the API with an id of its own)
  private final Map<String, Integer> oddRowById = new HashMap<>();
  private final Map<Integer, String> oddIdByRow = new HashMap<>();

  // ---- the index of runs by id: open addressing, linear probing; row + 1, or 0 for empty. It is
  // brought up to date when a run is looked up by id, so that recording a run never waits for it.
  private int[] runSlots = new int[32];
  private int runCount;
  private int indexedRows; // rows before it are in the index (or dead, or odd)
  private int generation; // counts compactions, which move rows: a handle is of one generation

  // ---- tasks: slots with their id in the shared character array, runs and the index by id
  private int tasks; // slots used
  private int[] taskHash = new int[8];
  private int[] taskIdStart = new int[8];
  private int[] taskIdLength = new int[8];
  private int[] taskNewest = new int[8];
  private int[] taskOldest = new int[8];
  private int[] taskRuns = new int[8];
  private int[] freeTasks = new int[8];
  private int freeCount;
  private char[] taskIds = new char[256];
  private int taskIdsUsed;
  private int[] taskSlots = new int[16]; // task slot + 1, or 0 for empty
  private int taskCount;

  // ---- rows that saveStart appended and that are not in their task's list yet: their task ids, at
  // row - linkedRows. They are linked in a batch (see linkPending) before anything reads the lists.
  // Their task ids are copied when saved, while the string is in the saving thread's cache; by the
  // time the batch is linked, thousands of runs later, it would not be.
  private final int[] unlinkedHash = new int[LINK_BATCH];
  private final int[] unlinkedStart = new int[LINK_BATCH];
  private final int[] unlinkedLength = new int[LINK_BATCH];
  private char[] unlinkedChars = new char[LINK_BATCH * 16];
  private int unlinkedCharsUsed;
  private char[] scratch = new char[64]; // a task id being looked up
  private int touched; // what linkPending's first pass read, kept so that the reads are not dropped
  private int linkedRows; // rows before it are in their task's list (or dead)
  private Instant oldestSeen = Instant.MIN; // the latest age limit a caller gave

  // ---- the strings runs share, each combination once
  private final Map<Context, Integer> contextCodes = new HashMap<>();
  private final List<Context> contexts = new ArrayList<>();
  private Context lastContext;
  private int lastContextCode = NONE;

  // scratch of the last run id parsed (guarded by this)
  private long parsedHi;
  private long parsedLo;
  private boolean parsedValid;

  /** A table that keeps at most {@code maxRunsPerTask} runs of each task. */
  RunTable(int maxRunsPerTask) {
    this.maxRunsPerTask = maxRunsPerTask;
  }

  /** The strings a run shares with many others. */
  private record Context(
      String taskName, String store, String executor, String node, String source) {}

  /** What only some runs have. */
  private record Detail(
      String result, String errorType, String errorMessage, String stackTrace, String log) {}

  // ------------------------------------------------------------------ writing

  /**
   * Saves a record, replacing the one saved under its run id; drops runs older than {@code oldest}.
   */
  synchronized void save(RunRecord record, Instant oldest) {
    linkPending(oldest);
    int existing = rowOf(record.runId());
    Instant start = record.startedAt();
    if (existing != NONE
        && startSecond[existing] == start.getEpochSecond()
        && startNano[existing] == start.getNano()) {
      write(existing, record); // a run's end replaces its start, in place
    } else {
      if (existing != NONE) {
        remove(existing);
      }
      insert(record, oldest);
    }
    pruneHead(oldest);
    compactIfWorthIt();
  }

  /** Drops runs older than {@code oldest} from the oldest end. */
  synchronized void prune(Instant oldest) {
    linkPending(oldest);
    pruneHead(oldest);
    compactIfWorthIt();
  }

  /**
   * Saves the start of a run whose id was never saved before, without looking the id up; returns
   * the handle {@link #saveEnd} takes (the table's generation and the run's row), or -1 when the
   * record was too old to keep.
   */
  synchronized long saveStart(RunRecord start, int taskHash, Instant oldest) {
    return saveStart(
        start.runId(), start.taskId(), start.startedAt(), taskHash, oldest, start, null);
  }

  /**
   * {@link #saveStart(RunRecord, int, Instant)} for a run's start made of its {@link RunInfo}
   * rather than a record, its start cut to the millisecond: {@code RUNNING}, no end, no detail.
   */
  synchronized long saveStart(RunInfo run, Instant startedAt, int taskHash, Instant oldest) {
    return saveStart(run.runId(), run.taskId(), startedAt, taskHash, oldest, null, run);
  }

  /** Saves a start given as a record or as a run (one of the two is null). */
  private long saveStart(
      String runId,
      String taskId,
      Instant startedAt,
      int taskHash,
      Instant oldest,
      RunRecord record,
      RunInfo run) {
    oldestSeen = oldest;
    if (startedAt.isBefore(oldest)) {
      return NONE; // already too old to keep
    }
    if (rows - linkedRows == LINK_BATCH) {
      linkPending(oldest);
    }
    parsedValid = parseRunId(runId);
    int row = newRow(NONE, runId, parsedValid, parsedHi, parsedLo);
    if (record != null) {
      write(row, record);
    } else {
      writeStart(row, run, startedAt);
    }
    noteStart(row);
    int pending = row - linkedRows;
    int length = taskId.length();
    if (unlinkedCharsUsed + length > unlinkedChars.length) {
      unlinkedChars =
          Arrays.copyOf(
              unlinkedChars, Math.max(unlinkedChars.length * 2, unlinkedCharsUsed + length));
    }
    taskId.getChars(0, length, unlinkedChars, unlinkedCharsUsed);
    unlinkedHash[pending] = taskHash;
    unlinkedStart[pending] = unlinkedCharsUsed;
    unlinkedLength[pending] = length;
    unlinkedCharsUsed += length;
    long handle = ((long) (generation & 0xFFFFFF) << 32) | row;
    pruneHead(oldest);
    compactIfWorthIt();
    return handle;
  }

  /**
   * Replaces the start that {@link #saveStart} saved, in place; false when the handle no longer
   * points at the run (moved by a compaction, or removed), for the caller to {@link #save} it.
   */
  synchronized boolean saveEnd(long handle, RunRecord end) {
    int row = rowOf(handle, end.startedAt());
    if (row == NONE) {
      return false;
    }
    write(row, end);
    return true;
  }

  /**
   * Ends the run that {@link #saveStart(RunInfo, Instant, int, Instant)} saved, in place, with
   * nothing but its status and end time; false when the handle no longer points at the run.
   */
  synchronized boolean saveEnd(long handle, Instant startedAt, RunStatus end, Instant endedAt) {
    int row = rowOf(handle, startedAt);
    if (row == NONE) {
      return false;
    }
    status[row] = (byte) end.ordinal();
    endSecond[row] = endedAt.getEpochSecond();
    endNano[row] = endedAt.getNano();
    return true;
  }

  /** The row a handle points at if it still holds the run started then, else {@link #NONE}. */
  private int rowOf(long handle, Instant startedAt) {
    int row = (int) handle;
    if (handle != NONE
        && (int) (handle >>> 32) == (generation & 0xFFFFFF)
        && row < rows
        && status[row] != DEAD
        && startSecond[row] == startedAt.getEpochSecond()
        && startNano[row] == startedAt.getNano()) {
      // Rows are not reused within a generation: a live row of the handle's generation is the
      // run's own, and its id need not be compared.
      return row;
    }
    return NONE;
  }

  /**
   * Adds a row for a new record and applies its task's retention; returns the row, or {@link #NONE}
   * when the record itself was too old to keep. {@link #parsedValid} says whether its id parsed,
   * into {@link #parsedHi} and {@link #parsedLo}.
   */
  private int insert(RunRecord record, Instant oldest) {
    boolean ulid = parsedValid;
    long hi = parsedHi;
    long lo = parsedLo;
    int slot = taskSlot(record.taskId());
    int row = append(record, slot, ulid, hi, lo);
    linkedRows = rows; // every row before it was linked by the caller
    link(row, slot);
    return retain(slot, row, oldest) ? row : NONE;
  }

  /**
   * Applies a task's retention after {@code row} joined its runs: removes its oldest runs while it
   * has more than the limit or they started before {@code oldest}; false when that removed {@code
   * row} itself.
   */
  private boolean retain(int slot, int row, Instant oldest) {
    while (taskRuns[slot] > maxRunsPerTask || isBefore(taskOldest[slot], oldest)) {
      int victim = taskOldest[slot];
      remove(victim);
      if (victim == row) {
        return false;
      }
    }
    return true;
  }

  /**
   * Puts the rows {@link #saveStart} appended into their tasks' lists and applies the tasks'
   * retention. Finding a task by id is a cache miss for a task new to the table (every run of a
   * drain of one-shot tasks); done here, in a batch, the misses of consecutive rows overlap, where
   * one per saved start would stall the executor thread that records it.
   */
  private void linkPending(Instant oldest) {
    oldestSeen = oldest;
    int base = linkedRows;
    int count = rows - base;
    if (count == 0) {
      return;
    }
    for (int i = 0; i < count; i++) {
      if (i % TOUCH_AHEAD == 0) {
        touch(i, Math.min(count, i + TOUCH_AHEAD));
      }
      int row = base + i;
      linkedRows = row + 1;
      if (status[row] == DEAD) {
        continue;
      }
      int slot = taskSlot(unlinkedChars, unlinkedStart[i], unlinkedLength[i], unlinkedHash[i]);
      task[row] = slot;
      link(row, slot);
      retain(slot, row, oldest);
    }
    unlinkedCharsUsed = 0;
  }

  private int append(RunRecord record, int slot, boolean ulid, long hi, long lo) {
    int row = newRow(slot, record.runId(), ulid, hi, lo);
    write(row, record);
    noteStart(row);
    return row;
  }

  /** Takes a new row for a run of this id, its fields other than the id yet to be written. */
  private int newRow(int slot, String runId, boolean ulid, long hi, long lo) {
    if (rows == idHi.length) {
      if (removedSinceCompaction > 0 && rows > Integer.MAX_VALUE / 2) {
        compact();
      }
      if (rows == idHi.length) {
        if (rows >= Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("The memory run history holds its most runs: " + rows);
        }
        grow((int) Math.min(Integer.MAX_VALUE - 8, rows + (rows >> 1) + 16L));
      }
    }
    int row = rows++;
    live++;
    task[row] = slot;
    if (ulid) {
      idHi[row] = hi;
      idLo[row] = lo; // indexed when a run is next looked up by id
    } else {
      oddRowById.put(runId, row);
      oddIdByRow.put(row, runId);
    }
    return row;
  }

  /** Keeps {@link #disorderNanos} true of a row placed after every row before it. */
  private void noteStart(int row) {
    long start = nanos(startSecond[row], startNano[row]);
    if (start < latestStartNanos) {
      long gap = latestStartNanos - start; // negative when it overflows
      disorderNanos = gap < 0 ? Long.MAX_VALUE : Math.max(disorderNanos, gap);
    } else {
      latestStartNanos = start;
    }
  }

  /** Writes a run's start into its row (not its run id or task): running, no end, no detail. */
  private void writeStart(int row, RunInfo run, Instant startedAt) {
    Instant scheduled = run.scheduledRunTime();
    scheduledSecond[row] = scheduled.getEpochSecond();
    scheduledNano[row] = scheduled.getNano();
    startSecond[row] = startedAt.getEpochSecond();
    startNano[row] = startedAt.getNano();
    endSecond[row] = NO_END;
    endNano[row] = 0;
    status[row] = RUNNING;
    attempt[row] = run.attempt();
    Task t = run.task();
    context[row] =
        contextCode(t.name(), t.storeAlias(), run.executor(), run.node(), run.source().value());
    detail[row] = null;
  }

  /** Writes the fields a record may change into its row (not its run id or task). */
  private void write(int row, RunRecord r) {
    scheduledSecond[row] = r.scheduledAt().getEpochSecond();
    scheduledNano[row] = r.scheduledAt().getNano();
    startSecond[row] = r.startedAt().getEpochSecond();
    startNano[row] = r.startedAt().getNano();
    if (r.endedAt() == null) {
      endSecond[row] = NO_END;
      endNano[row] = 0;
    } else {
      endSecond[row] = r.endedAt().getEpochSecond();
      endNano[row] = r.endedAt().getNano();
    }
    status[row] = (byte) r.status().ordinal();
    attempt[row] = r.attempt();
    context[row] = contextCode(r.taskName(), r.store(), r.executor(), r.node(), r.source());
    detail[row] =
        r.result() == null
                && r.errorType() == null
                && r.errorMessage() == null
                && r.stackTrace() == null
                && r.log() == null
            ? null
            : new Detail(r.result(), r.errorType(), r.errorMessage(), r.stackTrace(), r.log());
  }

  private int contextCode(
      String taskName, String store, String executor, String node, String source) {
    Context last = lastContext;
    if (last != null
        && Objects.equals(last.taskName, taskName)
        && last.store.equals(store)
        && Objects.equals(last.executor, executor)
        && Objects.equals(last.node, node)
        && last.source.equals(source)) {
      return lastContextCode;
    }
    Context key = new Context(taskName, store, executor, node, source);
    Integer code = contextCodes.get(key);
    if (code == null) {
      code = contexts.size();
      contexts.add(key);
      contextCodes.put(key, code);
    }
    lastContext = key;
    lastContextCode = code;
    return code;
  }

  /** Puts a new row into its task's runs, in start order (almost always at the newest end). */
  private void link(int row, int slot) {
    int newer = NONE;
    int older = taskNewest[slot];
    while (older != NONE && compareRows(older, row) > 0) {
      newer = older;
      older = prev[older];
    }
    join(slot, older, row);
    join(slot, row, newer);
    taskRuns[slot]++;
  }

  /** Makes two runs of a task neighbours, older first; {@link #NONE} for an end of its list. */
  private void join(int slot, int older, int newer) {
    if (older == NONE) {
      taskOldest[slot] = newer;
    } else {
      next[older] = newer;
    }
    if (newer == NONE) {
      taskNewest[slot] = older;
    } else {
      prev[newer] = older;
    }
  }

  /**
   * Reads the index slots of the unlinked rows {@code from} to {@code to}: independent reads that
   * the processor overlaps, where linking, which depends on each, would wait for them one by one. A
   * few hundred at a time, so that they are still in the cache when the rows are linked.
   */
  private void touch(int from, int to) {
    int[] index = taskSlots;
    int mask = index.length - 1;
    int sum = 0;
    for (int i = from; i < to; i++) {
      sum += index[unlinkedHash[i] & mask];
    }
    touched = sum;
  }

  /** Removes a linked row (one before {@link #linkedRows}). */
  private void remove(int row) {
    int slot = task[row];
    join(slot, prev[row], next[row]);
    if (--taskRuns[slot] == 0) {
      forgetTask(slot);
    }
    String odd = oddIdByRow.isEmpty() ? null : oddIdByRow.remove(row);
    if (odd != null) {
      oddRowById.remove(odd);
    } else if (row < indexedRows) {
      unindexRun(row);
    }
    status[row] = DEAD;
    detail[row] = null;
    live--;
    removedSinceCompaction++;
  }

  /** Removes the oldest rows while they are dead or older than {@code oldest}. */
  private void pruneHead(Instant oldest) {
    while (head < rows && (status[head] == DEAD || isBefore(head, oldest))) {
      if (status[head] != DEAD && head >= linkedRows) {
        linkPending(oldest); // which may remove it
      }
      if (status[head] != DEAD) {
        remove(head);
      }
      head++;
    }
  }

  private boolean isBefore(int row, Instant instant) {
    long second = startSecond[row];
    return second < instant.getEpochSecond()
        || (second == instant.getEpochSecond() && startNano[row] < instant.getNano());
  }

  private void grow(int capacity) {
    idHi = Arrays.copyOf(idHi, capacity);
    idLo = Arrays.copyOf(idLo, capacity);
    task = Arrays.copyOf(task, capacity);
    scheduledSecond = Arrays.copyOf(scheduledSecond, capacity);
    scheduledNano = Arrays.copyOf(scheduledNano, capacity);
    startSecond = Arrays.copyOf(startSecond, capacity);
    startNano = Arrays.copyOf(startNano, capacity);
    endSecond = Arrays.copyOf(endSecond, capacity);
    endNano = Arrays.copyOf(endNano, capacity);
    status = Arrays.copyOf(status, capacity);
    attempt = Arrays.copyOf(attempt, capacity);
    context = Arrays.copyOf(context, capacity);
    detail = Arrays.copyOf(detail, capacity);
    prev = Arrays.copyOf(prev, capacity);
    next = Arrays.copyOf(next, capacity);
  }

  private void compactIfWorthIt() {
    if (removedSinceCompaction >= Math.max(live, MIN_COMPACTION)) {
      compact();
    }
  }

  /**
   * Copies the live rows to the front, in order, and rebuilds what points at rows (the task lists,
   * the indexes), the task ids and the shared strings: afterwards nothing removed takes room.
   */
  private void compact() {
    linkPending(oldestSeen);
    int[] moved = new int[rows];
    int to = 0;
    for (int from = 0; from < rows; from++) {
      if (status[from] == DEAD) {
        moved[from] = NONE;
        continue;
      }
      moved[from] = to;
      if (to != from) {
        idHi[to] = idHi[from];
        idLo[to] = idLo[from];
        task[to] = task[from];
        scheduledSecond[to] = scheduledSecond[from];
        scheduledNano[to] = scheduledNano[from];
        startSecond[to] = startSecond[from];
        startNano[to] = startNano[from];
        endSecond[to] = endSecond[from];
        endNano[to] = endNano[from];
        status[to] = status[from];
        attempt[to] = attempt[from];
        context[to] = context[from];
        detail[to] = detail[from];
        prev[to] = prev[from];
        next[to] = next[from];
      }
      to++;
    }
    Arrays.fill(detail, to, rows, null);
    rows = to;
    head = 0;
    removedSinceCompaction = 0;
    // The disorder of the rows left, which may be less than that of the rows removed.
    latestStartNanos = Long.MIN_VALUE;
    disorderNanos = 0;
    for (int row = 0; row < rows; row++) {
      noteStart(row);
      prev[row] = prev[row] == NONE ? NONE : moved[prev[row]];
      next[row] = next[row] == NONE ? NONE : moved[next[row]];
    }
    int capacity = Math.max(16, rows + (rows >> 1));
    if (capacity < idHi.length / 2) {
      grow(capacity); // shrinks
    }
    Map<Integer, String> odd = new HashMap<>(oddIdByRow);
    oddIdByRow.clear();
    oddRowById.clear();
    for (Map.Entry<Integer, String> e : odd.entrySet()) {
      int row = moved[e.getKey()];
      oddIdByRow.put(row, e.getValue());
      oddRowById.put(e.getValue(), row);
    }
    runSlots = new int[tableSize(rows - oddIdByRow.size())];
    runCount = 0;
    indexedRows = 0; // rebuilt at the next lookup
    linkedRows = rows;
    generation++;
    compactTasks(moved);
    compactContexts();
  }

  private void compactTasks(int[] moved) {
    char[] ids = new char[Math.max(256, taskIdsUsed)];
    int used = 0;
    int[] slots = new int[tableSize(taskCount)];
    for (int slot = 0; slot < tasks; slot++) {
      if (taskRuns[slot] == 0) {
        continue;
      }
      taskNewest[slot] = moved[taskNewest[slot]];
      taskOldest[slot] = moved[taskOldest[slot]];
      System.arraycopy(taskIds, taskIdStart[slot], ids, used, taskIdLength[slot]);
      taskIdStart[slot] = used;
      used += taskIdLength[slot];
      place(slots, taskHash[slot], slot);
    }
    taskIds = ids;
    taskIdsUsed = used;
    taskSlots = slots;
  }

  private void compactContexts() {
    int[] codes = new int[contexts.size()];
    Arrays.fill(codes, NONE);
    List<Context> kept = new ArrayList<>();
    for (int row = 0; row < rows; row++) {
      int old = context[row];
      if (codes[old] == NONE) {
        codes[old] = kept.size();
        kept.add(contexts.get(old));
      }
      context[row] = codes[old];
    }
    contexts.clear();
    contexts.addAll(kept);
    contextCodes.clear();
    for (int i = 0; i < kept.size(); i++) {
      contextCodes.put(kept.get(i), i);
    }
    lastContext = null;
    lastContextCode = NONE;
  }

  /** A table size that keeps {@code entries} at most half full. */
  private static int tableSize(int entries) {
    int size = 16;
    while (size < entries * 2) {
      size <<= 1;
    }
    return size;
  }

  // ------------------------------------------------------------------ run ids

  /**
   * Parses a canonical ULID (26 upper-case Crockford base-32 characters, the first at most 7) into
   * {@link #parsedHi} and {@link #parsedLo}; its 128 bits sort as its text does.
   */
  private boolean parseRunId(String id) {
    if (id.length() != 26) {
      return false;
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 26; i++) {
      char c = id.charAt(i);
      int digit = c < 128 ? DIGIT_VALUES[c] : -1;
      if (digit < 0 || (i == 0 && digit > 7)) {
        return false;
      }
      hi = (hi << 5) | (lo >>> 59);
      lo = (lo << 5) | digit;
    }
    parsedHi = hi;
    parsedLo = lo;
    return true;
  }

  private static final int[] DIGIT_VALUES = new int[128];

  static {
    Arrays.fill(DIGIT_VALUES, -1);
    for (int i = 0; i < DIGITS.length(); i++) {
      DIGIT_VALUES[DIGITS.charAt(i)] = i;
    }
  }

  private String runId(int row) {
    String odd = oddIdByRow.isEmpty() ? null : oddIdByRow.get(row);
    if (odd != null) {
      return odd;
    }
    char[] text = new char[26];
    long hi = idHi[row];
    long lo = idLo[row];
    for (int i = 25; i >= 0; i--) {
      text[i] = DIGITS.charAt((int) (lo & 31));
      lo = (lo >>> 5) | (hi << 59);
      hi >>>= 5;
    }
    return new String(text);
  }

  private static int runHash(long hi, long lo) {
    long h = (hi * 0x9E3779B97F4A7C15L) ^ lo;
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    return (int) (h ^ (h >>> 33));
  }

  /** Spreads a string's hash over every bit, for tables indexed by its low bits. */
  static int hashOfTask(String taskId) {
    int h = taskId.hashCode() * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** The row of a run id, or {@link #NONE}. */
  private int rowOf(String runId) {
    parsedValid = parseRunId(runId);
    if (!parsedValid) {
      Integer row = oddRowById.get(runId);
      return row == null ? NONE : row;
    }
    for (int row = indexedRows; row < rows; row++) {
      if (status[row] != DEAD && (oddIdByRow.isEmpty() || !oddIdByRow.containsKey(row))) {
        indexRun(row);
      }
    }
    indexedRows = rows;
    long hi = parsedHi;
    long lo = parsedLo;
    int mask = runSlots.length - 1;
    for (int i = runHash(hi, lo) & mask; ; i = (i + 1) & mask) {
      int entry = runSlots[i];
      if (entry == 0) {
        return NONE;
      }
      int row = entry - 1;
      if (idHi[row] == hi && idLo[row] == lo) {
        return row;
      }
    }
  }

  private void indexRun(int row) {
    if ((runCount + 1) * 2 > runSlots.length) {
      int[] old = runSlots;
      runSlots = new int[old.length * 2];
      for (int entry : old) {
        if (entry != 0) {
          place(runSlots, runHash(idHi[entry - 1], idLo[entry - 1]), entry - 1);
        }
      }
    }
    place(runSlots, runHash(idHi[row], idLo[row]), row);
    runCount++;
  }

  private static void place(int[] table, int hash, int value) {
    int mask = table.length - 1;
    int i = hash & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = value + 1;
  }

  private void unindexRun(int row) {
    int mask = runSlots.length - 1;
    int i = runHash(idHi[row], idLo[row]) & mask;
    while (runSlots[i] != row + 1) {
      i = (i + 1) & mask;
    }
    // Backward-shift deletion keeps every probe sequence unbroken without tombstones.
    for (int j = (i + 1) & mask; runSlots[j] != 0; j = (j + 1) & mask) {
      int other = runSlots[j] - 1;
      int home = runHash(idHi[other], idLo[other]) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        runSlots[i] = runSlots[j];
        i = j;
      }
    }
    runSlots[i] = 0;
    runCount--;
  }

  // ------------------------------------------------------------------ tasks

  /** The slot of a task id, made when the task has no runs yet. */
  private int taskSlot(String taskId) {
    int length = toScratch(taskId); // first: it may replace the scratch array
    return taskSlot(scratch, 0, length, hashOfTask(taskId));
  }

  /** Copies a task id into {@link #scratch}; returns its length. */
  private int toScratch(String taskId) {
    int length = taskId.length();
    if (length > scratch.length) {
      scratch = new char[Math.max(length, scratch.length * 2)];
    }
    taskId.getChars(0, length, scratch, 0);
    return length;
  }

  /** The slot of the task id in {@code chars[start, start + length)}, made if new. */
  private int taskSlot(char[] chars, int start, int length, int hash) {
    int found = findTask(chars, start, length, hash);
    if (found != NONE) {
      return found;
    }
    int slot;
    if (freeCount > 0) {
      slot = freeTasks[--freeCount];
    } else {
      if (tasks == taskHash.length) {
        int capacity = tasks * 2;
        taskHash = Arrays.copyOf(taskHash, capacity);
        taskIdStart = Arrays.copyOf(taskIdStart, capacity);
        taskIdLength = Arrays.copyOf(taskIdLength, capacity);
        taskNewest = Arrays.copyOf(taskNewest, capacity);
        taskOldest = Arrays.copyOf(taskOldest, capacity);
        taskRuns = Arrays.copyOf(taskRuns, capacity);
        freeTasks = Arrays.copyOf(freeTasks, capacity);
      }
      slot = tasks++;
    }
    if (taskIdsUsed + length > taskIds.length) {
      taskIds = Arrays.copyOf(taskIds, Math.max(taskIds.length * 2, taskIdsUsed + length));
    }
    System.arraycopy(chars, start, taskIds, taskIdsUsed, length);
    taskHash[slot] = hash;
    taskIdStart[slot] = taskIdsUsed;
    taskIdLength[slot] = length;
    taskIdsUsed += length;
    taskNewest[slot] = NONE;
    taskOldest[slot] = NONE;
    taskRuns[slot] = 0;
    if ((taskCount + 1) * 2 > taskSlots.length) {
      // Placed in slot order, which reads the hashes in order (in the old table's order each read
      // would be a cache miss); the slot just taken is placed below.
      taskSlots = new int[taskSlots.length * 2];
      for (int other = 0; other < tasks; other++) {
        if (other != slot && taskRuns[other] > 0) {
          place(taskSlots, taskHash[other], other);
        }
      }
    }
    place(taskSlots, hash, slot);
    taskCount++;
    return slot;
  }

  /** The slot of a task id, or {@link #NONE} when the history holds no run of it. */
  private int findTask(String taskId, int hash) {
    int length = toScratch(taskId);
    return findTask(scratch, 0, length, hash);
  }

  private int findTask(char[] chars, int start, int length, int hash) {
    int mask = taskSlots.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      int entry = taskSlots[i];
      if (entry == 0) {
        return NONE;
      }
      int slot = entry - 1;
      if (taskHash[slot] == hash
          && taskIdLength[slot] == length
          && Arrays.equals(
              taskIds,
              taskIdStart[slot],
              taskIdStart[slot] + length,
              chars,
              start,
              start + length)) {
        return slot;
      }
    }
  }

  private String taskId(int slot) {
    return new String(taskIds, taskIdStart[slot], taskIdLength[slot]);
  }

  /** Drops a task that has no runs left; its characters are reclaimed by the next compaction. */
  private void forgetTask(int slot) {
    int mask = taskSlots.length - 1;
    int i = taskHash[slot] & mask;
    while (taskSlots[i] != slot + 1) {
      i = (i + 1) & mask;
    }
    for (int j = (i + 1) & mask; taskSlots[j] != 0; j = (j + 1) & mask) {
      int home = taskHash[taskSlots[j] - 1] & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        taskSlots[i] = taskSlots[j];
        i = j;
      }
    }
    taskSlots[i] = 0;
    taskCount--;
    taskNewest[slot] = NONE;
    taskOldest[slot] = NONE;
    freeTasks[freeCount++] = slot;
  }

  // ------------------------------------------------------------------ reading

  /** The run with this id, unless it started before {@code oldest}; or {@code null}. */
  synchronized RunRecord find(String runId, Instant oldest) {
    linkPending(oldest);
    int row = rowOf(runId);
    return row == NONE || isBefore(row, oldest) ? null : record(row);
  }

  /**
   * When the run with this id started, if this table holds it (and, given, it is of {@code
   * taskId}).
   */
  synchronized Instant startOf(String runId, String taskId) {
    linkPending(oldestSeen);
    int row = rowOf(runId);
    if (row == NONE || (taskId != null && findTask(taskId, hashOfTask(taskId)) != task[row])) {
      return null;
    }
    return Instant.ofEpochSecond(startSecond[row], startNano[row]);
  }

  /**
   * The newest {@code wanted} runs that match {@code query} (its task, statuses and end; not its
   * limit), started at or after {@code floor} and, with a cursor, after it; newest first.
   */
  synchronized List<RunRecord> newest(
      RunQuery query, Instant floor, Instant cursorStart, int wanted) {
    linkPending(oldestSeen);
    Cursor cursor = null;
    if (cursorStart != null) {
      int row = rowOf(query.after());
      cursor = new Cursor(cursorStart, query.after(), row);
    }
    if (query.taskId() == null) {
      return newestOfAll(query, floor, cursor, wanted);
    }
    List<RunRecord> runs = new ArrayList<>(Math.min(wanted, 64));
    int slot = findTask(query.taskId(), hashOfTask(query.taskId()));
    // A task's runs are in start order: the first matches from the newest end are the page.
    for (int row = slot == NONE ? NONE : taskNewest[slot];
        row != NONE && runs.size() < wanted;
        row = prev[row]) {
      if (isBefore(row, floor)) {
        break;
      }
      if (matches(row, query, cursor)) {
        runs.add(record(row));
      }
    }
    return runs;
  }

  /** Where a paging cursor stands: a start and a run id (its row, when this history holds it). */
  private record Cursor(Instant start, String runId, int row) {}

  /**
   * The newest {@code wanted} matching runs of every task, scanning from the newest row: rows are
   * in the order runs were first saved, which is start order but for {@link #disorderNanos}.
   */
  private List<RunRecord> newestOfAll(RunQuery query, Instant floor, Cursor cursor, int wanted) {
    PriorityQueue<Integer> best =
        new PriorityQueue<>(wanted + 1, (a, b) -> compareRows(a, b)); // head: the oldest kept
    long floorNanos = nanos(floor.getEpochSecond(), floor.getNano());
    for (int row = rows - 1; row >= head; row--) {
      if (status[row] == DEAD) {
        continue;
      }
      long start = nanos(startSecond[row], startNano[row]);
      long reach = saturatedAdd(start, disorderNanos); // no earlier row started after this
      if (reach < floorNanos) {
        break;
      }
      if (best.size() == wanted) {
        int kept = best.peek();
        if (reach < nanos(startSecond[kept], startNano[kept])) {
          break;
        }
      }
      if (isBefore(row, floor) || !matches(row, query, cursor)) {
        continue;
      }
      best.add(row);
      if (best.size() > wanted) {
        best.poll();
      }
    }
    List<Integer> kept = new ArrayList<>(best);
    kept.sort((a, b) -> compareRows(b, a));
    List<RunRecord> runs = new ArrayList<>(kept.size());
    for (int row : kept) {
      runs.add(record(row));
    }
    return runs;
  }

  private boolean matches(int row, RunQuery query, Cursor cursor) {
    if (!query.statuses().isEmpty() && !query.statuses().contains(STATUSES[status[row]])) {
      return false;
    }
    if (query.to() != null && !isBefore(row, query.to())) {
      return false;
    }
    return cursor == null || isAfterCursor(row, cursor);
  }

  /** Whether a row sorts after the cursor in newest-first order, that is, is older. */
  private boolean isAfterCursor(int row, Cursor cursor) {
    Instant start = cursor.start();
    int byStart =
        startSecond[row] != start.getEpochSecond()
            ? Long.compare(startSecond[row], start.getEpochSecond())
            : Integer.compare(startNano[row], start.getNano());
    if (byStart != 0) {
      return byStart < 0;
    }
    if (cursor.row() != NONE) {
      return compareIds(row, cursor.row()) < 0; // both ids are rows here: no text to build
    }
    return runId(row).compareTo(cursor.runId()) < 0;
  }

  /** Orders two rows oldest first: by start, then by run id. */
  private int compareRows(int a, int b) {
    if (startSecond[a] != startSecond[b]) {
      return Long.compare(startSecond[a], startSecond[b]);
    }
    if (startNano[a] != startNano[b]) {
      return Integer.compare(startNano[a], startNano[b]);
    }
    return compareIds(a, b);
  }

  private int compareIds(int a, int b) {
    if (oddIdByRow.isEmpty() || (!oddIdByRow.containsKey(a) && !oddIdByRow.containsKey(b))) {
      int byHi = Long.compareUnsigned(idHi[a], idHi[b]);
      return byHi != 0 ? byHi : Long.compareUnsigned(idLo[a], idLo[b]);
    }
    return runId(a).compareTo(runId(b));
  }

  private RunRecord record(int row) {
    Context c = contexts.get(context[row]);
    Detail d = (Detail) detail[row];
    return new RunRecord(
        runId(row),
        taskId(task[row]),
        c.taskName(),
        c.store(),
        c.executor(),
        STATUSES[status[row]],
        c.source(),
        attempt[row],
        Instant.ofEpochSecond(scheduledSecond[row], scheduledNano[row]),
        Instant.ofEpochSecond(startSecond[row], startNano[row]),
        endSecond[row] == NO_END ? null : Instant.ofEpochSecond(endSecond[row], endNano[row]),
        c.node(),
        d == null ? null : d.result(),
        d == null ? null : d.errorType(),
        d == null ? null : d.errorMessage(),
        d == null ? null : d.stackTrace(),
        d == null ? null : d.log());
  }

  /** An instant as nanoseconds since the epoch, held at the ends of the range of a long. */
  private static long nanos(long second, int nano) {
    if (second > Long.MAX_VALUE / 1_000_000_000L - 1) {
      return Long.MAX_VALUE;
    }
    if (second < Long.MIN_VALUE / 1_000_000_000L + 1) {
      return Long.MIN_VALUE;
    }
    return second * 1_000_000_000L + nano;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /** How many runs the table holds. */
  synchronized int size() {
    linkPending(oldestSeen);
    return live;
  }
}
