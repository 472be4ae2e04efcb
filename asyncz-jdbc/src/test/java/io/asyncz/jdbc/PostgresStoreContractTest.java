package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.task.Task;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JDBC store on a real PostgreSQL 18 server (from a URL, pooled) passes the store contract. */
class PostgresStoreContractTest extends JdbcStoreContract {
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
  void hostileIdsAreStoredVerbatimAndACorruptRowIsQuarantinedWithItsBytes() throws Exception {
    List<String> ids =
        List.of("'; DROP TABLE " + table + "; --", "\"quoted\"", "..", "../x", "a\\b", "%_*");
    for (int i = 0; i < ids.size(); i++) {
      store().addTask(task(ids.get(i), T0.plusSeconds(i)));
    }
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        PreparedStatement ps =
            c.prepareStatement("UPDATE " + table + " SET state = ? WHERE id = ?")) {
      ps.setBytes(1, "{broken".getBytes(StandardCharsets.UTF_8));
      ps.setString(2, "..");
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    List<String> readable = ids.stream().filter(id -> !id.equals("..")).toList();

    // A second store on the same table (a restart) sees the same tasks.
    JdbcStore again = new JdbcStore(server.url("postgres"), null, null, table, TaskRecords.plain());
    again.start(context(), ALIAS);
    try {
      assertThat(again.allTasks()).extracting(Task::id).containsExactlyElementsOf(readable);
      for (String id : readable) {
        assertThat(again.lookupTask(id).orElseThrow().id()).isEqualTo(id);
      }
      assertThat(again.lookupTask("..")).isEmpty();
      again.removeAllTasks();
    } finally {
      again.shutdown();
    }
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
      try (ResultSet rs =
          s.executeQuery("SELECT id, reason, state FROM " + table + "_quarantine")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("..");
        assertThat(rs.getString(2)).isEqualTo("MALFORMED");
        assertThat(new String(rs.getBytes(3), StandardCharsets.UTF_8)).isEqualTo("{broken");
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void theServerIsPostgreSql18AndTheStateColumnIsBytea() throws Exception {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SHOW server_version")) {
        rs.next();
        assertThat(rs.getString(1)).startsWith("18.");
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT column_name, data_type FROM information_schema.columns"
                  + " WHERE table_name = '"
                  + table
                  + "' ORDER BY ordinal_position")) {
        StringBuilder columns = new StringBuilder();
        while (rs.next()) {
          columns.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(';');
        }
        assertThat(columns.toString())
            .isEqualTo("id character varying;next_run_time bigint;state bytea;");
      }
    }
  }

  @Override
  protected JdbcStore store(String table, TaskRecords records) {
    return new JdbcStore(server.url("postgres"), null, null, table, records);
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(server.url("postgres"));
  }
}
