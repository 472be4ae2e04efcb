package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Table names are checked when the store is configured: reserved words and lengths. */
class JdbcTableNameTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path dir;

  private String url() {
    return "jdbc:sqlite:" + dir.resolve("names.db");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "order",
        "select",
        "user",
        "group",
        "ORDER",
        "Select",
        "table",
        "key",
        "rownum",
        "limit",
        "returning",
        "window",
        "value",
        "_rowid_"
      })
  void reservedWordsAreRefusedByEveryConstructorAndTheFactory(String table) {
    assertThatThrownBy(() -> new JdbcStore(url(), null, null, table, TaskRecords.plain()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"" + table + "\"")
        .hasMessageContaining("reserved word");
    assertThatThrownBy(() -> new JdbcStore(new JdbcDataSource(), table, TaskRecords.plain()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"" + table + "\"");
    PluginOptions options =
        PluginOptions.of(Map.of("url", url(), "table", table), "asyncz.stores.default.");
    assertThatThrownBy(() -> TaskStores.create("jdbc", options, "asyncz.stores.default.type"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid asyncz.stores.default.table: \"" + table + "\"")
        .hasMessageContaining("reserved word")
        .hasMessageContaining(table + "_tasks");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tasks", "jobs", "schedule", "asyncz_store", "orders", "user_tasks"})
  void ordinaryNamesAndNamesThatOnlyContainAReservedWordAreAccepted(String table) throws Exception {
    JdbcStore store = new JdbcStore(url(), null, null, table, TaskRecords.plain());
    store.start(new TestStoreContext(MutableClock.at(T0), StoreContract.registry()), "names");
    try {
      Task task =
          Task.builder("t")
              .function((args, kwargs) -> null, StoreContract.REFERENCE)
              .trigger(DateTrigger.at(T0.atZone(ZoneOffset.UTC)))
              .nextRunTime(T0)
              .build();
      store.addTask(task);
      assertThat(store.lookupTask("t")).isPresent();
    } finally {
      store.shutdown();
    }
  }

  @Test
  void theLongestNameLeavesRoomForTheQuarantineTable() {
    String longest = "t".repeat(52);
    assertThat(new JdbcStore(url(), null, null, longest, TaskRecords.plain()).table())
        .isEqualTo(longest);
    String tooLong = longest + "x";
    assertThatThrownBy(() -> new JdbcStore(url(), null, null, tooLong, TaskRecords.plain()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"" + tooLong + "\"")
        .hasMessageContaining("is 53 characters long; expected at most 52")
        .hasMessageContaining(tooLong + "_quarantine")
        .hasMessageContaining("63 characters");
  }

  @Test
  void sqliteInternalNamesAreRefused() {
    assertThatThrownBy(() -> TaskStores.create("jdbc", Map.of("url", url(), "table", "sqlite_x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"sqlite_x\"")
        .hasMessageContaining("SQLite");
  }
}
