package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.history.RunHistory;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.PersistentStoreContract;
import io.asyncz.testkit.RunHistoryContract;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The persistent store contract for {@link JdbcStore} on one database: each test gets a table of
 * its own, which is dropped after it, with its quarantine table.
 */
abstract class JdbcStoreContract extends PersistentStoreContract {
  private static final AtomicInteger TABLES = new AtomicInteger();

  /** The table of the running test. */
  protected String table;

  /** A store on the test database, on {@code table}, not started. */
  protected abstract JdbcStore store(String table, TaskRecords records);

  /** A connection to the test database. */
  protected abstract Connection connect() throws SQLException;

  @Override
  protected final TaskStore createStore() {
    table = "contract_" + TABLES.incrementAndGet();
    return store(table, TaskRecords.plain());
  }

  @Override
  protected final TaskStore reopen(String key, String... oldKeys) {
    return store(table, TaskRecords.withKey(key, oldKeys));
  }

  @Override
  protected final TaskStore reopenWithMaxRecordSize(int maxRecordSize) {
    return store(table, TaskRecords.plain().withMaxRecordSize(maxRecordSize));
  }

  @Override
  protected final void writeRaw(String id, Instant nextRunTime, byte[] raw) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO " + table + " (id, next_run_time, state) VALUES (?, ?, ?)")) {
      ps.setString(1, id);
      if (nextRunTime == null) {
        ps.setNull(2, Types.BIGINT);
      } else {
        ps.setLong(2, JdbcStore.micros(nextRunTime));
      }
      ps.setBytes(3, raw);
      ps.executeUpdate();
    }
  }

  /**
   * Further keywords of the database to try as table names, read from its catalog; by default none
   * beyond those its driver lists ({@link java.sql.DatabaseMetaData#getSQLKeywords}).
   */
  protected Set<String> catalogKeywords(Connection c) throws SQLException {
    return Set.of();
  }

  @Test
  void everyKeywordThisDatabaseCannotTakeAsATableNameIsRefusedAtConfiguration()
      throws SQLException {
    Set<String> candidates = new TreeSet<>();
    List<String> misses = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String word : c.getMetaData().getSQLKeywords().split(",")) {
        candidates.add(word.strip().toUpperCase(Locale.ROOT));
      }
      candidates.addAll(catalogKeywords(c));
      candidates.removeIf(word -> !word.matches("[A-Z_][A-Z0-9_]*"));
      for (String word : candidates) {
        if (SqlNames.isReserved(word)) {
          continue;
        }
        try {
          s.execute("DROP TABLE IF EXISTS " + word);
        } catch (SQLException e) {
          misses.add(word + " (" + e.getMessage() + ")");
        }
      }
    }
    assertThat(candidates).as("keywords tried").isNotEmpty();
    assertThat(misses)
        .as("keywords the database refuses as a table name but the store accepts")
        .isEmpty();
  }

  /**
   * The database's own duplicate-key error reads as a taken id, and another constraint's does not:
   * a writer that lost a race for an id gets {@code ConflictIdException} even where its next read
   * cannot see the winner's row yet (MariaDB did that under the contract's concurrent adds).
   */
  @Test
  void theDatabasesDuplicateKeyErrorReadsAsATakenIdAndOthersDoNot() throws SQLException {
    String dup = table + "_dup";
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      s.execute("DROP TABLE IF EXISTS " + dup);
      s.execute("CREATE TABLE " + dup + " (id VARCHAR(32) PRIMARY KEY, v INTEGER NOT NULL)");
      try {
        s.execute("INSERT INTO " + dup + " (id, v) VALUES ('x', 1)");
        SQLException duplicate = null;
        try {
          s.execute("INSERT INTO " + dup + " (id, v) VALUES ('x', 2)");
        } catch (SQLException e) {
          duplicate = e;
        }
        assertThat((Throwable) duplicate).as("the second insert of one id").isNotNull();
        assertThat(JdbcSchema.isDuplicateKey(duplicate)).as(duplicate.toString()).isTrue();

        SQLException missing = null;
        try {
          s.execute("INSERT INTO " + dup + " (id, v) VALUES ('y', NULL)");
        } catch (SQLException e) {
          missing = e;
        }
        assertThat((Throwable) missing).as("an insert that breaks NOT NULL").isNotNull();
        assertThat(JdbcSchema.isDuplicateKey(missing)).as(missing.toString()).isFalse();
      } finally {
        s.execute("DROP TABLE IF EXISTS " + dup);
      }
    }
  }

  @Override
  protected final byte[] readRaw(String id) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT state FROM " + table + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  @Override
  protected void cleanUp(TaskStore store) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("DROP TABLE IF EXISTS " + table + "_quarantine");
      s.execute("DROP TABLE IF EXISTS " + table + "_runs");
    }
  }

  /** The run history kept in {@code <table>_runs} passes the run history contract. */
  @Nested
  class History extends RunHistoryContract {
    private String runsOf;

    @Override
    protected TaskStore createStore() {
      runsOf = "history_" + TABLES.incrementAndGet();
      return store(runsOf, TaskRecords.plain());
    }

    @Override
    protected void cleanUp(TaskStore store) throws Exception {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + runsOf);
        s.execute("DROP TABLE IF EXISTS " + runsOf + "_quarantine");
        s.execute("DROP TABLE IF EXISTS " + runsOf + "_runs");
      }
    }

    @Test
    void aRunRowThatCannotBeReadIsSkippedAndKept() throws Exception {
      RunHistory history = open(ROOMY, clock());
      RunRecord good = run("a", T0, RunStatus.SUCCEEDED);
      RunRecord bad = run("a", T0.plusSeconds(1), RunStatus.SUCCEEDED);
      history.saveAll(List.of(good, bad));
      try (Connection c = connect();
          PreparedStatement ps =
              c.prepareStatement("UPDATE " + runsOf + "_runs SET record = ? WHERE run_id = ?")) {
        ps.setBytes(1, "{not json".getBytes(StandardCharsets.UTF_8));
        ps.setString(2, bad.runId());
        assertThat(ps.executeUpdate()).isEqualTo(1);
        if (!c.getAutoCommit()) {
          c.commit();
        }
      }

      assertThat(history.query(RunQuery.ALL).runs()).containsExactly(good);
      assertThat(history.find(bad.runId())).isEmpty();
      try (Connection c = connect();
          PreparedStatement ps =
              c.prepareStatement("SELECT record FROM " + runsOf + "_runs WHERE run_id = ?")) {
        ps.setString(1, bad.runId());
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(new String(rs.getBytes(1), StandardCharsets.UTF_8)).isEqualTo("{not json");
        }
      }
    }
  }
}
