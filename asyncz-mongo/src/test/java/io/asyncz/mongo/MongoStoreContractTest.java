package io.asyncz.mongo;

import com.mongodb.client.MongoClient;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Mongo store passes the store contract, through the official driver against the
 * mongo-java-server stand-in (no real mongod here).
 */
class MongoStoreContractTest extends StoreContract {
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
    return MongoStore.connect(server.uri(), DATABASE, COLLECTION, TaskRecords.plain());
  }

  @Override
  protected void cleanUp(TaskStore store) {
    client.getDatabase(DATABASE).getCollection(COLLECTION).drop();
  }
}
