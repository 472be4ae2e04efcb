package io.asyncz.jdbc;

import io.asyncz.history.RunHistory;
import io.asyncz.history.RunOrder;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunRetention;
import io.asyncz.history.RunStatus;
import io.asyncz.jdbc.JdbcStore.StoreException;
import io.asyncz.persistence.RunRecordCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JDBC store's run history: a table {@code <table>_runs (run_id, task_id, started_at, status,
 * record)} created with the task table, indexed by {@code (task_id, started_at, run_id)} and {@code
 * (started_at, run_id)}; {@code started_at} in microseconds since the epoch, {@code record} the
 * run's JSON document ({@link RunRecordCodec}). A batch is saved as one multi-row upsert per 100
 * records in one transaction, after which each written task's rows beyond the newest {@code
 * maxRunsPerTask} are deleted through the task index (one lookup of the cut-off row, one ranged
 * delete). Rows older than the age limit are left out of reads at once and deleted by {@link
 * #pruneExpired}, at most {@value #PRUNE_LIMIT} a call. A row whose document cannot be read is
 * skipped in reads with a warning, and kept.
 */
final class JdbcRunHistory implements RunHistory {
  /** The most rows one age pruning deletes. */
  static final int PRUNE_LIMIT = 1000;

  private static final int ROWS_PER_STATEMENT = 100;

  private final JdbcStore store;
  private final String runs;
  private final RunRetention retention;
  private final Dialect dialect;

  private enum Dialect {
    POSTGRES_OR_SQLITE,
    MYSQL,
    H2
  }

  JdbcRunHistory(JdbcStore store, String runs, RunRetention retention, String product) {
    this.store = store;
    this.runs = runs;
    this.retention = retention;
    this.dialect =
        product.contains("mysql") || product.contains("mariadb")
            ? Dialect.MYSQL
            : product.contains("h2") ? Dialect.H2 : Dialect.POSTGRES_OR_SQLITE;
  }

  /** Creates the run table and its indexes where missing. */
  static void create(java.sql.Statement s, String runs, String idType, String blob)
      throws SQLException {
    s.execute(
        "CREATE TABLE IF NOT EXISTS "
            + runs
            + " (run_id "
            + idType
            + " NOT NULL PRIMARY KEY, task_id "
            + idType
            + " NOT NULL, started_at BIGINT NOT NULL, status VARCHAR(16) NOT NULL, record "
            + blob
            + " NOT NULL)");
    s.execute(
        "CREATE INDEX IF NOT EXISTS ix_"
            + runs
            + "_t ON "
            + runs
            + " (task_id, started_at, run_id)");
    s.execute("CREATE INDEX IF NOT EXISTS ix_" + runs + "_s ON " + runs + " (started_at, run_id)");
  }

  // ------------------------------------------------------------------ writing

  @Override
  public void save(RunRecord record) {
    saveAll(List.of(record));
  }

  @Override
  public void saveAll(List<RunRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    // One row per run: a later record of the batch replaces an earlier one.
    Map<String, RunRecord> byId = new LinkedHashMap<>();
    for (RunRecord r : records) {
      byId.remove(r.runId());
      byId.put(r.runId(), r);
    }
    List<RunRecord> rows = new ArrayList<>(byId.values());
    Set<String> tasks = new LinkedHashSet<>();
    for (RunRecord r : rows) {
      tasks.add(r.taskId());
    }
    try (Connection c = store.connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
          upsert(c, rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT)));
        }
        for (String task : tasks) {
          trim(c, task);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        JdbcConnections.rollback(c);
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot save " + rows.size() + " run records in " + runs, e);
    }
  }

  private void upsert(Connection c, List<RunRecord> rows) throws SQLException {
    StringBuilder sql = new StringBuilder();
    sql.append(dialect == Dialect.H2 ? "MERGE INTO " : "INSERT INTO ")
        .append(runs)
        .append(" (run_id, task_id, started_at, status, record)");
    if (dialect == Dialect.H2) {
      sql.append(" KEY (run_id)");
    }
    sql.append(" VALUES ");
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)");
    }
    switch (dialect) {
      case POSTGRES_OR_SQLITE ->
          sql.append(
              " ON CONFLICT (run_id) DO UPDATE SET task_id = excluded.task_id, started_at ="
                  + " excluded.started_at, status = excluded.status, record = excluded.record");
      case MYSQL ->
          sql.append(
              " ON DUPLICATE KEY UPDATE task_id = VALUES(task_id), started_at = VALUES(started_at),"
                  + " status = VALUES(status), record = VALUES(record)");
      case H2 -> {}
    }
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (RunRecord r : rows) {
        ps.setString(p++, r.runId());
        ps.setString(p++, r.taskId());
        ps.setLong(p++, JdbcSchema.micros(r.startedAt()));
        ps.setString(p++, r.status().label());
        ps.setBytes(p++, RunRecordCodec.encode(r));
      }
      ps.executeUpdate();
    }
  }

  /** Deletes the task's rows beyond the newest {@code maxRunsPerTask}, through the task index. */
  private void trim(Connection c, String task) throws SQLException {
    long startedAt;
    String runId;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT started_at, run_id FROM "
                + runs
                + " WHERE task_id = ? ORDER BY started_at DESC, run_id DESC LIMIT 1 OFFSET ?")) {
      ps.setString(1, task);
      ps.setInt(2, retention.maxRunsPerTask());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return; // no more runs than kept
        }
        startedAt = rs.getLong(1);
        runId = rs.getString(2);
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM "
                + runs
                + " WHERE task_id = ? AND (started_at < ? OR (started_at = ? AND run_id <= ?))")) {
      ps.setString(1, task);
      ps.setLong(2, startedAt);
      ps.setLong(3, startedAt);
      ps.setString(4, runId);
      ps.executeUpdate();
    }
  }

  @Override
  public void pruneExpired() {
    long cutoff = JdbcSchema.micros(oldest());
    try (Connection c = store.connection()) {
      List<String> expired = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT run_id FROM "
                  + runs
                  + " WHERE started_at < ? ORDER BY started_at, run_id LIMIT "
                  + PRUNE_LIMIT)) {
        ps.setLong(1, cutoff);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            expired.add(rs.getString(1));
          }
        }
      }
      for (int from = 0; from < expired.size(); from += JdbcWrites.IN_LIST) {
        List<String> ids =
            expired.subList(from, Math.min(expired.size(), from + JdbcWrites.IN_LIST));
        try (PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM " + runs + " WHERE run_id IN (" + marks(ids.size()) + ")")) {
          for (int i = 0; i < ids.size(); i++) {
            ps.setString(i + 1, ids.get(i));
          }
          ps.executeUpdate();
        }
      }
      JdbcConnections.commit(c);
    } catch (SQLException e) {
      throw new StoreException("Cannot remove expired runs from " + runs, e);
    }
  }

  private static String marks(int n) {
    return "?" + ", ?".repeat(n - 1);
  }

  private Instant oldest() {
    return store.context().clock().instant().minus(retention.maxAge());
  }

  // ------------------------------------------------------------------ reading

  @Override
  public Optional<RunRecord> find(String runId) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT record FROM " + runs + " WHERE run_id = ? AND started_at >= ?")) {
      ps.setString(1, runId);
      ps.setLong(2, JdbcSchema.micros(oldest()));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(read(runId, rs.getBytes(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot read run " + runId + " from " + runs, e);
    }
  }

  @Override
  public RunPage query(RunQuery query) {
    Instant oldest = oldest();
    Instant from = query.from() != null && query.from().isAfter(oldest) ? query.from() : oldest;
    try (Connection c = store.connection()) {
      Long cursorStart = null;
      if (query.after() != null) {
        cursorStart = cursorStart(c, query.after());
      }
      StringBuilder sql =
          new StringBuilder("SELECT run_id, record FROM ")
              .append(runs)
              .append(" WHERE started_at >= ?");
      List<Object> params = new ArrayList<>();
      params.add(JdbcSchema.micros(from));
      if (query.taskId() != null) {
        sql.append(" AND task_id = ?");
        params.add(query.taskId());
      }
      if (query.to() != null) {
        sql.append(" AND started_at < ?");
        params.add(JdbcSchema.micros(query.to()));
      }
      if (!query.statuses().isEmpty()) {
        sql.append(" AND status IN (").append(marks(query.statuses().size())).append(')');
        for (RunStatus status : query.statuses()) {
          params.add(status.label());
        }
      }
      if (cursorStart != null) {
        sql.append(" AND (started_at < ? OR (started_at = ? AND run_id < ?))");
        params.add(cursorStart);
        params.add(cursorStart);
        params.add(query.after());
      }
      sql.append(" ORDER BY started_at DESC, run_id DESC LIMIT ").append(query.limit() + 1);
      List<RunRecord> found = new ArrayList<>();
      boolean more = false;
      String lastRow = null;
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < params.size(); i++) {
          Object p = params.get(i);
          if (p instanceof Long l) {
            ps.setLong(i + 1, l);
          } else {
            ps.setString(i + 1, (String) p);
          }
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (found.size() == query.limit()) {
              more = true;
              break;
            }
            String id = rs.getString(1);
            lastRow = id;
            RunRecord r = read(id, rs.getBytes(2));
            if (r != null) {
              found.add(r);
            }
          }
        }
      }
      return new RunPage(found, more ? lastRow : null);
    } catch (SQLException e) {
      throw new StoreException("Cannot query runs in " + runs, e);
    }
  }

  /** Where the cursor's run stands: its own row's start, else the time its run id carries. */
  private Long cursorStart(Connection c, String cursor) throws SQLException {
    long fromId = JdbcSchema.micros(RunOrder.cursorStart(cursor)); // checks the cursor
    try (PreparedStatement ps =
        c.prepareStatement("SELECT started_at FROM " + runs + " WHERE run_id = ?")) {
      ps.setString(1, cursor);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : fromId;
      }
    }
  }

  private RunRecord read(String runId, byte[] bytes) {
    try {
      return RunRecordCodec.decode(bytes);
    } catch (IllegalArgumentException e) {
      store
          .logger()
          .warn("Run record {} in {} cannot be read; skipped: {}", runId, runs, e.getMessage());
      return null;
    }
  }
}
