package io.asyncz.jdbc;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreContract;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JDBC store on a SQLite file (from a URL, pooled by HikariCP) passes the store contract. */
class SqliteStoreContractTest extends StoreContract {
  private Path file;

  @Override
  protected TaskStore createStore() throws Exception {
    file = Files.createTempFile("asyncz-sqlite", ".db");
    return new JdbcStore("jdbc:sqlite:" + file, null, null, "tasks", TaskRecords.plain());
  }

  @Override
  protected void cleanUp(TaskStore store) throws Exception {
    Files.deleteIfExists(file);
  }
}
