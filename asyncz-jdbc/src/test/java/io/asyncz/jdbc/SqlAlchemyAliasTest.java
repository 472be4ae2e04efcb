package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code sqlalchemy} alias takes the seed's SQLAlchemyStore options: {@code database} with a
 * SQLAlchemy URL, {@code tablename}; what it cannot take is refused saying what to write.
 */
class SqlAlchemyAliasTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path dir;

  private static TaskStore create(Map<String, ?> options) {
    return TaskStores.create(
        "sqlalchemy",
        PluginOptions.of(options, "asyncz.stores.default."),
        "asyncz.stores.default.type");
  }

  private static Task task(String id) {
    return Task.builder(id)
        .function((args, kwargs) -> null, StoreContract.REFERENCE)
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .nextRunTime(T0)
        .build();
  }

  @Test
  void theSeedsOptionsMakeAWorkingStore() throws Exception {
    Path file = dir.resolve("seed.db");
    TaskStore store =
        create(Map.of("database", "sqlite:///" + file.toAbsolutePath(), "tablename", "jobs"));
    assertThat(((JdbcStore) store).table()).isEqualTo("jobs");
    store.start(new TestStoreContext(MutableClock.at(T0), StoreContract.registry()), "default");
    try {
      store.addTask(task("t"));
      assertThat(store.lookupTask("t")).isPresent();
    } finally {
      store.shutdown();
    }
    assertThat(Files.size(file)).isPositive();
  }

  @Test
  void theSeedsDefaultTableIsTheSame() {
    TaskStore store = create(Map.of("database", "sqlite:///" + dir.resolve("d.db")));
    assertThat(((JdbcStore) store).table()).isEqualTo("asyncz_store");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "postgresql+psycopg://user:pw@host:5432/db  | jdbc:postgresql://host:5432/db | user  | pw",
        "postgresql://scott:tiger%40home@db/test    | jdbc:postgresql://db/test      | scott | tiger@home",
        "postgresql+asyncpg://u:a+b@[::1]:5433/db?sslmode=require | jdbc:postgresql://[::1]:5433/db?sslmode=require | u | a+b",
        "postgresql://db.example/app               | jdbc:postgresql://db.example/app | -   | -",
        "mariadb+mariadbconnector://u:p@h/db       | jdbc:mariadb://h/db            | u     | p",
        "mysql+pymysql://u:p@h:3306/db?charset=utf8mb4 | jdbc:mariadb://h:3306/db?charset=utf8mb4 | u | p",
        "sqlite:///tasks.db                        | jdbc:sqlite:tasks.db           | -     | -",
        "sqlite+pysqlite:////var/lib/app/tasks.db  | jdbc:sqlite:/var/lib/app/tasks.db | -  | -",
        "jdbc:h2:mem:x                             | jdbc:h2:mem:x                  | -     | -",
      })
  void sqlAlchemyUrlsBecomeJdbcUrlsWithTheUserAndPasswordApart(
      String url, String jdbc, String user, String password) {
    assertThat(SqlAlchemyUrls.toJdbc("database", url))
        .isEqualTo(new SqlAlchemyUrls.Target(jdbc, user, password));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sqlite://                        | in memory",
        "sqlite:///:memory:               | in memory",
        "sqlite://host/x.db               | a host or a user",
        "postgresql:///db                 | names no host",
        "postgresql://h:99999/db          | expected a port from 1 to 65535",
        "oracle+oracledb://u@h/db         | for oracle, which this store does not translate",
        "postgres://u@h/db                | for postgres, which this store does not translate",
        "tasks.db                         | is not a database URL",
      })
  void whatCannotBeTranslatedIsRefusedSayingWhatToWrite(String url, String message) {
    assertThatThrownBy(() -> create(Map.of("database", url)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid asyncz.stores.default.database: \"" + url + "\"")
        .hasMessageContaining(message);
  }

  @Test
  void aPasswordIsNeverQuotedInAMessage() {
    assertThatThrownBy(() -> create(Map.of("database", "postgresql://u:s3cret@h:0/db")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("postgresql://u:***@h:0/db")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(
            () ->
                create(
                    Map.of("database", "postgresql://u:s3cret@h/db", "password", "other-s3cret")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.default.password")
        .hasMessageContaining("given twice")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void aUserGivenTwiceIsRefused() {
    assertThatThrownBy(() -> create(Map.of("url", "postgresql://u@h/db", "username", "v")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.default.username")
        .hasMessageContaining("\"v\"")
        .hasMessageContaining("asyncz.stores.default.url");
  }

  @Test
  void aUserGivenOnlyAsAnOptionIsKept() {
    JdbcStore store =
        (JdbcStore) create(Map.of("url", "postgresql://h/db", "username", "v", "password", "p"));
    assertThat(store.toString()).contains("jdbc:postgresql://h/db");
  }

  @Test
  void theSeedNameAndOurNameOfOneOptionAreNotBothAccepted() {
    String url = "sqlite:///" + dir.resolve("x.db");
    assertThatThrownBy(() -> create(Map.of("database", url, "url", url)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.default.database")
        .hasMessageContaining("asyncz.stores.default.url");
    assertThatThrownBy(() -> create(Map.of("url", url, "table", "a", "tablename", "b")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.default.tablename")
        .hasMessageContaining("\"b\"")
        .hasMessageContaining("asyncz.stores.default.table");
  }

  @Test
  void tablenameIsCheckedLikeTable() {
    assertThatThrownBy(
            () ->
                create(
                    Map.of("database", "sqlite:///" + dir.resolve("x.db"), "tablename", "order")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid asyncz.stores.default.tablename: \"order\"")
        .hasMessageContaining("reserved word");
  }

  @Test
  void pickleProtocolIsRefusedSayingRecordsAreJson() {
    Map<String, Object> options = new HashMap<>();
    options.put("database", "sqlite:///" + dir.resolve("x.db"));
    options.put("pickle_protocol", 5);
    assertThatThrownBy(() -> create(options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.default.pickle_protocol")
        .hasMessageContaining("never pickled");
  }

  @Test
  void aMissingDatabaseNamesBothNames() {
    assertThatThrownBy(() -> create(Map.of("tablename", "jobs")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.default.url")
        .hasMessageContaining("asyncz.stores.default.database")
        .hasMessageContaining("is missing");
  }

  @Test
  void theJdbcAliasKeepsItsOwnNamesButTakesSqlAlchemyUrlsToo() {
    assertThat(TaskStores.options("jdbc")).doesNotContain("database", "tablename");
    assertThat(TaskStores.options("sqlalchemy")).contains("database", "tablename", "url", "table");
    JdbcStore store =
        (JdbcStore) TaskStores.create("jdbc", Map.of("url", "sqlite:///" + dir.resolve("j.db")));
    assertThat(store.toString()).contains("jdbc:sqlite:");
    assertThatThrownBy(
            () -> TaskStores.create("jdbc", Map.of("database", "sqlite:///" + dir.resolve("j.db"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("database");
  }
}
