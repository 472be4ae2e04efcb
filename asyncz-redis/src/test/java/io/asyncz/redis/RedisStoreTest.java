package io.asyncz.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import io.asyncz.persistence.Encryption;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.JedisPooled;

class RedisStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final String TASKS = RedisStore.DEFAULT_TASKS_KEY;
  private static final String RUN_TIMES = RedisStore.DEFAULT_RUN_TIMES_KEY;
  private static final String QUARANTINE = TASKS + ".quarantine";
  private static final byte[] GARBAGE = {(byte) 0xff, 0, '{', 'x', (byte) 0xc3};

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

  /** Writes {@code record} under {@code id} behind the store's back, due at {@code next}. */
  private static void plant(String id, byte[] record, Instant next) {
    client.hset(utf8(TASKS), utf8(id), record);
    client.zadd(utf8(RUN_TIMES), (double) next.getEpochSecond(), utf8(id));
  }

  private List<TaskQuarantinedEvent> quarantineEvents() {
    return context.events().stream()
        .filter(e -> e.code() == Events.TASK_QUARANTINED)
        .map(TaskQuarantinedEvent.class::cast)
        .toList();
  }

  /**
   * Asserts that {@code id} left the live layout and sits alone in the quarantine as {@code raw}.
   */
  private void assertQuarantined(RedisStore store, String id, byte[] raw, Reason reason) {
    assertThat(client.hexists(utf8(TASKS), utf8(id))).isFalse();
    assertThat(client.zscore(utf8(RUN_TIMES), utf8(id))).isNull();
    assertThat(store.quarantinedRecords()).hasSize(1);
    QuarantinedRecord record = store.quarantinedRecords().get(0);
    assertThat(record.taskId()).isEqualTo(id);
    assertThat(record.raw()).isEqualTo(raw);
    assertThat(record.reason()).isEqualTo(reason.name());
    assertThat(record.quarantinedAt()).isEqualTo(T0);
    assertThat(quarantineEvents())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskId()).isEqualTo(id);
              assertThat(e.store()).isEqualTo("redis");
              assertThat(e.reason()).isEqualTo(reason.name());
              assertThat(e.detail()).isEqualTo(record.detail());
            });
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
  void aCorruptRecordIsQuarantinedWithItsExactBytesNotDeleted() {
    RedisStore store = store();
    Task good = task("good", T0.plusSeconds(5));
    store.addTask(good);
    plant("bad", GARBAGE, T0); // earlier than "good"

    assertThat(store.dueTasks(T0.plusSeconds(10))).containsExactly(good);
    assertQuarantined(store, "bad", GARBAGE, Reason.MALFORMED);
    assertThat(client.hkeys(QUARANTINE)).singleElement().asString().endsWith(":0:bad");

    // Out of the schedule: no read meets it again, so no second event.
    assertThat(store.dueTasks(T0.plusSeconds(10))).containsExactly(good);
    assertThat(store.nextRunTime()).contains(T0.plusSeconds(5));
    assertThat(store.allTasks()).containsExactly(good);
    assertThat(store.lookupTask("bad")).isEmpty();
    assertThat(quarantineEvents()).hasSize(1);

    assertThatThrownBy(() -> store.restoreQuarantined("bad"))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("MALFORMED")
        .hasMessageContaining("not valid JSON");
    assertThat(store.quarantinedRecords()).hasSize(1);
    store.discardQuarantined("bad");
    assertThat(store.quarantinedRecords()).isEmpty();
    assertThat(client.exists(QUARANTINE)).isFalse();
    assertThatThrownBy(() -> store.discardQuarantined("bad"))
        .isInstanceOf(TaskLookupException.class);
    assertThatThrownBy(() -> store.restoreQuarantined("bad"))
        .isInstanceOf(TaskLookupException.class);
    assertThat(store.lookupTask("good")).contains(good);
  }

  @Test
  void removeAllTasksLeavesTheQuarantineAndItsIdsAreFreeForNewTasks() {
    RedisStore store = store();
    plant("bad", GARBAGE, T0);
    store.addTask(task("good", T0));
    store.removeAllTasks();
    assertThat(client.exists(TASKS)).isFalse();
    assertThat(store.quarantinedRecords())
        .extracting(QuarantinedRecord::taskId)
        .containsExactly("bad");

    Task again = task("bad", T0.plusSeconds(1));
    store.addTask(again);
    assertThat(store.lookupTask("bad")).contains(again);
    assertThatThrownBy(() -> store.restoreQuarantined("bad"))
        .isInstanceOf(ConflictIdException.class)
        .hasMessageContaining("bad");
    assertThat(store.quarantinedRecords()).hasSize(1);
    assertThat(store.lookupTask("bad")).contains(again);
  }

  @Test
  void aRecordUnderAnotherKeyIsQuarantinedAndRestoredWithTheOldKey() {
    RedisStore k1 = store(TASKS, RUN_TIMES, TaskRecords.encrypted(Encryption.withKey("k1")));
    Task pay = task("pay", T0);
    k1.addTask(pay);
    k1.addTask(task("plain", T0.plusSeconds(1)));
    byte[] sealed = client.hget(utf8(TASKS), utf8("pay"));

    RedisStore k2 = store(TASKS, RUN_TIMES, TaskRecords.encrypted(Encryption.withKey("k2")));
    // "plain" was sealed with k1 too: both are set aside, neither is lost.
    assertThat(k2.dueTasks(T0.plusSeconds(1))).isEmpty();
    assertThat(k2.quarantinedRecords())
        .extracting(QuarantinedRecord::taskId, QuarantinedRecord::reason)
        .containsExactly(tuple("pay", "UNDECRYPTABLE"), tuple("plain", "UNDECRYPTABLE"));
    assertThat(k2.quarantinedRecords().get(0).raw()).isEqualTo(sealed);
    assertThat(quarantineEvents()).extracting(TaskQuarantinedEvent::taskId).hasSize(2);
    assertThatThrownBy(() -> k2.restoreQuarantined("pay"))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("UNDECRYPTABLE");
    assertThat(k2.quarantinedRecords()).hasSize(2);

    RedisStore rotating =
        store(TASKS, RUN_TIMES, TaskRecords.encrypted(Encryption.withKey("k2", "k1")));
    assertThat(rotating.restoreQuarantined("pay")).isEqualTo(pay);
    assertThat(client.hget(utf8(TASKS), utf8("pay"))).isNotEqualTo(sealed); // sealed with k2 now
    assertThat(client.zscore(RUN_TIMES, "pay")).isEqualTo((double) T0.getEpochSecond());
    assertThat(k2.lookupTask("pay")).contains(pay);
    assertThat(k2.dueTasks(T0)).containsExactly(pay);
    assertThat(k2.quarantinedRecords())
        .extracting(QuarantinedRecord::taskId)
        .containsExactly("plain");
  }

  @Test
  void aRecordOfAnUnknownFormatVersionIsQuarantined() {
    RedisStore store = store();
    store.addTask(task("future", T0));
    String doc = new String(client.hget(utf8(TASKS), utf8("future")), StandardCharsets.UTF_8);
    byte[] newer = utf8(doc.replace("\"version\":1", "\"version\":99"));
    assertThat(newer).isNotEqualTo(utf8(doc));
    client.hset(utf8(TASKS), utf8("future"), newer);

    assertThat(store.dueTasks(T0)).isEmpty();
    assertQuarantined(store, "future", newer, Reason.UNSUPPORTED_VERSION);
    assertThatThrownBy(() -> store.restoreQuarantined("future"))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("99");
  }

  @ParameterizedTest
  @MethodSource("hostileIds")
  void aHostileIdIsQuarantinedAndKeptApart(String id) {
    RedisStore store = store();
    Task other = task("other", T0.plusSeconds(1));
    store.addTask(other);
    plant(id, GARBAGE, T0);

    assertThat(store.dueTasks(T0.plusSeconds(1))).containsExactly(other);
    assertQuarantined(store, id, GARBAGE, Reason.MALFORMED);
    assertThat(store.dueTasks(T0.plusSeconds(1))).containsExactly(other);
    assertThat(quarantineEvents()).hasSize(1);
    assertThatThrownBy(() -> store.restoreQuarantined(id))
        .isInstanceOf(CorruptTaskRecordException.class);
    store.discardQuarantined(id);
    assertThat(store.quarantinedRecords()).isEmpty();
    assertThat(store.allTasks()).containsExactly(other);
  }

  static List<String> hostileIds() {
    return List.of("../x", "a/b", "\"q\" 'it''s'", "..", "a\nb", "x:0:y", "ä€😀".repeat(400));
  }

  @Test
  void anIdQuarantinedTwiceKeepsBothAndRestoreTakesTheNewest() {
    RedisStore store = store();
    plant("twice", GARBAGE, T0);
    assertThat(store.lookupTask("twice")).isEmpty();
    // The same instant, other bytes: a second entry, not a replaced one.
    plant("twice", utf8("{also not json"), T0);
    assertThat(store.lookupTask("twice")).isEmpty();
    context.mutableClock().advance(Duration.ofSeconds(30));
    RedisStore k1 = store(TASKS, RUN_TIMES, TaskRecords.encrypted(Encryption.withKey("k1")));
    Task third = task("twice", T0.plusSeconds(60));
    byte[] sealed = TaskRecords.encrypted(Encryption.withKey("k1")).write(third);
    plant("twice", sealed, T0);
    assertThat(store.nextRunTime()).isEmpty();

    assertThat(store.quarantinedRecords())
        .extracting(QuarantinedRecord::raw, QuarantinedRecord::quarantinedAt)
        .containsExactly(
            tuple(GARBAGE, T0),
            tuple(utf8("{also not json"), T0),
            tuple(sealed, T0.plusSeconds(30)));
    assertThat(quarantineEvents()).hasSize(3);

    assertThat(k1.restoreQuarantined("twice")).isEqualTo(third);
    assertThat(store.quarantinedRecords())
        .extracting(QuarantinedRecord::raw)
        .containsExactly(GARBAGE, utf8("{also not json"));
    store.discardQuarantined("twice");
    assertThat(client.exists(QUARANTINE)).isFalse();
  }

  @Test
  void aRecordReplacedMeanwhileIsNotMoved() {
    RedisStore store = store();
    Task fresh = task("x", T0);
    store.addTask(fresh);
    CorruptTaskRecordException stale =
        new CorruptTaskRecordException("x", Reason.MALFORMED, "read before the update", null);
    assertThat(store.quarantine("x", GARBAGE, stale)).isFalse();
    assertThat(store.quarantine("gone", GARBAGE, stale)).isFalse();
    assertThat(store.lookupTask("x")).contains(fresh);
    assertThat(store.dueTasks(T0)).containsExactly(fresh);
    assertThat(client.exists(QUARANTINE)).isFalse();
    assertThat(context.events()).isEmpty();
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
    assertThat(wrongKey.allTasks()).isEmpty(); // quarantined, not deleted
    assertThat(wrongKey.quarantinedRecords())
        .extracting(QuarantinedRecord::raw)
        .containsExactly(record);
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
        "a\\nb" // a line break itself is no valid id: Identifiers
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
    assertThat(one.quarantineKey()).isEqualTo("one.tasks.quarantine");
    client.hset(utf8("two.tasks"), utf8("bad"), GARBAGE);
    assertThat(two.lookupTask("bad")).isEmpty();
    assertThat(one.quarantinedRecords()).isEmpty();
    assertThat(two.quarantinedRecords())
        .extracting(QuarantinedRecord::taskId)
        .containsExactly("bad");
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
  void theRedisAliasCreatesAStoreFromOptions() {
    TaskStore store =
        TaskStores.create(
            "redis",
            Map.of(
                "host", "127.0.0.1",
                "port", server.port(),
                "database", 2,
                "tasks_key", "cfg.tasks",
                "run_times_key", "cfg.run_times",
                "quarantine_key", "cfg.bad"));
    assertThat(store).isInstanceOf(RedisStore.class);
    store.start(context, "redis");
    opened.add(store);
    store.addTask(task("x", T0));
    assertThat(((RedisStore) store).tasksKey()).isEqualTo("cfg.tasks");
    assertThat(((RedisStore) store).quarantineKey()).isEqualTo("cfg.bad");
    TaskStore derived = TaskStores.create("redis", Map.of("tasks_key", "{a}.t"));
    opened.add(derived);
    assertThat(((RedisStore) derived).quarantineKey()).isEqualTo("{a}.t.quarantine");
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
    assertThatThrownBy(() -> TaskStores.create("redis", Map.of("quarantine_key", TASKS)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("quarantine_key")
        .hasMessageContaining("distinct");
  }
}
