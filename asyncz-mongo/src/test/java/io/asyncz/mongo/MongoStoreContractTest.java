package io.asyncz.mongo;

import com.mongodb.client.MongoClient;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.PersistentStoreContract;
import java.time.Instant;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Mongo store passes the store contract, through the official driver against the
 * mongo-java-server stand-in (no real mongod here).
 */
class MongoStoreContractTest extends PersistentStoreContract {
  private static final String DATABASE = "contract";
  private static final String COLLECTION = "tasks";

  private static StandInMongo server;
  private static MongoClient client;

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

  @Override
  protected TaskStore createStore() {
    return reopen(null);
  }

  @Override
  protected TaskStore reopen(String key, String... oldKeys) {
    return MongoStore.connect(
        server.uri(), DATABASE, COLLECTION, TaskRecords.withKey(key, oldKeys));
  }

  @Override
  protected TaskStore reopenWithMaxRecordSize(int maxRecordSize) {
    return MongoStore.connect(
        server.uri(), DATABASE, COLLECTION, TaskRecords.plain().withMaxRecordSize(maxRecordSize));
  }

  @Override
  protected void writeRaw(String id, Instant nextRunTime, byte[] raw) {
    client
        .getDatabase(DATABASE)
        .getCollection(COLLECTION)
        .insertOne(
            new Document("_id", id)
                .append("next_run_time", nextRunTime == null ? null : MongoStore.score(nextRunTime))
                .append("state", new Binary(raw)));
  }

  @Override
  protected byte[] readRaw(String id) {
    Document document =
        client
            .getDatabase(DATABASE)
            .getCollection(COLLECTION)
            .find(new Document("_id", id))
            .first();
    return document == null ? null : document.get("state", Binary.class).getData();
  }

  @Override
  protected void cleanUp(TaskStore store) {
    client.getDatabase(DATABASE).getCollection(COLLECTION).drop();
    client.getDatabase(DATABASE).getCollection(MongoStore.defaultQuarantine(COLLECTION)).drop();
  }
}
