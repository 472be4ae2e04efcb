package io.asyncz.jdbc;

import io.asyncz.InvalidInputException;
import io.asyncz.jdbc.JdbcQuarantine.Unreadable;
import io.asyncz.jdbc.JdbcStore.StoreException;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.ClusteredStore.Claim;
import io.asyncz.store.ClusteredStore.Decision;
import io.asyncz.store.ClusteredStore.InFlight;
import io.asyncz.store.ClusteredStore.Member;
import io.asyncz.store.ClusteredStore.Node;
import io.asyncz.store.ClusteredStore.RunKey;
import io.asyncz.task.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The JDBC store's cluster mode, on PostgreSQL, MariaDB 10.6+ and MySQL 8: due rows are claimed
 * with {@code SELECT ... FOR UPDATE SKIP LOCKED}, and in the same transaction their new next run
 * times are written and a row per run handed out is inserted into {@code <table>_inflight (task_id,
 * run_time, node, claimed_at, state)}, the state being the task's record as claimed (what a rerun
 * runs, even after a date task's row is gone). Nodes heartbeat into {@code <table>_nodes} on the
 * database's clock; {@code <table>_cluster} holds the format version of both.
 */
final class JdbcCluster {
  /** The format of the cluster tables this version writes and reads. */
  static final int FORMAT = 1;

  /** How many ends of runs one statement deletes: a flush of the scheduler's, at most 512. */
  private static final int ENDED_LIST = 512;

  private static final String STATE =
      "CASE WHEN OCTET_LENGTH(state) > ? THEN NULL ELSE state END, OCTET_LENGTH(state)";

  private final JdbcStore store;
  private final String table;
  private final String runs;
  private final String nodes;
  private final String meta;
  private final TaskRecords records;
  private final JdbcQuarantine quarantine;
  private static final String POSTGRES_NOW =
      "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";
  private static final String MARIADB_NOW = "CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)";

  private volatile String nowSql;
  private volatile String joinedAs;
  private volatile Node joined;
  private volatile boolean postgres;
  private volatile Thread listener;
  private final Object listenerSignal = new Object();

  /**
   * The suffix of the node id under which the runs of a claim whose commit went unanswered are
   * left: a node that never heartbeats, so the take-over resolves them by {@code on_node_failure}.
   */
  static final String UNCONFIRMED = "#unconfirmed";

  /** The runs of claims whose commit failed, which the server may have committed all the same. */
  private final List<Unconfirmed> unconfirmed = new ArrayList<>();

  private record Unconfirmed(String nodeId, long claimedAt, List<Object[]> runs) {}

  JdbcCluster(JdbcStore store, String table, TaskRecords records, JdbcQuarantine quarantine) {
    this.store = store;
    this.table = table;
    this.runs = table + "_inflight";
    this.nodes = table + "_nodes";
    this.meta = table + "_cluster";
    this.records = records;
    this.quarantine = quarantine;
  }

  /** The node this store joined as, or null. */
  String joinedAs() {
    return joinedAs;
  }

  /**
   * The database's clock in microseconds, as SQL: known once the node joined, else (a store that
   * only reads the members, as {@code asyncz instances} does) worked out from the connection.
   */
  private String nowSql(Connection c) throws SQLException {
    String known = nowSql;
    if (known != null) {
      return known;
    }
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgres")) {
      return POSTGRES_NOW;
    }
    if (product.contains("mysql") || product.contains("mariadb")) {
      return MARIADB_NOW;
    }
    return "NULL"; // no cluster tables on this database: the read fails on the table
  }

  void join(Node node) {
    try (Connection c = store.connection()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      String idType;
      String blob;
      if (product.contains("postgres")) {
        idType = "VARCHAR(" + JdbcSchema.MAX_ID_LENGTH + ") COLLATE \"C\"";
        blob = "BYTEA";
        nowSql = POSTGRES_NOW;
        postgres = true;
      } else if (product.contains("mysql") || product.contains("mariadb")) {
        idType =
            "VARCHAR(" + JdbcSchema.MAX_ID_LENGTH + ") CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        blob = "LONGBLOB";
        nowSql = MARIADB_NOW;
      } else {
        throw new InvalidInputException(
            "cluster.enabled",
            true,
            "is set for store '"
                + store.alias()
                + "' on "
                + c.getMetaData().getDatabaseProductName()
                + ", which has no row locks to claim tasks with; expected a store on PostgreSQL,"
                + " MariaDB 10.6+ or MySQL 8");
      }
      // One transaction for the creation: the advisory lock below is the transaction's, and on a
      // connection that commits each statement by itself (a pool's default) it would be let go
      // before the first CREATE, so nodes joining at once raced each other's catalog rows.
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      for (int attempt = 1; ; attempt++) {
        try {
          if (postgres) {
            // Nodes joining at once create the tables one after the other: PostgreSQL's CREATE
            // TABLE IF NOT EXISTS fails on a table another open transaction is creating.
            try (Statement lock = c.createStatement()) {
              lock.execute("SELECT pg_advisory_xact_lock(" + (long) meta.hashCode() + ")");
            }
          }
          createTables(c, idType, blob);
          break;
        } catch (SQLException race) {
          // Nodes creating the tables at once: PostgreSQL's CREATE TABLE IF NOT EXISTS can fail on
          // another's catalog row ("type ... already exists"); what it created exists now.
          JdbcConnections.rollback(c);
          if (attempt == 3) {
            throw race;
          }
        }
      }
      JdbcConnections.commit(c);
      checkFormat(c);
      long now = now(c);
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + nodes + " WHERE node = ?")) {
        ps.setString(1, node.id());
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO "
                  + nodes
                  + " (node, host, pid, started_at, last_seen, runs_in_flight, version) VALUES (?,"
                  + " ?, ?, ?, ?, 0, ?)")) {
        ps.setString(1, node.id());
        ps.setString(2, truncate(node.host(), 255));
        ps.setLong(3, node.pid());
        ps.setLong(4, now);
        ps.setLong(5, now);
        ps.setString(6, truncate(node.version(), 64));
        ps.executeUpdate();
      }
      JdbcConnections.commit(c);
      c.setAutoCommit(autoCommit); // as the pool lent it
      joinedAs = node.id();
      joined = node;
    } catch (SQLException e) {
      throw new StoreException("Cannot join the cluster of table " + table, e);
    }
  }

  private void createTables(Connection c, String idType, String blob) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + meta
              + " (name VARCHAR(32) NOT NULL PRIMARY KEY, value INT NOT NULL)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + nodes
              + " (node VARCHAR(255) NOT NULL PRIMARY KEY, host VARCHAR(255) NOT NULL, pid"
              + " BIGINT NOT NULL, started_at BIGINT NOT NULL, last_seen BIGINT NOT NULL,"
              + " runs_in_flight INT NOT NULL, version VARCHAR(64) NOT NULL)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + runs
              + " (task_id "
              + idType
              + " NOT NULL, run_time BIGINT NOT NULL, node VARCHAR(255) NOT NULL, claimed_at"
              + " BIGINT NOT NULL, state "
              + blob
              + " NOT NULL)");
      s.execute("CREATE INDEX IF NOT EXISTS ixr_" + table + " ON " + runs + " (task_id)");
      s.execute("CREATE INDEX IF NOT EXISTS ixn_" + table + " ON " + runs + " (node)");
    }
    JdbcConnections.commit(c);
  }

  /** Writes this version's format when none is stored; refuses a newer one. */
  private void checkFormat(Connection c) throws SQLException {
    Integer stored = storedFormat(c);
    if (stored == null) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO " + meta + " (name, value) VALUES ('format', ?)")) {
        ps.setInt(1, FORMAT);
        ps.executeUpdate();
        JdbcConnections.commit(c);
      } catch (SQLException e) {
        JdbcConnections.rollback(c);
        if (!JdbcSchema.isDuplicateKey(e)) {
          throw e;
        }
      }
      stored = storedFormat(c);
    }
    if (stored != null && stored > FORMAT) {
      throw new IllegalStateException(
          "The cluster tables of "
              + table
              + " have format "
              + stored
              + ", written by a newer version of Asyncz; this version reads format "
              + FORMAT
              + " and below. Upgrade this node to the cluster's version before it joins.");
    }
  }

  private Integer storedFormat(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT value FROM " + meta + " WHERE name = 'format'");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getInt(1) : null;
    }
  }

  void leave(String nodeId) {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + nodes + " WHERE node = ?")) {
      ps.setString(1, nodeId);
      ps.executeUpdate();
      JdbcConnections.commit(c);
      joinedAs = null;
      stopListening();
    } catch (SQLException e) {
      throw new StoreException("Cannot leave the cluster of table " + table, e);
    }
  }

  Instant heartbeat(String nodeId, int inFlight) {
    try (Connection c = store.connection()) {
      long now = now(c);
      int changed;
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE " + nodes + " SET last_seen = ?, runs_in_flight = ? WHERE node = ?")) {
        ps.setLong(1, now);
        ps.setInt(2, inFlight);
        ps.setString(3, nodeId);
        changed = ps.executeUpdate();
      }
      JdbcConnections.commit(c);
      if (changed == 0) {
        // Taken for dead by another node while it could not heartbeat (a long pause): back in.
        store
            .logger()
            .warn(
                "Node {} had been taken for stale in table {}; its runs in flight were resolved by"
                    + " another node. It joins again",
                nodeId,
                nodes);
        Node node = joined;
        join(
            node != null && node.id().equals(nodeId)
                ? node
                : new Node(nodeId, "unknown", -1, JdbcSchema.instant(now), "unknown"));
      }
      return JdbcSchema.instant(now);
    } catch (SQLException e) {
      throw new StoreException("Cannot write the heartbeat of node " + nodeId, e);
    }
  }

  private long now(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + nowSql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private record Row(Task task, byte[] state) {}

  List<Claim> claimDue(String nodeId, Instant dueBy, int limit, ClusteredStore.Planner planner) {
    List<Unreadable> unreadable = new ArrayList<>();
    List<Claim> claims = new ArrayList<>();
    try (Connection c = store.connection()) {
      settleUnconfirmed(c);
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, "
                    + STATE
                    + " FROM "
                    + table
                    + " WHERE next_run_time IS NOT NULL AND next_run_time <= ? ORDER BY"
                    + " next_run_time, id LIMIT ? FOR UPDATE SKIP LOCKED")) {
          ps.setLong(1, records.readLimit());
          ps.setLong(2, JdbcSchema.micros(dueBy));
          ps.setInt(3, limit);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String id = rs.getString(1);
              byte[] bytes = rs.getBytes(2);
              if (bytes == null) {
                unreadable.add(new Unreadable(id, records.tooLarge(id, rs.getLong(3))));
                continue;
              }
              try {
                rows.add(new Row(records.read(id, bytes, store.context()), bytes));
              } catch (CorruptTaskRecordException e) {
                unreadable.add(new Unreadable(id, e));
              }
            }
          }
        }
        if (rows.isEmpty()) {
          c.commit();
          return claims;
        }
        Map<String, Integer> running = running(c, rows);
        List<Task> advanced = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        long claimedAt = JdbcSchema.micros(dueBy);
        List<Object[]> inFlight = new ArrayList<>();
        for (Row row : rows) {
          Task task = row.task();
          Decision d = planner.plan(task, running.getOrDefault(task.id(), 0));
          claims.add(new Claim(task, d));
          if (d.keep()) {
            continue;
          }
          if (d.next() == null) {
            finished.add(task.id());
          } else {
            advanced.add(d.next());
          }
          for (Instant t : d.runTimes()) {
            inFlight.add(new Object[] {task.id(), JdbcSchema.micros(t), row.state()});
          }
        }
        if (postgres && writeClaimAtOnce(c, nodeId, claimedAt, inFlight, advanced, finished)) {
          commitClaim(c, nodeId, claimedAt, inFlight);
          return claims;
        }
        insertRuns(c, nodeId, claimedAt, inFlight);
        if (!advanced.isEmpty()) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE " + table + " SET next_run_time = ?, state = ? WHERE id = ?")) {
            for (Task task : advanced) {
              JdbcSchema.setMicros(ps, 1, task.nextRunTime().orElse(null));
              ps.setBytes(2, records.rewrite(task));
              ps.setString(3, task.id());
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        deleteIds(c, finished);
        commitClaim(c, nodeId, claimedAt, inFlight);
        return claims;
      } catch (SQLException | RuntimeException e) {
        JdbcConnections.rollback(c);
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot claim the due tasks of " + table, e);
    } finally {
      if (!unreadable.isEmpty()) {
        synchronized (store) {
          quarantine.setAside(unreadable);
        }
      }
    }
  }

  /**
   * Commits a claim. A commit that fails may still have committed on the server (its answer lost
   * with the connection): its runs would then be recorded in flight on this node, which is alive,
   * and never handed to an executor, so neither run nor resolved, and holding instance slots. They
   * are kept to be settled at this store's next claim.
   */
  private void commitClaim(Connection c, String nodeId, long claimedAt, List<Object[]> inFlight)
      throws SQLException {
    try {
      c.commit();
    } catch (SQLException e) {
      if (!inFlight.isEmpty()) {
        synchronized (unconfirmed) {
          unconfirmed.add(new Unconfirmed(nodeId, claimedAt, List.copyOf(inFlight)));
        }
      }
      throw e;
    }
  }

  /**
   * Moves the runs of claims whose commit failed, if the server committed them after all, to the
   * node {@code <node>#unconfirmed}, which never heartbeats: the next take-over (of any node, this
   * one included) resolves them by {@code on_node_failure}, reported interrupted or run again,
   * once. By then the server has ended the claim's transaction: a commit fails on the driver's
   * socket timeout, which the idle transaction timeout (the statement timeout by default) is
   * shorter than, or on a connection the server saw closed.
   */
  private void settleUnconfirmed(Connection c) throws SQLException {
    List<Unconfirmed> pending;
    synchronized (unconfirmed) {
      if (unconfirmed.isEmpty()) {
        return;
      }
      pending = List.copyOf(unconfirmed);
    }
    int moved = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE "
                + runs
                + " SET node = ? WHERE node = ? AND task_id = ? AND run_time = ? AND claimed_at ="
                + " ?")) {
      for (Unconfirmed claim : pending) {
        for (Object[] run : claim.runs()) {
          ps.setString(1, truncate(claim.nodeId(), 255 - UNCONFIRMED.length()) + UNCONFIRMED);
          ps.setString(2, claim.nodeId());
          ps.setString(3, (String) run[0]);
          ps.setLong(4, (Long) run[1]);
          ps.setLong(5, claim.claimedAt());
          moved += Math.max(0, ps.executeUpdate());
        }
      }
    }
    JdbcConnections.commit(c);
    synchronized (unconfirmed) {
      unconfirmed.removeAll(pending);
    }
    if (moved > 0) {
      store
          .logger()
          .warn(
              "A claim of node {} in table {} committed although its commit failed (the answer was"
                  + " lost); its {} runs were never handed to an executor and are left to be"
                  + " resolved by on_node_failure",
              pending.get(0).nodeId(),
              table,
              moved);
    }
  }

  /**
   * Writes a claim on PostgreSQL in one statement (data-modifying {@code WITH} clauses): the rows
   * of runs in flight, the new next run times and the removal of finished tasks, one round trip
   * where separate statements take three. The text of a full batch of one-shot tasks is always the
   * same, so the driver prepares it once per connection.
   *
   * @return false, with nothing written, when the claim has too many values for one statement
   */
  private boolean writeClaimAtOnce(
      Connection c,
      String nodeId,
      long claimedAt,
      List<Object[]> inFlight,
      List<Task> advanced,
      List<String> finished)
      throws SQLException {
    if (inFlight.size() > 2 * JdbcWrites.IN_LIST
        || advanced.size() > JdbcWrites.IN_LIST
        || finished.size() > JdbcWrites.IN_LIST) {
      return false;
    }
    List<String> parts = new ArrayList<>(3);
    if (!inFlight.isEmpty()) {
      StringBuilder sql =
          new StringBuilder("INSERT INTO ")
              .append(runs)
              .append(" (task_id, run_time, node, claimed_at, state) VALUES ");
      for (int i = 0; i < inFlight.size(); i++) {
        sql.append(i == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)");
      }
      parts.add(sql.toString());
    }
    if (!advanced.isEmpty()) {
      StringBuilder sql =
          new StringBuilder("UPDATE ")
              .append(table)
              .append(" AS t SET next_run_time = v.n, state = v.s FROM (VALUES ");
      for (int i = 0; i < advanced.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append("(?, CAST(? AS BIGINT), CAST(? AS BYTEA))");
      }
      parts.add(sql.append(") AS v (id, n, s) WHERE t.id = v.id COLLATE \"C\"").toString());
    }
    if (!finished.isEmpty()) {
      StringBuilder sql = new StringBuilder("DELETE FROM ").append(table).append(" WHERE id IN (");
      for (int i = 0; i < finished.size(); i++) {
        sql.append(i == 0 ? "?" : ", ?");
      }
      parts.add(sql.append(')').toString());
    }
    if (parts.isEmpty()) {
      return true;
    }
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < parts.size() - 1; i++) {
      sql.append(i == 0 ? "WITH w" : ", w").append(i).append(" AS (").append(parts.get(i));
      sql.append(')');
    }
    sql.append(' ').append(parts.get(parts.size() - 1));
    try (PreparedStatement ps = c.prepareStatement(sql.toString().strip())) {
      int p = 1;
      for (Object[] row : inFlight) {
        ps.setString(p++, (String) row[0]);
        ps.setLong(p++, (Long) row[1]);
        ps.setString(p++, nodeId);
        ps.setLong(p++, claimedAt);
        ps.setBytes(p++, (byte[]) row[2]);
      }
      for (Task task : advanced) {
        ps.setString(p++, task.id());
        JdbcSchema.setMicros(ps, p++, task.nextRunTime().orElse(null));
        ps.setBytes(p++, records.rewrite(task));
      }
      for (String id : finished) {
        ps.setString(p++, id);
      }
      ps.executeUpdate();
    }
    return true;
  }

  /** Inserts the rows of runs in flight, {@value JdbcWrites#IN_LIST} to a statement. */
  private void insertRuns(Connection c, String nodeId, long claimedAt, List<Object[]> rows)
      throws SQLException {
    for (int from = 0; from < rows.size(); from += JdbcWrites.IN_LIST) {
      List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + JdbcWrites.IN_LIST));
      StringBuilder sql =
          new StringBuilder("INSERT INTO ")
              .append(runs)
              .append(" (task_id, run_time, node, claimed_at, state) VALUES ");
      for (int i = 0; i < part.size(); i++) {
        sql.append(i == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)");
      }
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int p = 1;
        for (Object[] row : part) {
          ps.setString(p++, (String) row[0]);
          ps.setLong(p++, (Long) row[1]);
          ps.setString(p++, nodeId);
          ps.setLong(p++, claimedAt);
          ps.setBytes(p++, (byte[]) row[2]);
        }
        ps.executeUpdate();
      }
    }
  }

  /**
   * How many submissions of each of the rows' tasks are in flight on any node: the runs of one
   * claim share their {@code claimed_at}, and take one instance slot, as in an executor.
   */
  private Map<String, Integer> running(Connection c, List<Row> rows) throws SQLException {
    Map<String, Integer> running = new HashMap<>();
    for (int from = 0; from < rows.size(); from += JdbcWrites.IN_LIST) {
      List<Row> part = rows.subList(from, Math.min(rows.size(), from + JdbcWrites.IN_LIST));
      StringBuilder sql =
          new StringBuilder("SELECT task_id, COUNT(DISTINCT claimed_at) FROM ")
              .append(runs)
              .append(" WHERE task_id IN (");
      for (int i = 0; i < part.size(); i++) {
        sql.append(i == 0 ? "?" : ", ?");
      }
      sql.append(") GROUP BY task_id");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 1, part.get(i).task().id());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            running.put(rs.getString(1), rs.getInt(2));
          }
        }
      }
    }
    return running;
  }

  private void deleteIds(Connection c, List<String> ids) throws SQLException {
    for (int from = 0; from < ids.size(); from += JdbcWrites.IN_LIST) {
      List<String> part = ids.subList(from, Math.min(ids.size(), from + JdbcWrites.IN_LIST));
      StringBuilder sql = new StringBuilder("DELETE FROM ").append(table).append(" WHERE id IN (");
      for (int i = 0; i < part.size(); i++) {
        sql.append(i == 0 ? "?" : ", ?");
      }
      try (PreparedStatement ps = c.prepareStatement(sql.append(')').toString())) {
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 1, part.get(i));
        }
        ps.executeUpdate();
      }
    }
  }

  void runsEnded(String nodeId, List<RunKey> ended) {
    if (ended.isEmpty()) {
      return;
    }
    try (Connection c = store.connection()) {
      // One statement per ENDED_LIST ends, each committing on its own: an end is deleted once,
      // whichever statement deletes it, and a failure leaves the rest for the next flush.
      for (int from = 0; from < ended.size(); from += ENDED_LIST) {
        List<RunKey> part = ended.subList(from, Math.min(ended.size(), from + ENDED_LIST));
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(runs);
        if (postgres) {
          // A join with the values, which PostgreSQL plans as index look-ups; a list of row
          // values becomes a chain of ORs that it plans worse.
          sql.append(" r USING (VALUES ");
          for (int i = 0; i < part.size(); i++) {
            sql.append(i == 0 ? "(?, CAST(? AS BIGINT))" : ", (?, CAST(? AS BIGINT))");
          }
          sql.append(
              ") AS v (id, t) WHERE r.node = ? AND r.task_id = v.id COLLATE \"C\" AND r.run_time"
                  + " = v.t");
        } else {
          sql.append(" WHERE node = ? AND (task_id, run_time) IN (");
          for (int i = 0; i < part.size(); i++) {
            sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
          }
          sql.append(')');
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
          int p = 1;
          if (!postgres) {
            ps.setString(p++, nodeId);
          }
          for (RunKey key : part) {
            ps.setString(p++, key.taskId());
            ps.setLong(p++, JdbcSchema.micros(key.runTime()));
          }
          if (postgres) {
            ps.setString(p, nodeId);
          }
          ps.executeUpdate();
        }
        JdbcConnections.commit(c);
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot record the end of " + ended.size() + " runs", e);
    }
  }

  List<InFlight> takeOverStaleRuns(
      String nodeId, Duration staleAfter, ClusteredStore.RerunPolicy policy) {
    List<InFlight> taken = new ArrayList<>();
    try (Connection c = store.connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        long freshFrom = now(c) - staleAfter.toNanos() / 1000;
        try (PreparedStatement ps =
            c.prepareStatement("DELETE FROM " + nodes + " WHERE last_seen < ? AND node <> ?")) {
          ps.setLong(1, freshFrom);
          ps.setString(2, nodeId);
          ps.executeUpdate();
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT task_id, run_time, node, state FROM "
                    + runs
                    + " r WHERE node <> ? AND NOT EXISTS (SELECT 1 FROM "
                    + nodes
                    + " n WHERE n.node = r.node) FOR UPDATE SKIP LOCKED")) {
          ps.setString(1, nodeId);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String id = rs.getString(1);
              Task task;
              try {
                task = records.read(id, rs.getBytes(4), store.context());
              } catch (CorruptTaskRecordException e) {
                task = null;
              }
              taken.add(
                  new InFlight(
                      id, JdbcSchema.instant(rs.getLong(2)), rs.getString(3), task, false));
            }
          }
        }
        if (!taken.isEmpty()) {
          try (PreparedStatement move =
                  c.prepareStatement(
                      "UPDATE "
                          + runs
                          + " SET node = ? WHERE node = ? AND task_id = ? AND run_time = ?");
              PreparedStatement delete =
                  c.prepareStatement(
                      "DELETE FROM " + runs + " WHERE node = ? AND task_id = ? AND run_time = ?")) {
            for (int i = 0; i < taken.size(); i++) {
              InFlight run = taken.get(i);
              boolean rerun = policy.rerun(run.task());
              if (rerun) {
                taken.set(
                    i, new InFlight(run.taskId(), run.runTime(), run.nodeId(), run.task(), true));
                move.setString(1, nodeId);
                move.setString(2, run.nodeId());
                move.setString(3, run.taskId());
                move.setLong(4, JdbcSchema.micros(run.runTime()));
                move.addBatch();
              } else {
                delete.setString(1, run.nodeId());
                delete.setString(2, run.taskId());
                delete.setLong(3, JdbcSchema.micros(run.runTime()));
                delete.addBatch();
              }
            }
            move.executeBatch();
            delete.executeBatch();
          }
        }
        c.commit();
        return taken;
      } catch (SQLException | RuntimeException e) {
        JdbcConnections.rollback(c);
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot take over the runs of stale nodes in " + runs, e);
    }
  }

  List<Member> members() {
    List<Member> members = new ArrayList<>();
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT node, host, pid, started_at, last_seen, runs_in_flight, version, "
                    + nowSql(c)
                    + " FROM "
                    + nodes
                    + " ORDER BY node");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long lastSeen = rs.getLong(5);
        long now = rs.getLong(8);
        members.add(
            new Member(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                JdbcSchema.instant(rs.getLong(4)),
                JdbcSchema.instant(lastSeen),
                Duration.ofNanos(Math.max(0, now - lastSeen) * 1000),
                rs.getInt(6),
                rs.getString(7)));
      }
      JdbcConnections.commit(c);
    } catch (SQLException e) {
      throw new StoreException("Cannot list the nodes of " + nodes, e);
    }
    return members;
  }

  /** The channel of this table's change notices (PostgreSQL). */
  private String channel() {
    return "asyncz_" + table;
  }

  /**
   * Tells the other nodes that tasks were added or changed: a NOTIFY, on PostgreSQL in a cluster.
   */
  void changed() {
    if (!postgres || joinedAs == null) {
      return;
    }
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
      ps.setString(1, channel());
      ps.execute();
      JdbcConnections.commit(c);
    } catch (SQLException e) {
      // The other nodes see the change at their next poll instead.
      store.logger().debug("Cannot notify the change of table {}: {}", table, e.getMessage());
    }
  }

  /** Starts the thread that listens for other nodes' changes, on PostgreSQL. */
  synchronized void onChange(Runnable changed) {
    if (!postgres || listener != null) {
      return;
    }
    CountDownLatch listening = new CountDownLatch(1);
    Thread t = new Thread(() -> listen(changed, listening), "asyncz-notices-" + store.alias());
    t.setDaemon(true);
    listener = t;
    t.start();
    try {
      // A notice sent before LISTEN is lost: the node's first claims wait until it listens.
      listening.await(store.statementTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void stopListening() {
    Thread t = listener;
    listener = null;
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Listens on the table's channel until stopped; a lost connection is opened again after a second.
   * The driver's {@code PGConnection.getNotifications(int)} is called reflectively, so that this
   * module needs no PostgreSQL driver to compile.
   */
  private void listen(Runnable changed, CountDownLatch listening) {
    Thread self = Thread.currentThread();
    while (listener == self) {
      try (Connection c = store.connection();
          Statement s = c.createStatement()) {
        s.execute("LISTEN " + channel());
        JdbcConnections.commit(c);
        listening.countDown();
        Class<?> pgType = Class.forName("org.postgresql.PGConnection");
        Object pg = c.unwrap(pgType);
        java.lang.reflect.Method poll = pgType.getMethod("getNotifications", int.class);
        while (listener == self) {
          Object[] notices = (Object[]) poll.invoke(pg, 500);
          if (notices != null && notices.length > 0) {
            changed.run();
          }
        }
      } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
        if (listener != self) {
          return;
        }
        store
            .logger()
            .warn(
                "Listening for changes to table {} failed; polling meanwhile: {}",
                table,
                e.toString());
        synchronized (listenerSignal) {
          try {
            listenerSignal.wait(1000);
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
