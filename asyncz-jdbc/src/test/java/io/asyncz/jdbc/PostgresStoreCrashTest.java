package io.asyncz.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A scheduler process on PostgreSQL 18, killed while it writes, loses no task. */
class PostgresStoreCrashTest extends JdbcStoreCrashTest {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  String url() {
    return server.url("postgres");
  }
}
