package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.jdbc.PostgresServer;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code asyncz instances} on a clustered PostgreSQL store: two clustered schedulers run in this
 * JVM, and the command lists them (and a node whose heartbeat is an hour old) without joining.
 */
class InstancesClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PostgresServer server;

  @TempDir Path dir;

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

  /** A clustered node on the store the command reads; heartbeats an hour apart. */
  private static ThreadScheduler node(String identity, String url) {
    return Scheduler.builder()
        .identity(identity)
        .heartbeatStaleAfter(Duration.ofHours(2))
        .cluster(ClusterSettings.DEFAULTS.withHeartbeatInterval(Duration.ofHours(1)))
        .store(
            "default", new JdbcStore(url, null, null, JdbcStore.DEFAULT_TABLE, TaskRecords.plain()))
        .build();
  }

  private static List<String> nodeRows(String url) throws Exception {
    List<String> nodes = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT node FROM " + JdbcStore.DEFAULT_TABLE + "_nodes ORDER BY node")) {
      while (rs.next()) {
        nodes.add(rs.getString(1));
      }
    }
    return nodes;
  }

  @Test
  void listsTheClusterNodesActiveOrStaleBesideThisProcessWithoutJoining() throws Exception {
    String url = server.url("postgres");
    ThreadScheduler a = node("node-a", url);
    ThreadScheduler b = node("node-b", url);
    a.start();
    b.start();
    try {
      // Each node joins in its first round; each then lists the other from its heartbeat row.
      CountDownLatch joined = new CountDownLatch(1);
      while (!joined.await(20, TimeUnit.MILLISECONDS)) {
        if (a.instances().size() == 2 && b.instances().size() == 2) {
          joined.countDown();
        }
      }
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        s.execute(
            "INSERT INTO "
                + JdbcStore.DEFAULT_TABLE
                + "_nodes (node, host, pid, started_at, last_seen, runs_in_flight, version)"
                + " SELECT 'gone', 'elsewhere', 42, now - 7200000000, now - 3600000000, 3, '0.0.9'"
                + " FROM (SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)"
                + " AS now) t");
      }
      List<String> before = nodeRows(url);
      Cli cli = new Cli(dir).clock(Clock.systemUTC());

      Cli.Result table = cli.run("instances", "--store", url);
      assertThat(table.code()).as(table.err()).isZero();
      assertThat(table.out())
          .contains("process-local")
          .contains("Cluster nodes of store 'default' (stale after 30s):")
          .contains("NODE", "HOST", "PID", "LAST SEEN", "HEARTBEAT AGE", "IN FLIGHT", "VERSION")
          .contains("gone", "elsewhere", "42", "0.0.9")
          .contains("node-a#", "node-b#");
      assertThat(table.out().lines().filter(l -> l.startsWith("gone")))
          .singleElement()
          .satisfies(l -> assertThat(l).contains("stale").doesNotContain("active"));
      assertThat(table.out().lines().filter(l -> l.startsWith("node-")))
          .hasSize(2)
          .allSatisfy(l -> assertThat(l).contains("active"));

      JsonNode json = JSON.readTree(cli.run("instances", "--store", url, "--json").out());
      assertThat(JsonSchemaTest.errors("instances", json)).isEmpty();
      assertThat(json.get("instances")).hasSize(1);
      assertThat(json.get("heartbeat_stale_after").asDouble()).isEqualTo(30.0);
      Map<String, JsonNode> nodes = new TreeMap<>();
      json.get("cluster_nodes").forEach(n -> nodes.put(n.get("node").asText(), n));
      assertThat(nodes).hasSize(3);
      JsonNode gone = nodes.get("gone");
      assertThat(gone.get("store").asText()).isEqualTo("default");
      assertThat(gone.get("host").asText()).isEqualTo("elsewhere");
      assertThat(gone.get("pid").asLong()).isEqualTo(42);
      assertThat(gone.get("runs_in_flight").asInt()).isEqualTo(3);
      assertThat(gone.get("version").asText()).isEqualTo("0.0.9");
      assertThat(gone.get("state").asText()).isEqualTo("stale");
      assertThat(gone.get("heartbeat_age").asDouble()).isBetween(3600.0, 4000.0);
      assertThat(gone.get("last_seen").asText()).endsWith("Z");
      nodes.remove("gone");
      assertThat(nodes.values())
          .allSatisfy(
              n -> {
                assertThat(n.get("state").asText()).isEqualTo("active");
                assertThat(n.get("heartbeat_age").asDouble()).isBetween(0.0, 30.0);
                assertThat(n.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
              });

      // The command read the rows and wrote none: no node of its own, none removed.
      assertThat(nodeRows(url)).isEqualTo(before).hasSize(3);
    } finally {
      a.shutdown(Duration.ofSeconds(5));
      b.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void aStoreWithoutClusterRecordsListsOnlyThisProcess() throws Exception {
    Cli cli = new Cli(dir);
    Cli.Result table = cli.run("instances", "--store", "jdbc:sqlite:t.db");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).contains("process-local").doesNotContain("Cluster nodes");
    JsonNode json =
        JSON.readTree(cli.run("instances", "--store", "jdbc:sqlite:t.db", "--json").out());
    assertThat(json.get("instances")).hasSize(1);
    assertThat(json.get("cluster_nodes")).isEmpty();
  }
}
