package io.asyncz.benchmarks.scheduler;

import io.asyncz.executor.PoolExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.trigger.DateTrigger;

/**
 * Asyncz: the default thread scheduler with a {@link PoolExecutor} of two threads and the default
 * memory store, on the start clock. Tasks get date triggers, no grace limit, and generated ids.
 */
final class AsynczContender implements Contender {
  private Scheduler scheduler;
  private NanoClock clock;

  @Override
  public String name() {
    return "Asyncz";
  }

  @Override
  public void start(NanoClock clock) {
    this.clock = clock;
    scheduler = Scheduler.builder().clock(clock).executor("default", new PoolExecutor(2)).build();
    scheduler.start();
  }

  @Override
  public void scheduleNoop(long dueNanos, int index, Runnable task) {
    scheduler.task(task).trigger(DateTrigger.at(clock.toInstant(dueNanos))).noGraceLimit().add();
  }

  @Override
  public void scheduleProbe(long dueNanos, int index, Probes probes) {
    scheduler
        .task(probes.task(index))
        .trigger(DateTrigger.at(clock.toInstant(dueNanos)))
        .noGraceLimit()
        .add();
  }

  @Override
  public void stop() {
    scheduler.shutdown(false);
    scheduler = null;
  }
}
