package io.asyncz.store;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.task.Task;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Keeps tasks in memory (alias {@code memory}). Add, update, delete and the lookup of the earliest
 * due tasks take O(log n) (the seed's sorted-list insert is O(n)); nothing survives the process.
 *
 * <p>A scheduler may hold a million tasks here, so the store is laid out for a large heap. Tasks
 * sit in one dense array, appended at the end; a deletion moves the last task into the hole. Every
 * other structure holds primitives: the table of ids holds array positions (and each position the
 * hash of its id, so that a lookup compares hashes before it reads an id), and the binary heap that
 * orders tasks by next run time, then id (paused tasks last) holds positions and next run times as
 * {@code long} keys, so that it compares tasks by reading a key and reads the tasks only when two
 * keys are equal. A store of a million tasks spends about 33 bytes per task on all this (see {@code
 * docs/benchmarks.md}). The layout is what makes adding fast: G1 charges work on another thread for
 * each reference stored into an old array at a place far from the last one, and the store writes
 * task references only at the end of its array, except for the one position that an update or a
 * deletion changes.
 *
 * <p>Ids chosen to collide cannot slow it down: the table hashes ids with their cached {@link
 * String#hashCode} until an operation meets a long run of slots, as ids that share a hash code by
 * design cause, and from then on with SipHash under a random key of its own (as {@code HashMap}
 * turns a crowded bin into a tree), so every operation stays O(log n).
 */
public final class MemoryStore implements TaskStore {
  /** Next run time (paused last), then id: the order tasks are listed and run in. */
  public static final Comparator<Task> ORDER =
      (a, b) -> {
        Instant x = a.nextRunTimeOrNull();
        Instant y = b.nextRunTimeOrNull();
        if (x != y) {
          if (x == null) {
            return 1;
          }
          if (y == null) {
            return -1;
          }
          int c = x.compareTo(y);
          if (c != 0) {
            return c;
          }
        }
        return Task.compareIds(a, b);
      };

  /** A quarantined task and its record; the memory store keeps the task object itself. */
  private record Quarantined(QuarantinedRecord record, Task task) {}

  private static final int INITIAL_CAPACITY = 16;

  private static final int POSITION_BITS = 28;
  private static final int POSITION_MASK = (1 << POSITION_BITS) - 1;

  /** The most tasks a memory store holds: a table entry keeps a position in 28 bits. */
  static final int MAX_TASKS = POSITION_MASK - 1;

  private final List<Quarantined> quarantine = new ArrayList<>();
  private volatile Clock clock = Clock.systemUTC();
  private final int longProbe;

  // By position, 0 to size - 1.
  private Task[] tasks;
  private int[] hashes; // the hash of the task's id, under the table's current hash function
  private int[] heapIndex; // where the position is in the heap

  // By heap index: heap[0] is the position of the earliest task, keys[0] its key.
  private int[] heap;
  private long[] keys;

  // Open addressing with linear probing, at most half full: 0 for empty, else an entry holding a
  // position + 1 in its low 28 bits and 4 bits of the id's hash above them (see entry), so that a
  // probe past another id rarely reads that id's hash from the hashes array: for an add, which
  // probes a table far larger than the caches, each such read is a cache miss.
  private int[] table;

  private int size;
  private SipHash keyed; // null: String.hashCode, until ids collide by design (see LONG_PROBE)
  private boolean crowded; // an operation met a long probe sequence: switch to the keyed hash

  /** Creates an empty store. */
  public MemoryStore() {
    this(LONG_PROBE);
  }

  /** A store that switches to the keyed hash after probe sequences of {@code longProbe}; tests. */
  MemoryStore(int longProbe) {
    this.longProbe = longProbe;
    clear();
  }

  @Override
  public void start(StoreContext context, String alias) {
    this.clock = context.clock();
  }

  @Override
  public synchronized Optional<Task> lookupTask(String id) {
    int slot = find(id);
    Optional<Task> found = slot < 0 ? Optional.empty() : Optional.of(tasks[position(table[slot])]);
    rehashIfCrowded();
    return found;
  }

  @Override
  public synchronized List<Task> dueTasks(Instant now) {
    return dueTasks(now, Integer.MAX_VALUE);
  }

  /**
   * The earliest due tasks, at most {@code limit}, in order: a best-first walk of the heap that
   * touches O(limit log limit) entries however many are due.
   */
  @Override
  public synchronized List<Task> dueTasks(Instant now, int limit) {
    List<Task> due = new ArrayList<>(Math.min(limit, 16));
    if (size == 0 || limit <= 0) {
      return due;
    }
    long nowKey = key(now);
    // The frontier: heap indices whose parents are taken, themselves in a small binary heap.
    int[] frontier = new int[16];
    int count = 1; // frontier[0] = 0, the root
    while (count > 0 && due.size() < limit) {
      int i = frontier[0];
      long key = keys[i];
      Task task = tasks[heap[i]];
      if (key > nowKey || key == nowKey && task.nextRunTime().orElseThrow().isAfter(now)) {
        break; // everything left in the frontier is later still
      }
      due.add(task);
      count = frontierPop(frontier, count);
      for (int child = 2 * i + 1; child <= 2 * i + 2 && child < size; child++) {
        if (count == frontier.length) {
          frontier = Arrays.copyOf(frontier, 2 * count);
        }
        frontierPush(frontier, count++, child);
      }
    }
    return due;
  }

  @Override
  public synchronized Optional<Instant> nextRunTime() {
    return size == 0 ? Optional.empty() : tasks[heap[0]].nextRunTime();
  }

  @Override
  public synchronized List<Task> allTasks() {
    List<Task> all = new ArrayList<>(Arrays.asList(tasks).subList(0, size));
    all.sort(ORDER);
    return all;
  }

  /** The paused tasks, found in one pass over the array without sorting the others. */
  @Override
  public synchronized List<Task> pausedTasks() {
    List<Task> paused = new ArrayList<>();
    for (int p = 0; p < size; p++) {
      if (tasks[p].nextRunTimeOrNull() == null) {
        paused.add(tasks[p]);
      }
    }
    return paused;
  }

  @Override
  public synchronized void addTask(Task task) {
    add(task);
    rehashIfCrowded();
  }

  /** Adds the tasks under one lock, taking back the ones added when an id is taken. */
  @Override
  public synchronized void addTasks(List<Task> batch) {
    ensureCapacity(size + batch.size());
    int added = 0;
    try {
      for (Task task : batch) {
        add(task);
        added++;
      }
    } catch (RuntimeException e) {
      // The tasks added last sit at the end of the array: taking them back moves nothing else.
      for (int k = added - 1; k >= 0; k--) {
        removeAt(find(batch.get(k)));
      }
      throw e;
    } finally {
      rehashIfCrowded();
    }
  }

  @Override
  public synchronized void updateTask(Task task) {
    int slot = find(task);
    if (slot < 0) {
      rehashIfCrowded();
      throw new TaskLookupException(task.id());
    }
    replace(position(table[slot]), task);
    rehashIfCrowded();
  }

  @Override
  public synchronized void deleteTask(String id) {
    int slot = find(id);
    if (slot < 0) {
      rehashIfCrowded();
      throw new TaskLookupException(id);
    }
    removeAt(slot);
    rehashIfCrowded();
  }

  /** Stores the batch under one lock; tasks deleted meanwhile are skipped. */
  @Override
  public synchronized void advanceTasks(List<Task> advanced, List<String> finished) {
    for (Task task : advanced) {
      int slot = find(task);
      if (slot >= 0) {
        replace(position(table[slot]), task);
      }
    }
    for (String id : finished) {
      int slot = find(id);
      if (slot >= 0) {
        removeAt(slot);
      }
    }
    rehashIfCrowded();
  }

  @Override
  public synchronized void removeAllTasks() {
    clear();
  }

  /**
   * Sets a task aside, keeping the task object; its record's bytes are the task's description,
   * since a memory store has no serialized form.
   */
  @Override
  public synchronized boolean quarantineTask(String id, String reason, String detail) {
    int slot = find(id);
    if (slot < 0) {
      rehashIfCrowded();
      return false;
    }
    Task task = tasks[position(table[slot])];
    byte[] described = task.toString().getBytes(StandardCharsets.UTF_8);
    quarantine.add(
        new Quarantined(
            new QuarantinedRecord(id, described, reason, detail, clock.instant()), task));
    removeAt(slot);
    rehashIfCrowded();
    return true;
  }

  @Override
  public synchronized List<QuarantinedRecord> quarantinedRecords() {
    List<QuarantinedRecord> records = new ArrayList<>(quarantine.size());
    for (Quarantined q : quarantine) {
      records.add(q.record());
    }
    return records;
  }

  @Override
  public synchronized Task restoreQuarantined(String taskId) {
    for (int i = quarantine.size() - 1; i >= 0; i--) {
      Quarantined q = quarantine.get(i);
      if (q.record().taskId().equals(taskId)) {
        addTask(q.task()); // a taken id throws and the record stays
        quarantine.remove(i);
        return q.task();
      }
    }
    throw new TaskLookupException(taskId);
  }

  @Override
  public synchronized void discardQuarantined(String taskId) {
    if (!quarantine.removeIf(q -> q.record().taskId().equals(taskId))) {
      throw new TaskLookupException(taskId);
    }
  }

  /** The number of stored tasks. */
  public synchronized int size() {
    return size;
  }

  @Override
  public String toString() {
    return "MemoryStore[" + size() + " tasks]";
  }

  // ------------------------------------------------------------------ tasks by position

  private void clear() {
    tasks = new Task[INITIAL_CAPACITY];
    hashes = new int[INITIAL_CAPACITY];
    heapIndex = new int[INITIAL_CAPACITY];
    heap = new int[INITIAL_CAPACITY];
    keys = new long[INITIAL_CAPACITY];
    table = new int[INITIAL_CAPACITY];
    size = 0;
  }

  private void add(Task task) {
    int h = hash(task);
    if (find(task, h) >= 0) {
      throw new ConflictIdException(task.id());
    }
    ensureCapacity(size + 1);
    int p = size++;
    tasks[p] = task;
    hashes[p] = h;
    insertSlot(p, h);
    keys[p] = key(task.nextRunTimeOrNull());
    heap[p] = p;
    heapIndex[p] = p;
    siftUp(p);
  }

  private void replace(int p, Task task) {
    tasks[p] = task;
    int i = heapIndex[p];
    keys[i] = key(task.nextRunTimeOrNull());
    siftUp(i);
    siftDown(heapIndex[p]);
  }

  /** Removes the task whose table entry is {@code slot}; the last task takes its position. */
  private void removeAt(int slot) {
    int p = position(table[slot]);
    removeSlot(slot);
    int last = --size;
    int i = heapIndex[p];
    if (i != last) {
      int moved = heap[last];
      place(i, keys[last], moved);
      siftUp(i);
      siftDown(heapIndex[moved]);
    }
    if (p != last) {
      table[slotOf(last)] = entry(p, hashes[last]);
      tasks[p] = tasks[last];
      hashes[p] = hashes[last];
      int j = heapIndex[last];
      heapIndex[p] = j;
      heap[j] = p;
    }
    tasks[last] = null;
  }

  /** Makes room for {@code n} tasks, and a table at most half full with them. */
  private void ensureCapacity(int n) {
    if (n > MAX_TASKS || n < 0) {
      throw new IllegalStateException(
          "a memory store holds at most " + MAX_TASKS + " tasks; it has " + size);
    }
    if (n > tasks.length) {
      int capacity = capacity(n);
      tasks = Arrays.copyOf(tasks, capacity);
      hashes = Arrays.copyOf(hashes, capacity);
      heapIndex = Arrays.copyOf(heapIndex, capacity);
      heap = Arrays.copyOf(heap, capacity);
      keys = Arrays.copyOf(keys, capacity);
    }
    if (2L * n > table.length) {
      rebuildTable(capacity(2L * n));
    }
  }

  /**
   * The smallest array length of the form 2^k - 16 that holds {@code n}: a large array is given
   * whole heap regions by G1, and a length of exactly 2^k elements plus the array's header would
   * take one more region than it needs.
   */
  static int capacity(long n) {
    long c = INITIAL_CAPACITY;
    while (c < n) {
      c = 2 * c + 16;
    }
    if (c > Integer.MAX_VALUE - 16) {
      if (n > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("a memory store cannot hold " + n + " entries");
      }
      return Integer.MAX_VALUE - 16;
    }
    return (int) c;
  }

  // ------------------------------------------------------------------ id table

  /**
   * A probe sequence longer than this means the ids collide by design, not by chance: the table
   * then switches from {@link String#hashCode}, which anyone can make collide, to a keyed hash.
   * Ordinary ids, random or counting ({@code task-1}, {@code task-2}, ...), make runs of a few
   * dozen slots in a table of a million. Until the switch, colliding ids cost at most this many
   * steps per operation.
   */
  static final int LONG_PROBE = 4096;

  private int hash(String id) {
    if (keyed != null) {
      return keyed.hash(id);
    }
    // String caches its hash code. Multiplying by 2^32 / golden ratio spreads hash codes that
    // count up (ids that count up) over the whole table, whose slot is taken from the top bits.
    return id.hashCode() * 0x9E3779B9;
  }

  /** The slot that a hash starts its probe sequence at: its top bits scaled to the table. */
  /** A table entry: position {@code p}, tagged with 4 bits of its hash {@code h}. */
  private static int entry(int p, int h) {
    return (p + 1) | ((h & 0xF) << POSITION_BITS);
  }

  /** The position an entry holds; -1 for an empty slot. */
  private static int position(int entry) {
    return (entry & POSITION_MASK) - 1;
  }

  /**
   * Whether an entry's tag matches hash {@code h}: the home slot comes from the hash's high bits,
   * the tag from its low ones, so entries probed past are told apart without reading their hash.
   */
  private static boolean sameTag(int entry, int h) {
    return (entry >>> POSITION_BITS) == (h & 0xF);
  }

  private static int home(int hash, int tableLength) {
    return (int) (((hash & 0xFFFFFFFFL) * tableLength) >>> 32);
  }

  /** The hash of a task's id, as {@link #hash(String)} gives it, with no id written out. */
  private int hash(Task task) {
    if (keyed != null) {
      return keyed.hash(task.id());
    }
    return task.idHashCode() * 0x9E3779B9;
  }

  /** The table slot that holds {@code id}, or -1; reads an id only when its hash is equal. */
  private int find(String id) {
    int h = hash(id);
    int[] t = table;
    int n = t.length;
    int probes = 0;
    for (int s = home(h, n); t[s] != 0; s = s + 1 == n ? 0 : s + 1) {
      int e = t[s];
      if (sameTag(e, h)) {
        int p = position(e);
        if (hashes[p] == h && tasks[p].hasId(id)) {
          return s;
        }
      }
      if (++probes > longProbe && keyed == null) {
        crowded = true;
      }
    }
    return -1;
  }

  /** The table slot that holds a task with {@code task}'s id, or -1. */
  private int find(Task task) {
    return find(task, hash(task));
  }

  private int find(Task task, int h) {
    int[] t = table;
    int n = t.length;
    int probes = 0;
    for (int s = home(h, n); t[s] != 0; s = s + 1 == n ? 0 : s + 1) {
      int e = t[s];
      if (sameTag(e, h)) {
        int p = position(e);
        if (hashes[p] == h && Task.compareIds(tasks[p], task) == 0) {
          return s;
        }
      }
      if (++probes > longProbe && keyed == null) {
        crowded = true;
      }
    }
    return -1;
  }

  /** The table slot that holds position {@code p}. */
  private int slotOf(int p) {
    int n = table.length;
    int s = home(hashes[p], n);
    while (position(table[s]) != p) {
      s = s + 1 == n ? 0 : s + 1;
    }
    return s;
  }

  private void insertSlot(int p, int h) {
    int n = table.length;
    int s = home(h, n);
    int distance = 0;
    while (table[s] != 0) {
      s = s + 1 == n ? 0 : s + 1;
      distance++;
    }
    table[s] = entry(p, h);
    if (distance >= longProbe && keyed == null) {
      crowded = true;
    }
  }

  /** Empties a slot, shifting later members of its cluster back so that lookups still find them. */
  private void removeSlot(int slot) {
    int n = table.length;
    int hole = slot;
    table[hole] = 0;
    int walked = 0;
    for (int s = hole + 1 == n ? 0 : hole + 1; table[s] != 0; s = s + 1 == n ? 0 : s + 1) {
      walked++;
      int home = home(hashes[position(table[s])], n);
      // Move s into the hole unless its home lies cyclically in (hole, s].
      boolean stays = hole <= s ? hole < home && home <= s : hole < home || home <= s;
      if (!stays) {
        table[hole] = table[s];
        table[s] = 0;
        hole = s;
      }
    }
    if (walked > longProbe && keyed == null) {
      crowded = true;
    }
  }

  /** Puts every position into a new table of {@code length} slots, from the stored hashes. */
  private void rebuildTable(int length) {
    table = new int[length];
    for (int p = 0; p < size; p++) {
      insertSlot(p, hashes[p]);
    }
  }

  /**
   * Switches to the keyed hash once an operation has met a long probe sequence; called at the end
   * of each operation, so that the hash of every id stays the same within one.
   */
  private void rehashIfCrowded() {
    if (!crowded) {
      return;
    }
    crowded = false;
    keyed = SipHash.randomKey();
    for (int p = 0; p < size; p++) {
      hashes[p] = keyed.hash(tasks[p].id()); // writes generated ids out: only under attack
    }
    rebuildTable(table.length);
  }

  /** The most slots a lookup of a stored id visits: how far a task sits from its home slot. */
  synchronized int longestProbe() {
    int n = table.length;
    int longest = 0;
    for (int s = 0; s < n; s++) {
      if (table[s] != 0) {
        int home = home(hashes[position(table[s])], n);
        longest = Math.max(longest, (s - home + n) % n + 1);
      }
    }
    return longest;
  }

  /** Whether the table hashes ids with a secret key (after ids that collided by design). */
  synchronized boolean usesKeyedHash() {
    return keyed != null;
  }

  /**
   * Checks that the table, the positions and the heap describe the same tasks, in heap order, and
   * that no position past the last holds on to a task; for tests.
   *
   * @throws IllegalStateException naming the first broken rule
   */
  synchronized void checkInvariants() {
    boolean[] listed = new boolean[size];
    int entries = 0;
    for (int s = 0; s < table.length; s++) {
      int p = position(table[s]);
      if (p < 0) {
        continue;
      }
      require(sameTag(table[s], hashes[p]), "table slot %d has a stale hash tag", s);
      entries++;
      require(
          p < size && !listed[p], "table slot %d holds position %d twice or past the end", s, p);
      listed[p] = true;
      require(hashes[p] == hash(tasks[p]), "position %d has a stale hash", p);
      require(slotOf(p) == s, "position %d is not found from its home slot", p);
    }
    require(entries == size, "the table holds %d positions for %d tasks", entries, size);
    for (int p = 0; p < size; p++) {
      int i = heapIndex[p];
      require(i < size && heap[i] == p, "position %d is not at its heap index %d", p, i);
      require(keys[i] == key(tasks[p].nextRunTimeOrNull()), "heap entry %d has a stale key", i);
      require(i == 0 || !before(i, (i - 1) >>> 1), "heap entry %d comes before its parent", i);
    }
    for (int p = size; p < tasks.length; p++) {
      require(tasks[p] == null, "position %d past the last still holds a task", p);
    }
  }

  private static void require(boolean holds, String rule, Object... values) {
    if (!holds) {
      throw new IllegalStateException(String.format(rule, values));
    }
  }

  // ------------------------------------------------------------------ binary heap of positions

  /** A run time that is later than any other key (and earlier than a paused task's). */
  static final long LATEST = Long.MAX_VALUE - 1;

  /** The key of a paused task: after every run time. */
  static final long PAUSED = Long.MAX_VALUE;

  /**
   * The heap key of a next run time: its microseconds since the epoch, which a {@code long} holds
   * for 292,000 years either side of 1970; earlier and later instants share the smallest and the
   * largest key. The key never orders two instants the wrong way round; instants with the same key
   * are ordered by the tasks themselves.
   */
  static long key(Instant time) {
    if (time == null) {
      return PAUSED;
    }
    long seconds = time.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / 1_000_000) {
      return LATEST;
    }
    if (seconds < Long.MIN_VALUE / 1_000_000) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000 + time.getNano() / 1_000;
  }

  /** Whether the heap entry {@code i} comes before {@code j}. */
  private boolean before(int i, int j) {
    return before(keys[i], heap[i], j);
  }

  /** Whether the task at position {@code p}, whose key is {@code key}, comes before entry j. */
  private boolean before(long key, int p, int j) {
    long other = keys[j];
    if (key != other) {
      return key < other;
    }
    return ORDER.compare(tasks[p], tasks[heap[j]]) < 0;
  }

  private void place(int i, long key, int p) {
    keys[i] = key;
    heap[i] = p;
    heapIndex[p] = i;
  }

  private void siftUp(int i) {
    long key = keys[i];
    int p = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(key, p, parent)) {
        break;
      }
      place(i, keys[parent], heap[parent]);
      i = parent;
    }
    place(i, key, p);
  }

  private void siftDown(int i) {
    long key = keys[i];
    int p = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && before(child + 1, child)) {
        child++;
      }
      if (before(key, p, child)) {
        break;
      }
      place(i, keys[child], heap[child]);
      i = child;
    }
    place(i, key, p);
  }

  private void frontierPush(int[] frontier, int count, int entry) {
    int k = count;
    while (k > 0) {
      int parent = (k - 1) >>> 1;
      if (!before(entry, frontier[parent])) {
        break;
      }
      frontier[k] = frontier[parent];
      k = parent;
    }
    frontier[k] = entry;
  }

  /** Removes the frontier's first entry; returns the new count. */
  private int frontierPop(int[] frontier, int count) {
    int last = frontier[--count];
    int k = 0;
    while (true) {
      int child = 2 * k + 1;
      if (child >= count) {
        break;
      }
      if (child + 1 < count && before(frontier[child + 1], frontier[child])) {
        child++;
      }
      if (before(last, frontier[child])) {
        break;
      }
      frontier[k] = frontier[child];
      k = child;
    }
    frontier[k] = last;
    return count;
  }
}
