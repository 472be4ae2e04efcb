package io.asyncz.mongo;

import static io.asyncz.mongo.MongoDocuments.BATCH;
import static io.asyncz.mongo.MongoDocuments.ID;
import static io.asyncz.mongo.MongoDocuments.NEXT_RUN_TIME;
import static io.asyncz.mongo.MongoDocuments.STATE;
import static io.asyncz.mongo.MongoDocuments.requireId;
import static io.asyncz.mongo.MongoDocuments.score;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.asyncz.InvalidInputException;
import io.asyncz.mongo.MongoQuarantine.Unreadable;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;

/**
 * The Mongo store's reading path: documents picked by their stored run time, their records decoded
 * and ordered by the exact instant, documents this store cannot have written skipped and left
 * alone, and the unreadable records handed to the quarantine once the cursor is done.
 */
final class MongoReads {
  private final MongoStore store;
  private final MongoCollection<Document> collection;
  private final TaskRecords records;
  private final MongoQuarantine quarantine;

  MongoReads(
      MongoStore store,
      MongoCollection<Document> collection,
      TaskRecords records,
      MongoQuarantine quarantine) {
    this.store = store;
    this.collection = collection;
    this.records = records;
    this.quarantine = quarantine;
  }

  Optional<Task> lookupTask(String id) {
    Document document =
        collection.find(Filters.and(Filters.eq(ID, requireId(id)), MongoDocuments.live())).first();
    if (document == null) {
      return Optional.empty();
    }
    List<Unreadable> unreadable = new ArrayList<>(1);
    Task task = decode(document, unreadable);
    quarantine.quarantine(unreadable);
    return Optional.ofNullable(task);
  }

  List<Task> dueTasks(Instant now, int limit) {
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
    quarantine.quarantine(unreadable); // once the cursors are done
    due.sort(MemoryStore.ORDER);
    return due.size() <= limit ? due : new ArrayList<>(due.subList(0, limit));
  }

  Optional<Instant> nextRunTime() {
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
    quarantine.quarantine(unreadable); // once the cursor is closed
    return Optional.ofNullable(best);
  }

  List<Task> allTasks() {
    List<Task> result = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    for (Document document : collection.find(MongoDocuments.live())) {
      Task task = decode(document, unreadable);
      if (task != null) {
        result.add(task);
      }
    }
    quarantine.quarantine(unreadable); // once the cursor is done
    result.sort(MemoryStore.ORDER);
    return result;
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
      return records.read((String) id, binary.getData(), store.context());
    } catch (CorruptTaskRecordException e) {
      unreadable.add(new Unreadable((String) id, binary, e));
      return null;
    }
  }

  private Task skip(String id, String reason, String message) {
    // Never delete what a user stored: the document stays for an operator to look at.
    Logger logger = store.logger();
    logger.error(
        "Skipping unreadable task document {} in {}.{} ({}): {}",
        InvalidInputException.quote(id),
        store.database(),
        store.collection(),
        reason,
        message);
    return null;
  }
}
