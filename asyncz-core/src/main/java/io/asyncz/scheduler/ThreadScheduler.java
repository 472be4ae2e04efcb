package io.asyncz.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default scheduler: its loop runs on a daemon thread of its own that sleeps until the next run
 * is due or a change wakes it (the seed's AsyncIOScheduler with its own loop thread). An idle
 * scheduler does not poll.
 */
public final class ThreadScheduler extends Scheduler {
  /** How long before a due time the loop stops sleeping and spins. */
  static final long SPIN_NANOS = 100_000;

  /** How long the loop pauses after a round that threw. */
  static final Duration ROUND_RETRY = Duration.ofSeconds(1);

  private final ReentrantLock signalLock = new ReentrantLock();
  private final Condition signal = signalLock.newCondition();
  private volatile boolean wakeupRequested;
  private volatile boolean looping;
  private Thread thread;

  ThreadScheduler(SchedulerSettings settings) {
    super(settings);
  }

  @Override
  protected void startLoop() {
    looping = true;
    thread = new Thread(this::loop, "asyncz-scheduler");
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

  /** The class of {@code Clock.systemUTC()} and its kin, whose instants a timed wait can follow. */
  private static final Class<?> SYSTEM_CLOCK = java.time.Clock.systemUTC().getClass();

  /** How early runs are handed over (see {@link Scheduler#earlyHandoff}); tests widen it. */
  private volatile Duration early = TaskLoop.EARLY;

  /** Sets how early runs are handed over; for tests, which need a window they can act in. */
  void earlyHandoff(Duration early) {
    this.early = early;
  }

  /**
   * On the system clock, with every executor running tasks on threads of its own: a run is handed
   * over {@link TaskLoop#EARLY} before its time, and the executor's thread waits for it.
   */
  @Override
  Duration earlyHandoff() {
    if (clock().getClass() != SYSTEM_CLOCK) {
      return Duration.ZERO; // a test's clock: a thread would wait in real time for virtual time
    }
    for (io.asyncz.executor.TaskExecutor executor : plugins().executors().values()) {
      if (executor.runsOnCallerThread()) {
        return Duration.ZERO;
      }
    }
    return early;
  }

  @Override
  public void wakeup() {
    if (wakeupRequested) {
      return; // the loop will run a round anyway
    }
    signalLock.lock();
    try {
      wakeupRequested = true;
      signal.signalAll();
    } finally {
      signalLock.unlock();
    }
  }

  /**
   * Runs rounds until the scheduler stops. Nothing a round meets ends it: a round that throws is
   * logged, reported and followed by another after a pause, and an interrupt of this thread from
   * elsewhere is ignored. Should the thread end anyway, the scheduler's state says so.
   */
  private void loop() {
    try {
      while (looping) {
        Instant next;
        try {
          next = processTasks().orElse(null);
        } catch (Throwable e) {
          try {
            roundFailed(e, ROUND_RETRY);
          } catch (Throwable ignored) {
            // Reporting failed too; the pause below still keeps the loop from spinning.
          }
          next = clock().instant().plus(ROUND_RETRY);
        }
        await(next);
      }
    } finally {
      if (looping) {
        loopFailed("the scheduler thread ended unexpectedly", null);
      }
    }
  }

  /**
   * Spins through the last moments before a due time, with the lock released: a timed wait wakes up
   * to the operating system's timer slack (50 µs on Linux) late, and the run then still has to
   * cross to an executor thread; spinning the last {@value #SPIN_NANOS} ns keeps a run's lateness
   * down to that one hand-over. Called with {@link #signalLock} held.
   */
  private void spinUntil(Instant until) {
    signalLock.unlock();
    try {
      while (looping && !wakeupRequested && clock().instant().isBefore(until)) {
        Thread.onSpinWait();
      }
    } finally {
      signalLock.lock();
    }
  }

  /** Waits until {@code until} (on the scheduler's clock) or a wake-up, whichever is first. */
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
        if (nanos > SPIN_NANOS) {
          signal.awaitNanos(nanos - SPIN_NANOS);
          continue;
        }
        if (!earlyHandoff().isZero()) {
          break; // the wake-up is early already: the executor's thread waits out the rest
        }
        spinUntil(until);
        break;
      }
      wakeupRequested = false;
    } catch (InterruptedException e) {
      // Only stopLoop() ends the loop: an interrupt from elsewhere must not stop it silently.
      logger.debug("The scheduler thread was interrupted; going on");
    } finally {
      signalLock.unlock();
    }
  }
}
