package io.asyncz.jdbc;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.PersistentStoreContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The persistent store contract for {@link JdbcStore} on one database: each test gets a table of
 * its own, which is dropped after it, with its quarantine table.
 */
abstract class JdbcStoreContract extends PersistentStoreContract {
  private static final AtomicInteger TABLES = new AtomicInteger();

  /** The table of the running test. */
  protected String table;

  /** A store on the test database, on {@code table}, not started. */
  protected abstract JdbcStore store(String table, TaskRecords records);

  /** A connection to the test database. */
  protected abstract Connection connect() throws SQLException;

  @Override
  protected final TaskStore createStore() {
    table = "contract_" + TABLES.incrementAndGet();
    return store(table, TaskRecords.plain());
  }

  @Override
  protected final TaskStore reopen(String key, String... oldKeys) {
    return store(table, TaskRecords.withKey(key, oldKeys));
  }

  @Override
  protected final TaskStore reopenWithMaxRecordSize(int maxRecordSize) {
    return store(table, TaskRecords.plain().withMaxRecordSize(maxRecordSize));
  }

  @Override
  protected final void writeRaw(String id, Instant nextRunTime, byte[] raw) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO " + table + " (id, next_run_time, state) VALUES (?, ?, ?)")) {
      ps.setString(1, id);
      if (nextRunTime == null) {
        ps.setNull(2, Types.BIGINT);
      } else {
        ps.setLong(2, JdbcStore.micros(nextRunTime));
      }
      ps.setBytes(3, raw);
      ps.executeUpdate();
    }
  }

  @Override
  protected final byte[] readRaw(String id) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT state FROM " + table + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  @Override
  protected void cleanUp(TaskStore store) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("DROP TABLE IF EXISTS " + table + "_quarantine");
    }
  }
}
