package io.asyncz.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ClusterContract;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode on the MongoDB stand-in (mongo-java-server), several schedulers in this JVM, each
 * with a client of its own.
 */
class MongoClusterTest extends ClusterContract {
  private static final String DATABASE = "cluster";
  private static final String COLLECTION = "tasks";

  private static StandInMongo server;
  private static MongoClient client;

  @BeforeAll
  static void startServer() throws Exception {
    server = StandInMongo.start();
    client = server.client();
  }

  @AfterAll
  static void stopServer() {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Override
  protected TaskStore newNodeStore() {
    return MongoStore.connect(server.uri(), DATABASE, COLLECTION, TaskRecords.plain());
  }

  @Override
  protected InetSocketAddress server() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  @Override
  protected TaskStore newNodeStore(String host, int port) {
    return MongoStore.connect(
        "mongodb://" + host + ":" + port,
        DATABASE,
        COLLECTION,
        MongoStore.defaultQuarantine(COLLECTION),
        TaskRecords.plain(),
        new MongoStore.Timeouts(
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  @Override
  protected void clear() {
    MongoDatabase db = client.getDatabase(DATABASE);
    for (String suffix : new String[] {"", "_quarantine", "_runs", "_nodes", "_cluster"}) {
      db.getCollection(COLLECTION + suffix).drop();
    }
  }

  @Test
  void aNodeRefusesClusterDocumentsOfANewerFormatSayingSo() {
    client
        .getDatabase(DATABASE)
        .getCollection(COLLECTION + "_cluster")
        .insertOne(new Document("_id", "format").append("value", 2));
    MongoStore store = (MongoStore) newNodeStore();
    store.start(
        new TestStoreContext(MutableClock.at(Instant.EPOCH), new TaskRegistry()), "default");
    try {
      assertThatThrownBy(
              () -> store.joinCluster(new ClusteredStore.Node("n1", "host", 1, Instant.EPOCH, "t")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cluster.tasks have format 2, written by a newer version of Asyncz")
          .hasMessageContaining("reads format 1");
      assertThat(store.members()).isEmpty();
    } finally {
      store.shutdown();
    }
  }

  /**
   * A node leases a due task and dies before its commit: the task stays as it was, leased; another
   * node cannot claim it while the lease holds, claims it once the lease ends, and its run time is
   * handed out once.
   */
  @Test
  void aTaskLeasedByANodeThatDiedIsClaimedByAnotherAfterTheLeaseAndRunOnce() {
    Instant due = Instant.parse("2026-03-01T09:00:00Z");
    TaskRegistry registry = new TaskRegistry().register("mark", (args, kwargs) -> null);
    MongoStore dead = startedStore(due, registry);
    MongoStore alive = startedStore(due, registry);
    try {
      dead.addTask(dueOnce(registry, "orphan", due));
      assertThatThrownBy(
              () ->
                  dead.claimDue(
                      "dead#1",
                      due,
                      10,
                      (task, running) -> {
                        throw new IllegalStateException("the node dies before its commit");
                      }))
          .hasMessage("the node dies before its commit");
      Document leased = tasks().find(Filters.eq("_id", "orphan")).first();
      assertThat(leased.get("lease", Document.class).getString("node")).isEqualTo("dead#1");
      Instant leaseEnds = due.plus(MongoCluster.LEASE);

      List<Instant> handedOut = new ArrayList<>();
      ClusteredStore.Planner runAll =
          (task, running) -> {
            handedOut.add(task.nextRunTime().orElseThrow());
            return new ClusteredStore.Decision(
                null, List.of(task.nextRunTime().orElseThrow()), false);
          };
      assertThat(alive.claimDue("alive#2", leaseEnds.minusMillis(1), 10, runAll)).isEmpty();
      assertThat(alive.lookupTask("orphan")).isPresent();

      assertThat(alive.claimDue("alive#2", leaseEnds.plusMillis(1), 10, runAll))
          .extracting(c -> c.task().id())
          .containsExactly("orphan");
      assertThat(alive.claimDue("alive#2", leaseEnds.plusSeconds(60), 10, runAll)).isEmpty();
      assertThat(dead.claimDue("dead#1", leaseEnds.plusSeconds(60), 10, runAll)).isEmpty();
      assertThat(handedOut).containsExactly(due);
      // Finished, with its run in flight: no task any more, its record kept until the run ends.
      assertThat(alive.lookupTask("orphan")).isEmpty();
      assertThat(tasks().find(Filters.eq("_id", "orphan")).first().getList("runs", Document.class))
          .extracting(r -> r.getString("node"))
          .containsExactly("alive#2");

      alive.runsEnded("alive#2", List.of(new ClusteredStore.RunKey("orphan", due)));
      assertThat(tasks().countDocuments()).isZero();
    } finally {
      dead.shutdown();
      alive.shutdown();
    }
  }

  /**
   * A node stalls between its lease and its commit until the lease ends, and another node claims
   * the task meanwhile: the stalled node's commit, conditioned on its lease and version, fails, so
   * the run time goes out once.
   */
  @Test
  void aNodeWhoseLeaseEndedWhileItStalledCannotCommitItsClaim() {
    Instant due = Instant.parse("2026-03-01T09:00:00Z");
    TaskRegistry registry = new TaskRegistry().register("mark", (args, kwargs) -> null);
    MongoStore slow = startedStore(due, registry);
    MongoStore fast = startedStore(due, registry);
    try {
      slow.addTask(dueOnce(registry, "contested", due));
      List<String> handedOut = new ArrayList<>();
      Instant afterLease = due.plus(MongoCluster.LEASE).plusMillis(1);
      List<ClusteredStore.Claim> fastClaims = new ArrayList<>();
      List<ClusteredStore.Claim> slowClaims =
          slow.claimDue(
              "slow#1",
              due,
              10,
              (task, running) -> {
                // The stall: the other node claims the task once the lease has ended.
                fastClaims.addAll(
                    fast.claimDue(
                        "fast#2",
                        afterLease,
                        10,
                        (t, r) -> {
                          handedOut.add("fast#2");
                          return new ClusteredStore.Decision(null, List.of(due), false);
                        }));
                handedOut.add("slow#1");
                return new ClusteredStore.Decision(null, List.of(due), false);
              });
      assertThat(fastClaims).hasSize(1);
      assertThat(slowClaims).isEmpty();
      assertThat(
              tasks().find(Filters.eq("_id", "contested")).first().getList("runs", Document.class))
          .extracting(r -> r.getString("node"))
          .containsExactly("fast#2");
    } finally {
      slow.shutdown();
      fast.shutdown();
    }
  }

  /**
   * The runs in flight of a node that left are taken over once: {@code rerun} moves the record to
   * the taking node, {@code report} removes it (and the finished task kept for it); of two live
   * nodes taking over at the same time, one takes each run.
   */
  @Test
  void theRunsInFlightOfANodeThatLeftAreTakenOverOnceByRerunOrReport() {
    Instant due = Instant.parse("2026-03-01T09:00:00Z");
    TaskRegistry registry = new TaskRegistry().register("mark", (args, kwargs) -> null);
    MongoStore dead = startedStore(due, registry);
    MongoStore first = startedStore(due, registry);
    MongoStore second = startedStore(due, registry);
    try {
      for (String id : List.of("again", "lost")) {
        dead.addTask(dueOnce(registry, id, due));
      }
      dead.joinCluster(new ClusteredStore.Node("dead#1", "host", 1, due, "test"));
      first.joinCluster(new ClusteredStore.Node("first#2", "host", 2, due, "test"));
      second.joinCluster(new ClusteredStore.Node("second#3", "host", 3, due, "test"));
      assertThat(
              dead.claimDue(
                  "dead#1",
                  due,
                  10,
                  (task, running) -> new ClusteredStore.Decision(null, List.of(due), false)))
          .hasSize(2);
      dead.leaveCluster("dead#1"); // or killed: its heartbeat goes stale

      // Both live nodes take over at once: the second does it while the first decides.
      List<ClusteredStore.InFlight> taken = new ArrayList<>();
      List<ClusteredStore.InFlight> takenByFirst =
          first.takeOverStaleRuns(
              "first#2",
              Duration.ofHours(1),
              task -> {
                if (taken.isEmpty()) {
                  taken.addAll(
                      second.takeOverStaleRuns(
                          "second#3", Duration.ofHours(1), t -> t.id().equals("again")));
                }
                return true;
              });
      assertThat(takenByFirst).isEmpty();
      assertThat(taken)
          .extracting(r -> r.taskId() + "@" + r.runTime() + " from " + r.nodeId() + " " + r.rerun())
          .containsExactlyInAnyOrder(
              "again@" + due + " from dead#1 true", "lost@" + due + " from dead#1 false");
      assertThat(taken).allSatisfy(r -> assertThat(r.task()).isNotNull());
      assertThat(tasks().find(Filters.eq("_id", "lost")).first()).isNull();
      assertThat(tasks().find(Filters.eq("_id", "again")).first().getList("runs", Document.class))
          .extracting(r -> r.getString("node"))
          .containsExactly("second#3");
      assertThat(first.members())
          .extracting(ClusteredStore.Member::id)
          .containsExactly("first#2", "second#3");

      second.runsEnded("second#3", List.of(new ClusteredStore.RunKey("again", due)));
      assertThat(tasks().countDocuments()).isZero();
    } finally {
      for (MongoStore store : List.of(dead, first, second)) {
        store.shutdown();
      }
    }
  }

  /**
   * A user's change to a task keeps the records of its runs in flight (they count for {@code
   * max_instances} and are taken over if their node dies), and wins over a claim whose lease was
   * taken before it: that claim commits nothing.
   */
  @Test
  void aTaskChangedWhileItsRunsAreInFlightKeepsTheirRecordsAndWinsOverALeaseTakenBefore() {
    Instant due = Instant.parse("2026-03-01T09:00:00Z");
    TaskRegistry registry = new TaskRegistry().register("mark", (args, kwargs) -> null);
    MongoStore store = (MongoStore) newNodeStore();
    store.start(new TestStoreContext(MutableClock.at(due), registry), "default");
    try {
      Task task =
          Task.builder("every")
              .function(registry.resolve("mark"), "mark")
              .trigger(IntervalTrigger.every(Duration.ofMinutes(1)))
              .storeAlias("default")
              .nextRunTime(due)
              .build();
      store.addTask(task);
      assertThat(
              store.claimDue(
                  "node#1",
                  due,
                  10,
                  (t, running) ->
                      new ClusteredStore.Decision(
                          t.advancedTo(due.plusSeconds(60)), List.of(due), false)))
          .hasSize(1);

      store.updateTask(task.withNextRunTime(due.plusSeconds(30)));
      assertThat(tasks().find(Filters.eq("_id", "every")).first().getList("runs", Document.class))
          .extracting(r -> r.getString("t"))
          .containsExactly(due.toString());

      List<Integer> runningSeen = new ArrayList<>();
      List<ClusteredStore.Claim> claims =
          store.claimDue(
              "node#1",
              due.plusSeconds(30),
              10,
              (t, running) -> {
                runningSeen.add(running);
                // The user pauses the task while this node holds its lease.
                store.updateTask(task.withNextRunTime(null));
                return new ClusteredStore.Decision(
                    t.advancedTo(due.plusSeconds(90)), List.of(due.plusSeconds(30)), false);
              });
      assertThat(runningSeen).containsExactly(1);
      assertThat(claims).isEmpty();
      assertThat(store.lookupTask("every").orElseThrow().nextRunTime()).isEmpty();
      assertThat(tasks().find(Filters.eq("_id", "every")).first().getList("runs", Document.class))
          .hasSize(1);
    } finally {
      store.shutdown();
    }
  }

  /**
   * A task deleted while a run of it is in flight keeps that run's record: when the run's node
   * dies, another node still reports it; the task itself is gone for every read.
   */
  @Test
  void aTaskDeletedWhileItsRunIsInFlightStillHasThatRunResolvedWhenItsNodeDies() {
    Instant due = Instant.parse("2026-03-01T09:00:00Z");
    TaskRegistry registry = new TaskRegistry().register("mark", (args, kwargs) -> null);
    MongoStore dead = startedStore(due, registry);
    MongoStore alive = startedStore(due, registry);
    try {
      for (String id : List.of("deleted", "removed")) {
        dead.addTask(
            Task.builder(id)
                .function(registry.resolve("mark"), "mark")
                .trigger(IntervalTrigger.every(Duration.ofMinutes(1)))
                .storeAlias("default")
                .nextRunTime(due)
                .build());
      }
      dead.joinCluster(new ClusteredStore.Node("dead#1", "host", 1, due, "test"));
      alive.joinCluster(new ClusteredStore.Node("alive#2", "host", 2, due, "test"));
      assertThat(
              dead.claimDue(
                  "dead#1",
                  due,
                  10,
                  (t, running) ->
                      new ClusteredStore.Decision(
                          t.advancedTo(due.plusSeconds(60)), List.of(due), false)))
          .hasSize(2);
      alive.deleteTask("deleted");
      assertThatThrownBy(() -> alive.deleteTask("deleted"))
          .isInstanceOf(io.asyncz.TaskLookupException.class);
      alive.removeAllTasks();
      assertThat(alive.allTasks()).isEmpty();
      assertThat(alive.lookupTask("deleted")).isEmpty();
      assertThat(alive.nextRunTime()).isEmpty();
      dead.leaveCluster("dead#1");

      assertThat(alive.takeOverStaleRuns("alive#2", Duration.ofHours(1), task -> false))
          .extracting(r -> r.taskId() + "@" + r.runTime())
          .containsExactlyInAnyOrder("deleted@" + due, "removed@" + due);
      assertThat(tasks().countDocuments()).isZero();
    } finally {
      dead.shutdown();
      alive.shutdown();
    }
  }

  private static MongoCollection<Document> tasks() {
    return client.getDatabase(DATABASE).getCollection(COLLECTION);
  }

  /** A node's store, started on a clock stopped at {@code now}, with {@code registry}. */
  private MongoStore startedStore(Instant now, TaskRegistry registry) {
    MongoStore store = (MongoStore) newNodeStore();
    store.start(new TestStoreContext(MutableClock.at(now), registry), "default");
    return store;
  }

  /**
   * A one-shot task {@code id} of the function {@code mark}, due at {@code due}, no grace limit.
   */
  private static Task dueOnce(TaskRegistry registry, String id, Instant due) {
    return Task.builder(id)
        .function(registry.resolve("mark"), "mark")
        .trigger(DateTrigger.at(due))
        .mistriggerGraceTime(null)
        .storeAlias("default")
        .nextRunTime(due)
        .build();
  }
}
