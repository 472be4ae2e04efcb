package io.asyncz.jdbc;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The JDBC store on a SQLite file (from a URL, pooled by HikariCP) passes the store contract. */
class SqliteStoreContractTest extends JdbcStoreContract {
  private Path file;

  @Override
  protected JdbcStore store(String table, TaskRecords records) {
    return new JdbcStore(url(), null, null, table, records);
  }

  /** The URL of the test's SQLite file, created on first use. */
  protected final String url() {
    try {
      if (file == null) {
        file = Files.createTempFile("asyncz-sqlite", ".db");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "jdbc:sqlite:" + file;
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  @Override
  protected void cleanUp(TaskStore store) throws Exception {
    Files.deleteIfExists(file);
  }
}
