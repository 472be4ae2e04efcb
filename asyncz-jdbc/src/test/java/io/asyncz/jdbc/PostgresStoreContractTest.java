package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
  protected Set<String> catalogKeywords(Connection c) throws SQLException {
    Set<String> words = new TreeSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT upper(word) FROM pg_get_keywords()")) {
      while (rs.next()) {
        words.add(rs.getString(1));
      }
    }
    return words;
  }

  @Test
  void everyWordPostgreSqlReservesForTablesIsReserved() throws Exception {
    List<String> words = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T') ORDER BY word")) {
      while (rs.next()) {
        words.add(rs.getString(1));
      }
    }
    assertThat(words).hasSizeGreaterThan(90);
    assertThat(words).allSatisfy(word -> assertThat(SqlNames.isReserved(word)).as(word).isTrue());
  }

  @Test
  void theLongestTableNameAndItsQuarantineTableKeepTheirFullNames() throws Exception {
    String longest = "t".repeat(SqlNames.MAX_TABLE);
    JdbcStore store = store(longest, TaskRecords.plain());
    store.start(context(), ALIAS);
    try {
      store.addTask(task("a", T0));
      assertThat(store.allTasks()).extracting(Task::id).containsExactly("a");
      store.removeAllTasks();
    } finally {
      store.shutdown();
    }
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'ttt%'"
                  + " ORDER BY table_name")) {
        List<String> names = new ArrayList<>();
        while (rs.next()) {
          names.add(rs.getString(1));
        }
        assertThat(names).containsExactly(longest, longest + "_quarantine", longest + "_runs");
        assertThat(names.get(1)).hasSize(63);
      } finally {
        s.execute("DROP TABLE IF EXISTS " + longest);
        s.execute("DROP TABLE IF EXISTS " + longest + "_quarantine");
        s.execute("DROP TABLE IF EXISTS " + longest + "_runs");
      }
    }
  }

  @Test
  void theSqlalchemyAliasConnectsWithTheUserAndPasswordOfASqlAlchemyUrl() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE seed_user LOGIN PASSWORD 'p@ss'");
      s.execute("GRANT ALL ON SCHEMA public TO seed_user");
    }
    try {
      TaskStore store =
          TaskStores.create(
              "sqlalchemy",
              Map.of(
                  "database",
                  "postgresql+psycopg://seed_user:p%40ss@127.0.0.1:" + server.port() + "/postgres",
                  "tablename",
                  "seed_jobs"));
      store.start(context(), ALIAS);
      try {
        store.addTask(task("a", T0));
        assertThat(store.allTasks()).extracting(Task::id).containsExactly("a");
      } finally {
        store.shutdown();
      }
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = 'seed_jobs'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("seed_user");
      }
    } finally {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.execute("DROP OWNED BY seed_user");
        s.execute("DROP ROLE seed_user");
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
