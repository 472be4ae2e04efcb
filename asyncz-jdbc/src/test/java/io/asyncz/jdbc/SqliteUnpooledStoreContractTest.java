package io.asyncz.jdbc;

import io.asyncz.persistence.TaskRecords;

/**
 * The JDBC store on a SQLite file without a pool (a connection from the driver for each operation,
 * as the command line's short commands use it) passes the store contract.
 */
class SqliteUnpooledStoreContractTest extends SqliteStoreContractTest {
  @Override
  protected JdbcStore store(String table, TaskRecords records) {
    return new JdbcStore(url(), null, null, table, records, JdbcStore.Timeouts.DEFAULTS, false);
  }
}
