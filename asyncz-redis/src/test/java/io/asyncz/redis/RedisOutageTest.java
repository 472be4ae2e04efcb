package io.asyncz.redis;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreOutageContract;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.JedisPooled;

/** The Redis store on a real Redis server, through a fault proxy: outages fail calls in time. */
class RedisOutageTest extends StoreOutageContract {
  private static final String TASKS = "outage.tasks";
  private static final String RUN_TIMES = "outage.run_times";
  private static EmbeddedRedis server;

  @BeforeAll
  static void startServer() throws Exception {
    server = EmbeddedRedis.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
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
    return RedisStore.connect(
        host,
        port,
        0,
        null,
        TASKS,
        RUN_TIMES,
        RedisStore.defaultQuarantineKey(TASKS),
        TaskRecords.plain(),
        new RedisStore.Timeouts(timeout, timeout));
  }

  @Override
  protected void cleanUp() {
    try (JedisPooled client = server.client()) {
      client.del(TASKS, RUN_TIMES, RedisStore.defaultQuarantineKey(TASKS));
    }
  }
}
