package io.asyncz.mongo;

import io.asyncz.event.Events;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.ClusteredStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A benchmark command, not a test: the hand-over latency in cluster mode on the MongoDB stand-in,
 * from adding a task due now through one node's store to its start on another node, which learns of
 * it by polling (a stand-in without an oplog, so without change streams, as a standalone {@code
 * mongod}; poll {@code poll.ms}, 1000 by default) or by the change stream (a stand-in with an
 * oplog; the running node polls an hour apart). The two are sampled in turn, {@code samples} (10)
 * of each, with a random pause between samples so that they fall anywhere in the poll period.
 *
 * <p>Run it from the repository's root (the module classes of the worktree, not the jars of the
 * local Maven repository):
 *
 * <pre>{@code
 * ./mvnw -B -q -pl asyncz-mongo -am test-compile
 * ./mvnw -B -q -pl asyncz-mongo dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * CP=$(tr ':' '\n' < /tmp/cp.txt | grep -v /io/asyncz/ | paste -sd:)
 * java -Dsamples=15 -cp asyncz-mongo/target/test-classes:asyncz-mongo/target/classes:\
 * asyncz-core/target/classes:asyncz-persistence/target/classes:asyncz-testkit/target/classes:$CP \
 *     io.asyncz.mongo.MongoHandoverLatency
 * }</pre>
 */
final class MongoHandoverLatency {
  private static final Clock WALL = Clock.systemUTC();

  private MongoHandoverLatency() {}

  /** Samples both hand-overs in turn and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int samples = Integer.getInteger("samples", 10);
    Duration poll = Duration.ofMillis(Long.getLong("poll.ms", 1000));
    System.out.printf(
        Locale.ROOT,
        "Machine: %d CPUs, Java %s; %d samples each; load average %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        samples,
        load());
    try (StandInMongo plain = StandInMongo.start();
        StandInMongo oplog = StandInMongo.startWithOplog();
        Pair polled = new Pair(plain, poll);
        Pair noticed = new Pair(oplog, Duration.ofHours(1))) {
      double[] pollMs = new double[samples];
      double[] noticeMs = new double[samples];
      for (int i = 0; i < samples; i++) {
        pollMs[i] = polled.sample("p" + i);
        noticeMs[i] = noticed.sample("n" + i);
        System.out.printf(
            Locale.ROOT,
            "  sample %d: poll %.1f ms, change stream %.1f ms%n",
            i,
            pollMs[i],
            noticeMs[i]);
      }
      System.out.println();
      System.out.println(
          "| hand-over (add through one node's store, start on another) | samples | median ms |"
              + " min–max ms |");
      System.out.println("|---|---:|---:|---:|");
      System.out.println(
          row("polling, poll " + poll.toMillis() + " ms (no change stream)", pollMs));
      System.out.println(row("change stream, poll 1 h", noticeMs));
      System.out.println("load average " + load());
    }
  }

  /** A running node and an adding store, in the cluster on one stand-in. */
  private static final class Pair implements AutoCloseable {
    private final AtomicLong ranAt = new AtomicLong();
    private volatile CountDownLatch ran = new CountDownLatch(1);
    private final TaskFunction mark;
    private final ThreadScheduler runner;
    private final MongoStore adder;

    Pair(StandInMongo server, Duration poll) throws InterruptedException {
      mark =
          (a, kw) -> {
            ranAt.set(System.nanoTime());
            ran.countDown();
            return null;
          };
      TaskRegistry registry = new TaskRegistry().register("bench.mark", mark);
      runner =
          Scheduler.builder()
              .registry(registry)
              .identity("runner")
              .cluster(ClusterSettings.DEFAULTS.withPollInterval(poll))
              .store(
                  "default",
                  MongoStore.connect(server.uri(), "bench", "tasks", TaskRecords.plain()))
              .build();
      runner.addListener(e -> System.out.println("  " + e), Events.TASK_MISSED | Events.TASK_ERROR);
      adder = MongoStore.connect(server.uri(), "bench", "tasks", TaskRecords.plain());
      adder.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
      runner.start();
      adder.joinCluster(new ClusteredStore.Node("adder", "bench", 0, Instant.EPOCH, "bench"));
      // The runner listens (or has failed to) once it has joined, which its instance list shows.
      while (runner.instances().size() < 2) {
        pause(20);
      }
    }

    double sample(String id) throws InterruptedException {
      ran = new CountDownLatch(1);
      Instant now = WALL.instant();
      long added = System.nanoTime();
      adder.addTask(
          Task.builder(id)
              .function(mark, "bench.mark")
              .trigger(DateTrigger.at(now))
              .mistriggerGraceTime(null) // a late start is measured, not missed
              .nextRunTime(now)
              .storeAlias("default")
              .build());
      if (!ran.await(60, TimeUnit.SECONDS)) {
        return Double.NaN;
      }
      double ms = (ranAt.get() - added) / 1e6;
      // Right after a run the node looks at its store again: a random pause puts the next sample
      // anywhere in the poll period.
      pause(50 + ThreadLocalRandom.current().nextLong(1000));
      return ms;
    }

    @Override
    public void close() {
      runner.shutdown(Duration.ofSeconds(5));
      adder.leaveCluster("adder");
      adder.shutdown();
    }
  }

  private static String row(String name, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.1f | %.1f–%.1f |",
        name,
        ms.length,
        sorted[sorted.length / 2],
        sorted[0],
        sorted[sorted.length - 1]);
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }

  /** Waits {@code millis} on a latch nobody opens. */
  private static void pause(long millis) throws InterruptedException {
    new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
  }
}
