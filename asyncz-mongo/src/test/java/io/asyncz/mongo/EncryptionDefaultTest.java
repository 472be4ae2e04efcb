package io.asyncz.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;

/**
 * Encryption is never silently off: with {@code ASYNCZ_STORE_ENCRYPTION_KEY} set (in a child JVM),
 * {@code new MongoStore(client)} encrypts with it, and plain records are refused.
 */
class EncryptionDefaultTest {
  private static final String KEY = "default-path-key";
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

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

  /** Child: makes Mongo stores each way a user can and writes one task with each. */
  public static final class Main {
    private Main() {}

    /** Arguments: the server's connection string. */
    public static void main(String[] args) {
      String uri = args[0];
      try (MongoClient client = MongoClients.create(uri)) {
        write("new MongoStore(client)", () -> new MongoStore(client));
        write(
            "MongoStore.connect(..., TaskRecords.plain())",
            () -> MongoStore.connect(uri, "asyncz", "plain", TaskRecords.plain()));
        write(
            "TaskStores.create(mongo)",
            () -> TaskStores.create("mongo", Map.of("uri", uri, "collection", "configured")));
      }
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
  void withTheKeySetNewMongoStoreEncryptsAndPlainRecordsAreRefused() throws Exception {
    try (StandInMongo server = StandInMongo.start();
        MongoClient client = server.client()) {
      ChildJvm.Result child =
          ChildJvm.run(Main.class, Map.of(Encryption.KEY_VARIABLE, KEY), List.of(server.uri()));

      assertThat(child.exitCode()).as(child.stderr()).isZero();
      assertThat(child.lines())
          .containsExactly(
              "new MongoStore(client): WROTE",
              "MongoStore.connect(..., TaskRecords.plain()): REFUSED Invalid task records:"
                  + " \"plain\" are asked for while ASYNCZ_STORE_ENCRYPTION_KEY is set, so a store"
                  + " would write plaintext that the environment asks to have encrypted; use"
                  + " TaskRecords.fromEnvironment(oldKeys) or TaskRecords.withKey(key), or unset"
                  + " ASYNCZ_STORE_ENCRYPTION_KEY",
              "TaskStores.create(mongo): WROTE");
      for (String collection : List.of(MongoStore.DEFAULT_COLLECTION, "configured")) {
        Document document =
            client
                .getDatabase(MongoStore.DEFAULT_DATABASE)
                .getCollection(collection)
                .find(new Document("_id", "t"))
                .first();
        byte[] sealed = document.get("state", Binary.class).getData();
        assertThat(Encryption.isEncrypted(sealed)).as(collection).isTrue();
        assertThat(TaskRecords.withKey(KEY).read("t", sealed, context())).isEqualTo(task("t"));
      }
    }
  }
}
