package io.asyncz.benchmarks.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.asyncz.jdbc.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL server (asyncz-jdbc's {@link PostgresServer}: fsync off, loopback TCP)
 * that hands out fresh, empty databases, each with its own HikariCP pool.
 */
final class PostgresDatabases implements AutoCloseable {
  private final PostgresServer server;
  private final AtomicInteger count = new AtomicInteger();
  private boolean closed;

  private PostgresDatabases(PostgresServer server) {
    this.server = server;
  }

  /** Unpacks and starts the server. */
  static PostgresDatabases start() throws Exception {
    return new PostgresDatabases(PostgresServer.start());
  }

  /** The server's version, e.g. {@code 18.1}. */
  String version() throws Exception {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement();
        var rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Creates an empty database with a pool of {@code poolSize} connections on it. */
  Fresh create(int poolSize) throws Exception {
    String name = "bench_" + count.incrementAndGet();
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.url(name));
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(poolSize);
    config.setPoolName(name);
    return new Fresh(name, new HikariDataSource(config));
  }

  /** A database that is dropped, with its pool closed, on {@link #close}. */
  final class Fresh implements AutoCloseable {
    private final String name;
    private final HikariDataSource pool;

    private Fresh(String name, HikariDataSource pool) {
      this.name = name;
      this.pool = pool;
    }

    DataSource dataSource() {
      return pool;
    }

    @Override
    public void close() throws Exception {
      pool.close();
      try (Connection c = DriverManager.getConnection(server.url("postgres"));
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }

  @Override
  public synchronized void close() throws Exception {
    if (!closed) {
      closed = true;
      server.close();
    }
  }

  /** Closes the server, printing rather than throwing a failure; for a shutdown hook. */
  void closeQuietly() {
    try {
      close();
    } catch (Exception e) {
      System.err.println("Could not stop PostgreSQL: " + e);
    }
  }
}
