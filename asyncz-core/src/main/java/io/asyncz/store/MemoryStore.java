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
import java.util.PriorityQueue;

/**
 * Keeps tasks in memory (alias {@code memory}). Add, update, delete and the lookup of the earliest
 * due tasks take O(log n) (the seed's sorted-list insert is O(n)); nothing survives the process.
 *
 * <p>A scheduler may hold a million tasks here, so the store spends about 20 bytes per task: an
 * open-addressing hash table of tasks by id and a binary heap of table slots ordered by next run
 * time then id (paused tasks last), each slot knowing its place in the heap.
 */
public final class MemoryStore implements TaskStore {
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

  /** Creates an empty store. */
  public MemoryStore() {}

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
      grow();
    }
    int slot = freeSlot(task.id());
    slots[slot] = task;
    heap[size] = slot;
    heapIndex[slot] = size;
    size++;
    siftUp(size - 1);
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
    return "MemoryStore[" + size() + " tasks]";
  }

  // ------------------------------------------------------------------ hash table

  private int mask() {
    return slots.length - 1;
  }

  private static int hash(String id) {
    int h = id.hashCode();
    return h ^ (h >>> 16);
  }

  private int find(String id) {
    int m = mask();
    for (int s = hash(id) & m; slots[s] != null; s = (s + 1) & m) {
      if (slots[s].id().equals(id)) {
        return s;
      }
    }
    return -1;
  }

  private int freeSlot(String id) {
    int m = mask();
    int s = hash(id) & m;
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
    for (int s = (hole + 1) & m; slots[s] != null; s = (s + 1) & m) {
      int home = hash(slots[s].id()) & m;
      // Move s into the hole unless its home lies cyclically in (hole, s].
      boolean stays = hole <= s ? hole < home && home <= s : hole < home || home <= s;
      if (!stays) {
        move(s, hole);
        hole = s;
      }
    }
  }

  private void move(int from, int to) {
    slots[to] = slots[from];
    slots[from] = null;
    int i = heapIndex[from];
    heapIndex[to] = i;
    heap[i] = to;
  }

  private void grow() {
    Task[] oldSlots = slots;
    int[] oldHeap = heap;
    int capacity = oldSlots.length * 2;
    slots = new Task[capacity];
    heapIndex = new int[capacity];
    heap = Arrays.copyOf(oldHeap, capacity);
    // Same tasks at the same heap positions; only their slots change.
    for (int i = 0; i < size; i++) {
      Task task = oldSlots[oldHeap[i]];
      int slot = freeSlot(task.id());
      slots[slot] = task;
      heap[i] = slot;
      heapIndex[slot] = i;
    }
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
