package io.asyncz.mongo;

import static io.asyncz.mongo.MongoDocuments.ID;
import static io.asyncz.mongo.MongoDocuments.NEXT_RUN_TIME;
import static io.asyncz.mongo.MongoDocuments.TASK_ID;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.asyncz.ConflictIdException;
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
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps tasks in a MongoDB collection (the seed's MongoDBStore, aliases {@code mongo} and {@code
 * mongodb}).
 *
 * <p>Each task is one document, the seed's layout: {@code {_id: <task id>, next_run_time: <epoch
 * seconds as a double, null when paused>, state: <binary record>}}, where the record is the
 * versioned JSON document of {@link TaskRecords} (encrypted when a key is configured). The
 * collection ({@code asyncz.tasks} by default) gets an index on {@code next_run_time} at {@link
 * #start}. Every change is a single-document operation, so it is atomic: an add is an {@code
 * insertOne} (a duplicate {@code _id} is a {@link ConflictIdException}, so an add never replaces a
 * task another client added meanwhile), an update a {@code replaceOne} by id, a delete a {@code
 * deleteOne}.
 *
 * <p>In cluster mode ({@link ClusteredStore}, see {@code docs/cluster.md}) a task document also
 * holds a {@code version}, a {@code lease} while a node claims it, and the {@code runs} in flight
 * of its claims; an update then sets {@code next_run_time} and {@code state} rather than replacing
 * the document, and a task finished or deleted while runs of it are in flight is kept, marked
 * {@code done} and invisible to reads, until they end.
 *
 * <p>{@link #onChange} reads a change stream on the task collection, so that a task another process
 * adds or changes wakes the scheduler at once instead of at its next poll; change streams need a
 * replica set, and on a standalone {@code mongod} the store says so once and the scheduler polls.
 *
 * <p>{@code next_run_time} is a double, exact to well under a microsecond for present-day times;
 * the store only uses it to pick candidates and orders and filters by the exact instant in the
 * record (ties by id), so two tasks closer together than a double can tell still come back in
 * order.
 *
 * <p>A record that cannot be read (corrupt state, encrypted with an unknown key, from a newer
 * version) is never deleted: the read that meets it copies it into the quarantine collection
 * ({@code <collection>_quarantine} by default) as {@code {_id: <ObjectId>, task_id, quarantined_at:
 * <date>, reason, detail, state: <the binary record, as it was>}}, then deletes the task document
 * only if it still holds that very state (a version another client wrote meanwhile stays live),
 * logs it and sends {@link io.asyncz.event.Events#TASK_QUARANTINED}. {@link #restoreQuarantined}
 * inserts the task again before it deletes the entry, so a crash in between leaves a duplicate
 * entry, never a lost task. A document this store cannot have written (a {@code _id} that is not a
 * string, a {@code state} that is not binary) has no task id or record to quarantine; it is logged
 * and skipped, and left where it is.
 */
public final class MongoStore implements TaskStore, ClusteredStore {
  /** The default database name. */
  public static final String DEFAULT_DATABASE = "asyncz";

  /** The default collection name. */
  public static final String DEFAULT_COLLECTION = "tasks";

  /** The connection string the {@code mongo} alias uses when none is given. */
  public static final String DEFAULT_URI = "mongodb://localhost:27017";

  /** What the default quarantine collection's name adds to the collection's. */
  public static final String QUARANTINE_SUFFIX = "_quarantine";

  private final MongoClient client;
  private final boolean ownsClient;
  private final String database;
  private final String collectionName;
  private final MongoCollection<Document> collection;
  private final String quarantineName;
  private final MongoCollection<Document> quarantine;
  private final MongoReads reads;
  private final MongoWrites writes;
  private final MongoQuarantine quarantineOps;
  private final MongoCluster cluster;
  private volatile StoreContext context;
  private volatile Timeouts timeouts;
  private volatile String alias = "default";
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.stores.default");
  private MongoNotices notices; // guarded by this

  /**
   * A store on {@code client}, which the store does not close, with its quarantine in {@code
   * <collection>_quarantine}.
   *
   * @param database the database name
   * @param collection the collection name
   * @param records how records are written: plain JSON or encrypted
   */
  public MongoStore(MongoClient client, String database, String collection, TaskRecords records) {
    this(client, database, collection, defaultQuarantine(collection), records);
  }

  /**
   * A store on {@code client}, which the store does not close.
   *
   * @param database the database name
   * @param collection the collection name
   * @param quarantine the name of the collection of quarantined records
   * @param records how records are written: plain JSON or encrypted
   */
  public MongoStore(
      MongoClient client,
      String database,
      String collection,
      String quarantine,
      TaskRecords records) {
    this(client, false, database, collection, quarantine, records);
  }

  /**
   * A store on {@code client} in the default database and collection, whose records are encrypted
   * with the key in {@code ASYNCZ_STORE_ENCRYPTION_KEY} when that is set, and plain otherwise.
   */
  public MongoStore(MongoClient client) {
    this(client, DEFAULT_DATABASE, DEFAULT_COLLECTION, TaskRecords.fromEnvironment(List.of()));
  }

  private MongoStore(
      MongoClient client,
      boolean ownsClient,
      String database,
      String collection,
      String quarantine,
      TaskRecords records) {
    this.client = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.database = requireDatabase("database", database);
    this.collectionName = requireCollection("collection", collection);
    this.quarantineName = requireQuarantine("quarantine_collection", quarantine, collection);
    Objects.requireNonNull(records, "records");
    this.collection = client.getDatabase(database).getCollection(collection);
    this.quarantine = client.getDatabase(database).getCollection(quarantine);
    this.writes = new MongoWrites(this.collection, records);
    this.quarantineOps =
        new MongoQuarantine(this, this.collection, this.quarantine, records, writes);
    this.reads = new MongoReads(this, this.collection, records, quarantineOps);
    this.cluster =
        new MongoCluster(
            this,
            this.collection,
            client.getDatabase(database).getCollection(collection + "_nodes"),
            client.getDatabase(database).getCollection(collection + "_cluster"),
            records,
            quarantineOps);
  }

  /** The quarantine collection a store on {@code collection} uses unless told otherwise. */
  public static String defaultQuarantine(String collection) {
    return requireCollection("collection", collection) + QUARANTINE_SUFFIX;
  }

  /**
   * A store with its own client for {@code uri}, closed at {@link #shutdown()}, with its quarantine
   * in {@code <collection>_quarantine}.
   *
   * @param uri a MongoDB connection string ({@code mongodb://host:port/...})
   * @param database the database name
   * @param collection the collection name
   * @param records how records are written: plain JSON or encrypted
   */
  public static MongoStore connect(
      String uri, String database, String collection, TaskRecords records) {
    return connect(uri, database, collection, defaultQuarantine(collection), records);
  }

  /**
   * A store with its own client for {@code uri}, closed at {@link #shutdown()}.
   *
   * @param uri a MongoDB connection string ({@code mongodb://host:port/...})
   * @param database the database name
   * @param collection the collection name
   * @param quarantine the name of the collection of quarantined records
   * @param records how records are written: plain JSON or encrypted
   */
  public static MongoStore connect(
      String uri, String database, String collection, String quarantine, TaskRecords records) {
    return connect(uri, database, collection, quarantine, records, Timeouts.DEFAULTS);
  }

  /**
   * A store with its own client for {@code uri}, closed at {@link #shutdown()}, that waits on the
   * server no longer than {@code timeouts} say; a timeout the connection string sets itself ({@code
   * connectTimeoutMS}, {@code socketTimeoutMS}, {@code serverSelectionTimeoutMS}, {@code
   * waitQueueTimeoutMS}) is left to the connection string.
   *
   * @param uri a MongoDB connection string ({@code mongodb://host:port/...})
   * @param database the database name
   * @param collection the collection name
   * @param quarantine the name of the collection of quarantined records
   * @param records how records are written: plain JSON or encrypted
   * @param timeouts how long to wait for a connection, an answer and a server
   */
  public static MongoStore connect(
      String uri,
      String database,
      String collection,
      String quarantine,
      TaskRecords records,
      Timeouts timeouts) {
    ConnectionString connection = connectionString("uri", uri);
    requireDatabase("database", database);
    requireCollection("collection", collection);
    requireQuarantine("quarantine_collection", quarantine, collection);
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(timeouts, "timeouts");
    MongoClient client = MongoClients.create(settings(connection, timeouts));
    try {
      MongoStore store = new MongoStore(client, true, database, collection, quarantine, records);
      store.timeouts = timeouts;
      return store;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The client settings of {@code connection} with {@code timeouts} where it sets none. */
  static MongoClientSettings settings(ConnectionString connection, Timeouts timeouts) {
    long connect = timeouts.connect().toMillis();
    return MongoClientSettings.builder()
        .applyConnectionString(connection)
        .applyToSocketSettings(
            socket -> {
              if (connection.getConnectTimeout() == null) {
                socket.connectTimeout(connect, TimeUnit.MILLISECONDS);
              }
              if (connection.getSocketTimeout() == null) {
                // The driver's default is 0: wait for an answer forever.
                socket.readTimeout(timeouts.socket().toMillis(), TimeUnit.MILLISECONDS);
              }
            })
        .applyToClusterSettings(
            cluster -> {
              if (connection.getServerSelectionTimeout() == null) {
                cluster.serverSelectionTimeout(
                    timeouts.serverSelection().toMillis(), TimeUnit.MILLISECONDS);
              }
            })
        .applyToConnectionPoolSettings(
            pool -> {
              if (connection.getMaxWaitTime() == null) {
                // Waiting for a free pooled connection counts as connecting (the driver's
                // default is two minutes).
                pool.maxWaitTime(connect, TimeUnit.MILLISECONDS);
              }
            })
        .build();
  }

  /** The timeouts of the client this store made in {@link #connect}; empty on a caller's client. */
  public Optional<Timeouts> timeouts() {
    return Optional.ofNullable(timeouts);
  }

  /**
   * How long a store that makes its own client ({@link #connect}) waits on MongoDB; {@link
   * #DEFAULTS} unless given. Each is at least 1 ms and at most 24 hours.
   *
   * @param connect how long to wait to open a connection (the driver's {@code connectTimeout}, also
   *     the read timeout of its monitoring connections) and for a free pooled connection ({@code
   *     maxWaitTime})
   * @param socket how long to wait for the server to answer an operation (the driver's {@code
   *     readTimeout}, {@code socketTimeoutMS})
   * @param serverSelection how long to wait for a server that can take the operation, e.g. a
   *     primary (the driver's {@code serverSelectionTimeout})
   */
  public record Timeouts(Duration connect, Duration socket, Duration serverSelection) {
    /** The longest timeout accepted. */
    public static final Duration MAX = Duration.ofDays(1);

    /** Connect 5 s, socket 10 s, server selection 5 s. */
    public static final Timeouts DEFAULTS =
        new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5));

    /**
     * Checks each timeout.
     *
     * @throws InvalidInputException for a timeout that is not from 1 ms to 24 hours
     */
    public Timeouts {
      check("connect_timeout", connect);
      check("socket_timeout", socket);
      check("server_selection_timeout", serverSelection);
    }

    /** What is wrong with a timeout, for a message, or null when nothing is. */
    static String problem(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        return "is not a positive duration; expected a timeout such as 5 (seconds) or PT5S";
      }
      if (timeout.compareTo(Duration.ofMillis(1)) < 0) {
        return "is shorter than 1 ms, the driver's unit";
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

  /** The database name. */
  public String database() {
    return database;
  }

  /** The collection name. */
  public String collection() {
    return collectionName;
  }

  /** The name of the collection of quarantined records. */
  public String quarantineCollection() {
    return quarantineName;
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
    collection.createIndex(
        Indexes.ascending(NEXT_RUN_TIME), new IndexOptions().name(NEXT_RUN_TIME));
    // Batches of due tasks are read in (next_run_time, _id) order, a page at a time.
    collection.createIndex(
        Indexes.ascending(NEXT_RUN_TIME, ID), new IndexOptions().name(NEXT_RUN_TIME + "_id"));
    quarantine.createIndex(Indexes.ascending(TASK_ID), new IndexOptions().name(TASK_ID));
  }

  /**
   * The run history, in the collection {@code <collection>_runs}: see {@link MongoRunHistory} and
   * {@code docs/history.md}.
   */
  @Override
  public Optional<io.asyncz.history.RunHistory> runHistory(
      io.asyncz.history.RunRetention retention) {
    return Optional.of(
        new MongoRunHistory(
            this, client.getDatabase(database).getCollection(collectionName + "_runs"), retention));
  }

  @Override
  public void shutdown() {
    stopNotices();
    String node = cluster.joinedAs();
    if (node != null) {
      try {
        cluster.leave(node);
      } catch (RuntimeException e) {
        // Its heartbeat goes stale instead: the other nodes resolve its runs a little later.
        logger.warn(
            "Cannot leave the cluster of {}.{}: {}", database, collectionName, e.toString());
      }
    }
    if (ownsClient) {
      client.close();
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
  }

  /**
   * Stores new tasks, all or none: every record is made (and checked against the maximum record
   * size) before the first is written, and the tasks written are deleted again on a conflict.
   */
  @Override
  public void addTasks(List<Task> tasks) {
    writes.addTasks(tasks);
  }

  @Override
  public void updateTask(Task task) {
    writes.updateTask(task);
  }

  @Override
  public void deleteTask(String id) {
    writes.deleteTask(id);
  }

  /**
   * Writes a loop batch as one unordered bulk write of single-document replacements and deletions
   * (each atomic on its own, as every write of this store); a task deleted meanwhile is skipped.
   */
  @Override
  public void advanceTasks(List<Task> advanced, List<String> finished) {
    writes.advanceTasks(advanced, finished);
  }

  /**
   * Removes every task. A record that cannot be read is moved to the quarantine instead (it is
   * never deleted); the quarantine itself is left alone, and so are documents this store cannot
   * have written.
   */
  @Override
  public void removeAllTasks() {
    writes.removeTasks(allTasks());
  }

  @Override
  public List<QuarantinedRecord> quarantinedRecords() {
    return quarantineOps.quarantinedRecords();
  }

  @Override
  public Task restoreQuarantined(String taskId) {
    return quarantineOps.restoreQuarantined(taskId);
  }

  @Override
  public void discardQuarantined(String taskId) {
    quarantineOps.discardQuarantined(taskId);
  }

  /**
   * Moves a stored task into the quarantine with its exact bytes, as an unreadable record is moved
   * (the entry is inserted, then the task deleted by {@code _id} and those very bytes); when a
   * writer changes the task in between, the newer version is moved instead. The scheduler logs it
   * and sends the event.
   */
  @Override
  public boolean quarantineTask(String id, String reason, String detail) {
    return quarantineOps.quarantineTask(id, reason, detail);
  }

  // ------------------------------------------------------------------ cluster mode

  /**
   * Joins the cluster: writes the format version into {@code <collection>_cluster} (refusing a
   * newer one) and the node's heartbeat document into {@code <collection>_nodes}.
   */
  @Override
  public void joinCluster(Node node) {
    cluster.join(node);
  }

  @Override
  public void leaveCluster(String nodeId) {
    cluster.leave(nodeId);
  }

  /** Writes the heartbeat with the server's {@code $currentDate} and returns that time. */
  @Override
  public Instant heartbeat(String nodeId, int runsInFlight) {
    return cluster.heartbeat(nodeId, runsInFlight);
  }

  /**
   * Leases due task documents with an update conditioned on each being due and free (which
   * increments its {@code version}), and commits the planner's decisions with one update per
   * document conditioned on the lease and the version that writes the new next run time and the
   * runs handed out into the task's own document (see {@link MongoCluster}).
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
   * Calls {@code changed} when a task document is added, replaced or updated by anyone (another
   * node, the {@code asyncz} command, this store), through a change stream on the task collection
   * read by a daemon thread until {@link #shutdown}; a node's claims and the ends of its runs are
   * left out. The core calls this in cluster mode; a single scheduler on a shared collection can
   * ask for it too: {@code store.onChange(scheduler::storesChanged)}. It returns once the stream is
   * open (or failed), waiting at most 5 s, so that a change made after it returns is noticed. A
   * notice is a hint: a failed or cut stream is opened again after a pause that grows from 1 s to
   * 30 s (one warning per outage) while the scheduler polls, and a server that is not a replica
   * set, which sends no change streams, is logged once and left to the poll. Called again, it
   * replaces the callback.
   */
  @Override
  public synchronized void onChange(Runnable changed) {
    Objects.requireNonNull(changed, "changed");
    if (notices != null && notices.open()) {
      notices.callback(changed);
      return;
    }
    notices =
        MongoNotices.on(collection, database + "." + collectionName, alias, logger, changed)
            .start(MongoNotices.OPEN_WAIT);
  }

  /**
   * Whether the change stream that {@link #onChange} opened is open now; false before it, after
   * {@link #shutdown}, on a server that sends no change streams (not a replica set), and while a
   * failed stream waits to be opened again.
   */
  public synchronized boolean hearsChanges() {
    return notices != null && notices.state() == MongoNotices.State.LISTENING;
  }

  private synchronized void stopNotices() {
    if (notices != null) {
      notices.close();
      notices = null;
    }
  }

  /** The change notices since {@link #onChange}, or null. */
  synchronized MongoNotices notices() {
    return notices;
  }

  @Override
  public String toString() {
    return "MongoStore[" + database + "." + collectionName + ", " + quarantineName + "]";
  }

  // ------------------------------------------------------------------ what the parts share

  /**
   * Moves the record {@code state} of task {@code id} into the quarantine unless it changed
   * meanwhile (see {@link MongoQuarantine#quarantine(String, Binary, CorruptTaskRecordException)}).
   *
   * @return whether the record was moved
   */
  boolean quarantine(String id, Binary state, CorruptTaskRecordException error) {
    return quarantineOps.quarantine(id, state, error);
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

  /** Epoch seconds with the nanoseconds as decimals, correctly rounded to a double. */
  static double score(Instant instant) {
    return MongoDocuments.score(instant);
  }

  static ConnectionString connectionString(String key, String uri) {
    if (uri == null || uri.isBlank()) {
      throw new InvalidInputException(
          key, uri, "is empty; expected a connection string like mongodb://host:27017");
    }
    try {
      return new ConnectionString(uri);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          key, uri, "is not a MongoDB connection string (" + e.getMessage() + ")");
    }
  }

  static String requireDatabase(String key, String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidInputException(key, name, "is empty; expected a database name");
    }
    try {
      MongoNamespace.checkDatabaseNameValidity(name);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(key, name, "is not a valid MongoDB database name");
    }
    if (name.length() > 63) {
      throw new InvalidInputException(key, name, "is longer than 63 characters");
    }
    return name;
  }

  static String requireQuarantine(String key, String name, String collection) {
    requireCollection(key, name);
    if (name.equals(collection)) {
      throw new InvalidInputException(
          key, name, "is the task collection; expected a collection of its own");
    }
    return name;
  }

  static String requireCollection(String key, String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidInputException(key, name, "is empty; expected a collection name");
    }
    if (name.contains("$") || name.indexOf('\0') >= 0 || name.startsWith("system.")) {
      throw new InvalidInputException(
          key, name, "is not a valid MongoDB collection name (no '$', NUL or system. prefix)");
    }
    return name;
  }
}
