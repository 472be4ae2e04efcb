package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ClusterContract;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster mode on one embedded PostgreSQL, several schedulers in this JVM. */
class PostgresClusterTest extends ClusterContract {
  private static final String TABLE = "cluster_tasks";
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
  protected TaskStore newNodeStore() {
    return new JdbcStore(server.url("postgres"), null, null, TABLE, TaskRecords.plain());
  }

  @Test
  void aNodeRefusesClusterTablesOfANewerFormatSayingSo() throws Exception {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + TABLE
              + "_cluster (name VARCHAR(32) NOT NULL PRIMARY KEY, value INT NOT NULL)");
      s.execute("INSERT INTO " + TABLE + "_cluster VALUES ('format', 2)");
    }
    JdbcStore store = (JdbcStore) newNodeStore();
    store.start(
        new TestStoreContext(MutableClock.at(Instant.EPOCH), new TaskRegistry()), "default");
    try {
      assertThatThrownBy(
              () ->
                  store.joinCluster(
                      new ClusteredStore.Node("n1", "host", 1, Instant.EPOCH, "test")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("have format 2, written by a newer version of Asyncz")
          .hasMessageContaining("reads format 1");
    } finally {
      store.shutdown();
    }
  }

  @Test
  void aStoreOnSqliteRefusesClusterModeNamingTheDatabasesThatHaveIt(@TempDir Path dir) {
    JdbcStore store =
        new JdbcStore(
            "jdbc:sqlite:" + dir.resolve("tasks.db"), null, null, TABLE, TaskRecords.plain());
    store.start(
        new TestStoreContext(MutableClock.at(Instant.EPOCH), new TaskRegistry()), "default");
    try {
      assertThatThrownBy(
              () ->
                  store.joinCluster(
                      new ClusteredStore.Node("n1", "host", 1, Instant.EPOCH, "test")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("SQLite")
          .hasMessageContaining("expected a store on PostgreSQL, MariaDB 10.6+ or MySQL 8");
    } finally {
      store.shutdown();
    }
  }

  @Override
  protected void clear() throws Exception {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      for (String suffix : new String[] {"", "_quarantine", "_runs", "_nodes", "_cluster"}) {
        s.execute("DROP TABLE IF EXISTS " + TABLE + suffix);
      }
    }
  }
}
