package io.asyncz.jdbc;

import io.asyncz.InvalidInputException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The JDBC store's tables (tasks, quarantine, run history): their layout, created on start where
 * missing, the sizes of their columns, and how an instant is kept in a {@code BIGINT} column
 * (microseconds since the epoch).
 */
final class JdbcSchema {
  /** The length of the id columns. */
  static final int MAX_ID_LENGTH = 191;

  /** The length of the quarantine table's {@code detail} column. */
  static final int MAX_DETAIL = 1000;

  /** The length of the quarantine table's {@code reason} column. */
  static final int MAX_REASON = 32;

  private JdbcSchema() {}

  /**
   * Creates the task table, its index {@code ix_<table>_due}, the quarantine table and the run
   * history table ({@link JdbcRunHistory}) where they are missing, with the id collation and binary
   * type of the database behind {@code c}.
   */
  static void create(Connection c, String table, String quarantine) throws SQLException {
    try (Statement s = c.createStatement()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      String idType = "VARCHAR(" + MAX_ID_LENGTH + ")";
      String blob = "BLOB";
      if (product.contains("postgres")) {
        idType += " COLLATE \"C\"";
        blob = "BYTEA";
      } else if (product.contains("mysql") || product.contains("mariadb")) {
        idType += " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        blob = "LONGBLOB";
      }
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (id "
              + idType
              + " NOT NULL PRIMARY KEY, next_run_time BIGINT, state "
              + blob
              + " NOT NULL)");
      s.execute(
          "CREATE INDEX IF NOT EXISTS ix_" + table + "_due ON " + table + " (next_run_time, id)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + quarantine
              + " (id "
              + idType
              + " NOT NULL, quarantined_at BIGINT NOT NULL, reason VARCHAR(32) NOT NULL, detail"
              + " VARCHAR("
              + MAX_DETAIL
              + ") NOT NULL, state "
              + blob
              + " NOT NULL, PRIMARY KEY (id, quarantined_at))");
      JdbcRunHistory.create(s, table + "_runs", idType, blob);
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  /** Refuses an id that does not fit the id column. */
  static void checkId(String id) {
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new InvalidInputException(
          "task id",
          id.length() > 60 ? id.substring(0, 60) + "..." : id,
          "does not fit the id column; expected 1 to " + MAX_ID_LENGTH + " characters");
    }
  }

  /** Whether {@code table} holds a row of {@code id}. */
  /**
   * Whether the database refused a write because a key is taken: PostgreSQL's and H2's SQL state
   * 23505, MySQL's and MariaDB's error 1062 ("Duplicate entry"), SQLite's unique or primary key
   * constraint. A writer that lost a race for an id learns it from this error even where its next
   * read cannot see the winner's row yet.
   */
  static boolean isDuplicateKey(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        for (SQLException x = s; x != null; x = x.getNextException()) {
          String state = x.getSQLState();
          String message = String.valueOf(x.getMessage());
          if ("23505".equals(state)
              || x.getErrorCode() == 1062
              || message.contains("UNIQUE constraint failed")
              || message.contains("PRIMARY KEY constraint failed")
              || message.startsWith("[SQLITE_CONSTRAINT_PRIMARYKEY]")
              || message.startsWith("[SQLITE_CONSTRAINT_UNIQUE]")) {
            return true;
          }
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  static boolean exists(Connection c, String table, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Sets parameter {@code index} to {@code time} in microseconds, or to NULL for no time. */
  static void setMicros(PreparedStatement ps, int index, Instant time) throws SQLException {
    if (time == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, micros(time));
    }
  }

  /** Microseconds since the epoch, rounded down; clamped for instants beyond a long's range. */
  static long micros(Instant time) {
    try {
      return Math.floorDiv(ChronoUnit.NANOS.between(Instant.EPOCH, time), 1000L);
    } catch (ArithmeticException tooFar) {
      try {
        return ChronoUnit.MICROS.between(Instant.EPOCH, time);
      } catch (ArithmeticException stillTooFar) {
        return time.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
    }
  }

  /** The instant of a number of microseconds since the epoch. */
  static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
