package io.asyncz.mongo;

import static io.asyncz.mongo.MongoDocuments.BATCH;
import static io.asyncz.mongo.MongoDocuments.ID;
import static io.asyncz.mongo.MongoDocuments.NEXT_RUN_TIME;
import static io.asyncz.mongo.MongoDocuments.STATE;
import static io.asyncz.mongo.MongoDocuments.document;
import static io.asyncz.mongo.MongoDocuments.requireId;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.UpdateResult;
import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.task.Task;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The Mongo store's writes, each a single-document operation: adding one task or many, updating,
 * deleting, the loop's batches of next run times; a record is made (and held to the size limit)
 * before anything is written.
 */
final class MongoWrites {
  /** Documents without runs in flight, which a delete may remove. */
  private static final Bson NO_RUNS = Filters.exists(MongoCluster.RUNS + ".0", false);

  private final MongoCollection<Document> collection;
  private final TaskRecords records;

  MongoWrites(MongoCollection<Document> collection, TaskRecords records) {
    this.collection = collection;
    this.records = records;
  }

  void addTask(Task task) {
    insert(task.id(), document(task, records.write(task)));
  }

  /**
   * Stores new tasks, all or none: every record is made (and checked against the maximum record
   * size) before the first is written, and the tasks written are deleted again on a conflict.
   */
  void addTasks(List<Task> tasks) {
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

  /** Inserts the document of task {@code id}; a document with that id already is a conflict. */
  void insert(String id, Document document) {
    try {
      collection.insertOne(document);
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        // A finished task cluster mode keeps for its runs in flight is no task: added again, it
        // takes the new record and keeps those runs.
        UpdateResult revived =
            collection.updateOne(
                Filters.and(Filters.eq(ID, id), Filters.eq(MongoCluster.DONE, true)),
                Updates.combine(
                    Updates.set(NEXT_RUN_TIME, document.get(NEXT_RUN_TIME)),
                    Updates.set(STATE, document.get(STATE)),
                    Updates.unset(MongoCluster.DONE),
                    Updates.unset(MongoCluster.LEASE_FIELD)));
        if (revived.getMatchedCount() == 1) {
          return;
        }
        throw new ConflictIdException(id);
      }
      throw e;
    }
  }

  void updateTask(Task task) {
    Document document = document(task, records.write(task));
    // An update of the two fields, not a replacement: the runs in flight cluster mode keeps in the
    // document stay, and a lease taken before this change is cleared, so that its holder cannot
    // commit a plan made from the old record.
    UpdateResult result =
        collection.updateOne(
            Filters.and(Filters.eq(ID, task.id()), MongoDocuments.live()),
            Updates.combine(
                Updates.set(NEXT_RUN_TIME, document.get(NEXT_RUN_TIME)),
                Updates.set(STATE, document.get(STATE)),
                Updates.unset(MongoCluster.LEASE_FIELD)));
    if (result.getMatchedCount() == 0) {
      throw new TaskLookupException(task.id());
    }
  }

  void deleteTask(String id) {
    Bson task = Filters.and(Filters.eq(ID, requireId(id)), MongoDocuments.live());
    for (int attempt = 0; attempt < 100; attempt++) {
      if (retire(task) > 0) {
        return;
      }
      if (collection.deleteOne(Filters.and(task, NO_RUNS)).getDeletedCount() == 1) {
        return;
      }
      if (collection.countDocuments(task) == 0) {
        throw new TaskLookupException(id);
      }
      // A claim recorded a run between the two writes: retire it instead.
    }
    throw new IllegalStateException("Task " + id + " kept changing while it was deleted");
  }

  /**
   * Marks the tasks {@code filter} matches that have runs in flight (cluster mode) as done instead
   * of deleting them: their records stay until the runs end or are taken over.
   *
   * @return how many were marked
   */
  private long retire(Bson filter) {
    return collection
        .updateMany(
            Filters.and(filter, Filters.exists(MongoCluster.RUNS + ".0", true)),
            Updates.combine(
                Updates.set(MongoCluster.DONE, true),
                Updates.set(NEXT_RUN_TIME, null),
                Updates.unset(MongoCluster.LEASE_FIELD)))
        .getModifiedCount();
  }

  /**
   * Writes a loop batch as one unordered bulk write of single-document replacements and deletions
   * (each atomic on its own, as every write of this store); a task deleted meanwhile is skipped.
   */
  void advanceTasks(List<Task> advanced, List<String> finished) {
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

  /** Removes {@code all}, the readable tasks a read just gave, a batch of ids at a time. */
  void removeTasks(List<Task> all) {
    for (int i = 0; i < all.size(); i += BATCH) {
      List<String> ids = new ArrayList<>();
      for (Task task : all.subList(i, Math.min(all.size(), i + BATCH))) {
        ids.add(task.id());
      }
      Bson tasks = Filters.and(Filters.in(ID, ids), MongoDocuments.live());
      retire(tasks);
      collection.deleteMany(Filters.and(tasks, NO_RUNS));
    }
  }
}
