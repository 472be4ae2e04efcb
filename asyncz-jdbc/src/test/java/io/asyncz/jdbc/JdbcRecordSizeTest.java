package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.RecordCorrupter;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A row over the read limit is quarantined on the database's side: its state is never fetched. */
class JdbcRecordSizeTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  /** A data source whose result sets report the length of every {@code byte[]} they give. */
  private static DataSource watching(DataSource target, AtomicInteger largest) {
    return wrap(DataSource.class, target, largest);
  }

  private static <T> T wrap(Class<T> type, T target, AtomicInteger largest) {
    return JdbcProxies.proxy(
        type,
        target,
        (real, method, args) -> {
          Object result = JdbcProxies.invoke(real, method, args);
          if (result instanceof byte[] bytes) {
            largest.accumulateAndGet(bytes.length, Math::max);
          }
          return result == null ? null : watched(method.getReturnType(), result, largest);
        });
  }

  /** A connection, statement or result set that a watched object gave, watched in turn. */
  private static Object watched(Class<?> type, Object result, AtomicInteger largest) {
    for (Class<?> wrapped :
        List.of(Connection.class, PreparedStatement.class, Statement.class, ResultSet.class)) {
      if (type == wrapped) {
        return wrapAs(wrapped, result, largest);
      }
    }
    return result;
  }

  private static <T> T wrapAs(Class<T> type, Object result, AtomicInteger largest) {
    return wrap(type, type.cast(result), largest);
  }

  @Test
  void aRowOverTheReadLimitIsQuarantinedWithoutItsStateBeingFetched() throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:record-size;DB_CLOSE_DELAY=-1");
    AtomicInteger largest = new AtomicInteger();
    TaskRecords records = TaskRecords.plain().withMaxRecordSize(1024);
    JdbcStore store = new JdbcStore(watching(h2, largest), "tasks", records);
    store.start(
        new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry()),
        "default");
    Task good =
        Task.builder("good")
            .function((args, kwargs) -> null, StoreContract.REFERENCE)
            .trigger(io.asyncz.trigger.CronTrigger.fromCrontab("*/5 * * * *"))
            .storeAlias(StoreContract.ALIAS)
            .nextRunTime(T0.plusSeconds(5))
            .build();
    store.addTask(good);
    List<Consumer<JdbcStore>> reads =
        List.of(
            s -> assertThat(s.lookupTask("huge")).isEmpty(),
            s -> assertThat(s.dueTasks(T0.plusSeconds(10))).containsExactly(good),
            s -> assertThat(s.dueTasks(T0.plusSeconds(10), 1)).containsExactly(good),
            s -> assertThat(s.nextRunTime()).contains(T0.plusSeconds(5)),
            s -> assertThat(s.allTasks()).containsExactly(good));
    byte[] huge = RecordCorrupter.huge("huge", T0, 100_000);

    for (Consumer<JdbcStore> read : reads) {
      try (Connection c = h2.getConnection();
          PreparedStatement ps =
              c.prepareStatement("INSERT INTO tasks (id, next_run_time, state) VALUES (?, ?, ?)")) {
        ps.setString(1, "huge");
        ps.setLong(2, JdbcStore.micros(T0));
        ps.setBytes(3, huge);
        ps.executeUpdate();
      }
      read.accept(store);
    }

    assertThat(largest.get()).isLessThanOrEqualTo((int) records.readLimit());
    List<QuarantinedRecord> quarantined = store.quarantinedRecords();
    assertThat(quarantined).hasSize(reads.size());
    assertThat(quarantined)
        .allSatisfy(
            r -> {
              assertThat(r.reason()).isEqualTo("TOO_LARGE");
              assertThat(r.raw()).isEqualTo(huge);
            });
    store.shutdown();
  }

  @Test
  void theJdbcAliasesTakeAMaximumRecordSize(@TempDir Path dir) {
    String url = "jdbc:sqlite:" + dir.resolve("size.db");
    TaskStore store = TaskStores.create("sqlalchemy", Map.of("url", url, "max_record_size", 2048));
    store.start(
        new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry()),
        "default");
    try {
      Task big =
          Task.builder("big")
              .function((args, kwargs) -> null, StoreContract.REFERENCE)
              .trigger(io.asyncz.trigger.CronTrigger.fromCrontab("*/5 * * * *"))
              .args(List.of("x".repeat(3000)))
              .build();
      assertThatThrownBy(() -> store.addTask(big))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("max_record_size (2048 bytes)");
    } finally {
      store.shutdown();
    }
    assertThatThrownBy(
            () -> TaskStores.create("jdbc", Map.of("url", url, "max_record_size", "big")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_record_size")
        .hasMessageContaining("big");
  }
}
