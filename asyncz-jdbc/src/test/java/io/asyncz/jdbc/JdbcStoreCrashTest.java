package io.asyncz.jdbc;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreCrashContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A scheduler process on a JDBC store, killed while it writes, loses no task; each database's test
 * gives the URL.
 */
abstract class JdbcStoreCrashTest extends StoreCrashContract {
  private static final String TABLE = "crash_tasks";

  /** The JDBC URL of the database, for the writer and for the test. */
  abstract String url();

  @Override
  protected String storeAlias() {
    return "jdbc";
  }

  @Override
  protected Map<String, String> storeOptions() {
    return Map.of("url", url(), "table", TABLE);
  }

  @Override
  protected TaskStore openStore() {
    return new JdbcStore(url(), null, null, TABLE, TaskRecords.plain());
  }

  @Override
  protected Set<String> recordIds() throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + TABLE)) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }
}
