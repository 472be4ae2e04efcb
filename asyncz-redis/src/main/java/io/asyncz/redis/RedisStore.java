package io.asyncz.redis;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * Keeps tasks in Redis (the seed's RedisStore, alias {@code redis}).
 *
 * <p>The layout is the seed's: a hash ({@code asyncz.tasks} by default) maps each task id to its
 * record (the versioned JSON document of {@link TaskRecords}, encrypted when a key is configured),
 * and a sorted set ({@code asyncz.run_times} by default) holds the id of every scheduled task with
 * its next run time, in epoch seconds with sub-second digits, as the score. Paused tasks are in the
 * hash only. Every change is one Lua script, so it is atomic: the hash and the sorted set never
 * disagree, and an add never replaces a task another client added meanwhile.
 *
 * <p>Scores are doubles, which are exact to well under a microsecond for present-day times; the
 * store orders and filters by the exact instant in the record, so two tasks whose run times differ
 * by less than a score can tell still come back in the right order (ties by id).
 *
 * <p>A record that cannot be read (corrupt, encrypted with an unknown key, from a newer version) is
 * never deleted: it is logged and left where it is, and the store skips it.
 */
public final class RedisStore implements TaskStore {
  /** The default name of the hash of task records. */
  public static final String DEFAULT_TASKS_KEY = "asyncz.tasks";

  /** The default name of the sorted set of next run times. */
  public static final String DEFAULT_RUN_TIMES_KEY = "asyncz.run_times";

  private static final int BATCH = 100;

  // KEYS[1] tasks hash, KEYS[2] run times zset; ARGV[1] id, ARGV[2] record, ARGV[3] score or ''.
  private static final byte[] ADD =
      bytes(
          "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end\n"
              + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
              + "if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end\n"
              + "return 1");
  private static final byte[] UPDATE =
      bytes(
          "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end\n"
              + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
              + "if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])\n"
              + "else redis.call('ZREM', KEYS[2], ARGV[1]) end\n"
              + "return 1");
  private static final byte[] DELETE =
      bytes(
          "if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end\n"
              + "redis.call('ZREM', KEYS[2], ARGV[1])\n"
              + "return 1");
  // ARGV: the ids to remove from both keys.
  private static final byte[] REMOVE =
      bytes(
          "for i = 1, #ARGV do\n"
              + "  redis.call('HDEL', KEYS[1], ARGV[i])\n"
              + "  redis.call('ZREM', KEYS[2], ARGV[i])\n"
              + "end\n"
              + "return #ARGV");

  private final UnifiedJedis redis;
  private final boolean ownsClient;
  private final String tasksKey;
  private final String runTimesKey;
  private final byte[] tasks;
  private final byte[] runTimes;
  private final TaskRecords records;
  private volatile StoreContext context;
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.stores.default");

  /**
   * A store on {@code client}, which the store does not close.
   *
   * @param tasksKey the name of the hash of task records
   * @param runTimesKey the name of the sorted set of next run times
   * @param records how records are written: plain JSON or encrypted
   */
  public RedisStore(UnifiedJedis client, String tasksKey, String runTimesKey, TaskRecords records) {
    this(client, false, tasksKey, runTimesKey, records);
  }

  private RedisStore(
      UnifiedJedis client,
      boolean ownsClient,
      String tasksKey,
      String runTimesKey,
      TaskRecords records) {
    this.redis = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.tasksKey = requireKey("tasks_key", tasksKey);
    this.runTimesKey = requireKey("run_times_key", runTimesKey);
    if (tasksKey.equals(runTimesKey)) {
      throw new InvalidInputException(
          "run_times_key", runTimesKey, "is the same key as tasks_key; expected two distinct keys");
    }
    this.tasks = bytes(tasksKey);
    this.runTimes = bytes(runTimesKey);
    this.records = Objects.requireNonNull(records, "records");
  }

  /** A store on {@code client} with the default key names and plain records. */
  public RedisStore(UnifiedJedis client) {
    this(client, DEFAULT_TASKS_KEY, DEFAULT_RUN_TIMES_KEY, TaskRecords.plain());
  }

  /**
   * A store with its own connection pool to a Redis server, closed at {@link #shutdown()}.
   *
   * @param host the server's host name or address
   * @param port the server's port
   * @param database the database number (0 by default in Redis)
   * @param password the password, or null for none
   */
  public static RedisStore connect(
      String host,
      int port,
      int database,
      String password,
      String tasksKey,
      String runTimesKey,
      TaskRecords records) {
    if (host == null || host.isBlank()) {
      throw new InvalidInputException("host", host, "is empty; expected a host name or address");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidInputException("port", port, "is not a port; expected 1 to 65535");
    }
    if (database < 0) {
      throw new InvalidInputException("database", database, "is negative; expected 0 or more");
    }
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().database(database);
    if (password != null && !password.isEmpty()) {
      config.password(password);
    }
    JedisPooled client = new JedisPooled(new HostAndPort(host, port), config.build());
    try {
      return new RedisStore(client, true, tasksKey, runTimesKey, records);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The name of the hash of task records. */
  public String tasksKey() {
    return tasksKey;
  }

  /** The name of the sorted set of next run times. */
  public String runTimesKey() {
    return runTimesKey;
  }

  @Override
  public void start(StoreContext context, String alias) {
    this.context = Objects.requireNonNull(context, "context");
    this.logger = LoggerFactory.getLogger("asyncz.stores." + alias);
  }

  @Override
  public void shutdown() {
    if (ownsClient) {
      redis.close();
    }
  }

  @Override
  public Optional<Task> lookupTask(String id) {
    byte[] record = redis.hget(tasks, idBytes(id));
    return record == null ? Optional.empty() : Optional.ofNullable(decode(id, record));
  }

  @Override
  public List<Task> dueTasks(Instant now) {
    return dueTasks(now, Integer.MAX_VALUE);
  }

  @Override
  public List<Task> dueTasks(Instant now, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    // Every task due at `now` has a score <= score(now) (rounding is monotonic); tasks a hair
    // later may share that score and are filtered by their exact instant.
    List<byte[]> ids = redis.zrangeByScore(runTimes, bytes("-inf"), score(now));
    List<Task> due = new ArrayList<>();
    for (Task task : read(ids)) {
      Instant next = task.nextRunTime().orElse(null);
      if (next != null && !next.isAfter(now)) {
        due.add(task);
      }
    }
    due.sort(MemoryStore.ORDER);
    return due.size() <= limit ? due : new ArrayList<>(due.subList(0, limit));
  }

  @Override
  public Optional<Instant> nextRunTime() {
    // The earliest readable task: read the lowest scores batch by batch; once one task is
    // found, only the tasks sharing its score can still be earlier.
    long offset = 0;
    Double bestScore = null;
    Instant best = null;
    while (true) {
      List<redis.clients.jedis.resps.Tuple> batch =
          redis.zrangeWithScores(runTimes, offset, offset + BATCH - 1);
      if (batch.isEmpty()) {
        return Optional.ofNullable(best);
      }
      for (redis.clients.jedis.resps.Tuple entry : batch) {
        if (bestScore != null && entry.getScore() > bestScore) {
          return Optional.of(best);
        }
        byte[] id = entry.getBinaryElement();
        byte[] record = redis.hget(tasks, id);
        Task task = record == null ? null : decode(string(id), record);
        Instant next = task == null ? null : task.nextRunTime().orElse(null);
        if (next != null) {
          bestScore = bestScore == null ? entry.getScore() : bestScore;
          best = best == null || next.isBefore(best) ? next : best;
        }
      }
      offset += batch.size();
    }
  }

  @Override
  public List<Task> allTasks() {
    Map<byte[], byte[]> all = redis.hgetAll(tasks);
    List<Task> result = new ArrayList<>(all.size());
    for (Map.Entry<byte[], byte[]> entry : all.entrySet()) {
      Task task = decode(string(entry.getKey()), entry.getValue());
      if (task != null) {
        result.add(task);
      }
    }
    result.sort(MemoryStore.ORDER);
    return result;
  }

  @Override
  public void addTask(Task task) {
    if (!run(ADD, task)) {
      throw new ConflictIdException(task.id());
    }
  }

  @Override
  public void updateTask(Task task) {
    if (!run(UPDATE, task)) {
      throw new TaskLookupException(task.id());
    }
  }

  @Override
  public void deleteTask(String id) {
    Object done = redis.eval(DELETE, List.of(tasks, runTimes), List.of(idBytes(id)));
    if (!Long.valueOf(1).equals(done)) {
      throw new TaskLookupException(id);
    }
  }

  /**
   * Removes every task this store can read. Unreadable records stay (they are never deleted), so an
   * operator can still recover them.
   */
  @Override
  public void removeAllTasks() {
    List<Task> all = allTasks();
    for (int i = 0; i < all.size(); i += BATCH) {
      List<byte[]> ids = new ArrayList<>();
      for (Task task : all.subList(i, Math.min(all.size(), i + BATCH))) {
        ids.add(bytes(task.id()));
      }
      redis.eval(REMOVE, List.of(tasks, runTimes), ids);
    }
  }

  @Override
  public String toString() {
    return "RedisStore[" + tasksKey + ", " + runTimesKey + "]";
  }

  // ------------------------------------------------------------------ records

  private boolean run(byte[] script, Task task) {
    byte[] record = records.write(task);
    byte[] score = task.nextRunTime().map(RedisStore::score).orElse(new byte[0]);
    Object done =
        redis.eval(script, List.of(tasks, runTimes), List.of(idBytes(task.id()), record, score));
    return Long.valueOf(1).equals(done);
  }

  private List<Task> read(List<byte[]> ids) {
    List<Task> result = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i += BATCH) {
      List<byte[]> part = ids.subList(i, Math.min(ids.size(), i + BATCH));
      List<byte[]> values = redis.hmget(tasks, part.toArray(new byte[0][]));
      for (int j = 0; j < part.size(); j++) {
        byte[] record = values.get(j);
        Task task = record == null ? null : decode(string(part.get(j)), record);
        if (task != null) {
          result.add(task);
        }
      }
    }
    return result;
  }

  private Task decode(String id, byte[] record) {
    try {
      return records.read(id, record, context);
    } catch (CorruptTaskRecordException e) {
      // Never delete what a user stored: the record stays in Redis for an operator to look at.
      logger.error(
          "Skipping unreadable task record {} in {} ({}): {}",
          InvalidInputException.quote(id),
          tasksKey,
          e.reason(),
          e.getMessage());
      return null;
    }
  }

  /** Epoch seconds with the nanoseconds as decimals, as text Redis parses into a double. */
  static byte[] score(Instant instant) {
    return bytes(
        BigDecimal.valueOf(instant.getEpochSecond())
            .add(BigDecimal.valueOf(instant.getNano(), 9))
            .toPlainString());
  }

  private static byte[] idBytes(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidInputException("task id", id, "is empty");
    }
    return bytes(id);
  }

  private static String requireKey(String name, String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidInputException(name, key, "is empty; expected a Redis key name");
    }
    return key;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
