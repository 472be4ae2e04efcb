package io.asyncz.benchmarks.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The DDL scripts the peers ship for PostgreSQL, read from the class path and run statement by
 * statement.
 */
final class SqlScript {
  private SqlScript() {}

  /** The text of a class-path resource, relative to {@code anchor}'s package unless absolute. */
  static String resource(Class<?> anchor, String name) throws IOException {
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The statements of a script: lines starting with {@code --} dropped, the rest split at
   * semicolons; a bare {@code COMMIT} is left out, since the statements run in autocommit.
   */
  static List<String> statements(String script) {
    StringBuilder text = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        text.append(line).append('\n');
      }
    }
    List<String> out = new ArrayList<>();
    for (String sql : text.toString().split(";")) {
      String s = sql.strip();
      if (!s.isEmpty() && !s.equalsIgnoreCase("commit")) {
        out.add(s);
      }
    }
    return out;
  }

  /** Runs every statement of {@code script} on one connection of {@code dataSource}. */
  static void run(DataSource dataSource, String script) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : statements(script)) {
        s.execute(sql);
      }
    }
  }
}
