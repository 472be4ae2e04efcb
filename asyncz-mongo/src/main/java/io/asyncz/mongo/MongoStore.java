package io.asyncz.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.UpdateResult;
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
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
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
public final class MongoStore implements TaskStore {
  /** The default database name. */
  public static final String DEFAULT_DATABASE = "asyncz";

  /** The default collection name. */
  public static final String DEFAULT_COLLECTION = "tasks";

  /** The connection string the {@code mongo} alias uses when none is given. */
  public static final String DEFAULT_URI = "mongodb://localhost:27017";

  static final String ID = "_id";
  static final String NEXT_RUN_TIME = "next_run_time";
  static final String STATE = "state";
  static final String TASK_ID = "task_id";
  static final String QUARANTINED_AT = "quarantined_at";
  static final String REASON = "reason";
  static final String DETAIL = "detail";

  /** What the default quarantine collection's name adds to the collection's. */
  public static final String QUARANTINE_SUFFIX = "_quarantine";

  private static final int BATCH = 100;
  private static final int MOVE_ATTEMPTS = 100;

  private final MongoClient client;
  private final boolean ownsClient;
  private final String database;
  private final String collectionName;
  private final MongoCollection<Document> collection;
  private final String quarantineName;
  private final MongoCollection<Document> quarantine;
  private final TaskRecords records;
  private volatile StoreContext context;
  private volatile Timeouts timeouts;
  private volatile String alias = "default";
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.stores.default");

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
    this.records = Objects.requireNonNull(records, "records");
    this.collection = client.getDatabase(database).getCollection(collection);
    this.quarantine = client.getDatabase(database).getCollection(quarantine);
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

  @Override
  public void shutdown() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public Optional<Task> lookupTask(String id) {
    Document document = collection.find(Filters.eq(ID, requireId(id))).first();
    if (document == null) {
      return Optional.empty();
    }
    List<Unreadable> unreadable = new ArrayList<>(1);
    Task task = decode(document, unreadable);
    quarantine(unreadable);
    return Optional.ofNullable(task);
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
    // Every task due at `now` has a stored time <= score(now) (rounding is monotonic); tasks a
    // hair later may share that double and are filtered by their exact instant.
    // The earliest come first in (next_run_time, _id) order, so a page of `limit` holds them; more
    // pages are read only when documents in it were unreadable or not quite due.
    List<Task> due = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    int page = limit >= Integer.MAX_VALUE - 64 ? 0 : limit + 8; // 0: no limit
    int offset = 0;
    while (true) {
      int documents = 0;
      for (Document document :
          collection
              .find(Filters.lte(NEXT_RUN_TIME, score(now)))
              .sort(Sorts.ascending(NEXT_RUN_TIME, ID))
              .skip(offset)
              .limit(page)) {
        documents++;
        Task task = decode(document, unreadable);
        Instant next = task == null ? null : task.nextRunTime().orElse(null);
        if (next != null && !next.isAfter(now)) {
          due.add(task);
        }
      }
      if (page == 0 || due.size() >= limit || documents < page) {
        break;
      }
      offset += documents;
    }
    quarantine(unreadable); // once the cursors are done
    due.sort(MemoryStore.ORDER);
    return due.size() <= limit ? due : new ArrayList<>(due.subList(0, limit));
  }

  @Override
  public Optional<Instant> nextRunTime() {
    // The earliest readable task: walk up the index; once one task is found, only the documents
    // sharing its stored time can still be earlier.
    List<Unreadable> unreadable = new ArrayList<>();
    Double bestScore = null;
    Instant best = null;
    try (MongoCursor<Document> cursor =
        collection
            .find(Filters.ne(NEXT_RUN_TIME, null))
            .sort(Sorts.ascending(NEXT_RUN_TIME))
            .batchSize(BATCH)
            .iterator()) {
      while (cursor.hasNext()) {
        Document document = cursor.next();
        Object stored = document.get(NEXT_RUN_TIME);
        if (!(stored instanceof Number)) {
          continue; // not a time this store wrote; the record decides if it is readable
        }
        double score = ((Number) stored).doubleValue();
        if (bestScore != null && score > bestScore) {
          break;
        }
        Task task = decode(document, unreadable);
        Instant next = task == null ? null : task.nextRunTime().orElse(null);
        if (next != null) {
          bestScore = bestScore == null ? score : bestScore;
          best = best == null || next.isBefore(best) ? next : best;
        }
      }
    }
    quarantine(unreadable); // once the cursor is closed
    return Optional.ofNullable(best);
  }

  @Override
  public List<Task> allTasks() {
    List<Task> result = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    for (Document document : collection.find()) {
      Task task = decode(document, unreadable);
      if (task != null) {
        result.add(task);
      }
    }
    quarantine(unreadable); // once the cursor is done
    result.sort(MemoryStore.ORDER);
    return result;
  }

  @Override
  public void addTask(Task task) {
    insert(task.id(), document(task, records.write(task)));
  }

  /**
   * Stores new tasks, all or none: every record is made (and checked against the maximum record
   * size) before the first is written, and the tasks written are deleted again on a conflict.
   */
  @Override
  public void addTasks(List<Task> tasks) {
    List<Document> documents = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      documents.add(document(task, records.write(task)));
    }
    List<String> added = new ArrayList<>(tasks.size());
    try {
      for (int i = 0; i < tasks.size(); i++) {
        insert(tasks.get(i).id(), documents.get(i));
        added.add(tasks.get(i).id());
      }
    } catch (RuntimeException e) {
      for (String id : added) {
        try {
          collection.deleteOne(Filters.eq(ID, id));
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private void insert(String id, Document document) {
    try {
      collection.insertOne(document);
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        throw new ConflictIdException(id);
      }
      throw e;
    }
  }

  @Override
  public void updateTask(Task task) {
    Document document = document(task, records.write(task));
    UpdateResult result = collection.replaceOne(Filters.eq(ID, task.id()), document);
    if (result.getMatchedCount() == 0) {
      throw new TaskLookupException(task.id());
    }
  }

  @Override
  public void deleteTask(String id) {
    DeleteResult result = collection.deleteOne(Filters.eq(ID, requireId(id)));
    if (result.getDeletedCount() == 0) {
      throw new TaskLookupException(id);
    }
  }

  /**
   * Writes a loop batch as one unordered bulk write of single-document replacements and deletions
   * (each atomic on its own, as every write of this store); a task deleted meanwhile is skipped.
   */
  @Override
  public void advanceTasks(List<Task> advanced, List<String> finished) {
    List<WriteModel<Document>> writes = new ArrayList<>(advanced.size() + finished.size());
    for (Task task : advanced) {
      // Stored already: not held to a size limit lowered since it was added.
      writes.add(
          new ReplaceOneModel<>(Filters.eq(ID, task.id()), document(task, records.rewrite(task))));
    }
    for (String id : finished) {
      writes.add(new DeleteOneModel<>(Filters.eq(ID, requireId(id))));
    }
    if (!writes.isEmpty()) {
      collection.bulkWrite(writes, new BulkWriteOptions().ordered(false));
    }
  }

  /**
   * Removes every task. A record that cannot be read is moved to the quarantine instead (it is
   * never deleted); the quarantine itself is left alone, and so are documents this store cannot
   * have written.
   */
  @Override
  public void removeAllTasks() {
    List<Task> all = allTasks();
    for (int i = 0; i < all.size(); i += BATCH) {
      List<String> ids = new ArrayList<>();
      for (Task task : all.subList(i, Math.min(all.size(), i + BATCH))) {
        ids.add(task.id());
      }
      collection.deleteMany(Filters.in(ID, ids));
    }
  }

  @Override
  public List<QuarantinedRecord> quarantinedRecords() {
    List<QuarantinedRecord> result = new ArrayList<>();
    for (Document entry : quarantine.find().sort(Sorts.ascending(QUARANTINED_AT, TASK_ID, ID))) {
      QuarantinedRecord record = entry(entry);
      if (record != null) {
        result.add(record);
      }
    }
    return result;
  }

  @Override
  public Task restoreQuarantined(String taskId) {
    String id = requireId(taskId);
    Document newest =
        quarantine.find(Filters.eq(TASK_ID, id)).sort(Sorts.descending(QUARANTINED_AT, ID)).first();
    QuarantinedRecord record = newest == null ? null : entry(newest);
    if (record == null) {
      throw new TaskLookupException(id);
    }
    if (collection.find(Filters.eq(ID, id)).projection(new Document(ID, 1)).first() != null) {
      throw new ConflictIdException(id);
    }
    // Still unreadable: the CorruptTaskRecordException says why, and the entry stays.
    Task task = records.read(id, record.raw(), context);
    // Written with the current key; a task added meanwhile is a conflict.
    insert(id, document(task, records.rewrite(task)));
    quarantine.deleteOne(Filters.eq(ID, newest.get(ID)));
    return task;
  }

  @Override
  public void discardQuarantined(String taskId) {
    String id = requireId(taskId);
    if (quarantine.deleteMany(Filters.eq(TASK_ID, id)).getDeletedCount() == 0) {
      throw new TaskLookupException(id);
    }
  }

  @Override
  public String toString() {
    return "MongoStore[" + database + "." + collectionName + ", " + quarantineName + "]";
  }

  // ------------------------------------------------------------------ records

  private static Document document(Task task, byte[] record) {
    Document document = new Document(ID, requireId(task.id()));
    document.put(NEXT_RUN_TIME, task.nextRunTime().map(MongoStore::score).orElse(null));
    document.put(STATE, new Binary(record));
    return document;
  }

  /**
   * The task, or null when the document cannot be read; a record to quarantine is added to {@code
   * unreadable}.
   */
  private Task decode(Document document, List<Unreadable> unreadable) {
    Object id = document.get(ID);
    Object state = document.get(STATE);
    String name = String.valueOf(id);
    if (!(id instanceof String)) {
      return skip(name, "bad id", "_id is not a string");
    }
    Binary binary;
    if (state instanceof Binary) {
      binary = (Binary) state;
    } else if (state instanceof byte[]) {
      binary = new Binary((byte[]) state);
    } else {
      return skip(name, "bad state", "state is not binary data");
    }
    try {
      return records.read((String) id, binary.getData(), context);
    } catch (CorruptTaskRecordException e) {
      unreadable.add(new Unreadable((String) id, binary, e));
      return null;
    }
  }

  private void quarantine(List<Unreadable> unreadable) {
    for (Unreadable record : unreadable) {
      quarantine(record.id(), record.state(), record.error());
    }
  }

  /**
   * Moves the record {@code state} of task {@code id} into the quarantine, logs it and sends the
   * event; does nothing when the task no longer holds {@code state} (updated, deleted or
   * quarantined by another client meanwhile).
   *
   * @return whether the record was moved
   */
  boolean quarantine(String id, Binary state, CorruptTaskRecordException error) {
    if (!move(id, state, error.reason().name(), error.getMessage())) {
      return false;
    }
    logger.error(
        "Quarantined unreadable task record {} in {}.{} ({}): {}; list it with quarantinedRecords()"
            + " and restore it with restoreQuarantined(id)",
        InvalidInputException.quote(id),
        database,
        collectionName,
        error.reason(),
        error.getMessage());
    context.dispatch(
        new TaskQuarantinedEvent(id, alias, error.reason().name(), error.getMessage()));
    return true;
  }

  /**
   * Moves a stored task into the quarantine with its exact bytes, as an unreadable record is moved
   * (the entry is inserted, then the task deleted by {@code _id} and those very bytes); when a
   * writer changes the task in between, the newer version is moved instead. The scheduler logs it
   * and sends the event.
   */
  @Override
  public boolean quarantineTask(String id, String reason, String detail) {
    requireId(id);
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    for (int attempt = 1; ; attempt++) {
      Document document = collection.find(Filters.eq(ID, id)).first();
      if (document == null) {
        return false;
      }
      if (move(id, document.get(STATE), reason, detail)) {
        return true;
      }
      if (attempt == MOVE_ATTEMPTS) {
        throw new IllegalStateException(
            "Cannot quarantine task "
                + InvalidInputException.quote(id)
                + ": its document changed under each of "
                + MOVE_ATTEMPTS
                + " attempts");
      }
    }
  }

  /**
   * Inserts a quarantine entry holding {@code state}, then deletes the task document only if it
   * still holds that very state; when it does not (a writer replaced or deleted it, or another
   * reader moved it first), the entry is taken back.
   *
   * @return whether the task was moved
   */
  private boolean move(String id, Object state, String reason, String detail) {
    // A BSON date holds milliseconds; the record says what is stored.
    Instant at = context.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    ObjectId entry = new ObjectId();
    quarantine.insertOne(
        new Document(ID, entry)
            .append(TASK_ID, id)
            .append(QUARANTINED_AT, Date.from(at))
            .append(REASON, reason)
            .append(DETAIL, detail)
            .append(STATE, state));
    DeleteResult moved =
        collection.deleteOne(Filters.and(Filters.eq(ID, id), Filters.eq(STATE, state)));
    if (moved.getDeletedCount() == 0) {
      quarantine.deleteOne(Filters.eq(ID, entry));
      return false;
    }
    return true;
  }

  /**
   * The record a quarantine entry holds, or null (logged) when it is not an entry this store wrote.
   */
  private QuarantinedRecord entry(Document entry) {
    try {
      return new QuarantinedRecord(
          entry.getString(TASK_ID),
          entry.get(STATE, Binary.class).getData(),
          entry.getString(REASON),
          entry.getString(DETAIL),
          entry.getDate(QUARANTINED_AT).toInstant());
    } catch (RuntimeException e) {
      logger.error(
          "Ignoring foreign document {} in {}.{}: {}",
          entry.get(ID),
          database,
          quarantineName,
          e.toString());
      return null;
    }
  }

  private Task skip(String id, String reason, String message) {
    // Never delete what a user stored: the document stays for an operator to look at.
    logger.error(
        "Skipping unreadable task document {} in {}.{} ({}): {}",
        InvalidInputException.quote(id),
        database,
        collectionName,
        reason,
        message);
    return null;
  }

  /** A record that could not be read, to be quarantined once the read is over. */
  private record Unreadable(String id, Binary state, CorruptTaskRecordException error) {}

  /** Epoch seconds with the nanoseconds as decimals, correctly rounded to a double. */
  static double score(Instant instant) {
    return BigDecimal.valueOf(instant.getEpochSecond())
        .add(BigDecimal.valueOf(instant.getNano(), 9))
        .doubleValue();
  }

  private static String requireId(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidInputException("task id", id, "is empty");
    }
    return id;
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
