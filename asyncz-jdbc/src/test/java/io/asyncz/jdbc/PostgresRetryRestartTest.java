package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.PendingRetry;
import io.asyncz.task.RetryPolicy;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A retry is stored with its task in PostgreSQL (issue 14): a scheduler that stops while a retry is
 * pending leaves it to the next one, which runs it once, as the attempt that comes next, and then
 * goes on with the task's own schedule.
 */
@Timeout(120)
class PostgresRetryRestartTest {
  private static final Instant T0 = Instant.parse("2031-05-04T09:00:00Z");
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRetryPendingWhenTheSchedulerStopsRunsOnceInTheNextOne() {
    MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
    List<String> calls = new CopyOnWriteArrayList<>();
    TaskFunction flaky =
        (args, kwargs) -> {
          calls.add(clock.instant().toString());
          if (calls.size() == 1) {
            throw new IllegalStateException("the first attempt fails");
          }
          return "ok";
        };

    ManualScheduler before = scheduler(clock, flaky);
    before.start();
    before
        .task("jobs.flaky")
        .id("sync")
        .trigger(IntervalTrigger.builder().hours(1).startAt(T0.plusSeconds(60)).build())
        .retry(RetryPolicy.fixed(2, Duration.ofMinutes(5)))
        .store("pg")
        .add();
    before.advance(Duration.ofSeconds(60));
    before.shutdown(false);

    ManualScheduler after = scheduler(clock, flaky);
    after.start();
    assertThat(after.getTask("sync").orElseThrow().pendingRetry())
        .contains(
            new PendingRetry(T0.plusSeconds(60), 2, T0.plusSeconds(360), T0.plusSeconds(3660)));
    after.advance(Duration.ofMinutes(10));
    assertThat(after.getTask("sync").orElseThrow().pendingRetry()).isEmpty();
    assertThat(after.getTask("sync").orElseThrow().nextRunTime()).contains(T0.plusSeconds(3660));
    after.shutdown(false);

    assertThat(calls).containsExactly("2031-05-04T09:01:00Z", "2031-05-04T09:06:00Z");
  }

  private static ManualScheduler scheduler(MutableClock clock, TaskFunction fn) {
    return ManualScheduler.with(
        Scheduler.builder()
            .registry(new TaskRegistry().register("jobs.flaky", fn))
            .timezone(ZoneOffset.UTC)
            .store(
                "pg",
                new JdbcStore(
                    server.url("postgres"), null, null, "retry_restart", TaskRecords.plain())),
        clock);
  }
}
