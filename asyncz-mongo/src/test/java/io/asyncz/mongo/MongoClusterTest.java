package io.asyncz.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ClusterContract;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  private static final Clock WALL = Clock.systemUTC();

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
   * A node leases a due task and dies before its commit: the task stays as it was, leased, and
   * another node claims it once the lease expires, and runs it once, not before.
   */
  @Test
  void aTaskLeasedByANodeThatDiedIsClaimedByAnotherAfterTheLeaseAndRunOnce() throws Exception {
    List<Instant> started = new CopyOnWriteArrayList<>();
    CountDownLatch ran = new CountDownLatch(1);
    TaskFunction mark =
        (args, kwargs) -> {
          started.add(WALL.instant());
          ran.countDown();
          return null;
        };
    TaskRegistry registry = new TaskRegistry().register("mark", mark);
    // The dead node judged "due" 9 s in the past: its lease, 10 s from then, ends in about 1 s.
    Instant dueBy = WALL.instant().minusSeconds(9);
    MongoStore dead = (MongoStore) newNodeStore();
    dead.start(new TestStoreContext(MutableClock.at(dueBy), registry), "default");
    try {
      dead.addTask(
          Task.builder("orphan")
              .function(mark, "mark")
              .trigger(DateTrigger.at(dueBy))
              .mistriggerGraceTime(null)
              .storeAlias("default")
              .nextRunTime(dueBy)
              .build());
      assertThatThrownBy(
              () ->
                  dead.claimDue(
                      "dead#1",
                      dueBy,
                      10,
                      (task, running) -> {
                        throw new IllegalStateException("the node dies before its commit");
                      }))
          .hasMessage("the node dies before its commit");
    } finally {
      dead.shutdown();
    }
    Document leased =
        client
            .getDatabase(DATABASE)
            .getCollection(COLLECTION)
            .find(Filters.eq("_id", "orphan"))
            .first();
    Instant leaseEnds = Instant.ofEpochMilli(leased.get("lease", Document.class).getLong("until"));
    assertThat(leased.get("lease", Document.class).getString("node")).isEqualTo("dead#1");

    List<String> removed = new CopyOnWriteArrayList<>();
    CountDownLatch gone = new CountDownLatch(1);
    ThreadScheduler survivor =
        Scheduler.builder()
            .registry(registry)
            .identity("survivor")
            .cluster(
                ClusterSettings.DEFAULTS
                    .withPollInterval(Duration.ofMillis(50))
                    .withHeartbeatInterval(Duration.ofMillis(200)))
            .store("default", newNodeStore())
            .build();
    survivor.addListener(
        e -> {
          removed.add(((io.asyncz.event.TaskEvent) e).taskId());
          gone.countDown();
        },
        Events.TASK_REMOVED);
    List<Instant> runs = new CopyOnWriteArrayList<>();
    survivor.addListener(
        e -> runs.add(((TaskExecutionEvent) e).scheduledRunTime()), Events.TASK_EXECUTED);
    survivor.start();
    try {
      assertThat(ran.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(gone.await(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      survivor.shutdown(Duration.ofSeconds(10));
    }
    assertThat(removed).containsExactly("orphan");
    assertThat(started).hasSize(1);
    assertThat(started.get(0)).as("start of the run, lease until %s", leaseEnds).isAfter(leaseEnds);
    assertThat(runs).containsExactly(dueBy);
    assertThat(client.getDatabase(DATABASE).getCollection(COLLECTION).countDocuments()).isZero();
  }
}
