package io.asyncz.mongo;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreOutageContract;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Mongo store, through a fault proxy in front of the mongo-java-server stand-in: outages fail
 * calls in time and the driver recovers.
 */
class MongoOutageTest extends StoreOutageContract {
  private static final String DATABASE = "outage";
  private static final String COLLECTION = "tasks";
  private static StandInMongo server;

  @BeforeAll
  static void startServer() throws Exception {
    server = StandInMongo.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected InetSocketAddress server() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  @Override
  protected TaskStore createStore(String host, int port, Duration timeout) {
    return MongoStore.connect(
        "mongodb://" + host + ":" + port,
        DATABASE,
        COLLECTION,
        MongoStore.defaultQuarantine(COLLECTION),
        TaskRecords.plain(),
        new MongoStore.Timeouts(timeout, timeout, timeout));
  }

  @Override
  protected void cleanUp() {
    try (var client = server.client()) {
      client.getDatabase(DATABASE).drop();
    }
  }
}
