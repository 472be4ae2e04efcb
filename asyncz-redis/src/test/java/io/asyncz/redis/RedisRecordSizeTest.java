package io.asyncz.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.RecordCorrupter;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** A record over the read limit is quarantined on the server's side: it never reaches the store. */
class RedisRecordSizeTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final String TASKS = "size.tasks";
  private static final String RUN_TIMES = "size.run_times";

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

  /** A client that notes the longest value any of its replies held. */
  private static final class Watching extends JedisPooled {
    final AtomicInteger largest = new AtomicInteger();

    Watching(int port) {
      super(new HostAndPort("127.0.0.1", port));
    }

    private <T> T seen(T reply) {
      note(reply);
      return reply;
    }

    private void note(Object reply) {
      if (reply instanceof byte[] bytes) {
        largest.accumulateAndGet(bytes.length, Math::max);
      } else if (reply instanceof Iterable<?> items) {
        items.forEach(this::note);
      } else if (reply instanceof Map<?, ?> map) {
        map.keySet().forEach(this::note);
        map.values().forEach(this::note);
      }
    }

    @Override
    public Object eval(byte[] script, List<byte[]> keys, List<byte[]> args) {
      return seen(super.eval(script, keys, args));
    }

    @Override
    public byte[] hget(byte[] key, byte[] field) {
      return seen(super.hget(key, field));
    }

    @Override
    public List<byte[]> hmget(byte[] key, byte[]... fields) {
      return seen(super.hmget(key, fields));
    }

    @Override
    public Map<byte[], byte[]> hgetAll(byte[] key) {
      return seen(super.hgetAll(key));
    }

    @Override
    public Set<byte[]> hkeys(byte[] key) {
      return seen(super.hkeys(key));
    }
  }

  @Test
  void aRecordOverTheReadLimitIsQuarantinedWithoutBeingFetched() {
    try (Watching client = new Watching(server.port());
        JedisPooled direct = server.client()) {
      TaskRecords records = TaskRecords.plain().withMaxRecordSize(1024);
      RedisStore store = new RedisStore(client, TASKS, RUN_TIMES, records);
      store.start(
          new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry()),
          "default");
      Task good =
          Task.builder("good")
              .function((args, kwargs) -> null, StoreContract.REFERENCE)
              .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
              .storeAlias(StoreContract.ALIAS)
              .nextRunTime(T0.plusSeconds(5))
              .build();
      store.addTask(good);
      List<Consumer<RedisStore>> reads =
          List.of(
              s -> assertThat(s.lookupTask("huge")).isEmpty(),
              s -> assertThat(s.dueTasks(T0.plusSeconds(10))).containsExactly(good),
              s -> assertThat(s.dueTasks(T0.plusSeconds(10), 1)).containsExactly(good),
              s -> assertThat(s.nextRunTime()).contains(T0.plusSeconds(5)),
              s -> assertThat(s.allTasks()).containsExactly(good));
      byte[] huge = RecordCorrupter.huge("huge", T0, 100_000);
      byte[] id = "huge".getBytes(StandardCharsets.UTF_8);

      for (Consumer<RedisStore> read : reads) {
        direct.hset(TASKS.getBytes(StandardCharsets.UTF_8), id, huge);
        direct.zadd(RUN_TIMES.getBytes(StandardCharsets.UTF_8), T0.getEpochSecond(), id);
        read.accept(store);
      }

      assertThat(client.largest.get()).isLessThanOrEqualTo((int) records.readLimit());
      List<QuarantinedRecord> quarantined = store.quarantinedRecords();
      assertThat(quarantined).hasSize(reads.size());
      assertThat(quarantined)
          .allSatisfy(
              r -> {
                assertThat(r.reason()).isEqualTo("TOO_LARGE");
                assertThat(r.raw()).isEqualTo(huge);
              });
      direct.flushAll();
    }
  }

  @Test
  void theRedisAliasTakesAMaximumRecordSize() {
    Map<String, Object> options =
        Map.of(
            "host",
            "127.0.0.1",
            "port",
            server.port(),
            "tasks_key",
            TASKS,
            "max_record_size",
            2048);
    TaskStore store = TaskStores.create("redis", options);
    store.start(
        new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry()),
        "default");
    try {
      Task big =
          Task.builder("big")
              .function((args, kwargs) -> null, StoreContract.REFERENCE)
              .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
              .args(List.of("x".repeat(3000)))
              .build();
      assertThatThrownBy(() -> store.addTask(big))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("max_record_size (2048 bytes)");
    } finally {
      store.shutdown();
    }
    assertThatThrownBy(() -> TaskStores.create("redis", Map.of("max_record_size", 100)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_record_size")
        .hasMessageContaining("100");
  }
}
