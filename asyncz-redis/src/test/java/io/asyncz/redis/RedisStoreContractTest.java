package io.asyncz.redis;

import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.PersistentStoreContract;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.JedisPooled;

/** The Redis store passes the store contract, against a real Redis server. */
class RedisStoreContractTest extends PersistentStoreContract {
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
    return reopen(null);
  }

  @Override
  protected TaskStore reopen(String key, String... oldKeys) {
    return RedisStore.connect(
        "127.0.0.1", server.port(), 0, null, TASKS, RUN_TIMES, TaskRecords.withKey(key, oldKeys));
  }

  @Override
  protected TaskStore reopenWithMaxRecordSize(int maxRecordSize) {
    return RedisStore.connect(
        "127.0.0.1",
        server.port(),
        0,
        null,
        TASKS,
        RUN_TIMES,
        TaskRecords.plain().withMaxRecordSize(maxRecordSize));
  }

  @Override
  protected void writeRaw(String id, Instant nextRunTime, byte[] raw) {
    byte[] member = id.getBytes(StandardCharsets.UTF_8);
    client.hset(TASKS.getBytes(StandardCharsets.UTF_8), member, raw);
    if (nextRunTime != null) {
      client.zadd(
          RUN_TIMES.getBytes(StandardCharsets.UTF_8),
          Double.parseDouble(new String(RedisStore.score(nextRunTime), StandardCharsets.US_ASCII)),
          member);
    }
  }

  @Override
  protected byte[] readRaw(String id) {
    return client.hget(TASKS.getBytes(StandardCharsets.UTF_8), id.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected void cleanUp(TaskStore store) {
    client.del(TASKS, RUN_TIMES, RedisStore.defaultQuarantineKey(TASKS));
  }
}
