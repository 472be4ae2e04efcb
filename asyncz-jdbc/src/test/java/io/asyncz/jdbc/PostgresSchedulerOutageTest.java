package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.asyncz.event.Events;
import io.asyncz.event.SchedulerErrorEvent;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ShutdownReport;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.FaultProxy;
import io.asyncz.trigger.IntervalTrigger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A scheduler with a memory store and a PostgreSQL store reached through a fault proxy (issue 9,
 * item 6): while the database is cut off or stops answering, the memory store's tasks run on time
 * and the API answers at once; the outage is reported; when the database is back, its tasks run
 * again without a restart.
 */
@Timeout(120)
class PostgresSchedulerOutageTest {
  private static final String TABLE = "scheduler_outage";
  private static final long WAIT_SECONDS = 30;
  private static PostgresServer server;

  private FaultProxy proxy;
  private ThreadScheduler scheduler;

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

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.pass();
    }
    if (scheduler != null && scheduler.isRunning()) {
      scheduler.shutdown(Duration.ofSeconds(10));
    }
    if (proxy != null) {
      proxy.close();
    }
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      s.execute("DROP TABLE IF EXISTS " + TABLE + "_quarantine");
      s.execute("DROP TABLE IF EXISTS " + TABLE + "_runs");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"blackhole", "cut"})
  void anOutageOfTheDatabaseHoldsUpNeitherTheMemoryStoreNorTheApi(String fault) throws Exception {
    proxy = FaultProxy.start("127.0.0.1", server.port());
    CountDownLatch remoteRuns = new CountDownLatch(2);
    AtomicReference<CountDownLatch> remoteAfter = new AtomicReference<>(new CountDownLatch(1));
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                "remote",
                (args, kwargs) -> {
                  remoteRuns.countDown();
                  remoteAfter.get().countDown();
                  return null;
                });
    Duration timeout = Duration.ofSeconds(1);
    JdbcStore db =
        new JdbcStore(
            "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres?user=postgres",
            null,
            null,
            TABLE,
            TaskRecords.plain(),
            JdbcStore.Timeouts.of(timeout, timeout));
    scheduler =
        Scheduler.builder()
            .registry(registry)
            .storeRetryInterval(Duration.ofSeconds(1))
            .store("db", db)
            .build();
    CountDownLatch outageReported = new CountDownLatch(1);
    scheduler.addListener(
        e -> {
          if ("db".equals(((SchedulerErrorEvent) e).store())) {
            outageReported.countDown();
          }
        },
        Events.SCHEDULER_ERROR);
    scheduler.start();
    scheduler
        .task("remote")
        .id("remote")
        .trigger(IntervalTrigger.builder().interval(Duration.ofMillis(100)).build())
        .store("db")
        .add();
    assertThat(remoteRuns.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    if (fault.equals("cut")) {
      proxy.cut();
    } else {
      proxy.blackhole();
    }
    CountDownLatch localRuns = new CountDownLatch(25);
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () ->
            scheduler
                .task(localRuns::countDown)
                .id("local")
                .trigger(IntervalTrigger.builder().interval(Duration.ofMillis(20)).build())
                .add());

    assertThat(localRuns.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(outageReported.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          assertThat(scheduler.getTask("local", "default")).isPresent();
          scheduler.pauseTask("local", "default");
          scheduler.resumeTask("local", "default");
        });

    CountDownLatch afterOutage = new CountDownLatch(2);
    remoteAfter.set(afterOutage);
    proxy.pass();
    assertThat(afterOutage.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    ShutdownReport report = scheduler.shutdown(Duration.ofSeconds(10));
    assertThat(report.stopped()).isTrue();
  }
}
