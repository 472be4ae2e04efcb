package io.asyncz.benchmarks.scheduler;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The JDK's {@link ScheduledThreadPoolExecutor} with two threads: the baseline. */
final class JdkContender implements Contender {
  private ScheduledThreadPoolExecutor pool;

  @Override
  public String name() {
    return "JDK STPE";
  }

  @Override
  public void start(NanoClock clock) {
    pool = new ScheduledThreadPoolExecutor(2);
    pool.prestartAllCoreThreads();
  }

  @Override
  public void scheduleNoop(long dueNanos, int index, Runnable task) {
    pool.schedule(task, dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void scheduleProbe(long dueNanos, int index, Probes probes) {
    pool.schedule(probes.task(index), dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(1, TimeUnit.MINUTES);
    pool = null;
  }
}
