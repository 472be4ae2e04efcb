package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;

/** A scheduler process on a SQLite file, killed while it writes, loses no task. */
class SqliteStoreCrashTest extends JdbcStoreCrashTest {
  @Override
  String url() {
    return "jdbc:sqlite:" + directory.resolve("tasks.db");
  }

  /** The rows, once SQLite has rolled back the killed transaction and finds the file sound. */
  @Override
  protected Set<String> recordIds() throws Exception {
    Set<String> ids = super.recordIds();
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).as("SQLite integrity check").isEqualTo("ok");
    }
    return ids;
  }
}
