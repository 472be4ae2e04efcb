package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.Encryption;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.ChildJvm;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Encryption is never silently off: with {@code ASYNCZ_STORE_ENCRYPTION_KEY} set (in a child JVM),
 * a JDBC store given plain records is refused, and one made from the environment or configuration
 * encrypts.
 */
class EncryptionDefaultTest {
  private static final String KEY = "default-path-key";
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path directory;

  static Task task(String id) {
    return Task.builder(id)
        .function((args, kwargs) -> null, StoreContract.REFERENCE)
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias("default")
        .args(List.of("s3cr3t"))
        .nextRunTime(T0)
        .build();
  }

  static TestStoreContext context() {
    return new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry());
  }

  /** Child: makes JDBC stores each way a user can and writes one task with each. */
  public static final class Main {
    private Main() {}

    /** Arguments: a JDBC URL of a SQLite file. */
    public static void main(String[] args) {
      String url = args[0];
      SQLiteDataSource dataSource = new SQLiteDataSource();
      dataSource.setUrl(url);
      write(
          "new JdbcStore(url, ..., TaskRecords.plain())",
          () -> new JdbcStore(url, null, null, "plain", TaskRecords.plain()));
      write(
          "new JdbcStore(dataSource, ..., TaskRecords.plain())",
          () -> new JdbcStore(dataSource, "plain", TaskRecords.plain()));
      write(
          "new JdbcStore(dataSource, ..., TaskRecords.fromEnvironment(...))",
          () -> new JdbcStore(dataSource, "environment", TaskRecords.fromEnvironment(List.of())));
      write(
          "TaskStores.create(jdbc)",
          () -> TaskStores.create("jdbc", Map.of("url", url, "table", "configured")));
    }

    private static void write(String how, Supplier<TaskStore> make) {
      TaskStore store;
      try {
        store = make.get();
      } catch (InvalidInputException e) {
        System.out.println(how + ": REFUSED " + e.getMessage());
        return;
      }
      store.start(context(), "default");
      store.addTask(task("t"));
      store.shutdown();
      System.out.println(how + ": WROTE");
    }
  }

  @Test
  void withTheKeySetJdbcStoresEncryptOrRefusePlainRecords() throws Exception {
    String url = "jdbc:sqlite:" + directory.resolve("tasks.db");
    ChildJvm.Result child =
        ChildJvm.run(Main.class, Map.of(Encryption.KEY_VARIABLE, KEY), List.of(url));

    assertThat(child.exitCode()).as(child.stderr()).isZero();
    String refused =
        ": REFUSED Invalid task records: \"plain\" are asked for while"
            + " ASYNCZ_STORE_ENCRYPTION_KEY is set, so a store would write plaintext that the"
            + " environment asks to have encrypted; use TaskRecords.fromEnvironment(oldKeys) or"
            + " TaskRecords.withKey(key), or unset ASYNCZ_STORE_ENCRYPTION_KEY";
    assertThat(child.lines())
        .containsExactly(
            "new JdbcStore(url, ..., TaskRecords.plain())" + refused,
            "new JdbcStore(dataSource, ..., TaskRecords.plain())" + refused,
            "new JdbcStore(dataSource, ..., TaskRecords.fromEnvironment(...)): WROTE",
            "TaskStores.create(jdbc): WROTE");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      for (String table : List.of("environment", "configured")) {
        try (ResultSet rs = s.executeQuery("SELECT state FROM " + table + " WHERE id = 't'")) {
          assertThat(rs.next()).isTrue();
          byte[] sealed = rs.getBytes(1);
          assertThat(Encryption.isEncrypted(sealed)).as(table).isTrue();
          assertThat(TaskRecords.withKey(KEY).read("t", sealed, context())).isEqualTo(task("t"));
        }
      }
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'plain'")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }
}
