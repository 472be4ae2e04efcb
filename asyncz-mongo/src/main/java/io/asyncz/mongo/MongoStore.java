package io.asyncz.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.UpdateResult;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * <p>{@code next_run_time} is a double, exact to well under a microsecond for present-day times;
 * the store only uses it to pick candidates and orders and filters by the exact instant in the
 * record (ties by id), so two tasks closer together than a double can tell still come back in
 * order.
 *
 * <p>A document that cannot be read (corrupt state, encrypted with an unknown key, from a newer
 * version, wrong field types) is never deleted: it is logged and left where it is, and the store
 * skips it.
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

  private static final int BATCH = 100;

  private final MongoClient client;
  private final boolean ownsClient;
  private final String database;
  private final String collectionName;
  private final MongoCollection<Document> collection;
  private final TaskRecords records;
  private volatile StoreContext context;
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.stores.default");

  /**
   * A store on {@code client}, which the store does not close.
   *
   * @param database the database name
   * @param collection the collection name
   * @param records how records are written: plain JSON or encrypted
   */
  public MongoStore(MongoClient client, String database, String collection, TaskRecords records) {
    this(client, false, database, collection, records);
  }

  /** A store on {@code client} in the default database and collection, with plain records. */
  public MongoStore(MongoClient client) {
    this(client, DEFAULT_DATABASE, DEFAULT_COLLECTION, TaskRecords.plain());
  }

  private MongoStore(
      MongoClient client,
      boolean ownsClient,
      String database,
      String collection,
      TaskRecords records) {
    this.client = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.database = requireDatabase("database", database);
    this.collectionName = requireCollection("collection", collection);
    this.records = Objects.requireNonNull(records, "records");
    this.collection = client.getDatabase(database).getCollection(collection);
  }

  /**
   * A store with its own client for {@code uri}, closed at {@link #shutdown()}.
   *
   * @param uri a MongoDB connection string ({@code mongodb://host:port/...})
   * @param database the database name
   * @param collection the collection name
   * @param records how records are written: plain JSON or encrypted
   */
  public static MongoStore connect(
      String uri, String database, String collection, TaskRecords records) {
    ConnectionString connection = connectionString("uri", uri);
    requireDatabase("database", database);
    requireCollection("collection", collection);
    Objects.requireNonNull(records, "records");
    MongoClient client = MongoClients.create(connection);
    try {
      return new MongoStore(client, true, database, collection, records);
    } catch (RuntimeException e) {
      client.close();
      throw e;
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

  @Override
  public void start(StoreContext context, String alias) {
    this.context = Objects.requireNonNull(context, "context");
    this.logger = LoggerFactory.getLogger("asyncz.stores." + alias);
    collection.createIndex(
        Indexes.ascending(NEXT_RUN_TIME), new IndexOptions().name(NEXT_RUN_TIME));
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
    return document == null ? Optional.empty() : Optional.ofNullable(decode(document));
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
    List<Task> due = new ArrayList<>();
    for (Document document : collection.find(Filters.lte(NEXT_RUN_TIME, score(now)))) {
      Task task = decode(document);
      Instant next = task == null ? null : task.nextRunTime().orElse(null);
      if (next != null && !next.isAfter(now)) {
        due.add(task);
      }
    }
    due.sort(MemoryStore.ORDER);
    return due.size() <= limit ? due : new ArrayList<>(due.subList(0, limit));
  }

  @Override
  public Optional<Instant> nextRunTime() {
    // The earliest readable task: walk up the index; once one task is found, only the documents
    // sharing its stored time can still be earlier.
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
        Task task = decode(document);
        Instant next = task == null ? null : task.nextRunTime().orElse(null);
        if (next != null) {
          bestScore = bestScore == null ? score : bestScore;
          best = best == null || next.isBefore(best) ? next : best;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public List<Task> allTasks() {
    List<Task> result = new ArrayList<>();
    for (Document document : collection.find()) {
      Task task = decode(document);
      if (task != null) {
        result.add(task);
      }
    }
    result.sort(MemoryStore.ORDER);
    return result;
  }

  @Override
  public void addTask(Task task) {
    Document document = document(task);
    try {
      collection.insertOne(document);
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        throw new ConflictIdException(task.id());
      }
      throw e;
    }
  }

  @Override
  public void updateTask(Task task) {
    Document document = document(task);
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
   * Removes every task this store can read. Unreadable documents stay (they are never deleted), so
   * an operator can still recover them.
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
  public String toString() {
    return "MongoStore[" + database + "." + collectionName + "]";
  }

  // ------------------------------------------------------------------ records

  private Document document(Task task) {
    Document document = new Document(ID, requireId(task.id()));
    document.put(NEXT_RUN_TIME, task.nextRunTime().map(MongoStore::score).orElse(null));
    document.put(STATE, new Binary(records.write(task)));
    return document;
  }

  private Task decode(Document document) {
    Object id = document.get(ID);
    Object state = document.get(STATE);
    String name = String.valueOf(id);
    if (!(id instanceof String)) {
      return skip(name, "bad id", "_id is not a string");
    }
    byte[] bytes;
    if (state instanceof Binary) {
      bytes = ((Binary) state).getData();
    } else if (state instanceof byte[]) {
      bytes = (byte[]) state;
    } else {
      return skip(name, "bad state", "state is not binary data");
    }
    try {
      return records.read((String) id, bytes, context);
    } catch (CorruptTaskRecordException e) {
      return skip(name, String.valueOf(e.reason()), e.getMessage());
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
