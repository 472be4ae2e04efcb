package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/** A claim committed by the server whose answer the node never got, for PostgreSQL and MariaDB. */
final class LostCommitAnswer {
  private LostCommitAnswer() {}

  /**
   * On {@code target}'s database, with the store on {@code table}: the server commits a claim but
   * its answer is lost (the connection fails right after the server got the {@code COMMIT}): the
   * node takes the claim for failed and hands nothing out, so its runs are recorded in flight on a
   * node that is alive. They must be resolved by {@code on_node_failure} (here: one task reruns,
   * the other is reported interrupted), not left in flight for ever, where they are neither run nor
   * reported and hold instance slots.
   */
  static void assertTheRunsAreResolved(DataSource target, String table, String url)
      throws Exception {
    AtomicBoolean armed = new AtomicBoolean(true);
    DataSource losing = losingTheAnswerToAClaimsCommit(target, table, armed);
    List<String> reran = new CopyOnWriteArrayList<>();
    List<String> interrupted = new CopyOnWriteArrayList<>();
    CountDownLatch settled = new CountDownLatch(2);
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                "work",
                (args, kwargs) -> {
                  reran.add((String) args.get(0));
                  settled.countDown();
                  return null;
                });
    ThreadScheduler node =
        Scheduler.builder()
            .registry(registry)
            .identity("lost-answer")
            .cluster(
                ClusterSettings.DEFAULTS
                    .withPollInterval(Duration.ofMillis(50))
                    .withHeartbeatInterval(Duration.ofMillis(200)))
            .storeRetryInterval(Duration.ofMillis(200))
            .heartbeatStaleAfter(Duration.ofSeconds(3))
            .store("default", new JdbcStore(losing, table, TaskRecords.plain()))
            .build();
    node.addListener(
        e -> {
          interrupted.add(((TaskExecutionEvent) e).taskId());
          settled.countDown();
        },
        Events.TASK_INTERRUPTED);
    node.start();
    try {
      Instant due = Instant.now().plusMillis(300);
      // Added together, so that one claim, the one whose answer is lost, takes both.
      node.addAll(
          batch -> {
            batch
                .task("work")
                .id("again")
                .args("again")
                .trigger(DateTrigger.at(due))
                .noGraceLimit()
                .onNodeFailure(ClusterSettings.NodeFailurePolicy.RERUN)
                .add();
            batch
                .task("work")
                .id("reported")
                .args("reported")
                .trigger(DateTrigger.at(due))
                .noGraceLimit()
                .add();
          });
      assertThat(settled.await(30, TimeUnit.SECONDS))
          .as("runs of the claim whose answer was lost: rerun %s, reported %s", reran, interrupted)
          .isTrue();
      assertThat(armed).isFalse();
      assertThat(reran).containsExactly("again");
      assertThat(interrupted).containsExactly("reported");
    } finally {
      node.shutdown(Duration.ofSeconds(5));
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + "_inflight")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).as("runs left in flight").isZero();
    }
  }

  /**
   * {@code target}, whose first commit of a transaction that recorded runs in flight (a claim)
   * commits on the server and then fails as a lost connection does, while {@code armed}.
   */
  private static DataSource losingTheAnswerToAClaimsCommit(
      DataSource target, String table, AtomicBoolean armed) {
    return JdbcProxies.withConnections(
        target,
        connection -> {
          AtomicBoolean recordsRuns = new AtomicBoolean();
          return JdbcProxies.proxy(
              Connection.class,
              connection,
              (c, m, a) -> {
                if (m.getName().equals("prepareStatement")
                    && ((String) a[0]).contains("INSERT INTO " + table + "_inflight")) {
                  recordsRuns.set(true);
                }
                Object made = JdbcProxies.invoke(c, m, a);
                if (m.getName().equals("commit") || m.getName().equals("rollback")) {
                  if (m.getName().equals("commit")
                      && recordsRuns.getAndSet(false)
                      && armed.compareAndSet(true, false)) {
                    throw new SQLException(
                        "An I/O error occurred while sending to the backend", "08006");
                  }
                  recordsRuns.set(false);
                }
                return made;
              });
        });
  }
}
