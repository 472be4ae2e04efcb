package io.asyncz.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.WriteModel;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunOrder;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunRetention;
import io.asyncz.history.RunStatus;
import io.asyncz.persistence.RunRecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The Mongo store's run history: a collection {@code <collection>_runs} of documents {@code {_id:
 * run id, task_id, started_at (epoch ms), started (a date, for the TTL index), status, record (the
 * RunRecordCodec JSON text)}}, indexed by {@code (task_id, started_at, _id)} and {@code
 * (started_at, _id)}, with a TTL index on {@code started} that lets the server remove runs past the
 * age limit. A batch is one ordered bulk write of upserts; each written task's runs beyond the
 * newest {@code maxRunsPerTask} are then deleted through the task index (one lookup of the cut-off
 * document, one ranged delete). Reads skip expired runs at once, and {@link #pruneExpired} deletes
 * at most {@value #PRUNE_LIMIT} of them a call where the TTL monitor has not yet.
 */
final class MongoRunHistory implements RunHistory {
  /** The most runs one age pruning deletes. */
  static final int PRUNE_LIMIT = 1000;

  private static final String TASK_ID = "task_id";
  private static final String STARTED_AT = "started_at";
  private static final String STARTED = "started";
  private static final String STATUS = "status";
  private static final String RECORD = "record";

  private final MongoStore store;
  private final MongoCollection<Document> runs;
  private final RunRetention retention;

  MongoRunHistory(MongoStore store, MongoCollection<Document> runs, RunRetention retention) {
    this.store = store;
    this.runs = runs;
    this.retention = retention;
    runs.createIndex(
        Indexes.ascending(TASK_ID, STARTED_AT, "_id"), new IndexOptions().name("task_started"));
    runs.createIndex(Indexes.ascending(STARTED_AT, "_id"), new IndexOptions().name("started"));
    try {
      runs.createIndex(
          Indexes.ascending(STARTED),
          new IndexOptions()
              .name("ttl")
              .expireAfter(retention.maxAge().toSeconds(), TimeUnit.SECONDS));
    } catch (MongoException e) {
      // An index from another max_age: reads and pruneExpired still hold this one's limit.
      store
          .logger()
          .warn(
              "Run history TTL index of {} kept as it is: {}", runs.getNamespace(), e.getMessage());
    }
  }

  private Clock clock() {
    return store.context() != null ? store.context().clock() : Clock.systemUTC();
  }

  private long oldestMillis() {
    return clock().instant().minus(retention.maxAge()).toEpochMilli();
  }

  @Override
  public void save(RunRecord record) {
    saveAll(List.of(record));
  }

  @Override
  public void saveAll(List<RunRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    List<WriteModel<Document>> writes = new ArrayList<>(records.size());
    Set<String> tasks = new LinkedHashSet<>();
    for (RunRecord r : records) {
      long start = r.startedAt().toEpochMilli();
      Document doc =
          new Document("_id", r.runId())
              .append(TASK_ID, r.taskId())
              .append(STARTED_AT, start)
              .append(STARTED, new Date(start))
              .append(STATUS, r.status().label())
              .append(RECORD, new String(RunRecordCodec.encode(r), StandardCharsets.UTF_8));
      writes.add(
          new ReplaceOneModel<>(
              Filters.eq("_id", r.runId()), doc, new ReplaceOptions().upsert(true)));
      tasks.add(r.taskId());
    }
    runs.bulkWrite(writes);
    for (String task : tasks) {
      trim(task);
    }
  }

  private void trim(String task) {
    Document cut =
        runs.find(Filters.eq(TASK_ID, task))
            .sort(Sorts.descending(STARTED_AT, "_id"))
            .skip(retention.maxRunsPerTask())
            .limit(1)
            .projection(Projections.include(STARTED_AT))
            .first();
    if (cut != null) {
      long start = cut.getLong(STARTED_AT);
      runs.deleteMany(
          Filters.and(
              Filters.eq(TASK_ID, task),
              Filters.or(
                  Filters.lt(STARTED_AT, start),
                  Filters.and(
                      Filters.eq(STARTED_AT, start), Filters.lte("_id", cut.getString("_id"))))));
    }
  }

  @Override
  public void pruneExpired() {
    List<String> expired = new ArrayList<>();
    for (Document d :
        runs.find(Filters.lt(STARTED_AT, oldestMillis()))
            .sort(Sorts.ascending(STARTED_AT, "_id"))
            .limit(PRUNE_LIMIT)
            .projection(Projections.include("_id"))) {
      expired.add(d.getString("_id"));
    }
    if (!expired.isEmpty()) {
      runs.deleteMany(Filters.in("_id", expired));
    }
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    Document d =
        runs.find(Filters.and(Filters.eq("_id", runId), Filters.gte(STARTED_AT, oldestMillis())))
            .first();
    return d == null ? Optional.empty() : Optional.ofNullable(read(d));
  }

  @Override
  public RunPage query(RunQuery query) {
    long min = oldestMillis();
    if (query.from() != null) {
      min = Math.max(min, ceilMillis(query.from()));
    }
    List<Bson> filters = new ArrayList<>();
    filters.add(Filters.gte(STARTED_AT, min));
    if (query.taskId() != null) {
      filters.add(Filters.eq(TASK_ID, query.taskId()));
    }
    if (query.to() != null) {
      filters.add(Filters.lt(STARTED_AT, ceilMillis(query.to())));
    }
    if (!query.statuses().isEmpty()) {
      List<String> labels = new ArrayList<>();
      for (RunStatus s : query.statuses()) {
        labels.add(s.label());
      }
      filters.add(Filters.in(STATUS, labels));
    }
    if (query.after() != null) {
      Instant fromId = RunOrder.cursorStart(query.after());
      Document own =
          runs.find(Filters.eq("_id", query.after()))
              .projection(Projections.include(STARTED_AT))
              .first();
      long start = own != null ? own.getLong(STARTED_AT) : fromId.toEpochMilli();
      filters.add(
          Filters.or(
              Filters.lt(STARTED_AT, start),
              Filters.and(Filters.eq(STARTED_AT, start), Filters.lt("_id", query.after()))));
    }
    List<RunRecord> page = new ArrayList<>();
    String lastRow = null;
    boolean more = false;
    for (Document d :
        runs.find(Filters.and(filters))
            .sort(Sorts.descending(STARTED_AT, "_id"))
            .limit(query.limit() + 1)) {
      if (page.size() == query.limit()) {
        more = true;
        break;
      }
      lastRow = d.getString("_id");
      RunRecord r = read(d);
      if (r != null) {
        page.add(r);
      }
    }
    return new RunPage(page, more ? lastRow : null);
  }

  private static long ceilMillis(Instant t) {
    long ms = t.toEpochMilli();
    return t.getNano() % 1_000_000 == 0 ? ms : ms + 1;
  }

  private RunRecord read(Document d) {
    try {
      return RunRecordCodec.decode(d.getString(RECORD).getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      store
          .logger()
          .warn(
              "Run record {} in {} cannot be read; skipped: {}",
              d.get("_id"),
              runs.getNamespace(),
              e.getMessage());
      return null;
    }
  }
}
