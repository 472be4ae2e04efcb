package io.asyncz.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The timeouts of the runs in flight, watched by the loop: each round expires those due and wakes
 * up for the earliest other, on the scheduler's clock (virtual time included).
 */
final class RunDeadlines {
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private long sequence;

  private static final class Entry implements Comparable<Entry> {
    final Instant deadline;
    final long order;
    final Runnable onExpiry;
    boolean done;

    Entry(Instant deadline, long order, Runnable onExpiry) {
      this.deadline = deadline;
      this.order = order;
      this.onExpiry = onExpiry;
    }

    @Override
    public int compareTo(Entry o) {
      int c = deadline.compareTo(o.deadline);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }

  /** Watches a deadline; the returned handle cancels the watch. */
  synchronized Runnable add(Instant deadline, Runnable onExpiry) {
    Entry entry = new Entry(deadline, sequence++, onExpiry);
    queue.add(entry);
    return () -> cancel(entry);
  }

  private synchronized void cancel(Entry entry) {
    if (!entry.done) {
      entry.done = true;
      queue.remove(entry);
    }
  }

  /** Runs the expiries of the deadlines up to {@code now}, outside the lock. */
  List<Runnable> expire(Instant now) {
    List<Runnable> due = null;
    synchronized (this) {
      Entry head;
      while ((head = queue.peek()) != null && !head.deadline.isAfter(now)) {
        queue.poll();
        head.done = true;
        if (due == null) {
          due = new ArrayList<>();
        }
        due.add(head.onExpiry);
      }
    }
    return due == null ? List.of() : due;
  }

  /** The earliest deadline watched, or {@code null}. */
  synchronized Instant earliest() {
    Entry head = queue.peek();
    return head == null ? null : head.deadline;
  }
}
