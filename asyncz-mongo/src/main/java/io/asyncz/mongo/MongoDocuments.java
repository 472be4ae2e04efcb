package io.asyncz.mongo;

import com.mongodb.client.model.Filters;
import io.asyncz.InvalidInputException;
import io.asyncz.task.Task;
import java.math.BigDecimal;
import java.time.Instant;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;

/**
 * The Mongo store's documents: the fields of a task document and of a quarantine entry, and how a
 * task, its record and its run time are written into one.
 */
final class MongoDocuments {
  static final String ID = "_id";
  static final String NEXT_RUN_TIME = "next_run_time";
  static final String STATE = "state";
  static final String TASK_ID = "task_id";
  static final String QUARANTINED_AT = "quarantined_at";
  static final String REASON = "reason";
  static final String DETAIL = "detail";

  /** How many documents a cursor fetches at a time, and how many ids one {@code $in} names. */
  static final int BATCH = 100;

  private MongoDocuments() {}

  /**
   * The filter of task documents that are tasks: not those cluster mode keeps, finished, until
   * their runs in flight end ({@link MongoCluster}).
   */
  static Bson live() {
    return Filters.ne(MongoCluster.DONE, true);
  }

  /** The document of {@code task} stored as {@code record}. */
  static Document document(Task task, byte[] record) {
    Document document = new Document(ID, requireId(task.id()));
    document.put(NEXT_RUN_TIME, task.nextRunTime().map(MongoDocuments::score).orElse(null));
    document.put(STATE, new Binary(record));
    return document;
  }

  /** Epoch seconds with the nanoseconds as decimals, correctly rounded to a double. */
  static double score(Instant instant) {
    return BigDecimal.valueOf(instant.getEpochSecond())
        .add(BigDecimal.valueOf(instant.getNano(), 9))
        .doubleValue();
  }

  /** {@code id}, refused when it is empty. */
  static String requireId(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidInputException("task id", id, "is empty");
    }
    return id;
  }
}
