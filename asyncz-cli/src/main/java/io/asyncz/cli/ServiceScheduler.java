package io.asyncz.cli;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The service's scheduler: a loop on a thread of its own, like the core's {@code ThreadScheduler},
 * that reads every store in each round instead of through store lanes. A lane remembers its store's
 * next run time until this scheduler itself changes the store, and the core has no way to tell it
 * that another process did; reading the stores in the round makes {@link #wakeup()} enough to see a
 * task that another {@code asyncz} process added or resumed. The price: a store that hangs holds up
 * the rounds of the others.
 */
final class ServiceScheduler extends Scheduler {
  private static final Duration ROUND_RETRY = Duration.ofSeconds(1);

  private final ReentrantLock signalLock = new ReentrantLock();
  private final Condition signal = signalLock.newCondition();
  private volatile boolean wakeupRequested;
  private volatile boolean looping;
  private Thread thread;

  ServiceScheduler(SchedulerSettings settings) {
    super(settings);
  }

  @Override
  protected boolean usesStoreLanes() {
    return false;
  }

  @Override
  protected void startLoop() {
    looping = true;
    thread = new Thread(this::loop, "asyncz-service-loop");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  protected void stopLoop() {
    looping = false;
    wakeup();
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void wakeup() {
    signalLock.lock();
    try {
      wakeupRequested = true;
      signal.signalAll();
    } finally {
      signalLock.unlock();
    }
  }

  private void loop() {
    try {
      while (looping) {
        Instant next;
        try {
          next = processTasks().orElse(null);
        } catch (Throwable e) {
          roundFailed(e, ROUND_RETRY);
          next = clock().instant().plus(ROUND_RETRY);
        }
        await(next);
      }
    } finally {
      if (looping) {
        loopFailed("the service's scheduler thread ended unexpectedly", null);
      }
    }
  }

  /** Waits until {@code until} (on the scheduler's clock) or a wake-up. */
  private void await(Instant until) {
    signalLock.lock();
    try {
      while (looping && !wakeupRequested) {
        if (until == null) {
          signal.await();
          continue;
        }
        long nanos = Duration.between(clock().instant(), until).toNanos();
        if (nanos <= 0) {
          break;
        }
        signal.awaitNanos(nanos);
      }
      wakeupRequested = false;
    } catch (InterruptedException e) {
      // Only stopLoop() ends the loop.
    } finally {
      signalLock.unlock();
    }
  }
}
