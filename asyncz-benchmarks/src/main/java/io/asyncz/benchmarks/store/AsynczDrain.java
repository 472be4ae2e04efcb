package io.asyncz.benchmarks.store;

import io.asyncz.benchmarks.scheduler.Completion;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Asyncz: a {@link io.asyncz.scheduler.ThreadScheduler} with a {@link PoolExecutor} and a {@link
 * JdbcStore} (plain JSON records) on the data source. The scheduler starts paused, the tasks are
 * added through its API (one insert each), and {@link #start} resumes it. Each task has a date
 * trigger, no grace limit, and the function reference {@value #REFERENCE}, resolved through a
 * {@link TaskRegistry}.
 *
 * <p>The date is the time the adding began, the same for every task, as for the peers; or, with
 * {@code distinctTimes}, one microsecond apart before it (task {@code t0} earliest), so that no two
 * tasks tie on the next run time, which the {@link JdbcStore} orders in Java.
 */
final class AsynczDrain implements DrainContender {
  /** The registered name of the counting no-op function. */
  static final String REFERENCE = "bench.noop";

  private final boolean distinctTimes;
  private Scheduler scheduler;

  AsynczDrain(boolean distinctTimes) {
    this.distinctTimes = distinctTimes;
  }

  @Override
  public String name() {
    return distinctTimes ? "Asyncz JdbcStore, distinct times" : "Asyncz JdbcStore";
  }

  @Override
  public void prepare(DataSource dataSource, int threads, int tasks, Completion completion) {
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                REFERENCE,
                (args, kwargs) -> {
                  completion.ran();
                  return null;
                });
    scheduler =
        Scheduler.builder()
            .registry(registry)
            .executor("default", new PoolExecutor(threads))
            .store(
                "default", new JdbcStore(dataSource, JdbcStore.DEFAULT_TABLE, TaskRecords.plain()))
            .build();
    scheduler.start(true);
    Instant now = scheduler.clock().instant();
    DateTrigger same = DateTrigger.at(now);
    scheduler.addAll(
        batch -> {
          for (int i = 0; i < tasks; i++) {
            DateTrigger due =
                distinctTimes ? DateTrigger.at(now.minusNanos(1000L * (tasks - i))) : same;
            batch.task(REFERENCE).id("t" + i).trigger(due).noGraceLimit().add();
          }
        });
  }

  @Override
  public void start() {
    scheduler.resume();
  }

  @Override
  public void stop() {
    scheduler.shutdown(false);
    scheduler = null;
  }
}
