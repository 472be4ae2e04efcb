package io.asyncz.redis;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * Encryption is never silently off: with {@code ASYNCZ_STORE_ENCRYPTION_KEY} set (in a child JVM),
 * {@code new RedisStore(client)} encrypts with it, and plain records are refused.
 */
class EncryptionDefaultTest {
  private static final String KEY = "default-path-key";
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

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

  /** Child: makes Redis stores each way a user can and writes one task with each. */
  public static final class Main {
    private Main() {}

    /** Arguments: the server's port. */
    public static void main(String[] args) {
      int port = Integer.parseInt(args[0]);
      try (JedisPooled client = new JedisPooled("127.0.0.1", port)) {
        write("new RedisStore(client)", () -> new RedisStore(client));
        write(
            "RedisStore.connect(..., TaskRecords.plain())",
            () ->
                RedisStore.connect(
                    "127.0.0.1", port, 0, null, "plain.tasks", "plain.times", TaskRecords.plain()));
        write(
            "TaskStores.create(redis)",
            () ->
                TaskStores.create(
                    "redis",
                    Map.of(
                        "host",
                        "127.0.0.1",
                        "port",
                        port,
                        "tasks_key",
                        "configured.tasks",
                        "run_times_key",
                        "configured.times")));
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
  void withTheKeySetNewRedisStoreEncryptsAndPlainRecordsAreRefused() throws Exception {
    try (JedisPooled client = server.client()) {
      ChildJvm.Result child =
          ChildJvm.run(
              Main.class,
              Map.of(Encryption.KEY_VARIABLE, KEY),
              List.of(Integer.toString(server.port())));

      assertThat(child.exitCode()).as(child.stderr()).isZero();
      assertThat(child.lines())
          .containsExactly(
              "new RedisStore(client): WROTE",
              "RedisStore.connect(..., TaskRecords.plain()): REFUSED Invalid task records:"
                  + " \"plain\" are asked for while ASYNCZ_STORE_ENCRYPTION_KEY is set, so a store"
                  + " would write plaintext that the environment asks to have encrypted; use"
                  + " TaskRecords.fromEnvironment(oldKeys) or TaskRecords.withKey(key), or unset"
                  + " ASYNCZ_STORE_ENCRYPTION_KEY",
              "TaskStores.create(redis): WROTE");
      for (String tasks : List.of(RedisStore.DEFAULT_TASKS_KEY, "configured.tasks")) {
        byte[] sealed = client.hget(utf8(tasks), utf8("t"));
        assertThat(Encryption.isEncrypted(sealed)).as(tasks).isTrue();
        assertThat(TaskRecords.withKey(KEY).read("t", sealed, context())).isEqualTo(task("t"));
      }
      assertThat(client.exists("plain.tasks")).isFalse();
      client.flushAll();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
