package io.asyncz.jdbc;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;

/** The JDBC store on an in-memory H2 database (from a DataSource) passes the store contract. */
class H2StoreContractTest extends StoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  protected TaskStore createStore() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:contract" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    return new JdbcStore(ds, "asyncz_store", TaskRecords.plain());
  }
}
