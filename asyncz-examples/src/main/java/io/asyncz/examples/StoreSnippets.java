package io.asyncz.examples;

import com.mongodb.client.MongoClients;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.mongo.MongoStore;
import io.asyncz.persistence.FileStore;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.redis.RedisStore;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;

/**
 * The code of {@code docs/stores.md}, statement for statement, compiled: how each store is made,
 * encrypted or not, the quarantine and {@code lock_path}. The stores are made and not started, so
 * no server is needed until a scheduler starts them. (The store contract's example is {@code
 * MyStoreContractTest} in this module's tests.)
 */
public final class StoreSnippets {
  private static final Logger log = LoggerFactory.getLogger(StoreSnippets.class);

  private StoreSnippets() {}

  /** "FileStore": a store encrypted by the environment's key, and one with keys of its own. */
  static List<TaskStore> fileStores(String secret, String previousSecret) {
    // Records encrypted at rest with the key in ASYNCZ_STORE_ENCRYPTION_KEY (set it in the
    // environment), plain JSON when it is not set:
    TaskStore store = new FileStore(Path.of("/var/lib/myapp/tasks"));
    // or with a key from your own secret store, and the key it replaced still readable:
    TaskStore sealed =
        new FileStore(
            Path.of("/var/lib/myapp/tasks"),
            ".task",
            false,
            TaskRecords.withKey(secret, previousSecret));
    return List.of(store, sealed);
  }

  /** "Which stores encrypt": every way of making a store; the Redis and Mongo clients connect. */
  static List<TaskStore> encryptingStores(DataSource dataSource, String secret, String oldSecret) {
    // With ASYNCZ_STORE_ENCRYPTION_KEY set in the environment, each of these encrypts with it:
    TaskStore file = new FileStore(Path.of("/var/lib/myapp/tasks"));
    TaskStore redis = new RedisStore(new JedisPooled("localhost", 6379));
    TaskStore mongo = new MongoStore(MongoClients.create("mongodb://localhost:27017"));
    TaskStore jdbc =
        new JdbcStore(dataSource, "asyncz_store", TaskRecords.fromEnvironment(List.of()));
    TaskStore configured = TaskStores.create("redis", Map.of("host", "localhost"));
    // A key of your own (and the keys it replaced, still readable), whatever the environment says:
    TaskStore sealed =
        new JdbcStore(dataSource, "asyncz_store", TaskRecords.withKey(secret, oldSecret));
    return List.of(file, redis, mongo, jdbc, configured, sealed);
  }

  /** "The quarantine": lists what the stores set aside, and restores a task. */
  static void quarantine(Scheduler scheduler) {
    scheduler
        .quarantinedRecords()
        .forEach(
            (store, records) ->
                records.forEach(
                    r -> log.warn("{}: {} {} {}", store, r.taskId(), r.reason(), r.detail())));
    scheduler.restoreQuarantined("nightly-report"); // after registering its function again
  }

  /** "Several processes on one host": a file store shared through a lock file. */
  static SchedulerSettings.Builder lockPath(Path dir) {
    return Scheduler.builder()
        .lockPath("/var/lock/myapp-{store}.lock")
        .store("default", new FileStore(dir));
  }

  /** "JdbcStore": on a JDBC URL (with its own pool), with timeouts, or on a data source. */
  static List<TaskStore> jdbcStores(DataSource dataSource, String secret) {
    TaskStore store =
        new JdbcStore(
            "jdbc:postgresql://db/app",
            "app",
            secret,
            "asyncz_store",
            TaskRecords.fromEnvironment(List.of()));
    TaskStore tuned =
        new JdbcStore(
            "jdbc:postgresql://db/app",
            "app",
            secret,
            "asyncz_store",
            TaskRecords.fromEnvironment(List.of()),
            JdbcStore.Timeouts.of(Duration.ofSeconds(3), Duration.ofSeconds(30))); // connect, stmt
    TaskStore fromDs = new JdbcStore(dataSource, "asyncz_store", TaskRecords.plain());
    return List.of(store, tuned, fromDs);
  }

  /** "RedisStore": a store with its own connection pool. */
  static TaskStore redis() {
    TaskStore store =
        RedisStore.connect(
            "localhost",
            6379,
            0,
            null,
            RedisStore.DEFAULT_TASKS_KEY,
            RedisStore.DEFAULT_RUN_TIMES_KEY,
            TaskRecords.plain());
    return store;
  }

  /** "MongoStore": a store with its own client. */
  static TaskStore mongo() {
    TaskStore store =
        MongoStore.connect(
            "mongodb://localhost:27017",
            MongoStore.DEFAULT_DATABASE,
            MongoStore.DEFAULT_COLLECTION,
            TaskRecords.plain());
    return store;
  }
}
