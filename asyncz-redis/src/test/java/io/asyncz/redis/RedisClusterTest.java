package io.asyncz.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.ClusteredStore.Claim;
import io.asyncz.store.ClusteredStore.Decision;
import io.asyncz.store.ClusteredStore.InFlight;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ClusterContract;
import io.asyncz.testkit.FaultProxy;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Cluster mode on one embedded Redis, several schedulers in this JVM. */
class RedisClusterTest extends ClusterContract {
  private static final String TASKS = "cluster.tasks";
  private static final String RUN_TIMES = "cluster.run_times";
  private static final TaskFunction NOTHING = (args, kwargs) -> null;
  private static EmbeddedRedis server;
  private static JedisPooled client;

  @BeforeAll
  static void startServer() throws Exception {
    server = EmbeddedRedis.start();
    client = server.client();
  }

  @AfterAll
  static void stopServer() throws Exception {
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
    return RedisStore.connect(
        "127.0.0.1", server.port(), 0, null, TASKS, RUN_TIMES, TaskRecords.plain());
  }

  @Override
  protected InetSocketAddress server() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  @Override
  protected TaskStore newNodeStore(String host, int port) {
    return RedisStore.connect(
        host,
        port,
        0,
        null,
        TASKS,
        RUN_TIMES,
        RedisStore.defaultQuarantineKey(TASKS),
        TaskRecords.plain(),
        new RedisStore.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  @Override
  protected void clear() {
    client.flushAll();
  }

  private static RedisStore started(RedisStore store, TaskRegistry registry) {
    store.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
    return store;
  }

  private static Task dateTask(String id, Instant at) {
    return Task.builder(id)
        .function(NOTHING, "nothing")
        .trigger(DateTrigger.at(at))
        .nextRunTime(at)
        .storeAlias("default")
        .build();
  }

  /** The planner of the single-node loop, reduced: each due date task runs once, then goes. */
  private static Decision runOnce(Task task, int running) {
    return new Decision(null, List.of(task.nextRunTimeOrNull()), false);
  }

  private static ClusteredStore.Node node(String id) {
    return new ClusteredStore.Node(id, "host", 1, Instant.EPOCH, "test");
  }

  @Test
  void aTaskAddedOnOneNodeRunsOnAnotherThroughPubSubWithoutWaitingForItsPoll() throws Exception {
    assertATaskAddedOnOneNodeRunsOnAnotherThroughTheStoresNotice();
  }

  @Test
  void aNodeRefusesClusterKeysOfANewerFormatSayingSo() {
    client.hset(TASKS + ".cluster", "format", "2");
    RedisStore store = started((RedisStore) newNodeStore(), new TaskRegistry());
    try {
      assertThatThrownBy(() -> store.joinCluster(node("n1")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("have format 2, written by a newer version of Asyncz")
          .hasMessageContaining("reads format 1");
    } finally {
      store.shutdown();
    }
  }

  @Test
  void theTasksLeasedByANodeThatDiesBeforeItCommitsAreClaimedOnceByAnotherAfterTheLease()
      throws Exception {
    TaskRegistry registry = new TaskRegistry().register("nothing", NOTHING);
    RedisStore dying = started((RedisStore) newNodeStore(), registry);
    RedisStore survivor = started((RedisStore) newNodeStore(), registry);
    try {
      Instant due = Instant.now().minusSeconds(1);
      for (int i = 0; i < 5; i++) {
        dying.addTask(dateTask("t" + i, due));
      }
      dying.joinCluster(node("dying"));
      survivor.joinCluster(node("survivor"));
      dying.cluster().lease(Duration.ofMillis(300));
      Instant dueBy = Instant.now();
      // The node dies in its planner, between the lease and the commit.
      assertThatThrownBy(
              () ->
                  dying.claimDue(
                      "dying",
                      dueBy,
                      100,
                      (task, running) -> {
                        throw new IllegalStateException("killed");
                      }))
          .hasMessage("killed");
      // Leased: the other node does not see the tasks until the lease ends, then claims each once.
      assertThat(survivor.claimDue("survivor", dueBy, 100, RedisClusterTest::runOnce)).isEmpty();
      List<Claim> claimed = new ArrayList<>();
      CountDownLatch all = new CountDownLatch(1);
      for (int wait = 0; wait < 200 && !all.await(50, TimeUnit.MILLISECONDS); wait++) {
        claimed.addAll(survivor.claimDue("survivor", dueBy, 100, RedisClusterTest::runOnce));
        if (claimed.size() >= 5) {
          all.countDown();
        }
      }
      assertThat(claimed)
          .extracting(c -> c.task().id())
          .containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4");
      assertThat(survivor.claimDue("survivor", dueBy, 100, RedisClusterTest::runOnce)).isEmpty();
      assertThat(survivor.allTasks()).isEmpty();
    } finally {
      dying.shutdown();
      survivor.shutdown();
    }
  }

  /** A client whose answers to the commit script can be lost, before or after it runs. */
  private static final class LossyClient extends JedisPooled {
    final AtomicBoolean loseBefore = new AtomicBoolean();
    final AtomicBoolean loseAfter = new AtomicBoolean();

    LossyClient(int port) {
      super(new HostAndPort("127.0.0.1", port));
    }

    @Override
    public Object eval(byte[] script, List<byte[]> keys, List<byte[]> args) {
      boolean commit = script == RedisClusterScripts.COMMIT;
      if (commit && loseBefore.getAndSet(false)) {
        throw new JedisConnectionException("lost before the commit");
      }
      Object result = super.eval(script, keys, args);
      if (commit && loseAfter.getAndSet(false)) {
        throw new JedisConnectionException("lost after the commit");
      }
      return result;
    }
  }

  @Test
  void aCommitWhoseAnswerIsLostIsSettledSoThatNoRunIsLostOrHandedOutTwice() throws Exception {
    TaskRegistry registry = new TaskRegistry().register("nothing", NOTHING);
    try (LossyClient lossy = new LossyClient(server.port())) {
      RedisStore node =
          started(new RedisStore(lossy, TASKS, RUN_TIMES, TaskRecords.plain()), registry);
      RedisStore other = started((RedisStore) newNodeStore(), registry);
      try {
        Instant due = Instant.now().minusSeconds(1);
        node.addTask(dateTask("before", due));
        node.joinCluster(node("node"));
        other.joinCluster(node("other"));
        Instant dueBy = Instant.now();

        // Lost before it ran: the lease is given up at the next call, the task claimed again once.
        lossy.loseBefore.set(true);
        assertThatThrownBy(() -> node.claimDue("node", dueBy, 100, RedisClusterTest::runOnce))
            .isInstanceOf(JedisConnectionException.class);
        assertThat(node.claimDue("node", dueBy, 100, RedisClusterTest::runOnce))
            .extracting(c -> c.task().id())
            .containsExactly("before");
        assertThat(other.takeOverStaleRuns("other", Duration.ofHours(1), t -> true)).isEmpty();

        // Lost after it ran: the runs it recorded were never handed out; the take-over gets them.
        node.addTask(dateTask("after", due));
        lossy.loseAfter.set(true);
        assertThatThrownBy(() -> node.claimDue("node", dueBy, 100, RedisClusterTest::runOnce))
            .isInstanceOf(JedisConnectionException.class);
        assertThat(node.claimDue("node", dueBy, 100, RedisClusterTest::runOnce)).isEmpty();
        List<InFlight> taken = other.takeOverStaleRuns("other", Duration.ofHours(1), t -> true);
        assertThat(taken).extracting(InFlight::taskId).containsExactly("after");
        assertThat(taken.get(0).rerun()).isTrue();
        assertThat(taken.get(0).runTime()).isEqualTo(due);
        assertThat(node.takeOverStaleRuns("node", Duration.ofHours(1), t -> true)).isEmpty();
        assertThat(other.claimDue("other", dueBy, 100, RedisClusterTest::runOnce)).isEmpty();
      } finally {
        node.shutdown();
        other.shutdown();
      }
    }
  }

  @Test
  void connectionsCutDuringClaimsLoseAndDuplicateNothing() throws Exception {
    int tasks = 600;
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(tasks);
    AtomicInteger events = new AtomicInteger();
    TaskRegistry registry = new TaskRegistry().register("work", NOTHING);
    ClusterSettings settings =
        ClusterSettings.DEFAULTS
            .withPollInterval(Duration.ofMillis(50))
            .withHeartbeatInterval(Duration.ofMillis(200))
            .withOnNodeFailure(NodeFailurePolicy.RERUN);
    try (FaultProxy proxy = FaultProxy.start("127.0.0.1", server.port())) {
      List<ThreadScheduler> nodes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        RedisStore store =
            RedisStore.connect(
                "127.0.0.1",
                i == 0 ? proxy.port() : server.port(),
                0,
                null,
                TASKS,
                RUN_TIMES,
                RedisStore.defaultQuarantineKey(TASKS),
                TaskRecords.plain(),
                new RedisStore.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        store.cluster().lease(Duration.ofMillis(500));
        ThreadScheduler node =
            Scheduler.builder()
                .clock(Clock.systemUTC())
                .registry(registry)
                .identity("cut-" + i)
                .cluster(settings)
                .storeRetryInterval(Duration.ofMillis(100))
                .heartbeatStaleAfter(Duration.ofSeconds(30))
                .store("default", store)
                .build();
        node.addListener(
            e -> {
              TaskExecutionEvent x = (TaskExecutionEvent) e;
              if (runs.computeIfAbsent(x.taskId(), k -> new AtomicInteger()).incrementAndGet()
                  == 1) {
                done.countDown();
              }
              // Cuts node 0's connections now and then while the nodes drain, and lets them
              // through again at the next run: claims, commits and run ends fail midway.
              int n = events.incrementAndGet();
              if (n % 50 == 0) {
                proxy.cut();
              } else if (n % 50 == 3) {
                proxy.pass();
              }
            },
            Events.TASK_EXECUTED | Events.TASK_ERROR | Events.TASK_MISSED);
        nodes.add(node);
      }
      try {
        for (ThreadScheduler node : nodes) {
          node.start();
        }
        Instant start = Instant.now().plusSeconds(1);
        nodes
            .get(1)
            .addAll(
                batch -> {
                  for (int i = 0; i < tasks; i++) {
                    batch
                        .task("work")
                        .id("cut-" + i)
                        .trigger(DateTrigger.at(start.plusMillis(i % 400)))
                        .noGraceLimit()
                        .add();
                  }
                });
        boolean all = done.await(60, TimeUnit.SECONDS);
        proxy.pass();
        assertThat(all).as("%s of %s tasks ran", runs.size(), tasks).isTrue();
        for (ThreadScheduler node : nodes) {
          node.shutdown(Duration.ofSeconds(10));
        }
        assertThat(runs).hasSize(tasks);
        assertThat(runs.entrySet())
            .filteredOn(e -> e.getValue().get() > 1)
            .as("tasks that ran more than once")
            .isEmpty();
      } finally {
        proxy.pass();
        for (ThreadScheduler node : nodes) {
          if (node.isRunning()) {
            node.shutdown(Duration.ofSeconds(10));
          }
        }
      }
    }
  }
}
