package io.asyncz.mongo;

import static io.asyncz.mongo.MongoDocuments.DETAIL;
import static io.asyncz.mongo.MongoDocuments.ID;
import static io.asyncz.mongo.MongoDocuments.QUARANTINED_AT;
import static io.asyncz.mongo.MongoDocuments.REASON;
import static io.asyncz.mongo.MongoDocuments.STATE;
import static io.asyncz.mongo.MongoDocuments.TASK_ID;
import static io.asyncz.mongo.MongoDocuments.requireId;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.result.DeleteResult;
import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.task.Task;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.slf4j.Logger;

/**
 * The Mongo store's quarantine collection: records copied into it (unreadable ones a read met,
 * tasks the scheduler cannot run) before their task document goes, and listing, restoring and
 * discarding its entries.
 */
final class MongoQuarantine {
  /** A record that could not be read, to be quarantined once the read is over. */
  record Unreadable(String id, Binary state, CorruptTaskRecordException error) {}

  private static final int MOVE_ATTEMPTS = 100;

  private final MongoStore store;
  private final MongoCollection<Document> collection;
  private final MongoCollection<Document> quarantine;
  private final TaskRecords records;
  private final MongoWrites writes;

  MongoQuarantine(
      MongoStore store,
      MongoCollection<Document> collection,
      MongoCollection<Document> quarantine,
      TaskRecords records,
      MongoWrites writes) {
    this.store = store;
    this.collection = collection;
    this.quarantine = quarantine;
    this.records = records;
    this.writes = writes;
  }

  /** Moves each record a read found unreadable, unless it changed meanwhile. */
  void quarantine(List<Unreadable> unreadable) {
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
    Logger logger = store.logger();
    logger.error(
        "Quarantined unreadable task record {} in {}.{} ({}): {}; list it with quarantinedRecords()"
            + " and restore it with restoreQuarantined(id)",
        InvalidInputException.quote(id),
        store.database(),
        store.collection(),
        error.reason(),
        error.getMessage());
    StoreContext context = store.context();
    context.dispatch(
        new TaskQuarantinedEvent(id, store.alias(), error.reason().name(), error.getMessage()));
    return true;
  }

  /**
   * Moves a stored task into the quarantine with its exact bytes, trying again while writers change
   * it in between; whether it was stored.
   */
  boolean quarantineTask(String id, String reason, String detail) {
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
    Instant at = store.context().clock().instant().truncatedTo(ChronoUnit.MILLIS);
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

  List<QuarantinedRecord> quarantinedRecords() {
    List<QuarantinedRecord> result = new ArrayList<>();
    for (Document entry : quarantine.find().sort(Sorts.ascending(QUARANTINED_AT, TASK_ID, ID))) {
      QuarantinedRecord record = entry(entry);
      if (record != null) {
        result.add(record);
      }
    }
    return result;
  }

  Task restoreQuarantined(String taskId) {
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
    Task task = records.read(id, record.raw(), store.context());
    // Written with the current key; a task added meanwhile is a conflict.
    writes.insert(id, MongoDocuments.document(task, records.rewrite(task)));
    quarantine.deleteOne(Filters.eq(ID, newest.get(ID)));
    return task;
  }

  void discardQuarantined(String taskId) {
    String id = requireId(taskId);
    if (quarantine.deleteMany(Filters.eq(TASK_ID, id)).getDeletedCount() == 0) {
      throw new TaskLookupException(id);
    }
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
      Logger logger = store.logger();
      logger.error(
          "Ignoring foreign document {} in {}.{}: {}",
          entry.get(ID),
          store.database(),
          store.quarantineCollection(),
          e.toString());
      return null;
    }
  }
}
