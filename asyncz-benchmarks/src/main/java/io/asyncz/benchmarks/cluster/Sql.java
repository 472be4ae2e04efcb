package io.asyncz.benchmarks.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The DDL scripts the peers ship for PostgreSQL, read from the class path and run in order. */
final class Sql {
  private Sql() {}

  /** The text of a class-path resource, relative to {@code anchor}'s package unless absolute. */
  static String resource(Class<?> anchor, String name) throws IOException {
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Runs the statements of {@code script} (lines starting with {@code --} dropped, the rest split
   * at semicolons, a bare {@code COMMIT} left out) in autocommit on one connection.
   */
  static void run(DataSource dataSource, String script) throws SQLException {
    StringBuilder text = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        text.append(line).append('\n');
      }
    }
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : text.toString().split(";")) {
        String statement = sql.strip();
        if (!statement.isEmpty() && !statement.equalsIgnoreCase("commit")) {
          s.execute(statement);
        }
      }
    }
  }
}
