package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.StoreOutageContract;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The JDBC store on PostgreSQL 18, through a fault proxy: outages fail calls in time and the pool
 * recovers; a statement stuck on a lock is cancelled after the statement timeout, on the store's
 * own pool and on a caller's data source.
 */
class PostgresOutageTest extends StoreOutageContract {
  private static final String TABLE = "outage_tasks";
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
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
  protected InetSocketAddress server() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  @Override
  protected TaskStore createStore(String host, int port, Duration timeout) {
    return new JdbcStore(
        "jdbc:postgresql://" + host + ":" + port + "/postgres?user=postgres",
        null,
        null,
        TABLE,
        TaskRecords.plain(),
        JdbcStore.Timeouts.of(timeout, timeout));
  }

  @Override
  protected void cleanUp() throws Exception {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      s.execute("DROP TABLE IF EXISTS " + TABLE + "_quarantine");
      s.execute("DROP TABLE IF EXISTS " + TABLE + "_runs");
    }
  }

  /** Holds a row lock on task {@code id} of {@code table} while {@code whileLocked} runs. */
  private static void whileRowIsLocked(String table, String id, Runnable whileLocked)
      throws Exception {
    try (Connection locker = DriverManager.getConnection(server.url("postgres"))) {
      locker.setAutoCommit(false);
      try (Statement s = locker.createStatement()) {
        s.execute("SELECT id FROM " + table + " WHERE id = '" + id + "' FOR UPDATE");
        whileLocked.run();
      } finally {
        locker.rollback();
      }
    }
  }

  /**
   * Asserts that {@code call} fails in time because PostgreSQL cancelled the statement (SQLState
   * 57014), as the statement timeout asks it to, rather than because a socket timed out.
   */
  private static void assertCancelledInTime(ThrowingCallable call) {
    assertTimeoutPreemptively(
        GUARD,
        () ->
            assertThatThrownBy(call)
                .isInstanceOf(JdbcStore.StoreException.class)
                .cause()
                .isInstanceOfSatisfying(
                    SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014")),
        "a statement on a locked row was not cancelled");
  }

  @Test
  void aStatementWaitingOnALockIsCancelledAfterTheStatementTimeout() throws Exception {
    Task a = task("a", T0.plusSeconds(60));
    store().addTask(a);
    Task moved = task("a", T0.plusSeconds(120));

    whileRowIsLocked(TABLE, "a", () -> assertCancelledInTime(() -> store().updateTask(moved)));

    store().updateTask(moved);
    assertThat(store().lookupTask("a")).contains(moved);
  }

  @Test
  void onACallersDataSourceTheStatementTimeoutStillApplies() throws Exception {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(server.url("postgres"));
    JdbcStore store =
        new JdbcStore(dataSource, "caller_tasks", TaskRecords.plain(), Duration.ofSeconds(1));
    store.start(context(), StoreContract.ALIAS);
    try {
      Task a = task("a", T0.plusSeconds(60));
      store.addTask(a);
      Task moved = task("a", T0.plusSeconds(120));

      whileRowIsLocked(
          "caller_tasks", "a", () -> assertCancelledInTime(() -> store.updateTask(moved)));

      store.updateTask(moved);
      assertThat(store.lookupTask("a")).contains(moved);
      assertThat(store.statementTimeout()).isEqualTo(Duration.ofSeconds(1));
      assertThat(store.timeouts()).isEmpty();
    } finally {
      store.shutdown();
      try (Connection c = DriverManager.getConnection(server.url("postgres"));
          Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS caller_tasks");
        s.execute("DROP TABLE IF EXISTS caller_tasks_quarantine");
      }
    }
  }
}
