package io.asyncz.jdbc;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreOutageContract;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC store on MariaDB 10.11, through a fault proxy: outages fail calls in time. */
class MariaDbOutageTest extends StoreOutageContract {
  private static final String TABLE = "outage_tasks";
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
  protected InetSocketAddress server() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  @Override
  protected TaskStore createStore(String host, int port, Duration timeout) {
    return new JdbcStore(
        "jdbc:mariadb://" + host + ":" + port + "/asyncz?user=root",
        null,
        null,
        TABLE,
        TaskRecords.plain(),
        JdbcStore.Timeouts.of(timeout, timeout));
  }

  @Override
  protected void cleanUp() throws Exception {
    try (Connection c = DriverManager.getConnection(server.url());
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      s.execute("DROP TABLE IF EXISTS " + TABLE + "_quarantine");
      s.execute("DROP TABLE IF EXISTS " + TABLE + "_runs");
    }
  }
}
