package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteDataSource;

/** What the store contract does not cover: table names, restarts, corrupt rows, hostile ids. */
class JdbcStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path dir;

  private static TestStoreContext context() {
    return new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry());
  }

  private static Task task(String id, Instant next) {
    return Task.builder(id)
        .function((args, kwargs) -> null, StoreContract.REFERENCE)
        .trigger(io.asyncz.trigger.CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias("default")
        .nextRunTime(next)
        .build();
  }

  private SQLiteDataSource sqlite() {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve("tasks.db"));
    return ds;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1tasks",
        "tasks; DROP TABLE x",
        "tasks--",
        "\"tasks\"",
        "my-tasks",
        "s.tasks",
        "tâsks"
      })
  void tableNamesThatAreNotPlainIdentifiersAreRefused(String table) {
    assertThatThrownBy(() -> new JdbcStore(sqlite(), table, TaskRecords.plain()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("plain SQL identifier")
        .hasMessageContaining(table);
  }

  @Test
  void plainIdentifiersAreAccepted() {
    for (String table : List.of("tasks", "_t", "Asyncz_Store_2")) {
      assertThat(new JdbcStore(sqlite(), table, TaskRecords.plain()).table()).isEqualTo(table);
    }
  }

  @Test
  void aNewStoreOnTheSameDatabaseSeesTheTasks() {
    String url = "jdbc:sqlite:" + dir.resolve("restart.db");
    JdbcStore first = new JdbcStore(url, null, null, "tasks", TaskRecords.plain());
    first.start(context(), "default");
    first.addTask(task("a", T0.plusSeconds(10)));
    first.addTask(task("b", null));
    first.shutdown();

    JdbcStore second = new JdbcStore(url, null, null, "tasks", TaskRecords.plain());
    second.start(context(), "default");
    try {
      assertThat(second.allTasks()).containsExactly(task("a", T0.plusSeconds(10)), task("b", null));
      assertThat(second.nextRunTime()).contains(T0.plusSeconds(10));
    } finally {
      second.shutdown();
    }
  }

  @Test
  void aCorruptRowIsMovedToTheQuarantineTableWithItsBytes() throws Exception {
    SQLiteDataSource ds = sqlite();
    JdbcStore store = new JdbcStore(ds, "tasks", TaskRecords.plain());
    store.start(context(), "default");
    store.addTask(task("good", T0.plusSeconds(20)));
    store.addTask(task("bad", T0.plusSeconds(10)));
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE tasks SET state = ? WHERE id = ?")) {
      ps.setBytes(1, "{not json".getBytes(StandardCharsets.UTF_8));
      ps.setString(2, "bad");
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }

    assertThat(store.allTasks()).extracting(Task::id).containsExactly("good");
    assertThat(store.lookupTask("bad")).isEmpty();
    assertThat(store.dueTasks(T0.plusSeconds(60))).extracting(Task::id).containsExactly("good");
    assertThat(store.dueTasks(T0.plusSeconds(60), 1)).extracting(Task::id).containsExactly("good");
    assertThat(store.nextRunTime()).contains(T0.plusSeconds(20));
    store.removeAllTasks();
    store.shutdown();

    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, reason, state FROM tasks_quarantine")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("bad");
      assertThat(rs.getString(2)).isEqualTo("MALFORMED");
      assertThat(new String(rs.getBytes(3), StandardCharsets.UTF_8)).isEqualTo("{not json");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void hostileIdsAreStoredAndReadBackVerbatim() throws Exception {
    SQLiteDataSource ds = sqlite();
    JdbcStore store = new JdbcStore(ds, "tasks", TaskRecords.plain());
    store.start(context(), "default");
    List<String> ids =
        List.of(
            "'; DROP TABLE tasks; --",
            "x'); DELETE FROM tasks; --",
            "\"quoted\"",
            "..",
            "../../etc/passwd",
            "a\\b",
            "%_*",
            "tab\\tnew\\nline"); // a tab or line break itself is no valid id: Identifiers
    for (int i = 0; i < ids.size(); i++) {
      store.addTask(task(ids.get(i), T0.plusSeconds(i)));
    }
    for (int i = 0; i < ids.size(); i++) {
      assertThat(store.lookupTask(ids.get(i))).contains(task(ids.get(i), T0.plusSeconds(i)));
    }
    assertThat(store.allTasks()).extracting(Task::id).containsExactlyElementsOf(ids);
    store.deleteTask("%_*");
    assertThat(store.allTasks()).hasSize(ids.size() - 1);
    store.shutdown();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM tasks")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(ids.size() - 1);
    }
  }

  @Test
  void idsLongerThanTheColumnAreRefusedWithAClearError() {
    JdbcStore store = new JdbcStore(sqlite(), "tasks", TaskRecords.plain());
    store.start(context(), "default");
    assertThatThrownBy(() -> store.addTask(task("x".repeat(192), T0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("1 to 191 characters");
    assertThat(store.allTasks()).isEmpty();
  }

  @Test
  void theAliasesMakeAJdbcStoreFromOptions() {
    String url = "jdbc:sqlite:" + dir.resolve("alias.db");
    for (String alias : List.of("jdbc", "sqlalchemy")) {
      TaskStore store = TaskStores.create(alias, Map.of("url", url, "table", alias + "_tasks"));
      assertThat(store).isInstanceOf(JdbcStore.class);
      assertThat(((JdbcStore) store).table()).isEqualTo(alias + "_tasks");
      store.start(context(), alias);
      store.addTask(task("t", T0));
      assertThat(store.lookupTask("t")).isPresent();
      store.shutdown();
    }
  }

  @Test
  void badOptionsAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> TaskStores.create("jdbc", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("url");
    assertThatThrownBy(() -> TaskStores.create("jdbc", Map.of("url", "postgres://x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("postgres://x");
    assertThatThrownBy(
            () -> TaskStores.create("jdbc", Map.of("url", "jdbc:sqlite:x", "table", "a;b")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("table")
        .hasMessageContaining("a;b");
  }
}
