/**
 * Asyncz JDBC store: tasks in one SQL table, from a {@link javax.sql.DataSource} or a JDBC URL
 * pooled with HikariCP (aliases {@code jdbc} and {@code sqlalchemy}).
 */
module io.asyncz.jdbc {
  requires transitive io.asyncz.persistence;
  requires transitive java.sql;
  requires com.zaxxer.hikari;

  exports io.asyncz.jdbc;

  provides io.asyncz.store.StoreFactory with
      io.asyncz.jdbc.JdbcStoreFactory;
}
