package io.asyncz.jdbc;

import io.asyncz.persistence.TaskRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;

/** The JDBC store on an in-memory H2 database (from a DataSource) passes the store contract. */
class H2StoreContractTest extends JdbcStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private JdbcDataSource dataSource;

  @Override
  protected JdbcStore store(String table, TaskRecords records) {
    if (dataSource == null) {
      dataSource = new JdbcDataSource();
      dataSource.setURL(
          "jdbc:h2:mem:contract" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    }
    return new JdbcStore(dataSource, table, records);
  }

  @Override
  protected Connection connect() throws SQLException {
    return dataSource.getConnection();
  }
}
