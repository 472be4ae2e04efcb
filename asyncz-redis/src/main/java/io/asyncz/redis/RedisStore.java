package io.asyncz.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
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
 * never deleted: the read that meets it moves it, in one script, into the quarantine hash ({@code
 * <tasks key>.quarantine} by default), logs it and sends {@link
 * io.asyncz.event.Events#TASK_QUARANTINED}; from then on it is out of the schedule. Each entry is a
 * field {@code <quarantined at, epoch microseconds, 20 digits>:<n>:<task id>} ({@code n} tells
 * apart entries of one id at one instant) whose value is a JSON object {@code {"task_id",
 * "quarantined_at" (ISO instant), "reason", "detail"}}, a NUL byte, then the record's exact bytes,
 * copied on the server (entries written by earlier versions hold the bytes in base64 in a {@code
 * "raw"} field instead, and still read). {@link #quarantineTask} moves a task the same way. {@link
 * #restoreQuarantined} and {@link #discardQuarantined} take entries out again.
 */
public final class RedisStore implements TaskStore {
  /** The default name of the hash of task records. */
  public static final String DEFAULT_TASKS_KEY = "asyncz.tasks";

  /** The default name of the sorted set of next run times. */
  public static final String DEFAULT_RUN_TIMES_KEY = "asyncz.run_times";

  /** What the default quarantine key adds to the tasks key. */
  public static final String QUARANTINE_SUFFIX = ".quarantine";

  private static final int BATCH = 100;
  private static final JsonMapper JSON = JsonMapper.builder().build();

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
  // ARGV: triples (id, record, score or ''). Adds all of them, or none and returns the first id
  // that is taken.
  private static final byte[] ADD_ALL =
      bytes(
          "for i = 1, #ARGV, 3 do\n"
              + "  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return ARGV[i] end\n"
              + "end\n"
              + "for i = 1, #ARGV, 3 do\n"
              + "  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])\n"
              + "  if ARGV[i + 2] ~= '' then redis.call('ZADD', KEYS[2], ARGV[i + 2], ARGV[i]) end\n"
              + "end\n"
              + "return ''");
  // ARGV[1] the number n of updates, then n triples (id, record, score or ''), then the ids to
  // delete. A task deleted meanwhile is skipped.
  private static final byte[] ADVANCE =
      bytes(
          "local n = tonumber(ARGV[1])\n"
              + "for i = 0, n - 1 do\n"
              + "  local id = ARGV[2 + 3 * i]\n"
              + "  if redis.call('HEXISTS', KEYS[1], id) == 1 then\n"
              + "    redis.call('HSET', KEYS[1], id, ARGV[3 + 3 * i])\n"
              + "    if ARGV[4 + 3 * i] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4 + 3 * i], id)\n"
              + "    else redis.call('ZREM', KEYS[2], id) end\n"
              + "  end\n"
              + "end\n"
              + "for i = 2 + 3 * n, #ARGV do\n"
              + "  redis.call('HDEL', KEYS[1], ARGV[i])\n"
              + "  redis.call('ZREM', KEYS[2], ARGV[i])\n"
              + "end\n"
              + "return 1");
  // KEYS[3] quarantine hash; ARGV[1] id, ARGV[2] the check: 'same' (the record is still the bytes
  // ARGV[3]: a version another client wrote meanwhile stays live), 'longer' (it is still longer
  // than ARGV[3] bytes, which no writer within the size limit makes) or 'any'; ARGV[4] the entry's
  // field up to its number, ARGV[5] the entry's metadata. Copies the record as stored, on the
  // server, before it removes it.
  private static final byte[] QUARANTINE =
      bytes(
          "local raw = redis.call('HGET', KEYS[1], ARGV[1])\n"
              + "if not raw then return 0 end\n"
              + "if ARGV[2] == 'same' and raw ~= ARGV[3] then return 0 end\n"
              + "if ARGV[2] == 'longer' and #raw <= tonumber(ARGV[3]) then return 0 end\n"
              + "local n = 0\n"
              + "while redis.call('HEXISTS', KEYS[3], ARGV[4] .. n .. ':' .. ARGV[1]) == 1 do\n"
              + "  n = n + 1\n"
              + "end\n"
              + "redis.call('HSET', KEYS[3], ARGV[4] .. n .. ':' .. ARGV[1], ARGV[5] .. '\\0' .. raw)\n"
              + "redis.call('HDEL', KEYS[1], ARGV[1])\n"
              + "redis.call('ZREM', KEYS[2], ARGV[1])\n"
              + "return 1");
  // KEYS[1] tasks hash; ARGV[1] the read limit, then ids. For each id its record, or its length
  // when that is over the limit (the record stays on the server), or nil when it is not stored.
  private static final byte[] READ =
      bytes(
          "local limit = tonumber(ARGV[1])\n"
              + "local out = {}\n"
              + "for i = 2, #ARGV do\n"
              + "  local n = redis.call('HSTRLEN', KEYS[1], ARGV[i])\n"
              + "  if n > limit then out[i - 1] = n\n"
              + "  else out[i - 1] = redis.call('HGET', KEYS[1], ARGV[i]) end\n"
              + "end\n"
              + "return out");
  // ARGV[1] the entry's field, ARGV[2] id, ARGV[3] record, ARGV[4] score or ''. Returns -1 when the
  // entry is gone meanwhile, 0 when the id is live; the entry is deleted only with the task stored.
  private static final byte[] RESTORE =
      bytes(
          "if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return -1 end\n"
              + "if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 0 end\n"
              + "redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])\n"
              + "if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2]) end\n"
              + "redis.call('HDEL', KEYS[3], ARGV[1])\n"
              + "return 1");

  private final UnifiedJedis redis;
  private final boolean ownsClient;
  private final String tasksKey;
  private final String runTimesKey;
  private final String quarantineKey;
  private final byte[] tasks;
  private final byte[] runTimes;
  private final byte[] quarantine;
  private final TaskRecords records;
  private volatile StoreContext context;
  private volatile Timeouts timeouts;
  private volatile String alias = "default";
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.stores.default");

  /**
   * A store on {@code client}, which the store does not close, with its quarantine in {@code
   * <tasksKey>.quarantine}.
   *
   * @param tasksKey the name of the hash of task records
   * @param runTimesKey the name of the sorted set of next run times
   * @param records how records are written: plain JSON or encrypted
   */
  public RedisStore(UnifiedJedis client, String tasksKey, String runTimesKey, TaskRecords records) {
    this(client, tasksKey, runTimesKey, defaultQuarantineKey(tasksKey), records);
  }

  /**
   * A store on {@code client}, which the store does not close.
   *
   * @param tasksKey the name of the hash of task records
   * @param runTimesKey the name of the sorted set of next run times
   * @param quarantineKey the name of the hash of quarantined records
   * @param records how records are written: plain JSON or encrypted
   */
  public RedisStore(
      UnifiedJedis client,
      String tasksKey,
      String runTimesKey,
      String quarantineKey,
      TaskRecords records) {
    this(client, false, tasksKey, runTimesKey, quarantineKey, records);
  }

  private RedisStore(
      UnifiedJedis client,
      boolean ownsClient,
      String tasksKey,
      String runTimesKey,
      String quarantineKey,
      TaskRecords records) {
    this.redis = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.tasksKey = requireKey("tasks_key", tasksKey);
    this.runTimesKey = requireKey("run_times_key", runTimesKey);
    this.quarantineKey = requireKey("quarantine_key", quarantineKey);
    if (tasksKey.equals(runTimesKey)) {
      throw new InvalidInputException(
          "run_times_key", runTimesKey, "is the same key as tasks_key; expected two distinct keys");
    }
    if (quarantineKey.equals(tasksKey) || quarantineKey.equals(runTimesKey)) {
      throw new InvalidInputException(
          "quarantine_key",
          quarantineKey,
          "is the same key as tasks_key or run_times_key; expected three distinct keys");
    }
    this.tasks = bytes(tasksKey);
    this.runTimes = bytes(runTimesKey);
    this.quarantine = bytes(quarantineKey);
    this.records = Objects.requireNonNull(records, "records");
  }

  /** The quarantine key a store on {@code tasksKey} uses unless told otherwise. */
  public static String defaultQuarantineKey(String tasksKey) {
    return requireKey("tasks_key", tasksKey) + QUARANTINE_SUFFIX;
  }

  /**
   * A store on {@code client} with the default key names, whose records are encrypted with the key
   * in {@code ASYNCZ_STORE_ENCRYPTION_KEY} when that is set, and plain otherwise.
   */
  public RedisStore(UnifiedJedis client) {
    this(client, DEFAULT_TASKS_KEY, DEFAULT_RUN_TIMES_KEY, TaskRecords.fromEnvironment(List.of()));
  }

  /**
   * A store with its own connection pool to a Redis server, closed at {@link #shutdown()}, with its
   * quarantine in {@code <tasksKey>.quarantine}.
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
    return connect(
        host,
        port,
        database,
        password,
        tasksKey,
        runTimesKey,
        defaultQuarantineKey(tasksKey),
        records);
  }

  /**
   * A store with its own connection pool to a Redis server, closed at {@link #shutdown()}.
   *
   * @param host the server's host name or address
   * @param port the server's port
   * @param database the database number (0 by default in Redis)
   * @param password the password, or null for none
   * @param quarantineKey the name of the hash of quarantined records
   */
  public static RedisStore connect(
      String host,
      int port,
      int database,
      String password,
      String tasksKey,
      String runTimesKey,
      String quarantineKey,
      TaskRecords records) {
    return connect(
        host,
        port,
        database,
        password,
        tasksKey,
        runTimesKey,
        quarantineKey,
        records,
        Timeouts.DEFAULTS);
  }

  /**
   * A store with its own connection pool to a Redis server, closed at {@link #shutdown()}, that
   * waits on the server no longer than {@code timeouts} say.
   *
   * @param host the server's host name or address
   * @param port the server's port
   * @param database the database number (0 by default in Redis)
   * @param password the password, or null for none
   * @param quarantineKey the name of the hash of quarantined records
   * @param timeouts how long to wait for a connection and for an answer
   */
  public static RedisStore connect(
      String host,
      int port,
      int database,
      String password,
      String tasksKey,
      String runTimesKey,
      String quarantineKey,
      TaskRecords records,
      Timeouts timeouts) {
    Objects.requireNonNull(timeouts, "timeouts");
    if (host == null || host.isBlank()) {
      throw new InvalidInputException("host", host, "is empty; expected a host name or address");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidInputException("port", port, "is not a port; expected 1 to 65535");
    }
    if (database < 0) {
      throw new InvalidInputException("database", database, "is negative; expected 0 or more");
    }
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .database(database)
            .connectionTimeoutMillis(millis(timeouts.connect()))
            .socketTimeoutMillis(millis(timeouts.socket()));
    if (password != null && !password.isEmpty()) {
      config.password(password);
    }
    // Waiting for a connection from a pool that is exhausted counts as connecting: without a
    // limit, callers queue forever behind connections stuck on a server that stopped answering.
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxWait(timeouts.connect());
    JedisPooled client = new JedisPooled(new HostAndPort(host, port), config.build(), pool);
    try {
      RedisStore store =
          new RedisStore(client, true, tasksKey, runTimesKey, quarantineKey, records);
      store.timeouts = timeouts;
      return store;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The timeouts of the pool this store made in {@link #connect}; empty on a caller's client. */
  public Optional<Timeouts> timeouts() {
    return Optional.ofNullable(timeouts);
  }

  private static int millis(Duration timeout) {
    return (int) Math.max(1, timeout.plusNanos(999_999).toMillis());
  }

  /**
   * How long a store that makes its own connection pool ({@link #connect}) waits on Redis; {@link
   * #DEFAULTS} unless given.
   *
   * @param connect how long to wait for a connection: to connect to the server, and for a free
   *     connection when every connection of the pool is busy
   * @param socket how long to wait for the server to answer a command (Jedis's socket timeout)
   */
  public record Timeouts(Duration connect, Duration socket) {
    /** The longest timeout accepted. */
    public static final Duration MAX = Duration.ofDays(1);

    /** Connect 5 s, socket 10 s. */
    public static final Timeouts DEFAULTS =
        new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));

    /**
     * Checks each timeout.
     *
     * @throws InvalidInputException for a timeout that is not above 0 and at most 24 hours
     */
    public Timeouts {
      check("connect_timeout", connect);
      check("socket_timeout", socket);
    }

    /** What is wrong with a timeout, for a message, or null when nothing is. */
    static String problem(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        return "is not a positive duration; expected a timeout such as 5 (seconds) or PT5S";
      }
      if (timeout.compareTo(MAX) > 0) {
        return "is longer than 24 hours, the longest timeout accepted";
      }
      return null;
    }

    private static void check(String name, Duration timeout) {
      String problem = problem(timeout);
      if (problem != null) {
        throw new InvalidInputException(name, timeout, problem);
      }
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

  /** The name of the hash of quarantined records. */
  public String quarantineKey() {
    return quarantineKey;
  }

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public void start(StoreContext context, String alias) {
    this.context = Objects.requireNonNull(context, "context");
    this.alias = Objects.requireNonNull(alias, "alias");
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
    List<Unreadable> unreadable = new ArrayList<>(1);
    List<Task> found = read(List.of(idBytes(id)), unreadable);
    quarantine(unreadable);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
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
    // later may share that score and are filtered by their exact instant. Redis gives members in
    // (score, id bytes) order, so a page of `limit` holds the earliest; more pages are read only
    // when records in it were unreadable or not quite due.
    List<Task> due = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    int page = limit >= Integer.MAX_VALUE - 64 ? Integer.MAX_VALUE : limit + 8;
    int offset = 0;
    while (true) {
      List<byte[]> ids =
          page == Integer.MAX_VALUE
              ? redis.zrangeByScore(runTimes, bytes("-inf"), score(now))
              : redis.zrangeByScore(runTimes, bytes("-inf"), score(now), offset, page);
      for (Task task : read(ids, unreadable)) {
        Instant next = task.nextRunTime().orElse(null);
        if (next != null && !next.isAfter(now)) {
          due.add(task);
        }
      }
      if (due.size() >= limit || ids.size() < page) {
        break;
      }
      offset += ids.size();
    }
    quarantine(unreadable);
    due.sort(MemoryStore.ORDER);
    return due.size() <= limit ? due : new ArrayList<>(due.subList(0, limit));
  }

  @Override
  public Optional<Instant> nextRunTime() {
    // The earliest readable task: read the lowest scores batch by batch; once one task is
    // found, only the tasks sharing its score can still be earlier. Unreadable records are
    // quarantined after the walk, which pages by offset.
    List<Unreadable> unreadable = new ArrayList<>();
    long offset = 0;
    Double bestScore = null;
    Instant best = null;
    walk:
    while (true) {
      List<redis.clients.jedis.resps.Tuple> batch =
          redis.zrangeWithScores(runTimes, offset, offset + BATCH - 1);
      if (batch.isEmpty()) {
        break;
      }
      List<byte[]> ids = new ArrayList<>(batch.size());
      for (redis.clients.jedis.resps.Tuple entry : batch) {
        ids.add(entry.getBinaryElement());
      }
      Map<String, Task> read = new java.util.HashMap<>();
      for (Task task : read(ids, unreadable)) {
        read.put(task.id(), task);
      }
      for (redis.clients.jedis.resps.Tuple entry : batch) {
        if (bestScore != null && entry.getScore() > bestScore) {
          break walk;
        }
        Task task = read.get(string(entry.getBinaryElement()));
        Instant next = task == null ? null : task.nextRunTime().orElse(null);
        if (next != null) {
          bestScore = bestScore == null ? entry.getScore() : bestScore;
          best = best == null || next.isBefore(best) ? next : best;
        }
      }
      offset += batch.size();
    }
    quarantine(unreadable);
    return Optional.ofNullable(best);
  }

  @Override
  public List<Task> allTasks() {
    // The ids first, then the records a batch at a time, so that a record over the read limit is
    // never fetched.
    List<Unreadable> unreadable = new ArrayList<>();
    List<Task> result = read(new ArrayList<>(redis.hkeys(tasks)), unreadable);
    quarantine(unreadable);
    result.sort(MemoryStore.ORDER);
    return result;
  }

  @Override
  public void addTask(Task task) {
    if (!run(ADD, task)) {
      throw new ConflictIdException(task.id());
    }
  }

  /**
   * Stores new tasks with one script per {@value #BATCH} tasks, each atomic; when an id is taken,
   * the tasks of the earlier scripts are removed again, so none is added.
   */
  @Override
  public void addTasks(List<Task> tasks) {
    // Every record is made (and checked against the size limit) before the first is written.
    List<byte[]> encoded = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      encoded.add(records.write(task));
    }
    for (int from = 0; from < tasks.size(); from += BATCH) {
      List<Task> part = tasks.subList(from, Math.min(tasks.size(), from + BATCH));
      List<byte[]> args = new ArrayList<>(3 * part.size());
      for (int i = 0; i < part.size(); i++) {
        Task task = part.get(i);
        args.add(idBytes(task.id()));
        args.add(encoded.get(from + i));
        args.add(task.nextRunTime().map(RedisStore::score).orElse(new byte[0]));
      }
      Object taken = redis.eval(ADD_ALL, List.of(this.tasks, runTimes), args);
      if (taken instanceof byte[] id && id.length > 0) {
        List<byte[]> earlier = new ArrayList<>(from);
        for (Task task : tasks.subList(0, from)) {
          earlier.add(idBytes(task.id()));
        }
        if (!earlier.isEmpty()) {
          redis.eval(REMOVE, List.of(this.tasks, runTimes), earlier);
        }
        throw new ConflictIdException(new String(id, StandardCharsets.UTF_8));
      }
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

  /** Writes a loop batch with one script per {@value #BATCH} tasks, each atomic. */
  @Override
  public void advanceTasks(List<Task> advanced, List<String> finished) {
    int a = 0;
    int f = 0;
    while (a < advanced.size() || f < finished.size()) {
      List<Task> updates = advanced.subList(a, Math.min(advanced.size(), a + BATCH));
      List<String> deletes =
          finished.subList(f, Math.min(finished.size(), f + BATCH - updates.size()));
      List<byte[]> args = new ArrayList<>(1 + 3 * updates.size() + deletes.size());
      args.add(bytes(Integer.toString(updates.size())));
      for (Task task : updates) {
        args.add(idBytes(task.id()));
        args.add(records.rewrite(task)); // stored already: not held to a lowered size limit
        args.add(task.nextRunTime().map(RedisStore::score).orElse(new byte[0]));
      }
      for (String id : deletes) {
        args.add(idBytes(id));
      }
      redis.eval(ADVANCE, List.of(tasks, runTimes), args);
      a += updates.size();
      f += deletes.size();
    }
  }

  /**
   * Removes every task. A record that cannot be read is moved to the quarantine instead (it is
   * never deleted); the quarantine itself is left alone.
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
  public List<QuarantinedRecord> quarantinedRecords() {
    List<Entry> entries = entries();
    List<QuarantinedRecord> result = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      result.add(entry.record());
    }
    return result;
  }

  @Override
  public Task restoreQuarantined(String taskId) {
    String id = string(idBytes(taskId));
    Entry newest = null;
    for (Entry entry : entries()) {
      if (entry.record().taskId().equals(id)) {
        newest = entry; // entries come oldest first
      }
    }
    if (newest == null) {
      throw new TaskLookupException(id);
    }
    if (redis.hexists(tasks, bytes(id))) {
      throw new ConflictIdException(id);
    }
    // Still unreadable: the CorruptTaskRecordException says why, and the entry stays.
    Task task = records.read(id, newest.record().raw(), context);
    byte[] score = task.nextRunTime().map(RedisStore::score).orElse(new byte[0]);
    Object done =
        redis.eval(
            RESTORE,
            List.of(tasks, runTimes, quarantine),
            List.of(newest.field(), bytes(id), records.rewrite(task), score));
    if (Long.valueOf(0).equals(done)) {
      throw new ConflictIdException(id);
    }
    if (!Long.valueOf(1).equals(done)) {
      throw new TaskLookupException(id); // restored or discarded by another client meanwhile
    }
    return task;
  }

  @Override
  public void discardQuarantined(String taskId) {
    String id = string(idBytes(taskId));
    List<byte[]> fields = new ArrayList<>();
    for (Entry entry : entries()) {
      if (entry.record().taskId().equals(id)) {
        fields.add(entry.field());
      }
    }
    if (fields.isEmpty() || redis.hdel(quarantine, fields.toArray(new byte[0][])) == 0) {
      throw new TaskLookupException(id);
    }
  }

  @Override
  public String toString() {
    return "RedisStore[" + tasksKey + ", " + runTimesKey + ", " + quarantineKey + "]";
  }

  // ------------------------------------------------------------------ records

  private boolean run(byte[] script, Task task) {
    byte[] record = records.write(task);
    byte[] score = task.nextRunTime().map(RedisStore::score).orElse(new byte[0]);
    Object done =
        redis.eval(script, List.of(tasks, runTimes), List.of(idBytes(task.id()), record, score));
    return Long.valueOf(1).equals(done);
  }

  /**
   * The readable tasks among {@code ids}, a script per {@value #BATCH}; a record over the read
   * limit is not fetched, only its length, and goes to {@code unreadable} as too large.
   */
  private List<Task> read(List<byte[]> ids, List<Unreadable> unreadable) {
    List<Task> result = new ArrayList<>(ids.size());
    byte[] limit = bytes(Long.toString(records.readLimit()));
    for (int i = 0; i < ids.size(); i += BATCH) {
      List<byte[]> part = ids.subList(i, Math.min(ids.size(), i + BATCH));
      List<byte[]> args = new ArrayList<>(part.size() + 1);
      args.add(limit);
      args.addAll(part);
      List<?> values = (List<?>) redis.eval(READ, List.of(tasks), args);
      for (int j = 0; j < part.size(); j++) {
        Object value = j < values.size() ? values.get(j) : null;
        String id = string(part.get(j));
        Task task = null;
        if (value instanceof byte[] record) {
          task = decode(id, record, unreadable);
        } else if (value instanceof Long length) {
          unreadable.add(new Unreadable(id, null, records.tooLarge(id, length)));
        }
        if (task != null) {
          result.add(task);
        }
      }
    }
    return result;
  }

  /** The task, or null when the record cannot be read; then it is added to {@code unreadable}. */
  private Task decode(String id, byte[] record, List<Unreadable> unreadable) {
    try {
      return records.read(id, record, context);
    } catch (CorruptTaskRecordException e) {
      unreadable.add(new Unreadable(id, record, e));
      return null;
    }
  }

  private void quarantine(List<Unreadable> unreadable) {
    for (Unreadable record : unreadable) {
      quarantine(record.id(), record.raw(), record.error());
    }
  }

  /**
   * Moves the record {@code raw} of task {@code id} into the quarantine, logs it and sends the
   * event; does nothing when the task is no longer stored as {@code raw} (updated, deleted or
   * quarantined by another client meanwhile). A null {@code raw} stands for a record over the read
   * limit, moved only while it is still over it.
   *
   * @return whether the record was moved
   */
  boolean quarantine(String id, byte[] raw, CorruptTaskRecordException error) {
    // A record too large to fetch is moved on the server while it is still that large.
    boolean moved =
        raw == null
            ? move(
                id,
                bytes("longer"),
                bytes(Long.toString(records.readLimit())),
                error.reason().name(),
                error.getMessage())
            : move(id, bytes("same"), raw, error.reason().name(), error.getMessage());
    if (!moved) {
      return false;
    }
    logger.error(
        "Quarantined unreadable task record {} in {} ({}): {}; list it with quarantinedRecords()"
            + " and restore it with restoreQuarantined(id)",
        InvalidInputException.quote(id),
        tasksKey,
        error.reason(),
        error.getMessage());
    context.dispatch(
        new TaskQuarantinedEvent(id, alias, error.reason().name(), error.getMessage()));
    return true;
  }

  /**
   * Moves a stored task into the quarantine with its exact bytes, in one script as an unreadable
   * record (the bytes are copied on the server); the scheduler logs it and sends the event.
   */
  @Override
  public boolean quarantineTask(String id, String reason, String detail) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    return move(string(idBytes(id)), bytes("any"), new byte[0], reason, detail);
  }

  /** Runs the quarantine script for the record of {@code id}; whether it moved it. */
  private boolean move(String id, byte[] check, byte[] expected, String reason, String detail) {
    Instant at = context.clock().instant();
    // Fixed-width microseconds, so that the fields of the hash sort by time for an operator too.
    String prefix = String.format("%020d:", ChronoUnit.MICROS.between(Instant.EPOCH, at));
    Object moved =
        redis.eval(
            QUARANTINE,
            List.of(tasks, runTimes, quarantine),
            List.of(bytes(id), check, expected, bytes(prefix), metadata(id, at, reason, detail)));
    return Long.valueOf(1).equals(moved);
  }

  /** The quarantine's entries: oldest first, then by id, then in the order they were made. */
  private List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> field : redis.hgetAll(quarantine).entrySet()) {
      Entry entry = entry(field.getKey(), field.getValue());
      if (entry != null) {
        entries.add(entry);
      }
    }
    entries.sort(
        Comparator.comparing((Entry e) -> e.record().quarantinedAt())
            .thenComparing(e -> e.record().taskId())
            .thenComparingLong(Entry::number));
    return entries;
  }

  private Entry entry(byte[] field, byte[] value) {
    try {
      String[] parts = string(field).split(":", 3);
      // The metadata, a NUL, then the record's bytes; entries of earlier versions hold the bytes in
      // base64 in the metadata's "raw" field instead.
      int nul = indexOf(value, (byte) 0);
      JsonNode node = JSON.readTree(nul < 0 ? value : Arrays.copyOf(value, nul));
      byte[] raw =
          nul < 0
              ? Base64.getDecoder().decode(node.required("raw").asText())
              : Arrays.copyOfRange(value, nul + 1, value.length);
      QuarantinedRecord record =
          new QuarantinedRecord(
              node.required("task_id").asText(),
              raw,
              node.required("reason").asText(),
              node.required("detail").asText(),
              Instant.parse(node.required("quarantined_at").asText()));
      return new Entry(field, Long.parseLong(parts[1]), record);
    } catch (IOException | RuntimeException e) {
      // Not an entry this store wrote; leave it for an operator rather than guess.
      logger.error(
          "Ignoring foreign field {} in quarantine {}: {}",
          InvalidInputException.quote(string(field)),
          quarantineKey,
          e.toString());
      return null;
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** A quarantine entry's metadata: JSON, which never holds a NUL byte (it escapes it). */
  private static byte[] metadata(String id, Instant at, String reason, String detail) {
    ObjectNode node = JSON.createObjectNode();
    node.put("task_id", id);
    node.put("quarantined_at", at.toString());
    node.put("reason", reason);
    node.put("detail", detail);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a quarantine entry", e);
    }
  }

  /** Epoch seconds with the nanoseconds as decimals, as text Redis parses into a double. */
  static byte[] score(Instant instant) {
    return bytes(
        BigDecimal.valueOf(instant.getEpochSecond())
            .add(BigDecimal.valueOf(instant.getNano(), 9))
            .toPlainString());
  }

  /**
   * A record that could not be read, to be quarantined once the read is over; {@code raw} is null
   * for a record too large to fetch.
   */
  private record Unreadable(String id, byte[] raw, CorruptTaskRecordException error) {}

  /** A quarantine entry: its hash field, the number in the field, and what it holds. */
  private record Entry(byte[] field, long number, QuarantinedRecord record) {}

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
