package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.asyncz.InvalidInputException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ClusterContract;
import io.asyncz.testkit.FaultProxy;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** Cluster mode on one embedded PostgreSQL, several schedulers in this JVM. */
class PostgresClusterTest extends ClusterContract {
  private static final String TABLE = "cluster_tasks";
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
  protected TaskStore newNodeStore() {
    return new JdbcStore(server.url("postgres"), null, null, TABLE, TaskRecords.plain());
  }

  @Override
  protected InetSocketAddress server() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  @Override
  protected TaskStore newNodeStore(String host, int port) {
    return new JdbcStore(
        "jdbc:postgresql://" + host + ":" + port + "/postgres?user=postgres",
        null,
        null,
        TABLE,
        TaskRecords.plain(),
        JdbcStore.Timeouts.of(Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  @Test
  void theTasksOfANodeCutOffMidClaimRunOnAnotherNodeWithoutWaitingForTcpKeepalive()
      throws Exception {
    try (FaultProxy proxy = FaultProxy.start("127.0.0.1", server.port())) {
      JdbcStore cutOff = (JdbcStore) newNodeStore("127.0.0.1", proxy.port());
      CutOffClaim.assertTheOtherNodeRunsTheLockedTasksInTime(proxy, cutOff, newNodeStore());
    }
  }

  @Test
  void nodesJoiningAtOnceOnAFreshDatabaseAllJoin() throws Exception {
    // Service processes started together on a new database each create the cluster's tables;
    // CI once saw a join fail with "duplicate key ... ixr_cluster_tasks" (pg_class), two nodes
    // creating the same index at once.
    int nodes = 6;
    TestStoreContext context =
        new TestStoreContext(MutableClock.at(Instant.EPOCH), new TaskRegistry());
    for (int round = 0; round < 5; round++) {
      clear();
      List<JdbcStore> stores = new ArrayList<>();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(nodes);
      try {
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(nodes);
        List<java.util.concurrent.Future<?>> joins = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
          JdbcStore store = (JdbcStore) newNodeStore();
          store.start(context, "default");
          stores.add(store);
          String id = "node-" + round + "-" + n;
          joins.add(
              pool.submit(
                  () -> {
                    together.await();
                    store.joinCluster(new ClusteredStore.Node(id, "host", 1, Instant.EPOCH, "t"));
                    return null;
                  }));
        }
        for (java.util.concurrent.Future<?> join : joins) {
          join.get(60, java.util.concurrent.TimeUnit.SECONDS); // throws what a join threw
        }
        assertThat(stores.get(0).members()).hasSize(nodes);
      } finally {
        pool.shutdownNow();
        for (JdbcStore store : stores) {
          store.shutdown();
        }
      }
    }
  }

  @Test
  void theStoresSessionsCarryTheIdleTransactionTimeoutUnlessItIsOff() throws Exception {
    for (Duration idle : new Duration[] {Duration.ofSeconds(3), Duration.ZERO}) {
      JdbcStore store =
          new JdbcStore(
              server.url("postgres"),
              null,
              null,
              TABLE,
              TaskRecords.plain(),
              JdbcStore.Timeouts.DEFAULTS.withIdleTransaction(idle));
      store.start(
          new TestStoreContext(MutableClock.at(Instant.EPOCH), new TaskRegistry()), "default");
      try (Connection c = store.connection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW idle_in_transaction_session_timeout")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(idle.isZero() ? "0" : "3s");
      } finally {
        store.shutdown();
      }
    }
  }

  @Test
  void aStoreWhoseServerRefusesTheIdleTransactionTimeoutGoesOnWithoutIt() throws Exception {
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setUrl(server.url("postgres"));
    AtomicInteger refused = new AtomicInteger();
    // As PostgreSQL 9.5 answers: the parameter is unknown to it (SQLState 42704).
    DataSource old =
        rewriting(
            pg,
            sql -> {
              if (sql.startsWith("SET idle_in_transaction_session_timeout")) {
                refused.incrementAndGet();
                return "SET idle_in_transaction_session_timeout_unknown_here = 1";
              }
              return sql;
            });
    TaskFunction noop = (args, kwargs) -> null;
    TaskRegistry registry = new TaskRegistry().register("noop", noop);
    JdbcStore store = new JdbcStore(old, TABLE, TaskRecords.plain(), Duration.ofSeconds(5));
    store.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
    try {
      Instant due = Instant.parse("2026-12-07T04:00:00Z");
      Task task =
          Task.builder("kept")
              .function(noop, "noop")
              .trigger(DateTrigger.at(due))
              .nextRunTime(due)
              .storeAlias("default")
              .build();
      store.addTask(task);
      store.joinCluster(new ClusteredStore.Node("n1", "host", 1, Instant.EPOCH, "test"));
      assertThat(store.lookupTask("kept")).contains(task);
      assertThat(
              store.claimDue(
                  "n1",
                  due,
                  256,
                  (t, running) -> new ClusteredStore.Decision(null, List.of(due), false)))
          .hasSize(1);
      // Asked once, refused once: not asked again on every new connection.
      assertThat(refused.get()).isEqualTo(1);
    } finally {
      store.shutdown();
    }
  }

  /** {@code target}, whose connections' {@code createStatement().execute} run {@code rewrite}. */
  private static DataSource rewriting(
      DataSource target, java.util.function.UnaryOperator<String> rewrite) {
    return JdbcProxies.withConnectionHook(
        target,
        (c, m, a) -> {
          Object made = JdbcProxies.invoke(c, m, a);
          if (!(made instanceof Statement statement) || !m.getName().equals("createStatement")) {
            return made;
          }
          return JdbcProxies.proxy(
              Statement.class,
              statement,
              (st, sm, sa) ->
                  JdbcProxies.invoke(
                      st,
                      sm,
                      sm.getName().equals("execute") && sa.length == 1
                          ? new Object[] {rewrite.apply((String) sa[0])}
                          : sa));
        });
  }

  @Test
  void theRunsOfAClaimWhoseCommitAnswerWasLostAreResolvedNotLeftInFlight() throws Exception {
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setUrl(server.url("postgres"));
    LostCommitAnswer.assertTheRunsAreResolved(pg, TABLE, server.url("postgres"));
  }

  @Test
  void aTaskAddedOnOneNodeRunsOnAnotherThroughNotifyWithoutWaitingForItsPoll() throws Exception {
    assertATaskAddedOnOneNodeRunsOnAnotherThroughTheStoresNotice();
  }

  @Test
  void aStoreThatNeverJoinedReadsTheMembersHeartbeatAgesOnTheDatabasesClock() throws Exception {
    JdbcStore member = (JdbcStore) newNodeStore();
    JdbcStore reader = (JdbcStore) newNodeStore(); // as `asyncz instances` reads: never joins
    TestStoreContext context =
        new TestStoreContext(MutableClock.at(Instant.EPOCH), new TaskRegistry());
    member.start(context, "default");
    reader.start(context, "default");
    try {
      member.joinCluster(new ClusteredStore.Node("old", "host", 1, Instant.EPOCH, "test"));
      member.heartbeat("old", 0);
      try (Connection c = DriverManager.getConnection(server.url("postgres"));
          Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE " + TABLE + "_nodes SET last_seen = last_seen - 3600000000");
      }

      assertThat(reader.members())
          .singleElement()
          .satisfies(
              m ->
                  assertThat(m.heartbeatAge())
                      .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61)));
    } finally {
      member.shutdown();
      reader.shutdown();
    }
  }

  @Test
  void aNodeRefusesClusterTablesOfANewerFormatSayingSo() throws Exception {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + TABLE
              + "_cluster (name VARCHAR(32) NOT NULL PRIMARY KEY, value INT NOT NULL)");
      s.execute("INSERT INTO " + TABLE + "_cluster VALUES ('format', 2)");
    }
    JdbcStore store = (JdbcStore) newNodeStore();
    store.start(
        new TestStoreContext(MutableClock.at(Instant.EPOCH), new TaskRegistry()), "default");
    try {
      assertThatThrownBy(
              () ->
                  store.joinCluster(
                      new ClusteredStore.Node("n1", "host", 1, Instant.EPOCH, "test")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("have format 2, written by a newer version of Asyncz")
          .hasMessageContaining("reads format 1");
    } finally {
      store.shutdown();
    }
  }

  @Test
  void aStoreOnSqliteRefusesClusterModeNamingTheDatabasesThatHaveIt(@TempDir Path dir) {
    JdbcStore store =
        new JdbcStore(
            "jdbc:sqlite:" + dir.resolve("tasks.db"), null, null, TABLE, TaskRecords.plain());
    store.start(
        new TestStoreContext(MutableClock.at(Instant.EPOCH), new TaskRegistry()), "default");
    try {
      assertThatThrownBy(
              () ->
                  store.joinCluster(
                      new ClusteredStore.Node("n1", "host", 1, Instant.EPOCH, "test")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("SQLite")
          .hasMessageContaining("expected a store on PostgreSQL, MariaDB 10.6+ or MySQL 8");
    } finally {
      store.shutdown();
    }
  }

  @Test
  void aClaimOfAFullBatchAndTheEndsOfItsRunsTakeFewRoundTrips() throws Exception {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(server.url("postgres"));
    // One connection: the idle transaction timeout is set once per connection, on its first use.
    pool.setMaximumPoolSize(1);
    AtomicInteger statements = new AtomicInteger();
    AtomicInteger commits = new AtomicInteger();
    JdbcStore store =
        new JdbcStore(counting(pool, statements, commits), TABLE, TaskRecords.plain());
    TaskFunction noop = (args, kwargs) -> null;
    TaskRegistry registry = new TaskRegistry().register("noop", noop);
    store.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
    try {
      store.joinCluster(new ClusteredStore.Node("n1", "host", 1, Instant.EPOCH, "test"));
      Instant due = Instant.parse("2026-12-07T04:00:00Z");
      List<Task> tasks = new ArrayList<>();
      for (int i = 0; i < 256; i++) {
        tasks.add(
            Task.builder("t" + i)
                .function(noop, "noop")
                .trigger(DateTrigger.at(due))
                .nextRunTime(due)
                .storeAlias("default")
                .build());
      }
      store.addTasks(tasks);
      statements.set(0);
      commits.set(0);
      List<ClusteredStore.Claim> claims =
          store.claimDue(
              "n1",
              due,
              256,
              (task, running) -> new ClusteredStore.Decision(null, List.of(due), false));
      // Read and lock, count the runs in flight, write runs and tasks in one statement, commit.
      assertThat(claims).hasSize(256);
      assertThat(statements.get()).isEqualTo(3);
      assertThat(commits.get()).isEqualTo(1);
      assertThat(store.allTasks()).isEmpty();
      assertThat(store.members())
          .singleElement()
          .extracting(ClusteredStore.Member::id)
          .isEqualTo("n1");

      statements.set(0);
      commits.set(0);
      List<ClusteredStore.RunKey> ended = new ArrayList<>();
      for (ClusteredStore.Claim claim : claims) {
        ended.add(new ClusteredStore.RunKey(claim.task().id(), due));
      }
      store.runsEnded("n1", ended);
      // One statement, which commits by itself.
      assertThat(statements.get()).isEqualTo(1);
      assertThat(commits.get()).isZero();
      // Nothing was left in flight: no run to resolve once the node is gone.
      store.leaveCluster("n1");
      assertThat(store.takeOverStaleRuns("n2", Duration.ofSeconds(30), task -> true)).isEmpty();
    } finally {
      store.shutdown();
      pool.close();
    }
  }

  /** {@code target}, counting the statements made and the commits asked on its connections. */
  private static DataSource counting(
      DataSource target, AtomicInteger statements, AtomicInteger commits) {
    return JdbcProxies.withConnectionHook(
        target,
        (c, m, a) -> {
          switch (m.getName()) {
            case "prepareStatement", "createStatement" -> statements.incrementAndGet();
            case "commit" -> commits.incrementAndGet();
            case "unwrap" -> {
              return c.unwrap((Class<?>) a[0]);
            }
            default -> {}
          }
          return JdbcProxies.invoke(c, m, a);
        });
  }

  @Override
  protected void clear() throws Exception {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      for (String suffix :
          new String[] {"", "_quarantine", "_runs", "_inflight", "_nodes", "_cluster"}) {
        s.execute("DROP TABLE IF EXISTS " + TABLE + suffix);
      }
    }
  }
}
