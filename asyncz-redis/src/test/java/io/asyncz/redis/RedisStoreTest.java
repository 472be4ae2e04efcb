package io.asyncz.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.persistence.Encryption;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.JedisPooled;

class RedisStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final String TASKS = RedisStore.DEFAULT_TASKS_KEY;
  private static final String RUN_TIMES = RedisStore.DEFAULT_RUN_TIMES_KEY;

  private static EmbeddedRedis server;
  private static JedisPooled client;

  private final TestStoreContext context =
      new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry());
  private final List<TaskStore> opened = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = EmbeddedRedis.start();
    client = server.client();
  }

  @AfterAll
  static void stopServer() throws Exception {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @AfterEach
  void flush() {
    opened.forEach(TaskStore::shutdown);
    client.flushAll();
  }

  private RedisStore store() {
    return store(TASKS, RUN_TIMES, TaskRecords.plain());
  }

  private RedisStore store(String tasksKey, String runTimesKey, TaskRecords records) {
    RedisStore store =
        RedisStore.connect("127.0.0.1", server.port(), 0, null, tasksKey, runTimesKey, records);
    store.start(context, "redis");
    opened.add(store);
    return store;
  }

  private static Task task(String id, Instant next) {
    String reference = StoreContract.registry().registered().keySet().iterator().next();
    return Task.builder(id)
        .function(StoreContract.registry().resolve(reference), reference)
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias("redis")
        .nextRunTime(next)
        .build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void tasksSurviveANewStoreOnTheSameServer() {
    RedisStore first = store();
    Task scheduled = task("report", T0.plusSeconds(60));
    Task paused = task("paused", null);
    first.addTask(scheduled);
    first.addTask(paused);
    first.shutdown();

    RedisStore second = store();
    assertThat(second.lookupTask("report")).contains(scheduled);
    assertThat(second.allTasks()).containsExactly(scheduled, paused);
    assertThat(second.nextRunTime()).contains(T0.plusSeconds(60));
  }

  @Test
  void usesTheSeedsLayoutAndKeepsHashAndSortedSetInStep() {
    RedisStore store = store();
    store.addTask(task("a", T0.plusMillis(1500)));
    store.addTask(task("p", null));
    assertThat(client.hkeys(TASKS)).containsExactlyInAnyOrder("a", "p");
    assertThat(client.zrange(RUN_TIMES, 0, -1)).containsExactly("a");
    assertThat(client.zscore(RUN_TIMES, "a")).isEqualTo(T0.getEpochSecond() + 1.5);

    store.updateTask(task("a", null)); // paused: leaves the sorted set
    store.updateTask(task("p", T0)); // resumed: enters it
    assertThat(client.zrange(RUN_TIMES, 0, -1)).containsExactly("p");
    store.deleteTask("p");
    assertThat(client.hkeys(TASKS)).containsExactly("a");
    assertThat(client.exists(RUN_TIMES)).isFalse();
  }

  @Test
  void runTimesCloserThanAScoreCanTellAreStillOrdered() {
    RedisStore store = store();
    // 50 ns apart: the same double score (one step is about 240 ns here); the exact instants
    // still decide.
    store.addTask(task("a", T0.plusNanos(60)));
    store.addTask(task("b", T0.plusNanos(10)));
    store.addTask(task("c", T0.plusNanos(60)));
    assertThat(client.zscore(RUN_TIMES, "a")).isEqualTo(client.zscore(RUN_TIMES, "b"));
    assertThat(store.allTasks()).extracting(Task::id).containsExactly("b", "a", "c");
    assertThat(store.nextRunTime()).contains(T0.plusNanos(10));
    assertThat(store.dueTasks(T0.plusNanos(30))).extracting(Task::id).containsExactly("b");
    assertThat(store.dueTasks(T0.plusNanos(60), 2)).extracting(Task::id).containsExactly("b", "a");
  }

  @Test
  void anUnreadableRecordIsKeptAndSkippedNotDeleted() {
    RedisStore store = store();
    store.addTask(task("good", T0.plusSeconds(5)));
    client.hset(utf8(TASKS), utf8("bad"), utf8("{not json"));
    client.zadd(RUN_TIMES, T0.getEpochSecond(), "bad"); // earlier than "good"

    assertThat(store.allTasks()).extracting(Task::id).containsExactly("good");
    assertThat(store.lookupTask("bad")).isEmpty();
    assertThat(store.nextRunTime()).contains(T0.plusSeconds(5));
    assertThat(store.dueTasks(T0.plusSeconds(10))).extracting(Task::id).containsExactly("good");
    store.removeAllTasks();
    assertThat(client.hget(utf8(TASKS), utf8("bad"))).isEqualTo(utf8("{not json"));
    assertThat(client.hkeys(TASKS)).containsExactly("bad");
    assertThatThrownBy(() -> store.addTask(task("bad", T0)))
        .isInstanceOf(ConflictIdException.class);
  }

  @Test
  void encryptedRecordsHoldNoPlainJsonAndNeedTheKey() {
    RedisStore sealed =
        store(TASKS, RUN_TIMES, TaskRecords.encrypted(Encryption.withKey("secret-1")));
    sealed.addTask(task("pay", T0));
    byte[] record = client.hget(utf8(TASKS), utf8("pay"));
    assertThat(new String(record, StandardCharsets.ISO_8859_1)).doesNotContain("asyncz.task");
    assertThat(sealed.lookupTask("pay")).isPresent();

    RedisStore wrongKey =
        store(TASKS, RUN_TIMES, TaskRecords.encrypted(Encryption.withKey("other")));
    assertThat(wrongKey.allTasks()).isEmpty(); // skipped, not deleted
    assertThat(client.hexists(TASKS, "pay")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a b",
        "\"quoted\"",
        "it's",
        "../etc/passwd",
        "..",
        ".",
        "C:\\x",
        "ä€😀",
        "100%",
        "*",
        "a\nb"
      })
  void hostileIdsRoundTrip(String id) {
    RedisStore store = store();
    Task t = task(id, T0.plusSeconds(1));
    store.addTask(t);
    store.addTask(task("other", T0.plusSeconds(2)));
    assertThat(store.lookupTask(id)).contains(t);
    assertThat(store.allTasks()).extracting(Task::id).containsExactly(id, "other");
    assertThat(store.dueTasks(T0.plusSeconds(1))).containsExactly(t);
    assertThat(client.hkeys(TASKS)).contains(id);
    store.deleteTask(id);
    assertThat(store.allTasks()).extracting(Task::id).containsExactly("other");
  }

  @Test
  void customKeyNamesKeepTwoStoresApart() {
    RedisStore one = store("one.tasks", "one.run_times", TaskRecords.plain());
    RedisStore two = store("two.tasks", "two.run_times", TaskRecords.plain());
    one.addTask(task("same", T0));
    two.addTask(task("same", T0.plusSeconds(30)));
    two.addTask(task("only-two", null));
    assertThat(one.allTasks()).extracting(Task::id).containsExactly("same");
    assertThat(two.nextRunTime()).contains(T0.plusSeconds(30));
    one.removeAllTasks();
    assertThat(two.allTasks()).extracting(Task::id).containsExactly("same", "only-two");
    assertThat(client.exists("one.tasks")).isFalse();
    assertThat(client.exists(TASKS)).isFalse();
  }

  @Test
  void concurrentAddsOfOneIdLetExactlyOneWin() throws Exception {
    int clients = 8;
    List<RedisStore> stores = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      stores.add(store());
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      for (int round = 0; round < 20; round++) {
        String id = "race-" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          RedisStore s = stores.get(i);
          Instant next = T0.plusSeconds(i);
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    try {
                      s.addTask(task(id, next));
                      return true;
                    } catch (ConflictIdException e) {
                      return false;
                    }
                  }));
        }
        go.countDown();
        int won = 0;
        int winner = -1;
        for (int i = 0; i < clients; i++) {
          if (results.get(i).get(10, TimeUnit.SECONDS)) {
            won++;
            winner = i;
          }
        }
        assertThat(won).isEqualTo(1);
        assertThat(stores.get(0).lookupTask(id).orElseThrow().nextRunTime())
            .contains(T0.plusSeconds(winner));
        assertThat(client.zscore(RUN_TIMES, id)).isEqualTo((double) T0.getEpochSecond() + winner);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theRedisAliasCreatesAStoreFromOptions() {
    TaskStore store =
        TaskStores.create(
            "redis",
            Map.of(
                "host", "127.0.0.1",
                "port", server.port(),
                "database", 2,
                "tasks_key", "cfg.tasks",
                "run_times_key", "cfg.run_times"));
    assertThat(store).isInstanceOf(RedisStore.class);
    store.start(context, "redis");
    opened.add(store);
    store.addTask(task("x", T0));
    assertThat(((RedisStore) store).tasksKey()).isEqualTo("cfg.tasks");
    assertThat(client.exists("cfg.tasks")).isFalse(); // database 0
    assertThat(store.lookupTask("x")).isPresent();
    assertThatThrownBy(() -> TaskStores.create("redis", Map.of("hots", "x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("hots");
    assertThatThrownBy(() -> TaskStores.create("redis", Map.of("port", 70000)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("70000");
    assertThatThrownBy(
            () -> TaskStores.create("redis", Map.of("tasks_key", "k", "run_times_key", "k")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("distinct");
  }
}
