package io.asyncz.benchmarks.store;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * The baseline: {@code io.asyncz.store.MemoryStore} as it was at commit bad87a0, before the dense
 * layout (an open-addressing table of {@code Task} references by id, a heap of its slots), copied
 * unchanged but for its name and package so that {@link MemoryStoreBenchmark} and {@link
 * MemoryStoreFootprint} can measure both stores in one run. Not used by anything else.
 */
public final class OldMemoryStore implements TaskStore {
  /** Next run time (paused last), then id: the order tasks are listed and run in. */
  public static final Comparator<Task> ORDER =
      (a, b) -> {
        Instant x = a.nextRunTime().orElse(null);
        Instant y = b.nextRunTime().orElse(null);
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
        return a.id().compareTo(b.id());
      };

  /** A quarantined task and its record; the memory store keeps the task object itself. */
  private record Quarantined(QuarantinedRecord record, Task task) {}

  private final List<Quarantined> quarantine = new ArrayList<>();
  private volatile Clock clock = Clock.systemUTC();

  private Task[] slots = new Task[16]; // by id, linear probing; null = empty
  private int[] heapIndex = new int[16]; // heapIndex[slot] = position of the slot in the heap
  private int[] heap = new int[16]; // heap[i] = a slot; heap[0] holds the earliest task
  private int size;
  private OldSipHash keyed; // null: String.hashCode, until ids collide by design (see LONG_PROBE)
  private final int longProbe;

  /** Creates an empty store. */
  public OldMemoryStore() {
    this(LONG_PROBE);
  }

  /** A store that switches to the keyed hash after probe sequences of {@code longProbe}; tests. */
  OldMemoryStore(int longProbe) {
    this.longProbe = longProbe;
  }

  @Override
  public void start(StoreContext context, String alias) {
    this.clock = context.clock();
  }

  @Override
  public synchronized Optional<Task> lookupTask(String id) {
    int slot = find(id);
    return slot < 0 ? Optional.empty() : Optional.of(slots[slot]);
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
    List<Task> due = new ArrayList<>();
    if (size == 0 || limit <= 0) {
      return due;
    }
    PriorityQueue<Integer> frontier =
        new PriorityQueue<>((i, j) -> ORDER.compare(slots[heap[i]], slots[heap[j]]));
    frontier.add(0);
    while (!frontier.isEmpty() && due.size() < limit) {
      int i = frontier.poll();
      Task task = slots[heap[i]];
      Instant next = task.nextRunTime().orElse(null);
      if (next == null || next.isAfter(now)) {
        break; // everything left in the frontier is later still
      }
      due.add(task);
      int child = 2 * i + 1;
      if (child < size) {
        frontier.add(child);
      }
      if (child + 1 < size) {
        frontier.add(child + 1);
      }
    }
    return due;
  }

  @Override
  public synchronized Optional<Instant> nextRunTime() {
    return size == 0 ? Optional.empty() : slots[heap[0]].nextRunTime();
  }

  @Override
  public synchronized List<Task> allTasks() {
    List<Task> all = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      all.add(slots[heap[i]]);
    }
    all.sort(ORDER);
    return all;
  }

  @Override
  public synchronized void addTask(Task task) {
    if (find(task.id()) >= 0) {
      throw new ConflictIdException(task.id());
    }
    if ((size + 1) * 2 > slots.length) {
      rebuild(slots.length * 2, false);
    }
    int home = hash(task.id()) & mask();
    int slot = freeSlot(home);
    slots[slot] = task;
    heap[size] = slot;
    heapIndex[slot] = size;
    size++;
    siftUp(size - 1);
    if (((slot - home) & mask()) >= longProbe && keyed == null) {
      rebuild(slots.length, true);
    }
  }

  @Override
  public synchronized void updateTask(Task task) {
    int slot = find(task.id());
    if (slot < 0) {
      throw new TaskLookupException(task.id());
    }
    slots[slot] = task;
    int i = heapIndex[slot];
    siftUp(i);
    siftDown(heapIndex[slot]);
  }

  @Override
  public synchronized void deleteTask(String id) {
    int slot = find(id);
    if (slot < 0) {
      throw new TaskLookupException(id);
    }
    removeFromHeap(heapIndex[slot]);
    removeSlot(slot);
  }

  @Override
  public synchronized void removeAllTasks() {
    slots = new Task[16];
    heapIndex = new int[16];
    heap = new int[16];
    size = 0;
  }

  /**
   * Sets a task aside, keeping the task object; its record's bytes are the task's description,
   * since a memory store has no serialized form.
   */
  @Override
  public synchronized boolean quarantineTask(String id, String reason, String detail) {
    int slot = find(id);
    if (slot < 0) {
      return false;
    }
    Task task = slots[slot];
    byte[] described = task.toString().getBytes(StandardCharsets.UTF_8);
    quarantine.add(
        new Quarantined(
            new QuarantinedRecord(id, described, reason, detail, clock.instant()), task));
    removeFromHeap(heapIndex[slot]);
    removeSlot(slot);
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
    return "OldMemoryStore[" + size() + " tasks]";
  }

  // ------------------------------------------------------------------ hash table

  /**
   * A probe sequence longer than this means the ids collide by design, not by chance: the table
   * then switches from {@link String#hashCode}, which anyone can make collide, to a keyed hash.
   * Counting ids ({@code task-1}, {@code task-2}, ...) have hash codes that count up too and make
   * runs of up to about 1,600 slots in a table of a million (random ids: a few dozen); they are
   * still fast, since their slots are close together, and are left as they are. Until the switch,
   * colliding ids cost at most this many steps per operation.
   */
  static final int LONG_PROBE = 4096;

  private int mask() {
    return slots.length - 1;
  }

  private int hash(String id) {
    if (keyed != null) {
      return keyed.hash(id);
    }
    // String caches its hash code. Ids that count up keep neighbouring slots, which a large table
    // writes far faster than scattered ones: no stronger mixing here.
    int h = id.hashCode();
    return h ^ (h >>> 16);
  }

  private int find(String id) {
    int m = mask();
    int probes = 0;
    for (int s = hash(id) & m; slots[s] != null; s = (s + 1) & m) {
      if (slots[s].id().equals(id)) {
        return s;
      }
      if (++probes > longProbe && keyed == null) {
        rebuild(slots.length, true);
        return find(id);
      }
    }
    return -1;
  }

  private int freeSlot(int home) {
    int m = mask();
    int s = home;
    while (slots[s] != null) {
      s = (s + 1) & m;
    }
    return s;
  }

  /** Empties a slot, shifting later members of its cluster back so that lookups still find them. */
  private void removeSlot(int slot) {
    int m = mask();
    int hole = slot;
    slots[hole] = null;
    int walked = 0;
    for (int s = (hole + 1) & m; slots[s] != null; s = (s + 1) & m) {
      walked++;
      int home = hash(slots[s].id()) & m;
      // Move s into the hole unless its home lies cyclically in (hole, s].
      boolean stays = hole <= s ? hole < home && home <= s : hole < home || home <= s;
      if (!stays) {
        move(s, hole);
        hole = s;
      }
    }
    if (walked > longProbe && keyed == null) {
      rebuild(slots.length, true);
    }
  }

  private void move(int from, int to) {
    slots[to] = slots[from];
    slots[from] = null;
    int i = heapIndex[from];
    heapIndex[to] = i;
    heap[i] = to;
  }

  /**
   * Puts every task into a new table of {@code capacity} slots, at the same heap positions; with
   * the keyed hash when {@code useKey} (or when a task lands too far from its home slot without
   * it).
   */
  private void rebuild(int capacity, boolean useKey) {
    if (useKey && keyed == null) {
      keyed = OldSipHash.randomKey();
    }
    Task[] oldSlots = slots;
    int[] oldHeap = heap;
    slots = new Task[capacity];
    heapIndex = new int[capacity];
    heap = Arrays.copyOf(oldHeap, capacity);
    int m = capacity - 1;
    for (int i = 0; i < size; i++) {
      Task task = oldSlots[oldHeap[i]];
      int home = hash(task.id()) & m;
      int slot = freeSlot(home);
      if (((slot - home) & m) >= longProbe && keyed == null) {
        slots = oldSlots;
        heap = oldHeap;
        rebuild(capacity, true);
        return;
      }
      slots[slot] = task;
      heap[i] = slot;
      heapIndex[slot] = i;
    }
  }

  /** The most slots a lookup of a stored id visits: how far a task sits from its home slot. */
  synchronized int longestProbe() {
    int m = mask();
    int longest = 0;
    for (int s = 0; s < slots.length; s++) {
      if (slots[s] != null) {
        longest = Math.max(longest, ((s - (hash(slots[s].id()) & m)) & m) + 1);
      }
    }
    return longest;
  }

  /** Whether the table hashes ids with a secret key (after ids that collided by design). */
  synchronized boolean usesKeyedHash() {
    return keyed != null;
  }

  // ------------------------------------------------------------------ binary heap of slots

  private boolean less(int i, int j) {
    return ORDER.compare(slots[heap[i]], slots[heap[j]]) < 0;
  }

  private void swap(int i, int j) {
    int a = heap[i];
    int b = heap[j];
    heap[i] = b;
    heap[j] = a;
    heapIndex[b] = i;
    heapIndex[a] = j;
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(i, parent)) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int smallest = left + 1 < size && less(left + 1, left) ? left + 1 : left;
      if (!less(smallest, i)) {
        return;
      }
      swap(i, smallest);
      i = smallest;
    }
  }

  private void removeFromHeap(int i) {
    int last = --size;
    if (i != last) {
      swap(i, last);
      siftUp(i);
      siftDown(i);
    }
  }
}
