package io.asyncz.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import org.slf4j.Logger;

/**
 * The change notices of a task collection: a change stream ({@code watch}) on one daemon thread,
 * whose every event calls the scheduler's callback. A notice is a wake-up hint, never the source of
 * truth: the scheduler reads the store afresh, and polls meanwhile. A stream that fails, is cut or
 * is ended by the server (after the collection is dropped or renamed) is opened again with a
 * growing pause (one warning per outage), and each opening calls the callback once, for what may
 * have changed while no stream was open. A server that refuses change streams because it is not a
 * replica set is told once, and the thread ends.
 */
final class MongoNotices implements AutoCloseable {
  /** How long the server holds an empty {@code getMore} of the stream before it answers. */
  static final Duration MAX_AWAIT = Duration.ofSeconds(1);

  /**
   * The pause after an empty batch. A real server has waited {@link #MAX_AWAIT} before it answers
   * empty; a server that does not (the stand-in the tests use) would otherwise be asked in a busy
   * loop. An event that arrives during the pause is held by the server's cursor, not lost.
   */
  static final Duration IDLE_PAUSE = Duration.ofMillis(100);

  /**
   * How long {@link #start} waits for the stream to open; the scheduler polls meanwhile, and
   * notices follow once it opens.
   */
  static final Duration OPEN_WAIT = Duration.ofSeconds(5);

  /** The first pause before a failed stream is opened again; each failure doubles it. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  /** The longest pause between two attempts to open the stream. */
  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  /**
   * The server's codes for "no change streams here": 40573, the {@code $changeStream} stage is only
   * supported on replica sets (a standalone {@code mongod}); 40324, an unknown pipeline stage (a
   * server, or a MongoDB-compatible one, that does not know {@code $changeStream}).
   */
  static final Set<Integer> UNSUPPORTED = Set.of(40573, 40324);

  /** Where the stream is. */
  enum State {
    OPENING,
    LISTENING,
    RETRYING,
    /** The server cannot send change streams: the scheduler polls. */
    UNSUPPORTED,
    CLOSED
  }

  private final String namespace;
  private final Supplier<MongoCursor<RawBsonDocument>> open;
  private final Logger logger;
  private final Thread thread;
  private final CountDownLatch opened = new CountDownLatch(1);
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private volatile Runnable changed;
  private volatile boolean running = true;
  private volatile State state = State.OPENING;

  /**
   * Notices of {@code collection}'s task documents, not yet started.
   *
   * @param namespace {@code database.collection}, for the logs
   */
  static MongoNotices on(
      MongoCollection<Document> collection,
      String namespace,
      String alias,
      Logger logger,
      Runnable changed) {
    return new MongoNotices(namespace, () -> watch(collection), alias, logger, changed);
  }

  MongoNotices(
      String namespace,
      Supplier<MongoCursor<RawBsonDocument>> open,
      String alias,
      Logger logger,
      Runnable changed) {
    this.namespace = namespace;
    this.open = open;
    this.logger = logger;
    this.changed = changed;
    this.thread = new Thread(this::run, "asyncz-notices-" + alias);
    thread.setDaemon(true);
  }

  /**
   * The change stream of {@code collection}: inserts, replacements and updates of task documents,
   * without the cluster's own bookkeeping.
   */
  static MongoCursor<RawBsonDocument> watch(MongoCollection<Document> collection) {
    return collection
        .watch(pipeline())
        .maxAwaitTime(MAX_AWAIT.toMillis(), TimeUnit.MILLISECONDS)
        .withDocumentClass(RawBsonDocument.class)
        .cursor();
  }

  /**
   * The stream: the events {@link #events()} keeps, with only the resume token ({@code _id}) and
   * the operation, not the document.
   */
  static List<Bson> pipeline() {
    return List.of(
        Aggregates.match(events()),
        Aggregates.project(Projections.include("_id", "operationType")));
  }

  /**
   * Inserts, replacements and updates, but not the updates of a node's claim (its lease, its
   * commit, each of which counts up {@code version}) or of the end of runs in flight ({@code
   * runs}): only a user's change can bring a run forward. Deletes are left out too: none makes a
   * run due sooner.
   */
  static Bson events() {
    String updated = "updateDescription.updatedFields.";
    return Filters.and(
        Filters.in("operationType", "insert", "replace", "update"),
        Filters.nor(
            Filters.exists(updated + MongoCluster.VERSION),
            Filters.exists(updated + MongoCluster.RUNS)));
  }

  /**
   * Starts the thread and waits until the stream is open and its first notice given (or the stream
   * failed once), so that a change made after this returns is noticed.
   */
  MongoNotices start(Duration wait) {
    thread.start();
    try {
      opened.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return this;
  }

  /** Calls {@code changed} from now on instead of the callback given before. */
  void callback(Runnable changed) {
    this.changed = changed;
  }

  /** Whether {@link #close} was not called yet. */
  boolean open() {
    return running;
  }

  /** Where the stream is now. */
  State state() {
    return state;
  }

  private void run() {
    Duration retry = FIRST_RETRY;
    boolean failing = false;
    while (running) {
      try (MongoCursor<RawBsonDocument> cursor = open.get()) {
        state = State.LISTENING;
        notice(); // for what changed while no stream was open
        opened.countDown();
        while (running) {
          RawBsonDocument event = cursor.tryNext();
          if (event == null && cursor.getServerCursor() == null) {
            // A mongod ends a stream after an invalidate (the collection dropped or renamed).
            throw new IllegalStateException("the server ended the change stream");
          }
          // Over once the stream answers, not when it opens: a stream that opens and then fails
          // at once, time after time, keeps its growing pause and its single warning.
          if (failing) {
            logger.info("Change notices on {} work again", namespace);
            failing = false;
          }
          retry = FIRST_RETRY;
          if (event != null) {
            notice();
          } else {
            pause(IDLE_PAUSE);
          }
        }
      } catch (MongoCommandException e) {
        if (UNSUPPORTED.contains(e.getErrorCode())) {
          state = State.UNSUPPORTED;
          opened.countDown();
          logger.warn(
              "Change notices on {} are off: the MongoDB server is not a replica set, and only a"
                  + " replica set sends change streams ({}); other processes' changes are seen at"
                  + " the next poll",
              namespace,
              e.getErrorMessage());
          return;
        }
        failing = failed(e, failing, retry);
        retry = longer(retry);
      } catch (RuntimeException e) {
        failing = failed(e, failing, retry);
        retry = longer(retry);
      }
    }
    state = State.CLOSED;
  }

  /** Logs the first failure of an outage as a warning and pauses; true while it goes on. */
  private boolean failed(RuntimeException e, boolean failing, Duration retry) {
    opened.countDown();
    if (!running) {
      return failing; // closed: the stream's failure is the store's shutdown
    }
    state = State.RETRYING;
    if (failing) {
      logger.debug("Change notices on {} still fail: {}", namespace, e.toString());
    } else {
      logger.warn(
          "Change notices on {} failed; polling meanwhile, and trying again: {}",
          namespace,
          e.toString());
    }
    pause(retry);
    return true;
  }

  private static Duration longer(Duration retry) {
    Duration doubled = retry.multipliedBy(2);
    return doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
  }

  private void notice() {
    try {
      changed.run();
    } catch (RuntimeException e) {
      // The scheduler's callback only wakes its loop; whatever it threw must not end the notices.
      logger.debug("Change notice on {} not handled: {}", namespace, e.toString());
    }
  }

  private void pause(Duration duration) {
    lock.lock();
    try {
      if (running) {
        wake.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      running = false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the thread: at once when it pauses, otherwise once the server answers its wait (at most
   * {@link #MAX_AWAIT}); it is a daemon, so it never holds up the JVM's exit.
   */
  @Override
  public void close() {
    running = false;
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code timeout} for the thread to end; whether it did. */
  boolean awaitClosed(Duration timeout) throws InterruptedException {
    thread.join(timeout.toMillis());
    return !thread.isAlive();
  }
}
