package io.asyncz.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ClusterContract;
import io.asyncz.testkit.FaultProxy;
import io.asyncz.testkit.ForwardingStore;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The MongoDB store's change notices ({@link MongoStore#onChange}): a change stream on the task
 * collection, on the stand-in with its oplog on (it then sends change streams as a replica set
 * does).
 */
@Timeout(120)
class MongoChangeNoticeTest {
  private static final String DATABASE = "notices";
  private static final String COLLECTION = "tasks";
  private static final long WAIT_SECONDS = 30;

  private static StandInMongo server;
  private static MongoClient client;

  @BeforeAll
  static void startServer() throws Exception {
    server = StandInMongo.startWithOplog();
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

  @AfterEach
  void clear() {
    MongoDatabase db = client.getDatabase(DATABASE);
    for (String suffix : new String[] {"", "_quarantine", "_runs", "_nodes", "_cluster"}) {
      db.getCollection(COLLECTION + suffix).drop();
    }
  }

  private static MongoStore newStore(String uri) {
    return MongoStore.connect(uri, DATABASE, COLLECTION, TaskRecords.plain());
  }

  /**
   * The cluster contract's hand-over through the store's notice, with the nodes polling 1 h apart.
   */
  @Test
  void aTaskAddedOnOneNodeRunsOnAnotherThroughTheChangeStream() throws Exception {
    new Contract().taskAddedOnOneNodeRunsOnAnother();
  }

  /**
   * A single scheduler whose only task is an hour away sleeps until then; a task another store
   * object adds to the collection, due now, runs at once when the scheduler listens to the store.
   */
  @Test
  void aSingleSchedulerWhoseNextRunIsAnHourAwayRunsATaskAnotherProcessAddsAtOnce()
      throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    TaskFunction mark =
        (args, kwargs) -> {
          ran.countDown();
          return null;
        };
    TaskRegistry registry = new TaskRegistry().register("mark", mark);
    MongoStore store = newStore(server.uri());
    RoundWatch rounds = new RoundWatch(store);
    ThreadScheduler scheduler =
        Scheduler.builder().registry(registry).store("default", rounds).build();
    MongoStore other = newStore(server.uri());
    other.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
    try {
      scheduler.start();
      Instant inAnHour = Clock.systemUTC().instant().plus(Duration.ofHours(1));
      scheduler.task("mark").id("later").trigger(DateTrigger.at(inAnHour)).add();
      store.onChange(scheduler::storesChanged);
      // The loop has seen all that once a round that begins after this has ended: it then sleeps
      // for an hour.
      rounds.arm();
      scheduler.storesChanged();
      assertThat(rounds.quiet.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

      Instant now = Clock.systemUTC().instant();
      other.addTask(dueAt("now", mark, now));

      assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    } finally {
      scheduler.shutdown(Duration.ofSeconds(5));
      other.shutdown();
    }
  }

  /**
   * The connection is cut under the stream: it is opened again once the server can be reached,
   * catches up with one notice, and notices the changes made from then on.
   */
  @Test
  void aStreamCutUnderneathIsOpenedAgainAndNoticesAgain() throws Exception {
    try (FaultProxy proxy = FaultProxy.start("127.0.0.1", server.port())) {
      MongoStore store =
          MongoStore.connect(
              "mongodb://" + proxy.host() + ":" + proxy.port(),
              DATABASE,
              COLLECTION,
              MongoStore.defaultQuarantine(COLLECTION),
              TaskRecords.plain(),
              new MongoStore.Timeouts(
                  Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMillis(500)));
      TaskRegistry registry = new TaskRegistry().register("mark", (args, kwargs) -> null);
      TaskFunction mark = registry.resolve("mark");
      MongoStore other = newStore(server.uri());
      other.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
      Semaphore notices = new Semaphore(0);
      try {
        store.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
        store.onChange(notices::release);
        assertThat(notices.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue(); // the opening's
        other.addTask(dueAt("before", mark, Instant.EPOCH));
        assertThat(notices.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        proxy.cut();
        awaitTrue(() -> store.notices().state() == MongoNotices.State.RETRYING);
        other.addTask(dueAt("while cut", mark, Instant.EPOCH));
        proxy.pass();
        // Opened again: the catch-up notice covers the task added while the stream was cut.
        assertThat(notices.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(store.notices().state()).isEqualTo(MongoNotices.State.LISTENING);
        notices.drainPermits();
        other.addTask(dueAt("after", mark, Instant.EPOCH));
        assertThat(notices.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      } finally {
        MongoNotices listening = store.notices();
        store.shutdown();
        other.shutdown();
        if (listening != null) {
          assertThat(listening.awaitClosed(Duration.ofSeconds(10))).isTrue();
        }
      }
    }
  }

  /**
   * The server ends the stream (as a {@code mongod} does after an {@code invalidate}, when the
   * collection is dropped or renamed): the stream is opened again, and notices.
   */
  @Test
  void aStreamTheServerEndsIsOpenedAgain() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    Semaphore noticed = new Semaphore(0);
    MongoNotices notices =
        new MongoNotices(
            "db.tasks",
            () -> asked.incrementAndGet() == 1 ? new EmptyCursor(false) : new EmptyCursor(true),
            "default",
            LoggerFactory.getLogger("asyncz.stores.default"),
            noticed::release);
    notices.start(Duration.ofSeconds(10));
    try {
      assertThat(noticed.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(asked).hasValue(2);
      awaitTrue(() -> notices.state() == MongoNotices.State.LISTENING);
    } finally {
      notices.close();
    }
    assertThat(notices.awaitClosed(Duration.ofSeconds(10))).isTrue();
  }

  /**
   * The stream's filter, applied to change events as a {@code mongod} writes them (the stand-in's
   * own events have no {@code updateDescription}): a user's add, replace and update wake the
   * scheduler; a node's lease and commit (which count up {@code version}), the end of its runs (a
   * {@code $pull} from {@code runs}) and deletes do not.
   */
  @Test
  void theStreamKeepsUsersChangesAndLeavesOutTheNodesBookkeepingAndDeletes() {
    MongoCollection<Document> events = client.getDatabase(DATABASE).getCollection("events");
    events.insertMany(
        List.of(
            event("add", "insert", null),
            event("replace", "replace", null),
            event(
                "user update",
                "update",
                new Document("next_run_time", 1.5e9).append("state", new Binary(new byte[1]))),
            event(
                "lease",
                "update",
                new Document("lease", new Document("node", "n1")).append("version", 4)),
            event(
                "commit",
                "update",
                new Document("version", 5)
                    .append("claim", "token")
                    .append("next_run_time", 1.5e9)
                    .append("runs.0", new Document("t", "x"))),
            event("run ended", "update", new Document("runs", List.of())),
            event("delete", "delete", null),
            event("drop", "drop", null)));
    List<String> kept = new ArrayList<>();
    events.find(MongoNotices.events()).forEach(d -> kept.add(d.getString("case")));
    assertThat(kept).containsExactlyInAnyOrder("add", "replace", "user update");
    events.drop();
  }

  private static Document event(String name, String operation, Document updatedFields) {
    Document event = new Document("case", name).append("operationType", operation);
    if (updatedFields != null) {
      event.append(
          "updateDescription",
          new Document("updatedFields", updatedFields).append("removedFields", List.of("lease")));
    }
    return event;
  }

  /**
   * A server that is not a replica set refuses change streams (error 40573): that is told once, the
   * stream is not asked for again, and the thread ends; the scheduler polls.
   */
  @Test
  void aServerThatIsNotAReplicaSetIsAskedOnceAndLeftToThePoll() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    AtomicInteger noticed = new AtomicInteger();
    MongoNotices notices =
        new MongoNotices(
            "db.tasks",
            () -> {
              asked.incrementAndGet();
              throw refusal(40573, "The $changeStream stage is only supported on replica sets");
            },
            "default",
            LoggerFactory.getLogger("asyncz.stores.default"),
            noticed::incrementAndGet);
    notices.start(Duration.ofSeconds(10));
    try {
      assertThat(notices.awaitClosed(Duration.ofSeconds(10))).isTrue();
      assertThat(notices.state()).isEqualTo(MongoNotices.State.UNSUPPORTED);
      assertThat(asked).hasValue(1);
      assertThat(noticed).hasValue(0);
    } finally {
      notices.close();
    }
  }

  /** Any other refusal is an outage: the stream is asked for again, and notices once it opens. */
  @Test
  void anyOtherRefusalIsTriedAgainUntilTheStreamOpens() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    Semaphore noticed = new Semaphore(0);
    MongoNotices notices =
        new MongoNotices(
            "db.tasks",
            () -> {
              if (asked.incrementAndGet() == 1) {
                throw refusal(13, "not authorized");
              }
              return new EmptyCursor(true);
            },
            "default",
            LoggerFactory.getLogger("asyncz.stores.default"),
            noticed::release);
    notices.start(Duration.ofSeconds(10));
    try {
      assertThat(noticed.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(asked).hasValue(2);
      assertThat(notices.state()).isEqualTo(MongoNotices.State.LISTENING);
    } finally {
      notices.close();
    }
    assertThat(notices.awaitClosed(Duration.ofSeconds(10))).isTrue();
  }

  private static MongoCommandException refusal(int code, String message) {
    BsonDocument response =
        new BsonDocument("ok", new BsonInt32(0))
            .append("code", new BsonInt32(code))
            .append("errmsg", new BsonString(message));
    return new MongoCommandException(response, new ServerAddress("127.0.0.1", 27017));
  }

  private static Task dueAt(String id, TaskFunction mark, Instant at) {
    return Task.builder(id)
        .function(mark, "mark")
        .trigger(DateTrigger.at(at))
        .nextRunTime(at)
        .storeAlias("default")
        .build();
  }

  /** Waits on a latch nobody opens, a short while at a time, until {@code condition} holds. */
  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    long rounds = TimeUnit.SECONDS.toMillis(WAIT_SECONDS) / 20;
    for (long i = 0; i < rounds && !condition.getAsBoolean(); i++) {
      never.await(20, TimeUnit.MILLISECONDS);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  /** Tells when a round of the loop that began after {@link #arm} has ended. */
  private static final class RoundWatch extends ForwardingStore {
    final CountDownLatch quiet = new CountDownLatch(1);
    private volatile boolean armed;
    private volatile boolean began;

    RoundWatch(TaskStore delegate) {
      super(delegate);
    }

    void arm() {
      armed = true;
    }

    @Override
    public List<Task> dueTasks(Instant now, int limit) {
      began |= armed; // a round starts with its due tasks
      return super.dueTasks(now, limit);
    }

    @Override
    public Optional<Instant> nextRunTime() {
      Optional<Instant> next = super.nextRunTime(); // and ends with the next run time
      if (began) {
        quiet.countDown();
      }
      return next;
    }
  }

  /** A stream with no events, kept open by the server or ended by it. */
  private static final class EmptyCursor implements MongoCursor<RawBsonDocument> {
    private final boolean open;

    EmptyCursor(boolean open) {
      this.open = open;
    }

    @Override
    public void close() {}

    @Override
    public boolean hasNext() {
      return false;
    }

    @Override
    public RawBsonDocument next() {
      throw new java.util.NoSuchElementException();
    }

    @Override
    public int available() {
      return 0;
    }

    @Override
    public RawBsonDocument tryNext() {
      return null;
    }

    @Override
    public com.mongodb.ServerCursor getServerCursor() {
      return open ? new com.mongodb.ServerCursor(1, getServerAddress()) : null;
    }

    @Override
    public ServerAddress getServerAddress() {
      return new ServerAddress("127.0.0.1", 27017);
    }
  }

  /**
   * The cluster contract, reduced to its notice hand-over: a nested class, so that JUnit runs none
   * of the contract's other tests here ({@code MongoClusterTest} runs them).
   */
  private static final class Contract extends ClusterContract {
    @Override
    protected TaskStore newNodeStore() {
      return newStore(server.uri());
    }

    @Override
    protected java.net.InetSocketAddress server() {
      return new java.net.InetSocketAddress("127.0.0.1", server.port());
    }

    @Override
    protected TaskStore newNodeStore(String host, int port) {
      return newStore("mongodb://" + host + ":" + port);
    }

    @Override
    protected void clear() {
      // the outer class's @AfterEach clears the collections
    }

    void taskAddedOnOneNodeRunsOnAnother() throws Exception {
      assertATaskAddedOnOneNodeRunsOnAnotherThroughTheStoresNotice();
    }
  }
}
