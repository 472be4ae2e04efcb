package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC store's {@code pooled} option: a HikariCP pool by default, or a connection from the
 * driver for each operation, with the same driver timeouts, for a store that serves one command.
 */
class JdbcPoolingTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path dir;

  private JdbcStore store(Map<String, ?> options) {
    return (JdbcStore) TaskStores.create("jdbc", options);
  }

  private static Set<String> poolThreads(String alias) {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith("asyncz-" + alias + ":"))
        .collect(Collectors.toSet());
  }

  private static Task task(String id) {
    return Task.builder(id)
        .function((args, kwargs) -> null, StoreContract.REFERENCE)
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias("default")
        .nextRunTime(T0)
        .build();
  }

  /** The pool's threads while the store, started as {@code alias}, adds {@code id} and reads. */
  private static Set<String> threadsWhileInUse(JdbcStore store, String alias, String id) {
    store.start(
        new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry()), alias);
    try {
      store.addTask(task(id));
      assertThat(store.allTasks()).extracting(Task::id).contains(id);
      return poolThreads(alias);
    } finally {
      store.shutdown();
    }
  }

  @Test
  void aStoreOnAUrlIsPooledByDefault() {
    JdbcStore store = store(Map.of("url", "jdbc:sqlite:" + dir.resolve("a.db")));
    assertThat(store.pooled()).isTrue();
    assertThat(threadsWhileInUse(store, "pooledstore", "t1")).isNotEmpty();
  }

  @Test
  void withPooledFalseTheStoreStartsNoPoolAndStillReadsAndWrites() {
    JdbcStore store = store(Map.of("url", "jdbc:sqlite:" + dir.resolve("b.db"), "pooled", false));
    assertThat(store.pooled()).isFalse();
    assertThat(threadsWhileInUse(store, "unpooledstore", "t1")).isEmpty();
    // What it wrote is there for the next store on the file, and it can be started again.
    JdbcStore again = store(Map.of("url", "jdbc:sqlite:" + dir.resolve("b.db")));
    assertThat(threadsWhileInUse(again, "pooledagain", "t2")).isNotEmpty();
    assertThat(threadsWhileInUse(store, "unpooledstore", "t3")).isEmpty();
    JdbcStore last = store(Map.of("url", "jdbc:sqlite:" + dir.resolve("b.db"), "pooled", false));
    last.start(
        new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry()),
        "default");
    try {
      assertThat(last.allTasks()).extracting(Task::id).containsExactly("t1", "t2", "t3");
    } finally {
      last.shutdown();
    }
  }

  @Test
  void aBadPooledValueIsRefusedNamingTheKey() {
    PluginOptions options =
        PluginOptions.of(
            Map.of("url", "jdbc:sqlite:" + dir.resolve("c.db"), "pooled", "sometimes"),
            "asyncz.stores.s.");
    assertThatThrownBy(() -> TaskStores.create("jdbc", options, "asyncz.stores.s.type"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.s.pooled")
        .hasMessageContaining("sometimes");
  }

  @Test
  void unpooledConnectionsGetTheCredentialsAndTheDriverTimeouts() {
    DriverConnections connections =
        (DriverConnections)
            JdbcConnections.unpooled(
                "jdbc:postgresql://db/app",
                "app",
                "secret",
                new JdbcStore.Timeouts(
                    Duration.ofMillis(1500), Duration.ofMillis(700), Duration.ofSeconds(10)));
    Properties properties = connections.properties();
    assertThat(properties)
        .containsEntry("user", "app")
        .containsEntry("password", "secret")
        .containsEntry("connectTimeout", "2")
        .containsEntry("loginTimeout", "2")
        .containsEntry("cancelSignalTimeout", "2")
        .containsEntry("socketTimeout", "12");
    assertThat(connections.getLoginTimeout()).isEqualTo(2);
  }
}
