package io.asyncz.redis;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.JedisPooled;

/** The Redis store passes the store contract, against a real Redis server. */
class RedisStoreContractTest extends StoreContract {
  private static final String TASKS = "contract.tasks";
  private static final String RUN_TIMES = "contract.run_times";

  private static EmbeddedRedis server;
  private static JedisPooled client;

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

  @Override
  protected TaskStore createStore() {
    return RedisStore.connect(
        "127.0.0.1", server.port(), 0, null, TASKS, RUN_TIMES, TaskRecords.plain());
  }

  @Override
  protected void cleanUp(TaskStore store) {
    client.del(TASKS, RUN_TIMES);
  }
}
