package io.asyncz.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The execution records of a chaos run, in a table of a JDBC database (the cluster's own, for a
 * JDBC store): one row per run started (its end written before the function returns), per run time
 * found missed and per run reported interrupted. Each write commits before the call returns, so a
 * node killed after it loses nothing of it.
 */
final class ChaosJournal implements AutoCloseable {
  /** The table's name. */
  static final String TABLE = "asyncz_chaos_journal";

  /** What a row records. */
  enum Kind {
    /** A run started (and, when {@code ended} is set, ended). */
    RUN,
    /** A run time found later than the task's grace time ({@code TASK_MISSED}). */
    MISSED,
    /**
     * A run in flight on a dead node, reported interrupted by another ({@code TASK_INTERRUPTED}).
     */
    INTERRUPTED
  }

  /**
   * One row.
   *
   * @param token its key: the writing node's life and a counter
   * @param kind what it records
   * @param taskId the task
   * @param runTime the scheduled run time
   * @param life the node process (its life) that wrote it
   * @param at when it was written (a run's start)
   * @param ended a run's end, or null when it did not end
   */
  record Entry(
      String token,
      Kind kind,
      String taskId,
      Instant runTime,
      String life,
      Instant at,
      Instant ended) {
    /** The entry as one line of a failure message. */
    String describe() {
      return kind
          + " on "
          + life
          + " at "
          + at
          + (kind == Kind.RUN ? ", ended " + (ended == null ? "never" : ended.toString()) : "");
    }
  }

  private final Connection connection;
  private final String life;
  private long next;

  private ChaosJournal(Connection connection, String life) {
    this.connection = connection;
    this.life = life;
  }

  /** Opens the journal at {@code url} for the node process {@code life}. */
  static ChaosJournal open(String url, String life) throws SQLException {
    Connection c = DriverManager.getConnection(url);
    c.setAutoCommit(true);
    return new ChaosJournal(c, life);
  }

  /** Creates the table, empty. */
  static void create(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      s.execute(
          "CREATE TABLE "
              + TABLE
              + " (token VARCHAR(100) NOT NULL PRIMARY KEY, kind VARCHAR(16) NOT NULL, task_id"
              + " VARCHAR(200) NOT NULL, run_time BIGINT NOT NULL, life VARCHAR(100) NOT NULL, at"
              + " BIGINT NOT NULL, ended BIGINT)");
    }
  }

  /** Every row. */
  static List<Entry> readAll(String url) throws SQLException {
    List<Entry> entries = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT token, kind, task_id, run_time, life, at, ended FROM "
                    + TABLE
                    + " ORDER BY at, token")) {
      while (rs.next()) {
        long ended = rs.getLong(7);
        entries.add(
            new Entry(
                rs.getString(1),
                Kind.valueOf(rs.getString(2)),
                rs.getString(3),
                micros(rs.getLong(4)),
                rs.getString(5),
                micros(rs.getLong(6)),
                rs.wasNull() ? null : micros(ended)));
      }
    }
    return entries;
  }

  /** Records {@code kind} for the run of {@code taskId} at {@code runTime}; returns its token. */
  synchronized String write(Kind kind, String taskId, Instant runTime, Instant at)
      throws SQLException {
    String token = life + "/" + next++;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO "
                + TABLE
                + " (token, kind, task_id, run_time, life, at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, token);
      ps.setString(2, kind.name());
      ps.setString(3, taskId);
      ps.setLong(4, micros(runTime));
      ps.setString(5, life);
      ps.setLong(6, micros(at));
      ps.executeUpdate();
    }
    return token;
  }

  /** Records the end of the run written under {@code token}. */
  synchronized void ended(String token, Instant at) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("UPDATE " + TABLE + " SET ended = ? WHERE token = ?")) {
      ps.setLong(1, micros(at));
      ps.setString(2, token);
      ps.executeUpdate();
    }
  }

  @Override
  public synchronized void close() throws SQLException {
    connection.close();
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static Instant micros(long t) {
    return Instant.EPOCH.plus(t, ChronoUnit.MICROS);
  }
}
