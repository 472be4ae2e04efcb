package io.asyncz.benchmarks.store;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.asyncz.benchmarks.scheduler.Completion;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * db-scheduler with {@code threads} threads, a polling interval of {@code pollMs} and one of its
 * two polling strategies, on its standard PostgreSQL table ({@code db-scheduler-postgresql.sql}).
 * The tasks are instances {@code t<n>} of one one-time task, stored with {@link
 * SchedulerClient#scheduleBatch} before the scheduler is built.
 */
final class DbSchedulerDrain implements DrainContender {
  /** db-scheduler's polling strategies. */
  enum Strategy {
    /** {@code pollUsingLockAndFetch(0.5, 1.0)}: one {@code UPDATE … RETURNING} locks and reads. */
    LOCK_AND_FETCH,
    /** {@code pollUsingFetchAndLockOnExecute(0.5, 3.0)}: reads, then locks each before its run. */
    FETCH
  }

  private final Strategy strategy;
  private final Duration pollingInterval;
  private Scheduler scheduler;

  DbSchedulerDrain(Strategy strategy, Duration pollingInterval) {
    this.strategy = strategy;
    this.pollingInterval = pollingInterval;
  }

  @Override
  public String name() {
    return strategy == Strategy.LOCK_AND_FETCH
        ? "db-scheduler lock-and-fetch"
        : "db-scheduler fetch";
  }

  @Override
  public void prepare(DataSource dataSource, int threads, int tasks, Completion completion)
      throws Exception {
    SqlScript.run(
        dataSource, SqlScript.resource(DbSchedulerDrain.class, "db-scheduler-postgresql.sql"));
    OneTimeTask<Void> task = Tasks.oneTime("noop").execute((instance, context) -> completion.ran());
    Instant now = Instant.now();
    SchedulerClient.Builder.create(dataSource, task)
        .build()
        .scheduleBatch(
            IntStream.range(0, tasks).mapToObj(i -> (TaskInstance<?>) task.instance("t" + i)), now);
    SchedulerBuilder builder =
        Scheduler.create(dataSource, task)
            .threads(threads)
            .pollingInterval(pollingInterval)
            .shutdownMaxWait(Duration.ofSeconds(5));
    if (strategy == Strategy.LOCK_AND_FETCH) {
      builder.pollUsingLockAndFetch(0.5, 1.0);
    } else {
      builder.pollUsingFetchAndLockOnExecute(0.5, 3.0);
    }
    scheduler = builder.build();
  }

  @Override
  public void start() {
    scheduler.start();
  }

  @Override
  public void stop() {
    scheduler.stop();
    scheduler = null;
  }
}
