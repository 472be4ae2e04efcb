package io.asyncz.jdbc;

import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.testkit.ClusterChaosContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Three scheduler processes on one MariaDB 10.11, killed with SIGKILL in turn, keep every run: the
 * claims go through {@code SELECT ... FOR UPDATE SKIP LOCKED} and the lease through the nodes
 * table, as on PostgreSQL, but with MariaDB's own locking and isolation. The execution records go
 * to a table of the same database.
 */
class MariaDbClusterChaosTest extends ClusterChaosContract {
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
  protected String storeAlias() {
    return "jdbc";
  }

  @Override
  protected Map<String, String> storeOptions(NodeFailurePolicy policy) {
    return Map.of("url", server.url(), "table", "chaos_" + policy.label());
  }

  @Override
  protected String journalUrl() {
    return server.url();
  }
}
