package io.asyncz.mongo;

import static io.asyncz.mongo.MongoDocuments.ID;
import static io.asyncz.mongo.MongoDocuments.NEXT_RUN_TIME;
import static io.asyncz.mongo.MongoDocuments.STATE;
import static io.asyncz.mongo.MongoDocuments.score;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.UpdateResult;
import io.asyncz.mongo.MongoQuarantine.Unreadable;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.ClusteredStore.Claim;
import io.asyncz.store.ClusteredStore.Decision;
import io.asyncz.store.ClusteredStore.InFlight;
import io.asyncz.store.ClusteredStore.Member;
import io.asyncz.store.ClusteredStore.Node;
import io.asyncz.store.ClusteredStore.RunKey;
import io.asyncz.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;

/**
 * The Mongo store's cluster mode, on single-document atomic updates only (no multi-document
 * transaction, which a standalone server does not have): a node leases due task documents with an
 * update conditioned, per document, on being due with the lease free or expired (it sets {@code
 * lease {node, token, until}} and increments {@code version}), the core's planner decides, and one
 * update per document conditioned on the lease token and the version writes the new next run time
 * and record and pushes the runs handed out into the document's own {@code runs} array ({@code {t,
 * node, claim}}), clearing the lease. The claim and the record of its runs are one write, so they
 * cannot diverge. A task that finishes while runs of it are in flight is kept as a {@code done}
 * document (no next run time, invisible to reads) until its last run ends. Nodes heartbeat into
 * {@code <collection>_nodes} with the server's {@code $currentDate}; {@code <collection>_cluster}
 * holds the format version and the document whose {@code $currentDate} reads the server's clock.
 */
final class MongoCluster {
  /** The format of the cluster's documents this version writes and reads. */
  static final int FORMAT = 1;

  /**
   * How long a lease holds a task document: a node leases a batch, plans and commits it in a few
   * round trips, so a lease only outlives them when the node dies or stalls; a dead node's leased
   * tasks are claimable again after this.
   */
  static final Duration LEASE = Duration.ofSeconds(10);

  static final String VERSION = "version";
  static final String LEASE_FIELD = "lease";
  static final String RUNS = "runs";
  static final String DONE = "done";
  private static final String LEASE_NODE = "lease.node";
  private static final String LEASE_TOKEN = "lease.token";
  private static final String LEASE_UNTIL = "lease.until";
  private static final String RUN_TIME = "t";
  private static final String RUN_NODE = "node";
  // The task's record as the run was claimed, which a rerun runs (the task may change meanwhile).
  private static final String RUN_STATE = "s";
  private static final String RUN_CLAIM = "claim";
  private static final String LAST_SEEN = "last_seen";
  private static final String CLAIM = "claim";

  private static final Comparator<Claim> EARLIEST_FIRST =
      Comparator.comparing(
              (Claim c) -> c.task().nextRunTime().orElse(Instant.MAX), Comparator.naturalOrder())
          .thenComparing(c -> c.task().id());

  private final MongoStore store;
  private final MongoCollection<Document> tasks;
  private final MongoCollection<Document> nodes;
  private final MongoCollection<Document> meta;
  private final TaskRecords records;
  private final MongoQuarantine quarantine;
  private volatile Node joined;

  MongoCluster(
      MongoStore store,
      MongoCollection<Document> tasks,
      MongoCollection<Document> nodes,
      MongoCollection<Document> meta,
      TaskRecords records,
      MongoQuarantine quarantine) {
    this.store = store;
    this.tasks = tasks;
    this.nodes = nodes;
    this.meta = meta;
    this.records = records;
    this.quarantine = quarantine;
  }

  /** The node this store joined as, or null. */
  String joinedAs() {
    Node node = joined;
    return node == null ? null : node.id();
  }

  void join(Node node) {
    checkFormat();
    nodes.updateOne(
        Filters.eq(ID, node.id()),
        Updates.combine(
            Updates.set("host", node.host()),
            Updates.set("pid", node.pid()),
            Updates.set("runs_in_flight", 0),
            Updates.set(VERSION, node.version()),
            Updates.currentDate("started_at"),
            Updates.currentDate(LAST_SEEN)),
        new UpdateOptions().upsert(true));
    joined = node;
  }

  /** Writes this version's format when none is stored; refuses a newer one. */
  private void checkFormat() {
    try {
      meta.insertOne(new Document(ID, "format").append("value", FORMAT));
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
        throw e;
      }
    }
    Document format = meta.find(Filters.eq(ID, "format")).first();
    Object stored = format == null ? null : format.get("value");
    if (stored instanceof Number n && n.intValue() > FORMAT) {
      throw new IllegalStateException(
          "The cluster documents of "
              + store.database()
              + "."
              + store.collection()
              + " have format "
              + n.intValue()
              + ", written by a newer version of Asyncz; this version reads format "
              + FORMAT
              + " and below. Upgrade this node to the cluster's version before it joins.");
    }
  }

  void leave(String nodeId) {
    nodes.deleteOne(Filters.eq(ID, nodeId));
    joined = null;
  }

  Instant heartbeat(String nodeId, int inFlight) {
    Document beat =
        nodes.findOneAndUpdate(
            Filters.eq(ID, nodeId),
            Updates.combine(
                Updates.set("runs_in_flight", inFlight), Updates.currentDate(LAST_SEEN)),
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    if (beat == null) {
      // Taken for dead by another node while it could not heartbeat (a long pause): back in.
      store
          .logger()
          .warn(
              "Node {} had been taken for stale in {}.{}; its runs in flight were resolved by"
                  + " another node. It joins again",
              nodeId,
              store.database(),
              nodes.getNamespace().getCollectionName());
      Node node = joined;
      join(
          node != null && node.id().equals(nodeId)
              ? node
              : new Node(nodeId, "unknown", -1, Instant.EPOCH, "unknown"));
      beat = nodes.find(Filters.eq(ID, nodeId)).first();
    }
    return beat.getDate(LAST_SEEN).toInstant();
  }

  /** The server's clock, read through a {@code $currentDate} update (the stand-in has no $$NOW). */
  private Instant serverNow() {
    Document clock =
        meta.findOneAndUpdate(
            Filters.eq(ID, "clock"),
            Updates.currentDate("now"),
            new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
    return clock.getDate("now").toInstant();
  }

  List<Claim> claimDue(String nodeId, Instant dueBy, int limit, ClusteredStore.Planner planner) {
    long dueMillis = dueBy.toEpochMilli();
    List<Object> ids = new ArrayList<>();
    for (Document candidate :
        tasks
            .find(Filters.and(Filters.lte(NEXT_RUN_TIME, score(dueBy)), leaseFree(dueMillis)))
            .sort(Sorts.ascending(NEXT_RUN_TIME, ID))
            .projection(Projections.include(ID))
            .limit(limit)) {
      ids.add(candidate.get(ID));
    }
    if (ids.isEmpty()) {
      return List.of();
    }
    // The lease: one conditional update per document (due, lease free or expired), applied to
    // each atomically, so that of two nodes leasing at once one gets each document; the version
    // goes up with it. One updateMany for the batch instead of a findOneAndUpdate per document:
    // the round trips, not the server's work, are what a claim costs.
    String token = UUID.randomUUID().toString();
    tasks.updateMany(
        Filters.and(
            Filters.in(ID, ids), Filters.lte(NEXT_RUN_TIME, score(dueBy)), leaseFree(dueMillis)),
        Updates.combine(
            Updates.set(
                LEASE_FIELD,
                new Document("node", nodeId)
                    .append("token", token)
                    .append("until", dueMillis + LEASE.toMillis())),
            Updates.inc(VERSION, 1)));
    List<Document> leased = tasks.find(Filters.eq(LEASE_TOKEN, token)).into(new ArrayList<>());
    List<Unreadable> unreadable = new ArrayList<>();
    List<Claim> planned = new ArrayList<>();
    List<WriteModel<Document>> commits = new ArrayList<>();
    boolean allCommitted = true;
    try {
      for (Document document : leased) {
        Object id = document.get(ID);
        if (!(id instanceof String taskId)) {
          continue; // not a document this store wrote; never matched by a due read either
        }
        Bson mine =
            Filters.and(
                Filters.eq(ID, taskId),
                Filters.eq(LEASE_TOKEN, token),
                Filters.eq(VERSION, document.get(VERSION)));
        Task task = null;
        Binary claimed = document.get(STATE) instanceof Binary binary ? binary : null;
        if (claimed != null) {
          try {
            task = records.read(taskId, claimed.getData(), store.context());
          } catch (CorruptTaskRecordException e) {
            unreadable.add(new Unreadable(taskId, claimed, e));
          }
        }
        if (task == null) {
          commits.add(new UpdateOneModel<>(mine, Updates.unset(LEASE_FIELD)));
          continue;
        }
        List<Document> runs = runs(document);
        Set<Object> claimsInFlight = new HashSet<>();
        for (Document run : runs) {
          claimsInFlight.add(run.get(RUN_CLAIM));
        }
        Decision d = planner.plan(task, claimsInFlight.size());
        planned.add(new Claim(task, d));
        if (d.keep()) {
          commits.add(new UpdateOneModel<>(mine, Updates.unset(LEASE_FIELD)));
          continue;
        }
        List<Document> handedOut = new ArrayList<>(d.runTimes().size());
        for (Instant t : d.runTimes()) {
          handedOut.add(
              new Document(RUN_TIME, t.toString())
                  .append(RUN_NODE, nodeId)
                  .append(RUN_CLAIM, token)
                  .append(RUN_STATE, claimed));
        }
        List<Bson> update = new ArrayList<>();
        update.add(Updates.unset(LEASE_FIELD));
        update.add(Updates.inc(VERSION, 1));
        update.add(Updates.set(CLAIM, token));
        if (!handedOut.isEmpty()) {
          update.add(Updates.pushEach(RUNS, handedOut));
        }
        if (d.next() != null) {
          update.add(
              Updates.set(
                  NEXT_RUN_TIME, d.next().nextRunTime().map(MongoDocuments::score).orElse(null)));
          update.add(Updates.set(STATE, new Binary(records.rewrite(d.next()))));
        } else if (handedOut.isEmpty() && runs.isEmpty()) {
          // Finished with nothing in flight: gone, as in the single-node path.
          commits.add(new DeleteOneModel<>(mine));
          continue;
        } else {
          // Finished with runs in flight: kept, invisible to reads, until its last run ends.
          update.add(Updates.set(NEXT_RUN_TIME, null));
          update.add(Updates.set(DONE, true));
        }
        commits.add(new UpdateOneModel<>(mine, Updates.combine(update)));
      }
      if (!commits.isEmpty()) {
        BulkWriteResult result = tasks.bulkWrite(commits, new BulkWriteOptions().ordered(false));
        allCommitted = result.getMatchedCount() + result.getDeletedCount() == commits.size();
      }
    } finally {
      // A failure leaves what was not committed leased until the lease ends, as a dead node would.
      quarantine.quarantine(unreadable);
    }
    List<Claim> claims = allCommitted ? planned : committed(token, planned);
    claims.sort(EARLIEST_FIRST);
    return claims;
  }

  private static List<Document> runs(Document task) {
    List<Document> runs = task.getList(RUNS, Document.class);
    return runs == null ? List.of() : runs;
  }

  private static Bson leaseFree(long dueMillis) {
    return Filters.or(Filters.exists(LEASE_FIELD, false), Filters.lt(LEASE_UNTIL, dueMillis));
  }

  /**
   * The planned claims whose commit matched, when some did not: a claim that handed out runs
   * committed when the document holds runs of its token (only this node ends them, after this
   * returns); one that handed out none when the document carries its token, or is gone for a task
   * that finished. A commit matches nothing when the lease ended and another node took the task, or
   * a user changed it (which clears the lease): then nothing was written and nothing is handed out.
   */
  private List<Claim> committed(String token, List<Claim> planned) {
    List<String> ids = new ArrayList<>();
    for (Claim claim : planned) {
      if (!claim.decision().keep()) {
        ids.add(claim.task().id());
      }
    }
    Set<String> withRuns = new HashSet<>();
    Set<String> marked = new HashSet<>();
    Set<String> present = new HashSet<>();
    for (int from = 0; from < ids.size(); from += MongoDocuments.BATCH) {
      for (Document d :
          tasks
              .find(
                  Filters.in(
                      ID, ids.subList(from, Math.min(ids.size(), from + MongoDocuments.BATCH))))
              .projection(Projections.include(ID, CLAIM, RUNS))) {
        String id = String.valueOf(d.get(ID));
        present.add(id);
        if (token.equals(d.get(CLAIM))) {
          marked.add(id);
        }
        for (Document run : runs(d)) {
          if (token.equals(run.get(RUN_CLAIM))) {
            withRuns.add(id);
          }
        }
      }
    }
    List<Claim> claims = new ArrayList<>();
    for (Claim claim : planned) {
      String id = claim.task().id();
      Decision d = claim.decision();
      boolean done =
          d.keep()
              || (d.runTimes().isEmpty()
                  ? marked.contains(id) || (d.next() == null && !present.contains(id))
                  : withRuns.contains(id));
      if (done) {
        claims.add(claim);
      }
    }
    return claims;
  }

  void runsEnded(String nodeId, List<RunKey> ended) {
    if (ended.isEmpty()) {
      return;
    }
    List<WriteModel<Document>> pulls = new ArrayList<>(ended.size());
    Set<String> ids = new LinkedHashSet<>();
    for (RunKey key : ended) {
      pulls.add(
          new UpdateOneModel<>(
              Filters.eq(ID, key.taskId()),
              Updates.pullByFilter(
                  new Document(
                      RUNS,
                      new Document(RUN_TIME, key.runTime().toString()).append(RUN_NODE, nodeId)))));
      ids.add(key.taskId());
    }
    tasks.bulkWrite(pulls, new BulkWriteOptions().ordered(false));
    deleteDoneWithoutRuns(new ArrayList<>(ids));
  }

  /** Deletes the finished tasks whose last run in flight ended. */
  private void deleteDoneWithoutRuns(List<String> ids) {
    for (int from = 0; from < ids.size(); from += MongoDocuments.BATCH) {
      tasks.deleteMany(
          Filters.and(
              Filters.in(ID, ids.subList(from, Math.min(ids.size(), from + MongoDocuments.BATCH))),
              Filters.eq(DONE, true),
              Filters.size(RUNS, 0)));
    }
  }

  List<InFlight> takeOverStaleRuns(
      String nodeId, Duration staleAfter, ClusteredStore.RerunPolicy policy) {
    Instant freshFrom = serverNow().minus(staleAfter);
    nodes.deleteMany(
        Filters.and(Filters.lt(LAST_SEEN, Date.from(freshFrom)), Filters.ne(ID, nodeId)));
    List<String> live = new ArrayList<>();
    live.add(nodeId);
    for (Document node : nodes.find().projection(Projections.include(ID))) {
      live.add(String.valueOf(node.get(ID)));
    }
    List<InFlight> taken = new ArrayList<>();
    List<String> touched = new ArrayList<>();
    for (Document doc :
        tasks.find(Filters.elemMatch(RUNS, Filters.nin(RUN_NODE, live))).into(new ArrayList<>())) {
      if (!(doc.get(ID) instanceof String taskId)) {
        continue;
      }
      for (Document run : runs(doc)) {
        String owner = run.getString(RUN_NODE);
        if (live.contains(owner)) {
          continue;
        }
        // The record as the run was claimed; a run claimed before runs kept it has the current one.
        Task task =
            claimedTask(taskId, run.get(RUN_STATE) instanceof Binary own ? own : doc.get(STATE));
        String t = run.getString(RUN_TIME);
        // Only the node whose update matches takes the run: two live nodes never both do.
        Bson held =
            Filters.and(
                Filters.eq(ID, taskId),
                Filters.elemMatch(
                    RUNS, Filters.and(Filters.eq(RUN_TIME, t), Filters.eq(RUN_NODE, owner))));
        boolean rerun = policy.rerun(task);
        UpdateResult result =
            rerun
                ? tasks.updateOne(held, Updates.set(RUNS + ".$." + RUN_NODE, nodeId))
                : tasks.updateOne(
                    held,
                    Updates.pullByFilter(
                        new Document(RUNS, new Document(RUN_TIME, t).append(RUN_NODE, owner))));
        if (result.getModifiedCount() == 1) {
          taken.add(new InFlight(taskId, Instant.parse(t), owner, task, rerun));
          touched.add(taskId);
        }
      }
    }
    deleteDoneWithoutRuns(touched);
    return taken;
  }

  /** The task a record holds, or {@code null} (reported, not rerun) when it cannot be read. */
  private Task claimedTask(String taskId, Object state) {
    if (!(state instanceof Binary binary)) {
      return null;
    }
    try {
      return records.read(taskId, binary.getData(), store.context());
    } catch (CorruptTaskRecordException e) {
      return null; // a corrupt task record is quarantined by the next read of it
    }
  }

  List<Member> members() {
    Instant now = serverNow();
    List<Member> members = new ArrayList<>();
    for (Document n : nodes.find().sort(Sorts.ascending(ID))) {
      Instant lastSeen = n.getDate(LAST_SEEN).toInstant();
      Duration age = Duration.between(lastSeen, now);
      members.add(
          new Member(
              String.valueOf(n.get(ID)),
              n.getString("host"),
              ((Number) n.get("pid")).longValue(),
              n.getDate("started_at").toInstant(),
              lastSeen,
              age.isNegative() ? Duration.ZERO : age,
              ((Number) n.get("runs_in_flight")).intValue(),
              n.getString(VERSION)));
    }
    return members;
  }
}
