package io.asyncz.benchmarks.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.benchmarks.store.StoreDrainComparison.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store comparison's pieces at a tiny size, without PostgreSQL: its settings, our drain on an
 * in-memory H2 database, and the store measurements on the local stores.
 */
class StoreDrainComparisonTest {
  @TempDir Path dir;

  @Test
  void settingsDefaultToTheIssuesSizes() {
    Settings s = Settings.parse(key -> null);
    assertThat(s.reps()).isEqualTo(3);
    assertThat(s.drainTasks()).isEqualTo(50_000);
    assertThat(s.quartzTasks()).isEqualTo(2_000);
    assertThat(s.threads()).isEqualTo(4);
    assertThat(s.scenarios()).isEqualTo(Set.of("drain", "stores"));
    assertThat(s.contenders())
        .containsExactly("asyncz", "asyncz-distinct", "dbs-lock-and-fetch", "dbs-fetch", "quartz");
    assertThat(s.stores()).containsExactly("file", "sqlite", "h2", "postgres", "redis");
  }

  @Test
  void settingsAreReadFromProperties() {
    Map<String, String> props =
        Map.of("reps", "5", "drain.tasks", "1_000", "contenders", "quartz, asyncz", "stores", "h2");
    Settings s = Settings.parse(props::get);
    assertThat(s.reps()).isEqualTo(5);
    assertThat(s.drainTasks()).isEqualTo(1_000);
    assertThat(s.contenders()).containsExactly("quartz", "asyncz");
    assertThat(s.stores()).containsExactly("h2");
    assertThat(StoreDrainComparison.contenders(s.contenders(), Duration.ofMillis(10)))
        .extracting(DrainContender::name)
        .containsExactly("Quartz JDBC clustered", "Asyncz JdbcStore");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "many", ""})
  void aBadNumberIsRefusedWithItsName(String value) {
    assertThatThrownBy(() -> Settings.parse(Map.of("drain.tasks", value)::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("drain.tasks")
        .hasMessageContaining("\"" + value + "\"");
  }

  @Test
  void anUnknownContenderIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> Settings.parse(Map.of("contenders", "asyncz,cron4j")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"cron4j\"")
        .hasMessageContaining("dbs-lock-and-fetch");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void oursDrainsEveryTask(boolean distinctTimes) throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:drain" + distinctTimes + ";DB_CLOSE_DELAY=-1");
    Map<String, Double> m =
        StoreDrainComparison.drain(new AsynczDrain(distinctTimes), h2, 200, 4, 60);
    assertThat(m.get("exec/s")).isPositive();
    assertThat(m.get("tasks")).isEqualTo(200.0);
    // The loop reads a batch of due tasks and deletes it in one statement each, not per task.
    assertThat(m.get("stmts/task")).isPositive().isLessThan(0.1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "h2"})
  void theLocalStoresAreMeasured(String key) {
    Map<String, Double> m =
        StoreDrainComparison.measureStore(
            key, StoreDrainComparison.localStore(key, dir), 40, Duration.ofSeconds(1));
    assertThat(m.keySet())
        .containsExactly("add/s", "lookup/s", "update/s", "due tasks/s", "delete/s");
    assertThat(m.values()).allSatisfy(v -> assertThat(v).isPositive());
  }

  @Test
  void scriptsSplitIntoTheirStatements() throws Exception {
    List<String> sql =
        SqlScript.statements(
            "-- a comment; with a semicolon\nCREATE TABLE a (x INT);\n\nDROP TABLE b;\ncommit;\n");
    assertThat(sql).containsExactly("CREATE TABLE a (x INT)", "DROP TABLE b");
    assertThat(
            SqlScript.statements(
                SqlScript.resource(SqlScript.class, "db-scheduler-postgresql.sql")))
        .hasSize(4);
  }
}
