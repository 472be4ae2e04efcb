package io.asyncz.scheduler;

import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A store as the scheduler holds it: its alias, a lock that orders the changes made to its tasks
 * (by the loop and by API calls; other stores never wait for it), what the loop still owes the
 * store, and the lane that processes it when it may block.
 */
final class StoreSlot {
  final String alias;
  final TaskStore store;

  /** Held across each read-modify-write of this store's tasks; never the scheduler's own lock. */
  final ReentrantLock lock = new ReentrantLock();

  /**
   * Tasks whose runs went out but whose new schedule the store did not take (a refused write), by
   * id: they are not submitted again until the store confirms it. Guarded by {@link #lock}.
   */
  final Map<String, Held> held = new LinkedHashMap<>();

  /**
   * Tasks that could not be quarantined because the store has no quarantine: never run again by
   * this process. Guarded by {@link #lock}.
   */
  final Set<String> heldBack = new HashSet<>();

  /** When a failing store is asked again; {@code null} while it works. Guarded by {@link #lock}. */
  Instant retryAt;

  /** When the held tasks are written again. Guarded by {@link #lock}. */
  Instant heldRetryAt;

  /**
   * Whether the store took a write since the held work was last tried: the evidence that a write it
   * keeps refusing is about that task, not the store. Guarded by {@link #lock}.
   */
  boolean wroteSinceSettle;

  /** Whether the last attempt at this store failed, so that its recovery is logged once. */
  boolean failing;

  /** The lane that processes this store, or {@code null} when the loop's thread does. */
  volatile StoreLane lane;

  /** The loop's work on this store in cluster mode, or {@code null} off cluster mode. */
  final ClusterCoordinator cluster;

  StoreSlot(String alias, TaskStore store) {
    this(alias, store, null);
  }

  StoreSlot(String alias, TaskStore store, ClusterCoordinator cluster) {
    this.alias = alias;
    this.store = store;
    this.cluster = cluster;
  }

  /** The store the user gave, without the scheduler's {@code lock_path} guard. */
  TaskStore userStore() {
    return store instanceof LockedStore locked ? locked.delegate() : store;
  }

  /** Tells the lane, if any, that the store's tasks changed. */
  void changed() {
    StoreLane l = lane;
    if (l != null) {
      l.changed();
    }
  }

  /**
   * What the loop still has to write for a task whose runs went out: its advanced schedule ({@code
   * next}, or its removal when {@code next} is null), or, for a task it could not process, its
   * quarantine.
   *
   * @param read the task as it was read when its runs went out; the write applies only while the
   *     store still holds this next run time (a change made meanwhile wins)
   * @param next the task with its new next run time, or {@code null} to delete it
   * @param quarantineReason the quarantine reason, when the task is to be quarantined instead
   * @param detail the quarantine detail
   * @param failures how many times writing it failed while the store took other writes
   */
  record Held(Task read, Task next, String quarantineReason, String detail, int failures) {
    Held failedAgain() {
      return new Held(read, next, quarantineReason, detail, failures + 1);
    }
  }
}
