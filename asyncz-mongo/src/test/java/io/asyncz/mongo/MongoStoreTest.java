package io.asyncz.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** MongoStore through the official driver against the mongo-java-server stand-in. */
class MongoStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final byte[] GARBAGE = {(byte) 0xff, 0, '{', 'x', (byte) 0xc3};

  private static StandInMongo server;
  private static MongoClient client;

  private final TestStoreContext context =
      new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry());
  private final List<TaskStore> opened = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = StandInMongo.start();
    client = server.client();
  }

  @AfterAll
  static void stopServer() {
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
  void drop() {
    opened.forEach(TaskStore::shutdown);
    for (String name : client.listDatabaseNames()) {
      if (!name.equals("admin") && !name.equals("local") && !name.equals("config")) {
        client.getDatabase(name).drop();
      }
    }
  }

  private static MongoCollection<Document> tasks() {
    return client.getDatabase(MongoStore.DEFAULT_DATABASE).getCollection("tasks");
  }

  private MongoStore store() {
    return store(MongoStore.DEFAULT_DATABASE, MongoStore.DEFAULT_COLLECTION, TaskRecords.plain());
  }

  private MongoStore store(String database, String collection, TaskRecords records) {
    MongoStore store = MongoStore.connect(server.uri(), database, collection, records);
    store.start(context, "mongo");
    opened.add(store);
    return store;
  }

  private static Task task(String id, Instant next) {
    String reference = StoreContract.registry().registered().keySet().iterator().next();
    return Task.builder(id)
        .function(StoreContract.registry().resolve(reference), reference)
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias("mongo")
        .nextRunTime(next)
        .build();
  }

  private static Binary binary(String s) {
    return new Binary(s.getBytes(StandardCharsets.UTF_8));
  }

  private static MongoCollection<Document> quarantine() {
    return client.getDatabase(MongoStore.DEFAULT_DATABASE).getCollection("tasks_quarantine");
  }

  /** Writes {@code record} under {@code id} behind the store's back, due at {@code next}. */
  private static void plant(String id, byte[] record, Instant next) {
    tasks().deleteOne(Filters.eq("_id", id));
    tasks()
        .insertOne(
            new Document("_id", id)
                .append("next_run_time", (double) next.getEpochSecond())
                .append("state", new Binary(record)));
  }

  private List<TaskQuarantinedEvent> quarantineEvents() {
    return context.events().stream()
        .filter(e -> e.code() == Events.TASK_QUARANTINED)
        .map(TaskQuarantinedEvent.class::cast)
        .toList();
  }

  /**
   * Asserts that {@code id} left the collection and sits alone in the quarantine as {@code raw}.
   */
  private void assertQuarantined(MongoStore store, String id, byte[] raw, Reason reason) {
    assertThat(tasks().countDocuments(Filters.eq("_id", id))).isZero();
    assertThat(store.quarantinedRecords()).hasSize(1);
    QuarantinedRecord record = store.quarantinedRecords().get(0);
    assertThat(record.taskId()).isEqualTo(id);
    assertThat(record.raw()).isEqualTo(raw);
    assertThat(record.reason()).isEqualTo(reason.name());
    assertThat(record.quarantinedAt()).isEqualTo(T0);
    Document entry = quarantine().find().first();
    assertThat(entry.keySet())
        .containsExactly("_id", "task_id", "quarantined_at", "reason", "detail", "state");
    assertThat(quarantineEvents())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskId()).isEqualTo(id);
              assertThat(e.store()).isEqualTo("mongo");
              assertThat(e.reason()).isEqualTo(reason.name());
              assertThat(e.detail()).isEqualTo(record.detail());
            });
  }

  @Test
  void tasksSurviveANewStoreOnTheSameServer() {
    MongoStore first = store();
    Task scheduled = task("report", T0.plusSeconds(60));
    Task paused = task("paused", null);
    first.addTask(scheduled);
    first.addTask(paused);
    first.shutdown();

    MongoStore second = store();
    assertThat(second.lookupTask("report")).contains(scheduled);
    assertThat(second.allTasks()).containsExactly(scheduled, paused);
    assertThat(second.nextRunTime()).contains(T0.plusSeconds(60));
  }

  @Test
  void usesTheSeedsDocumentsAndAnIndexOnNextRunTime() {
    MongoStore store = store();
    store.addTask(task("a", T0.plusMillis(1500)));
    store.addTask(task("p", null));
    Document a = tasks().find(Filters.eq("_id", "a")).first();
    assertThat(a.keySet()).containsExactly("_id", "next_run_time", "state");
    assertThat(a.get("next_run_time")).isEqualTo(T0.getEpochSecond() + 1.5);
    assertThat(a.get("state")).isInstanceOf(Binary.class);
    assertThat(tasks().find(Filters.eq("_id", "p")).first().get("next_run_time")).isNull();
    List<String> indexed = new ArrayList<>();
    tasks()
        .listIndexes()
        .forEach(index -> indexed.addAll(index.get("key", Document.class).keySet()));
    assertThat(indexed).contains("next_run_time");

    store.updateTask(task("a", null)); // paused
    store.updateTask(task("p", T0)); // resumed
    assertThat(store.nextRunTime()).contains(T0);
    assertThat(tasks().find(Filters.eq("_id", "a")).first().get("next_run_time")).isNull();
    store.deleteTask("p");
    assertThat(tasks().countDocuments()).isEqualTo(1);
    assertThatThrownBy(() -> store.deleteTask("p")).isInstanceOf(TaskLookupException.class);
    assertThatThrownBy(() -> store.updateTask(task("p", T0)))
        .isInstanceOf(TaskLookupException.class);
  }

  @Test
  void runTimesCloserThanADoubleCanTellAreStillOrdered() {
    MongoStore store = store();
    store.addTask(task("a", T0.plusNanos(60)));
    store.addTask(task("b", T0.plusNanos(10)));
    store.addTask(task("c", T0.plusNanos(60)));
    assertThat(tasks().find(Filters.eq("_id", "a")).first().get("next_run_time"))
        .isEqualTo(tasks().find(Filters.eq("_id", "b")).first().get("next_run_time"));
    assertThat(store.allTasks()).extracting(Task::id).containsExactly("b", "a", "c");
    assertThat(store.nextRunTime()).contains(T0.plusNanos(10));
    assertThat(store.dueTasks(T0.plusNanos(30))).extracting(Task::id).containsExactly("b");
    assertThat(store.dueTasks(T0.plusNanos(60), 2)).extracting(Task::id).containsExactly("b", "a");
  }

  @Test
  void aCorruptRecordIsQuarantinedWithItsExactBytesNotDeleted() {
    MongoStore store = store();
    Task good = task("good", T0.plusSeconds(5));
    store.addTask(good);
    plant("bad", GARBAGE, T0); // earlier than "good"

    assertThat(store.dueTasks(T0.plusSeconds(10))).containsExactly(good);
    assertQuarantined(store, "bad", GARBAGE, Reason.MALFORMED);
    List<String> indexed = new ArrayList<>();
    quarantine()
        .listIndexes()
        .forEach(index -> indexed.addAll(index.get("key", Document.class).keySet()));
    assertThat(indexed).contains("task_id");

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
    assertThat(quarantine().countDocuments()).isZero();
    assertThatThrownBy(() -> store.discardQuarantined("bad"))
        .isInstanceOf(TaskLookupException.class);
    assertThatThrownBy(() -> store.restoreQuarantined("bad"))
        .isInstanceOf(TaskLookupException.class);
    assertThat(store.lookupTask("good")).contains(good);
  }

  @Test
  void documentsThisStoreCannotHaveWrittenAreSkippedAndLeftInPlace() {
    MongoStore store = store();
    store.addTask(task("good", T0.plusSeconds(5)));
    double early = T0.getEpochSecond();
    tasks()
        .insertOne(
            new Document("_id", "text").append("next_run_time", early).append("state", "oops"));
    tasks()
        .insertOne(
            new Document("_id", 42)
                .append("next_run_time", early)
                .append("state", tasks().find(Filters.eq("_id", "good")).first().get("state")));

    assertThat(store.allTasks()).extracting(Task::id).containsExactly("good");
    assertThat(store.lookupTask("text")).isEmpty();
    assertThat(store.nextRunTime()).contains(T0.plusSeconds(5));
    assertThat(store.dueTasks(T0.plusSeconds(10))).extracting(Task::id).containsExactly("good");
    store.removeAllTasks();
    assertThat(tasks().find(Filters.eq("_id", "text")).first().get("state")).isEqualTo("oops");
    assertThat(tasks().countDocuments()).isEqualTo(2);
    assertThat(store.quarantinedRecords()).isEmpty();
    assertThat(context.events()).isEmpty();
  }

  @Test
  void removeAllTasksLeavesTheQuarantineAndItsIdsAreFreeForNewTasks() {
    MongoStore store = store();
    plant("bad", GARBAGE, T0);
    store.addTask(task("good", T0));
    store.removeAllTasks();
    assertThat(tasks().countDocuments()).isZero();
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
    MongoStore k1 = store("asyncz", "tasks", TaskRecords.encrypted(Encryption.withKey("k1")));
    Task pay = task("pay", T0);
    k1.addTask(pay);
    k1.addTask(task("plain", T0.plusSeconds(1)));
    byte[] sealed =
        ((Binary) tasks().find(Filters.eq("_id", "pay")).first().get("state")).getData();

    MongoStore k2 = store("asyncz", "tasks", TaskRecords.encrypted(Encryption.withKey("k2")));
    // "plain" was sealed with k1 too: both are set aside, neither is lost.
    assertThat(k2.dueTasks(T0.plusSeconds(1))).isEmpty();
    assertThat(k2.quarantinedRecords())
        .extracting(QuarantinedRecord::taskId, QuarantinedRecord::reason)
        .containsExactly(tuple("pay", "UNDECRYPTABLE"), tuple("plain", "UNDECRYPTABLE"));
    assertThat(k2.quarantinedRecords().get(0).raw()).isEqualTo(sealed);
    assertThat(quarantineEvents()).hasSize(2);
    assertThatThrownBy(() -> k2.restoreQuarantined("pay"))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("UNDECRYPTABLE");
    assertThat(k2.quarantinedRecords()).hasSize(2);

    MongoStore rotating =
        store("asyncz", "tasks", TaskRecords.encrypted(Encryption.withKey("k2", "k1")));
    assertThat(rotating.restoreQuarantined("pay")).isEqualTo(pay);
    Document restored = tasks().find(Filters.eq("_id", "pay")).first();
    assertThat(((Binary) restored.get("state")).getData()).isNotEqualTo(sealed); // k2 now
    assertThat(restored.get("next_run_time")).isEqualTo((double) T0.getEpochSecond());
    assertThat(k2.lookupTask("pay")).contains(pay);
    assertThat(k2.dueTasks(T0)).containsExactly(pay);
    assertThat(k2.quarantinedRecords())
        .extracting(QuarantinedRecord::taskId)
        .containsExactly("plain");
  }

  @Test
  void aRecordOfAnUnknownFormatVersionIsQuarantined() {
    MongoStore store = store();
    store.addTask(task("future", T0));
    Binary state = (Binary) tasks().find(Filters.eq("_id", "future")).first().get("state");
    String doc = new String(state.getData(), StandardCharsets.UTF_8);
    byte[] newer = doc.replace("\"version\":1", "\"version\":99").getBytes(StandardCharsets.UTF_8);
    assertThat(new String(newer, StandardCharsets.UTF_8)).isNotEqualTo(doc);
    plant("future", newer, T0);

    assertThat(store.dueTasks(T0)).isEmpty();
    assertQuarantined(store, "future", newer, Reason.UNSUPPORTED_VERSION);
    assertThatThrownBy(() -> store.restoreQuarantined("future"))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("99");
  }

  @ParameterizedTest
  @MethodSource("hostileIds")
  void aHostileIdIsQuarantinedAndKeptApart(String id) {
    MongoStore store = store();
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
    return List.of(
        "../x",
        "a/b",
        "\"q\" 'it''s'",
        "..",
        "a\\nb", // a line break itself is no valid id: Identifiers
        "$where",
        "{\"$gt\": \"\"}",
        "ä€😀".repeat(400));
  }

  @Test
  void anIdQuarantinedTwiceKeepsBothAndRestoreTakesTheNewest() {
    MongoStore store = store();
    plant("twice", GARBAGE, T0);
    assertThat(store.lookupTask("twice")).isEmpty();
    // The same instant, other bytes: a second entry, not a replaced one.
    byte[] other = "{also not json".getBytes(StandardCharsets.UTF_8);
    plant("twice", other, T0);
    assertThat(store.lookupTask("twice")).isEmpty();
    context.mutableClock().advance(Duration.ofSeconds(30));
    MongoStore k1 = store("asyncz", "tasks", TaskRecords.encrypted(Encryption.withKey("k1")));
    Task third = task("twice", T0.plusSeconds(60));
    byte[] sealed = TaskRecords.encrypted(Encryption.withKey("k1")).write(third);
    plant("twice", sealed, T0);
    assertThat(store.nextRunTime()).isEmpty();

    assertThat(store.quarantinedRecords())
        .extracting(QuarantinedRecord::raw, QuarantinedRecord::quarantinedAt)
        .containsExactly(tuple(GARBAGE, T0), tuple(other, T0), tuple(sealed, T0.plusSeconds(30)));
    assertThat(quarantineEvents()).hasSize(3);

    assertThat(k1.restoreQuarantined("twice")).isEqualTo(third);
    assertThat(store.quarantinedRecords())
        .extracting(QuarantinedRecord::raw)
        .containsExactly(GARBAGE, other);
    store.discardQuarantined("twice");
    assertThat(quarantine().countDocuments()).isZero();
  }

  @Test
  void aRecordReplacedMeanwhileIsNotMoved() {
    MongoStore store = store();
    Task fresh = task("x", T0);
    store.addTask(fresh);
    CorruptTaskRecordException stale =
        new CorruptTaskRecordException("x", Reason.MALFORMED, "read before the update", null);
    assertThat(store.quarantine("x", new Binary(GARBAGE), stale)).isFalse();
    assertThat(store.quarantine("gone", new Binary(GARBAGE), stale)).isFalse();
    assertThat(store.lookupTask("x")).contains(fresh);
    assertThat(store.dueTasks(T0)).containsExactly(fresh);
    assertThat(quarantine().countDocuments()).isZero();
    assertThat(context.events()).isEmpty();
  }

  @Test
  void encryptedRecordsHoldNoPlainJsonAndNeedTheKey() {
    MongoStore sealed =
        store("asyncz", "tasks", TaskRecords.encrypted(Encryption.withKey("secret-1")));
    sealed.addTask(task("pay", T0));
    Binary state = (Binary) tasks().find(Filters.eq("_id", "pay")).first().get("state");
    assertThat(new String(state.getData(), StandardCharsets.ISO_8859_1))
        .doesNotContain("asyncz.task");
    assertThat(sealed.lookupTask("pay")).isPresent();

    MongoStore wrongKey = store("asyncz", "tasks", TaskRecords.encrypted(Encryption.withKey("x")));
    assertThat(wrongKey.allTasks()).isEmpty(); // quarantined, not deleted
    assertThat(wrongKey.quarantinedRecords())
        .extracting(QuarantinedRecord::raw)
        .containsExactly(state.getData());
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
        "a\\nb", // a line break itself is no valid id: Identifiers
        "$where",
        "{\"$gt\": \"\"}",
        "a.b"
      })
  void hostileIdsRoundTrip(String id) {
    MongoStore store = store();
    Task t = task(id, T0.plusSeconds(1));
    store.addTask(t);
    store.addTask(task("other", T0.plusSeconds(2)));
    assertThat(store.lookupTask(id)).contains(t);
    assertThat(store.allTasks()).extracting(Task::id).containsExactly(id, "other");
    assertThat(store.dueTasks(T0.plusSeconds(1))).containsExactly(t);
    assertThat(tasks().find(Filters.eq("_id", id)).first()).isNotNull();
    store.deleteTask(id);
    assertThat(store.allTasks()).extracting(Task::id).containsExactly("other");
  }

  @Test
  void customNamesKeepTwoStoresApart() {
    MongoStore one = store("one", "jobs", TaskRecords.plain());
    MongoStore two = store("one", "other_jobs", TaskRecords.plain());
    assertThat(one.quarantineCollection()).isEqualTo("jobs_quarantine");
    client
        .getDatabase("one")
        .getCollection("other_jobs")
        .insertOne(new Document("_id", "bad").append("state", new Binary(GARBAGE)));
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
    assertThat(tasks().countDocuments()).isZero();
  }

  @Test
  void aStoreOnACallersClientLeavesItOpen() {
    MongoStore store = new MongoStore(client);
    store.start(context, "mongo");
    store.addTask(task("x", T0));
    store.shutdown();
    assertThat(tasks().countDocuments()).isEqualTo(1); // the client still works
  }

  @ParameterizedTest
  @ValueSource(strings = {"mongo", "mongodb"})
  void theAliasesCreateAStoreFromOptions(String alias) {
    TaskStore store =
        TaskStores.create(
            alias,
            Map.of(
                "uri",
                server.uri(),
                "database",
                "cfg",
                "collection",
                "jobs",
                "quarantine_collection",
                "jobs_bad"));
    assertThat(store).isInstanceOf(MongoStore.class);
    store.start(context, alias);
    opened.add(store);
    store.addTask(task("x", T0));
    assertThat(((MongoStore) store).database()).isEqualTo("cfg");
    assertThat(((MongoStore) store).collection()).isEqualTo("jobs");
    assertThat(((MongoStore) store).quarantineCollection()).isEqualTo("jobs_bad");
    assertThat(client.getDatabase("cfg").getCollection("jobs").countDocuments()).isEqualTo(1);
    assertThat(store.lookupTask("x")).isPresent();
  }

  @Test
  void anUnreachableServerShowsAtStartNotWhenTheStoreIsMade() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    TaskStore store =
        TaskStores.create(
            "mongo",
            Map.of("uri", "mongodb://127.0.0.1:" + port + "/?serverSelectionTimeoutMS=300"));
    opened.add(store);
    assertThatThrownBy(() -> store.start(context, "mongo")).isInstanceOf(MongoException.class);
  }

  @Test
  void badOptionsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> TaskStores.create("mongo", Map.of("url", "x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("url");
    assertThatThrownBy(() -> TaskStores.create("mongodb", Map.of("uri", "http://example")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("uri")
        .hasMessageContaining("http://example");
    assertThatThrownBy(() -> TaskStores.create("mongo", Map.of("uri", " ")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("uri");
    assertThatThrownBy(() -> TaskStores.create("mongo", Map.of("database", "a/b")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("database");
    assertThatThrownBy(() -> TaskStores.create("mongo", Map.of("database", "")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("database");
    assertThatThrownBy(() -> TaskStores.create("mongo", Map.of("collection", "a$b")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("collection");
    assertThatThrownBy(() -> TaskStores.create("mongo", Map.of("collection", "system.x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("collection");
    assertThatThrownBy(() -> TaskStores.create("mongo", Map.of("quarantine_collection", "tasks")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("quarantine_collection");
    assertThatThrownBy(() -> TaskStores.create("mongo", Map.of("quarantine_collection", "a$")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("quarantine_collection");
  }
}
