package io.asyncz.scheduler;

import io.asyncz.history.RunHistory;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * Writes one persistent store's run records from a thread of its own, so that a run never waits for
 * the store: {@link #save} only queues. The thread writes what is queued in batches ({@link
 * RunHistory#saveAll}); when the store fails, it keeps the batch and tries again after the store
 * retry interval. The queue is bounded: when it is full, the oldest record is dropped, counted and
 * reported in one warning per minute. Reads go to the store.
 */
final class HistoryWriter implements RunHistory {
  /** The most records waiting to be written. */
  static final int QUEUE_LIMIT = 20_000;

  /** The most records written in one go. */
  static final int BATCH_LIMIT = 500;

  private static final Duration WARNING_EVERY = Duration.ofMinutes(1);
  private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

  private final String alias;
  private final RunHistory target;
  private final Clock clock;
  private final Duration retryInterval;
  private final Logger logger;
  private final int queueLimit;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition written = lock.newCondition();
  private final ArrayDeque<RunRecord> queue = new ArrayDeque<>(); // guarded by lock
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private int inFlight; // guarded by lock: records taken but not yet written
  private boolean retryNow; // guarded by lock
  private boolean stopping; // guarded by lock
  private long failures; // guarded by lock: failed writes so far
  private Instant lastDropWarning; // guarded by lock
  private Instant nextPrune; // writer thread only
  private boolean failing; // writer thread only

  HistoryWriter(
      String alias,
      RunHistory target,
      Clock clock,
      Duration retryInterval,
      Logger logger,
      int queueLimit) {
    this.alias = alias;
    this.target = target;
    this.clock = clock;
    this.retryInterval = retryInterval;
    this.logger = logger;
    this.queueLimit = queueLimit;
    this.thread = new Thread(this::writeLoop, "asyncz-history-" + alias);
    thread.setDaemon(true);
    thread.start();
  }

  /** The store's own history, which reads go to. */
  RunHistory target() {
    return target;
  }

  /** How many records were dropped because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  @Override
  public void save(RunRecord record) {
    lock.lock();
    try {
      if (queue.size() >= queueLimit) {
        queue.pollFirst();
        dropOne();
      }
      queue.addLast(record);
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  // Called with the lock held.
  private void dropOne() {
    long total = dropped.incrementAndGet();
    Instant now = clock.instant();
    if (lastDropWarning == null || !now.isBefore(lastDropWarning.plus(WARNING_EVERY))) {
      lastDropWarning = now;
      logger.warn(
          "Run history of store '{}' cannot keep up: dropped the oldest unwritten run records"
              + " ({} dropped so far)",
          alias,
          total);
    }
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    return target.find(runId);
  }

  @Override
  public RunPage query(RunQuery query) {
    return target.query(query);
  }

  /**
   * Waits until every record queued so far is written, at most {@code timeout}; a writer waiting to
   * retry a failed write tries at once.
   *
   * @return whether the queue is empty and nothing is being written
   */
  boolean flush(Duration timeout) {
    return flush(timeout, false);
  }

  private boolean flush(Duration timeout, boolean untilAFailure) {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      retryNow = true;
      work.signal();
      long failuresBefore = failures;
      while (!queue.isEmpty() || inFlight > 0) {
        if (nanos <= 0 || !thread.isAlive() || (untilAFailure && failures > failuresBefore)) {
          return false;
        }
        nanos = written.awaitNanos(nanos);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** Writes what is queued (at most {@code timeout}), then stops the thread. */
  void close(Duration timeout) {
    // A store that fails the last attempt is not waited for: the shutdown goes on.
    boolean done = flush(timeout, true);
    int left;
    lock.lock();
    try {
      stopping = true;
      left = queue.size() + inFlight;
      work.signal();
    } finally {
      lock.unlock();
    }
    if (!done && left > 0) {
      logger.warn(
          "Run history of store '{}': {} run records were not written before shutdown",
          alias,
          left);
    }
  }

  private void writeLoop() {
    while (true) {
      List<RunRecord> batch;
      lock.lock();
      try {
        while (queue.isEmpty() && !stopping) {
          work.awaitUninterruptibly();
        }
        if (queue.isEmpty() || (stopping && failing)) {
          return;
        }
        batch = new ArrayList<>(Math.min(queue.size(), BATCH_LIMIT));
        while (!queue.isEmpty() && batch.size() < BATCH_LIMIT) {
          batch.add(queue.pollFirst());
        }
        inFlight = batch.size();
      } finally {
        lock.unlock();
      }
      boolean ok = write(batch);
      lock.lock();
      try {
        if (!ok) {
          failures++;
          // Kept, in order, ahead of what came since; the oldest go first if that overflows.
          for (int i = batch.size() - 1; i >= 0; i--) {
            queue.addFirst(batch.get(i));
          }
          while (queue.size() > queueLimit) {
            queue.pollFirst();
            dropOne();
          }
        }
        inFlight = 0;
        written.signalAll();
        if (!ok && !stopping) {
          retryNow = false;
          long nanos = retryInterval.toNanos();
          while (!retryNow && !stopping && nanos > 0) {
            nanos = work.awaitNanos(nanos);
          }
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  private boolean write(List<RunRecord> batch) {
    try {
      target.saveAll(batch);
      if (failing) {
        failing = false;
        logger.info("Run history of store '{}' is written again", alias);
      }
      prune();
      return true;
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        logger.warn(
            "Run history of store '{}' could not be written; keeping {} records and retrying every"
                + " {}",
            alias,
            batch.size(),
            retryInterval,
            e);
      }
      return false;
    }
  }

  private void prune() {
    Instant now = clock.instant();
    if (nextPrune == null || !now.isBefore(nextPrune)) {
      nextPrune = now.plus(PRUNE_EVERY);
      try {
        target.pruneExpired();
      } catch (RuntimeException e) {
        logger.warn("Run history of store '{}': removing expired runs failed", alias, e);
      }
    }
  }
}
