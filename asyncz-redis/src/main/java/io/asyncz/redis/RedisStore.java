package io.asyncz.redis;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
public final class RedisStore implements TaskStore, ClusteredStore {
  /** The default name of the hash of task records. */
  public static final String DEFAULT_TASKS_KEY = "asyncz.tasks";

  /** The default name of the sorted set of next run times. */
  public static final String DEFAULT_RUN_TIMES_KEY = "asyncz.run_times";

  /** What the default quarantine key adds to the tasks key. */
  public static final String QUARANTINE_SUFFIX = ".quarantine";

  private final UnifiedJedis redis;
  private final boolean ownsClient;
  private final String tasksKey;
  private final String runTimesKey;
  private final String quarantineKey;
  private final RedisReads reads;
  private final RedisWrites writes;
  private final RedisQuarantine quarantine;
  private final RedisCluster cluster;
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
    Objects.requireNonNull(records, "records");
    byte[] tasks = RedisScripts.bytes(tasksKey);
    byte[] runTimes = RedisScripts.bytes(runTimesKey);
    this.quarantine =
        new RedisQuarantine(
            this, client, tasks, runTimes, RedisScripts.bytes(quarantineKey), records);
    this.reads = new RedisReads(this, client, tasks, runTimes, records, quarantine);
    this.writes = new RedisWrites(client, tasks, runTimes, records);
    this.cluster = new RedisCluster(this, client, records, quarantine);
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

  /**
   * The run history, under {@code <tasks key>.runs}: see {@link RedisRunHistory} and {@code
   * docs/history.md}.
   */
  @Override
  public Optional<io.asyncz.history.RunHistory> runHistory(
      io.asyncz.history.RunRetention retention) {
    return Optional.of(new RedisRunHistory(this, redis, tasksKey + ".runs", retention));
  }

  @Override
  public void shutdown() {
    String node = cluster.joinedAs();
    if (node != null) {
      try {
        cluster.leave(node);
      } catch (RuntimeException e) {
        // Its heartbeat goes stale instead: the other nodes resolve its runs a little later.
        logger.warn("Cannot leave the cluster of {}: {}", tasksKey, e.getMessage());
      }
    }
    if (ownsClient) {
      redis.close();
    }
  }

  @Override
  public Optional<Task> lookupTask(String id) {
    return reads.lookupTask(id);
  }

  @Override
  public List<Task> dueTasks(Instant now) {
    return dueTasks(now, Integer.MAX_VALUE);
  }

  @Override
  public List<Task> dueTasks(Instant now, int limit) {
    return reads.dueTasks(now, limit);
  }

  @Override
  public Optional<Instant> nextRunTime() {
    return reads.nextRunTime();
  }

  @Override
  public List<Task> allTasks() {
    return reads.allTasks();
  }

  @Override
  public void addTask(Task task) {
    writes.addTask(task);
    cluster.changed();
  }

  /**
   * Stores new tasks with one script per 100 tasks, each atomic; when an id is taken, the tasks of
   * the earlier scripts are removed again, so none is added.
   */
  @Override
  public void addTasks(List<Task> tasks) {
    writes.addTasks(tasks);
    cluster.changed();
  }

  @Override
  public void updateTask(Task task) {
    writes.updateTask(task);
    cluster.changed();
  }

  @Override
  public void deleteTask(String id) {
    writes.deleteTask(id);
    cluster.changed();
  }

  /** Writes a loop batch with one script per 100 tasks, each atomic. */
  @Override
  public void advanceTasks(List<Task> advanced, List<String> finished) {
    writes.advanceTasks(advanced, finished);
  }

  /**
   * Removes every task. A record that cannot be read is moved to the quarantine instead (it is
   * never deleted); the quarantine itself is left alone.
   */
  @Override
  public void removeAllTasks() {
    writes.removeTasks(allTasks());
    cluster.changed();
  }

  @Override
  public List<QuarantinedRecord> quarantinedRecords() {
    return quarantine.quarantinedRecords();
  }

  @Override
  public Task restoreQuarantined(String taskId) {
    return quarantine.restoreQuarantined(taskId);
  }

  @Override
  public void discardQuarantined(String taskId) {
    quarantine.discardQuarantined(taskId);
  }

  /**
   * Moves a stored task into the quarantine with its exact bytes, in one script as an unreadable
   * record (the bytes are copied on the server); the scheduler logs it and sends the event.
   */
  @Override
  public boolean quarantineTask(String id, String reason, String detail) {
    return quarantine.quarantineTask(id, reason, detail);
  }

  @Override
  public String toString() {
    return "RedisStore[" + tasksKey + ", " + runTimesKey + ", " + quarantineKey + "]";
  }

  // ------------------------------------------------------------------ cluster mode

  /**
   * Joins the cluster: writes the format of the cluster's keys ({@code <tasks key>.cluster}) where
   * none is, refuses a newer one, and registers the node's heartbeat. See {@code docs/cluster.md}.
   */
  @Override
  public void joinCluster(Node node) {
    cluster.join(node);
  }

  @Override
  public void leaveCluster(String nodeId) {
    cluster.leave(nodeId);
  }

  @Override
  public Instant heartbeat(String nodeId, int runsInFlight) {
    return cluster.heartbeat(nodeId, runsInFlight);
  }

  /**
   * Claims with two Lua scripts around the planner: the first leases the due tasks to this claim,
   * the second commits each decision only while the lease is still the claim's.
   */
  @Override
  public List<Claim> claimDue(String nodeId, Instant dueBy, int limit, Planner planner) {
    return cluster.claimDue(nodeId, dueBy, limit, planner);
  }

  @Override
  public void runsEnded(String nodeId, List<RunKey> runs) {
    cluster.runsEnded(nodeId, runs);
  }

  @Override
  public List<InFlight> takeOverStaleRuns(String nodeId, Duration staleAfter, RerunPolicy rerun) {
    return cluster.takeOverStaleRuns(nodeId, staleAfter, rerun);
  }

  @Override
  public List<Member> members() {
    return cluster.members();
  }

  /**
   * Listens on the channel {@code <tasks key>.changes} (Redis pub/sub, on a connection of its own,
   * opened again when lost); each task this store adds, changes or removes in a cluster is
   * announced on it.
   */
  @Override
  public void onChange(Runnable changed) {
    cluster.onChange(changed);
  }

  /** The cluster mode's part of this store (tests shorten its lease). */
  RedisCluster cluster() {
    return cluster;
  }

  // ------------------------------------------------------------------ what the parts share

  /**
   * Moves the record {@code raw} of task {@code id} into the quarantine unless it changed meanwhile
   * (see {@link RedisQuarantine#quarantine(String, byte[], CorruptTaskRecordException)}).
   *
   * @return whether the record was moved
   */
  boolean quarantine(String id, byte[] raw, CorruptTaskRecordException error) {
    return quarantine.quarantine(id, raw, error);
  }

  /** What the scheduler gave at {@link #start}: its clock, its registry, its event dispatch. */
  StoreContext context() {
    return context;
  }

  /** The logger {@code asyncz.stores.<alias>}. */
  Logger logger() {
    return logger;
  }

  /** The alias the scheduler knows this store by. */
  String alias() {
    return alias;
  }

  /** Epoch seconds with the nanoseconds as decimals, as text Redis parses into a double. */
  static byte[] score(Instant instant) {
    return RedisScripts.score(instant);
  }

  private static String requireKey(String name, String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidInputException(name, key, "is empty; expected a Redis key name");
    }
    return key;
  }
}
