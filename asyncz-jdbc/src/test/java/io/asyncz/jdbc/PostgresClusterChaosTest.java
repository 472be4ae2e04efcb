package io.asyncz.jdbc;

import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.testkit.ClusterChaosContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Three scheduler processes on one PostgreSQL 18, killed with SIGKILL in turn, keep every run. */
class PostgresClusterChaosTest extends ClusterChaosContract {
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

  @Override
  protected String storeAlias() {
    return "jdbc";
  }

  @Override
  protected Map<String, String> storeOptions(NodeFailurePolicy policy) {
    return Map.of("url", server.url("postgres"), "table", "chaos_" + policy.label());
  }

  @Override
  protected String journalUrl() {
    return server.url("postgres");
  }
}
