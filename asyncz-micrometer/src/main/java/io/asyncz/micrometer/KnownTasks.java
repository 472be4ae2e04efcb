package io.asyncz.micrometer;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The tags of the tasks whose runs were seen lately, by task id, for the events that name a task by
 * id only. A fixed table where an id takes the slot of its hash, evicting the one there: a run
 * costs one store, with no resizing and no lock, and the memory is bounded whatever the number of
 * tasks. An evicted task is found again at its next run.
 */
final class KnownTasks {
  private record Entry(String id, RunTags tags) {}

  private final AtomicReferenceArray<Entry> slots;
  private final int mask;

  /** A table of {@code size} slots, a power of two. */
  KnownTasks(int size) {
    if (Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size must be a power of two, got " + size);
    }
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
  }

  void put(String id, RunTags tags) {
    int slot = spread(id.hashCode()) & mask;
    Entry entry = slots.getPlain(slot);
    // Compared by identity: the binding hands the same tags for a task's every run, and a
    // needless replacement costs only an allocation.
    if (entry == null || entry.tags() != tags || entry.id() != id) {
      slots.setRelease(slot, new Entry(id, tags));
    }
  }

  RunTags get(String id) {
    Entry entry = slots.getAcquire(spread(id.hashCode()) & mask);
    return entry != null && entry.id().equals(id) ? entry.tags() : null;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }
}
