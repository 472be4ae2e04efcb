package io.asyncz.scheduler;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A thread of its own for the loop's work on one store that talks to a server or a disk, so that a
 * store that hangs or fails slowly never holds up the loop's work on the other stores. The loop
 * {@linkplain #poll polls} each lane in each round: an idle lane whose store is due (or may have
 * changed) is given a round of its own, and when that round ends the lane wakes the loop, which
 * reads the store's next wake-up from the lane.
 */
final class StoreLane {
  private final Thread thread;
  private final Object signal = new Object();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final Supplier<Instant> round;
  private final Runnable done;
  private volatile Instant planned;
  private volatile boolean stale = true;
  private volatile boolean kicked;
  private volatile boolean running = true;

  /**
   * A lane for the store of {@code alias}.
   *
   * @param round processes the store's due tasks and returns its next wake-up ({@code null}: none)
   * @param done called after each round, on the lane's thread: wakes the loop
   */
  StoreLane(String alias, Supplier<Instant> round, Runnable done) {
    this.round = round;
    this.done = done;
    this.thread = new Thread(this::run, "asyncz-store-" + alias);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * What the loop learns of the store: its planned wake-up when the lane is idle and nothing is
   * due; otherwise a round is started (unless one is in progress) and {@code null} is returned, the
   * lane waking the loop when the round ends.
   */
  Instant poll(Instant now) {
    if (busy.get()) {
      return null;
    }
    Instant p = planned;
    if (!stale && (p == null || p.isAfter(now))) {
      return p;
    }
    if (busy.compareAndSet(false, true)) {
      stale = false;
      synchronized (signal) {
        kicked = true;
        signal.notifyAll();
      }
    }
    return null;
  }

  /** Something changed in the store: the next poll starts a round, whatever was planned. */
  void changed() {
    stale = true;
  }

  /** Whether a round is in progress. */
  boolean busy() {
    return busy.get();
  }

  /**
   * Stops the lane's thread once its round, if any, ends; a round stuck in a store call is left.
   */
  void stop() {
    running = false;
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void run() {
    while (running) {
      synchronized (signal) {
        while (running && !kicked) {
          try {
            signal.wait();
          } catch (InterruptedException e) {
            // Only stop() ends the lane; an interrupt from elsewhere must not stop a store
            // silently.
          }
        }
        kicked = false;
      }
      if (!running) {
        busy.set(false);
        return;
      }
      try {
        planned = round.get();
      } catch (Throwable e) {
        // The round logs and reports its own failures; this keeps the lane alive whatever it threw.
        stale = true;
      } finally {
        busy.set(false);
      }
      done.run();
    }
  }
}
