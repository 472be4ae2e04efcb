package io.asyncz.benchmarks.scheduler;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts runs down to zero and notes when the last one ran. */
public final class Completion {
  private final AtomicInteger remaining;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile long lastNanos;

  /** Expects {@code runs} runs. */
  public Completion(int runs) {
    this.remaining = new AtomicInteger(runs);
  }

  /** Called by every run once it has done its work. */
  public void ran() {
    if (remaining.decrementAndGet() == 0) {
      lastNanos = System.nanoTime();
      done.countDown();
    }
  }

  /** Waits for the last run; returns whether it came in time. */
  public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }

  /** The {@link System#nanoTime()} of the last run. */
  public long lastNanos() {
    return lastNanos;
  }

  /** The runs still to come; negative when some task ran more than once. */
  public int remaining() {
    return remaining.get();
  }
}
