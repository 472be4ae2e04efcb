package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerInstanceInfo;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of a {@link ClusteredStore} in cluster mode, with several schedulers in one JVM on
 * one store: every scheduled run time of every task runs exactly once on one node, none is lost, a
 * node whose clock is ahead never starts a run early, {@code max_instances} holds across the nodes
 * and the runs in flight of a node that stopped heartbeating are resolved by another. A store's
 * test extends it with nothing but the construction of a store object per node on one shared
 * database.
 */
@Timeout(180)
public abstract class ClusterContract {
  private static final long WAIT_SECONDS = 60;
  private static final Clock WALL = Clock.systemUTC();
  private static final Duration STALE_AFTER = Duration.ofSeconds(3);

  private final List<ThreadScheduler> nodes = new ArrayList<>();

  /** A new store object on the shared database (one per node); it implements ClusteredStore. */
  protected abstract TaskStore newNodeStore();

  /** Where the shared database listens, for a {@link FaultProxy} in front of it. */
  protected abstract InetSocketAddress server();

  /**
   * A new store object on the shared database reached at {@code host:port} (a {@link FaultProxy} in
   * front of {@link #server()}), whose calls give up within a few seconds when the proxy stops
   * forwarding: connect and statement or socket timeouts of about a second.
   */
  protected abstract TaskStore newNodeStore(String host, int port);

  /** Removes everything the previous test left in the shared database. */
  protected abstract void clear() throws Exception;

  /** Stops the nodes and clears the database. */
  @AfterEach
  void stopNodes() throws Exception {
    for (ThreadScheduler node : nodes) {
      if (node.isRunning()) {
        node.shutdown(Duration.ofSeconds(10));
      }
    }
    nodes.clear();
    clear();
  }

  private ThreadScheduler node(
      int index, TaskRegistry registry, Clock clock, ClusterSettings settings) {
    return node(index, registry, clock, settings, newNodeStore());
  }

  private ThreadScheduler node(
      int index, TaskRegistry registry, Clock clock, ClusterSettings settings, TaskStore store) {
    ThreadScheduler node =
        Scheduler.builder()
            .clock(clock)
            .registry(registry)
            .identity("node-" + index)
            .cluster(settings)
            .storeRetryInterval(Duration.ofMillis(200))
            .heartbeatStaleAfter(STALE_AFTER)
            .store("default", store)
            .build();
    nodes.add(node);
    return node;
  }

  private static ClusterSettings quick() {
    return ClusterSettings.DEFAULTS
        .withPollInterval(Duration.ofMillis(50))
        .withHeartbeatInterval(Duration.ofMillis(200));
  }

  /** A run as a node reported it. */
  private record Run(String taskId, Instant runTime, String node) {}

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {2, 3})
  void everyRunTimeOfEveryTaskRunsOnceOnOneNode(int nodeCount) throws Exception {
    int intervalTasks = 20;
    int dateTasks = 1_500;
    Duration interval = Duration.ofMillis(100);
    int runsPerIntervalTask = 20;
    int expected = intervalTasks * runsPerIntervalTask + dateTasks;
    Map<String, List<Run>> runs = new ConcurrentHashMap<>();
    AtomicInteger distinct = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Instant> lastCounted = new AtomicReference<>(Instant.MAX);
    TaskRegistry registry = new TaskRegistry().register("work", (args, kwargs) -> null);
    for (int i = 0; i < nodeCount; i++) {
      ThreadScheduler node = node(i, registry, Clock.systemUTC(), quick());
      String name = "node-" + i;
      node.addListener(
          e -> {
            TaskExecutionEvent x = (TaskExecutionEvent) e;
            if (x.scheduledRunTime().isAfter(lastCounted.get())) {
              return;
            }
            String key = x.taskId() + "@" + x.scheduledRunTime();
            List<Run> list = runs.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
            list.add(new Run(x.taskId(), x.scheduledRunTime(), name));
            if (list.size() == 1 && distinct.incrementAndGet() == expected) {
              done.countDown();
            }
          },
          Events.TASK_EXECUTED | Events.TASK_ERROR | Events.TASK_MISSED);
      node.start();
    }
    // Whole seconds, at least one ahead: every interval task's first run time is the start.
    Instant start = WALL.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
    lastCounted.set(start.plus(interval.multipliedBy(runsPerIntervalTask - 1)));
    Scheduler first = nodes.get(0);
    first.addAll(
        batch -> {
          for (int i = 0; i < intervalTasks; i++) {
            batch
                .task("work")
                .id("interval-" + i)
                .trigger(IntervalTrigger.builder().interval(interval).startAt(start).build())
                .coalesce(false)
                .noGraceLimit()
                .maxInstances(10)
                .add();
          }
          for (int i = 0; i < dateTasks; i++) {
            batch
                .task("work")
                .id("date-" + i)
                .trigger(DateTrigger.at(start.plusMillis(i % 500)))
                .noGraceLimit()
                .add();
          }
        });

    boolean all = done.await(WAIT_SECONDS, TimeUnit.SECONDS);
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < intervalTasks; i++) {
      for (int k = 0; k < runsPerIntervalTask; k++) {
        String key = "interval-" + i + "@" + start.plus(interval.multipliedBy(k));
        if (!runs.containsKey(key)) {
          missing.add(key);
        }
      }
    }
    for (int i = 0; i < dateTasks; i++) {
      String key = "date-" + i + "@" + start.plusMillis(i % 500);
      if (!runs.containsKey(key)) {
        missing.add(key);
      }
    }
    assertThat(all)
        .as("%s of %s run times ran; missing %s", distinct.get(), expected, missing)
        .isTrue();
    for (ThreadScheduler node : nodes) {
      node.shutdown(Duration.ofSeconds(10));
    }

    List<String> twice = new ArrayList<>();
    Map<String, AtomicInteger> perNode = new TreeMap<>();
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      if (e.getValue().size() > 1) {
        twice.add(e.getKey() + " on " + e.getValue());
      }
      for (Run r : e.getValue()) {
        perNode.computeIfAbsent(r.node(), n -> new AtomicInteger()).incrementAndGet();
      }
    }
    assertThat(twice).as("run times that ran more than once").isEmpty();
    assertThat(runs).hasSize(expected);
    for (int i = 0; i < intervalTasks; i++) {
      for (int k = 0; k < runsPerIntervalTask; k++) {
        assertThat(runs).containsKey("interval-" + i + "@" + start.plus(interval.multipliedBy(k)));
      }
    }
    assertThat(perNode).as("runs per node: %s", perNode).hasSizeGreaterThan(1);
  }

  @Test
  void aNodeWhoseClockIsAheadNeverStartsARunEarly() throws Exception {
    Duration ahead = Duration.ofSeconds(5);
    Clock fast = Clock.offset(Clock.systemUTC(), ahead);
    Map<String, Instant> startedAt = new ConcurrentHashMap<>();
    CountDownLatch ran = new CountDownLatch(3);
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                "stamp",
                (args, kwargs) -> {
                  // The true time, not the fast node's: the start must not precede the run time.
                  startedAt.put((String) args.get(0), WALL.instant());
                  ran.countDown();
                  return null;
                });
    ThreadScheduler node = node(0, registry, fast, quick());
    node.start();
    Instant due = WALL.instant().plusSeconds(2);
    for (int i = 0; i < 3; i++) {
      node.task("stamp")
          .id("skewed-" + i)
          .args("skewed-" + i)
          .trigger(DateTrigger.at(due.plusMillis(100L * i)))
          .noGraceLimit()
          .add();
    }
    assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(startedAt.get("skewed-" + i))
          .as("start of skewed-%s, due at %s", i, due.plusMillis(100L * i))
          .isAfterOrEqualTo(due.plusMillis(100L * i));
    }
  }

  /**
   * A one-shot task whose run fails is retried once (its retry stored with it in the shared store)
   * and each attempt runs on exactly one node; the task ends after its successful retry.
   */
  @Test
  void aFailedRunIsRetriedOnceAcrossTheNodes() throws Exception {
    List<String> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch succeeded = new CountDownLatch(1);
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                "flaky",
                (args, kwargs) -> {
                  attempts.add(String.valueOf(attempts.size() + 1));
                  if (attempts.size() == 1) {
                    throw new IllegalStateException("the first attempt fails");
                  }
                  succeeded.countDown();
                  return null;
                });
    List<Integer> retried = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      ThreadScheduler node = node(i, registry, Clock.systemUTC(), quick());
      node.onEvent(io.asyncz.event.TaskRetryEvent.class, e -> retried.add(e.attempt()));
      node.start();
    }
    nodes
        .get(0)
        .task("flaky")
        .id("flaky")
        .retry(io.asyncz.task.RetryPolicy.fixed(3, Duration.ofMillis(300)))
        .add();
    assertThat(succeeded.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    // A second success or a third attempt would show here after a few more polls.
    for (ThreadScheduler node : nodes) {
      node.shutdown(Duration.ofSeconds(10));
    }
    assertThat(attempts).containsExactly("1", "2");
    assertThat(retried).containsExactly(1);
  }

  @Test
  void maxInstancesHoldsAcrossTheNodes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch refused = new CountDownLatch(3);
    CountDownLatch started = new CountDownLatch(1);
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                "slow",
                (args, kwargs) -> {
                  most.accumulateAndGet(running.incrementAndGet(), Math::max);
                  started.countDown();
                  try {
                    release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                  } finally {
                    running.decrementAndGet();
                  }
                  return null;
                });
    for (int i = 0; i < 3; i++) {
      ThreadScheduler node = node(i, registry, Clock.systemUTC(), quick());
      node.addListener(e -> refused.countDown(), Events.TASK_MAX_INSTANCES);
      node.start();
    }
    nodes
        .get(0)
        .task("slow")
        .id("slow")
        .trigger(IntervalTrigger.every(Duration.ofMillis(100)))
        .coalesce(false)
        .noGraceLimit()
        .maxInstances(1)
        .add();
    try {
      assertThat(refused.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      // On a loaded machine the refusals can come before the run handed out has started.
      assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(most.get()).isEqualTo(1);
      assertThat(nodes.get(0).instances())
          .extracting(SchedulerInstanceInfo::scope)
          .containsExactly(
              SchedulerInstanceInfo.PROCESS_LOCAL,
              SchedulerInstanceInfo.CLUSTER,
              SchedulerInstanceInfo.CLUSTER);
      assertThat(nodes.get(0).instances())
          .extracting(SchedulerInstanceInfo::identity)
          .anyMatch(id -> id.startsWith("node-1#"))
          .anyMatch(id -> id.startsWith("node-2#"));
    } finally {
      release.countDown();
    }
  }

  @Test
  void aStoreThatNeverJoinedListsTheMembers() throws Exception {
    TaskStore member = newNodeStore();
    TaskStore reader = newNodeStore(); // as `asyncz instances` reads: it never joins
    TestStoreContext context =
        new TestStoreContext(MutableClock.at(WALL.instant()), new TaskRegistry());
    member.start(context, "default");
    reader.start(context, "default");
    try {
      Instant started = WALL.instant().truncatedTo(ChronoUnit.MILLIS);
      ((ClusteredStore) member)
          .joinCluster(new ClusteredStore.Node("node-a", "host-a", 4242, started, "1.2.3"));
      ((ClusteredStore) member).heartbeat("node-a", 3);

      assertThat(((ClusteredStore) reader).members())
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.id()).isEqualTo("node-a");
                assertThat(m.host()).isEqualTo("host-a");
                assertThat(m.pid()).isEqualTo(4242);
                assertThat(m.runsInFlight()).isEqualTo(3);
                assertThat(m.heartbeatAge()).isLessThan(Duration.ofMinutes(1));
              });
    } finally {
      member.shutdown();
      reader.shutdown();
    }
  }

  @Test
  void theRunsInFlightOfANodeThatStoppedHeartbeatingAreReportedInterruptedByAnother()
      throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    SeverableStore severable = new SeverableStore(newNodeStore());
    ThreadScheduler dying = dyingNode(severable, started, never);
    dying.task("hang").id("hang").trigger(DateTrigger.at(WALL.instant())).noGraceLimit().add();
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    // The node loses the store with its run in flight, as a killed process does: no heartbeat.
    severable.severed = true;
    Map<String, Instant> interrupted = new ConcurrentHashMap<>();
    CountDownLatch reported = new CountDownLatch(1);
    ThreadScheduler survivor =
        node(1, new TaskRegistry().register("hang", (a, k) -> null), Clock.systemUTC(), quick());
    survivor.addListener(
        e -> {
          TaskExecutionEvent x = (TaskExecutionEvent) e;
          interrupted.put(x.taskId(), x.scheduledRunTime());
          reported.countDown();
        },
        Events.TASK_INTERRUPTED);
    survivor.start();
    try {
      assertThat(reported.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(interrupted).containsOnlyKeys("hang");
      assertThat(survivor.instances())
          .extracting(SchedulerInstanceInfo::scope)
          .containsExactly(SchedulerInstanceInfo.PROCESS_LOCAL);
    } finally {
      never.countDown();
    }
  }

  @Test
  void eachTasksOwnNodeFailurePolicyDecidesWhetherItsInterruptedRunRunsAgain() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch never = new CountDownLatch(1);
    SeverableStore severable = new SeverableStore(newNodeStore());
    // The scheduler's policy is report; one task asks for rerun.
    ThreadScheduler dying = dyingNode(severable, started, never);
    dying
        .task("hang")
        .id("again")
        .args("again")
        .trigger(DateTrigger.at(WALL.instant()))
        .noGraceLimit()
        .onNodeFailure(ClusterSettings.NodeFailurePolicy.RERUN)
        .add();
    dying
        .task("hang")
        .id("reported")
        .args("reported")
        .trigger(DateTrigger.at(WALL.instant()))
        .noGraceLimit()
        .add();
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    severable.severed = true;
    List<String> reran = new CopyOnWriteArrayList<>();
    List<String> interrupted = new CopyOnWriteArrayList<>();
    CountDownLatch settled = new CountDownLatch(2);
    ThreadScheduler survivor = survivorNode(reran, settled);
    survivor.addListener(
        e -> {
          interrupted.add(((TaskExecutionEvent) e).taskId());
          settled.countDown();
        },
        Events.TASK_INTERRUPTED);
    survivor.start();
    try {
      assertThat(settled.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(reran).containsExactly("again");
      assertThat(interrupted).containsExactly("reported");
    } finally {
      never.countDown();
    }
  }

  @Test
  void aRerunRunsTheTaskAsItWasClaimedNotAsItWasChangedSince() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    SeverableStore severable = new SeverableStore(newNodeStore());
    ThreadScheduler dying = dyingNode(severable, started, never);
    dying
        .task("hang")
        .id("changed")
        .args("as claimed")
        .trigger(
            IntervalTrigger.builder()
                .interval(Duration.ofHours(1))
                .startAt(WALL.instant().plusMillis(300)) // first run then, the next in an hour
                .build())
        .noGraceLimit()
        .onNodeFailure(ClusterSettings.NodeFailurePolicy.RERUN)
        .add();
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    // Changed while its run is in flight: the run was claimed with the old arguments.
    dying.updateTask("changed", change -> change.args("changed since"));
    severable.severed = true;
    List<String> reran = new CopyOnWriteArrayList<>();
    CountDownLatch rerun = new CountDownLatch(1);
    ThreadScheduler survivor = survivorNode(reran, rerun);
    survivor.start();
    try {
      assertThat(rerun.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(reran).containsExactly("as claimed");
    } finally {
      never.countDown();
    }
  }

  /**
   * A node cut off from the database (its connections blackholed: no socket closed, nothing
   * answers) with runs in flight, for longer than {@code heartbeat_stale_after}, then healed: under
   * {@code report}, each scheduled run time of each task up to after the heal ran at most once, and
   * ran or was reported interrupted or missed (none lost); the healed node writes its heartbeat
   * again (another node lists it) and runs nothing that the other took over.
   */
  @Test
  void aNodeCutOffLongerThanTheStaleBoundRejoinsAndNoRunTimeRunsTwiceOrIsLost() throws Exception {
    int taskCount = 4;
    Duration interval = Duration.ofMillis(250);
    Map<String, List<String>> outcomes = new ConcurrentHashMap<>();
    CountDownLatch inFlightOnCutOff = new CountDownLatch(1);
    CountDownLatch healed = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    TaskRegistry cutOffRegistry =
        new TaskRegistry()
            .register(
                "work",
                (args, kwargs) -> {
                  // Its runs stay in flight until the network heals.
                  inFlightOnCutOff.countDown();
                  healed.await(WAIT_SECONDS, TimeUnit.SECONDS);
                  return null;
                });
    TaskRegistry otherRegistry = new TaskRegistry().register("work", (args, kwargs) -> null);
    try (FaultProxy proxy = FaultProxy.start(server())) {
      ThreadScheduler cutOff =
          node(
              0,
              cutOffRegistry,
              Clock.systemUTC(),
              quick(),
              newNodeStore(proxy.host(), proxy.port()));
      ThreadScheduler other = node(1, otherRegistry, Clock.systemUTC(), quick());
      for (ThreadScheduler node : List.of(cutOff, other)) {
        String name = node == cutOff ? "cut-off node" : "other node";
        node.addListener(
            e -> {
              TaskExecutionEvent x = (TaskExecutionEvent) e;
              String what =
                  switch (x.code()) {
                    case Events.TASK_INTERRUPTED -> "reported interrupted by ";
                    case Events.TASK_MISSED -> "missed on ";
                    default -> "ran on ";
                  };
              outcomes
                  .computeIfAbsent(
                      x.taskId() + "@" + x.scheduledRunTime(), k -> new CopyOnWriteArrayList<>())
                  .add(what + name);
              if (x.code() == Events.TASK_INTERRUPTED) {
                interrupted.countDown();
              }
            },
            Events.TASK_EXECUTED
                | Events.TASK_ERROR
                | Events.TASK_MISSED
                | Events.TASK_INTERRUPTED);
      }
      Instant start = WALL.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
      cutOff.start();
      // A task added after its start time first runs at the next of its times after the add.
      List<Instant> firsts = new ArrayList<>();
      for (int i = 0; i < taskCount; i++) {
        cutOff
            .task("work")
            .id("partition-" + i)
            .trigger(IntervalTrigger.builder().interval(interval).startAt(start).build())
            .coalesce(false)
            .noGraceLimit()
            .maxInstances(1_000)
            .add();
        Instant first = start;
        while (first.isBefore(WALL.instant())) {
          first = first.plus(interval);
        }
        firsts.add(first);
      }
      assertThat(inFlightOnCutOff.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      other.start();
      proxy.blackhole();
      Instant cut = WALL.instant();
      // Longer than heartbeat_stale_after: the other node takes the cut-off node for dead.
      assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS))
          .as("a run in flight on the cut-off node reported interrupted")
          .isTrue();
      CountDownLatch longEnough = new CountDownLatch(1);
      while (!longEnough.await(50, TimeUnit.MILLISECONDS)) {
        if (Duration.between(cut, WALL.instant()).compareTo(STALE_AFTER) > 0) {
          longEnough.countDown();
        }
      }
      Duration partition = Duration.between(cut, WALL.instant());
      proxy.pass();
      healed.countDown();
      CountDownLatch rejoined = new CountDownLatch(1);
      while (!rejoined.await(50, TimeUnit.MILLISECONDS)) {
        if (other.instances().stream()
            .anyMatch(
                i ->
                    i.identity().startsWith("node-0#")
                        && i.scope().equals(SchedulerInstanceInfo.CLUSTER))) {
          rejoined.countDown();
        }
        assertThat(Duration.between(cut, WALL.instant()))
            .as("the healed node writing its heartbeat again")
            .isLessThan(Duration.ofSeconds(WAIT_SECONDS));
      }
      Instant until = WALL.instant().plusSeconds(1);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < taskCount; i++) {
        for (Instant t = firsts.get(i); !t.isAfter(until); t = t.plus(interval)) {
          expected.add("partition-" + i + "@" + t);
        }
      }
      CountDownLatch accounted = new CountDownLatch(1);
      while (!accounted.await(50, TimeUnit.MILLISECONDS)) {
        if (outcomes.keySet().containsAll(expected)) {
          accounted.countDown();
        } else if (Duration.between(until, WALL.instant()).getSeconds() > WAIT_SECONDS) {
          break;
        }
      }
      cutOff.shutdown(Duration.ofSeconds(10));
      other.shutdown(Duration.ofSeconds(10));

      List<String> lost = new ArrayList<>();
      List<String> twice = new ArrayList<>();
      for (String key : expected) {
        List<String> got = outcomes.getOrDefault(key, List.of());
        if (got.isEmpty()) {
          lost.add(key);
        }
      }
      for (Map.Entry<String, List<String>> e : new TreeMap<>(outcomes).entrySet()) {
        long ran = e.getValue().stream().filter(o -> o.startsWith("ran on ")).count();
        long reported = e.getValue().stream().filter(o -> o.startsWith("reported ")).count();
        if (ran > 1 || reported > 1) {
          twice.add(e.getKey() + ": " + e.getValue());
        }
      }
      assertThat(twice).as("run times run or reported more than once").isEmpty();
      assertThat(lost)
          .as(
              "run times up to %s neither run nor reported (partition from %s for %s); outcomes:"
                  + " %s",
              until, cut, partition, new TreeMap<>(outcomes))
          .isEmpty();
    }
  }

  /**
   * Node 1, not started, whose function {@code hang} adds its first argument to {@code ran} and
   * counts {@code done} down: the node that takes over the runs of a dying node.
   */
  private ThreadScheduler survivorNode(List<String> ran, CountDownLatch done) {
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                "hang",
                (args, kwargs) -> {
                  ran.add((String) args.get(0));
                  done.countDown();
                  return null;
                });
    return node(1, registry, Clock.systemUTC(), quick());
  }

  /**
   * Node 0, started on {@code store}, whose function {@code hang} counts {@code started} down and
   * then blocks until {@code release} opens: its runs stay in flight until the test severs it.
   */
  private ThreadScheduler dyingNode(
      SeverableStore store, CountDownLatch started, CountDownLatch release) {
    TaskRegistry stuck =
        new TaskRegistry()
            .register(
                "hang",
                (args, kwargs) -> {
                  started.countDown();
                  release.await();
                  return null;
                });
    ThreadScheduler dying = node(0, stuck, Clock.systemUTC(), quick(), store);
    dying.start();
    return dying;
  }

  /**
   * A task added through one node's store runs on another node whose polls are an hour apart: only
   * the store's change notice ({@link ClusteredStore#onChange}) can bring it there in time. For the
   * stores that have one (PostgreSQL's {@code NOTIFY}, Redis pub/sub): their test calls this.
   */
  protected final void assertATaskAddedOnOneNodeRunsOnAnotherThroughTheStoresNotice()
      throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    TaskFunction mark =
        (args, kwargs) -> {
          ran.countDown();
          return null;
        };
    TaskRegistry registry = new TaskRegistry().register("mark", mark);
    ThreadScheduler runner =
        Scheduler.builder()
            .registry(registry)
            .identity("runner")
            .cluster(ClusterSettings.DEFAULTS.withPollInterval(Duration.ofHours(1)))
            .store("default", newNodeStore())
            .build();
    // The other node, reduced to its store: it joins the cluster and adds a task due now.
    TaskStore adder = newNodeStore();
    adder.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
    try {
      runner.start();
      ((ClusteredStore) adder)
          .joinCluster(new ClusteredStore.Node("adder", "host", 1, Instant.EPOCH, "test"));
      CountDownLatch listening = new CountDownLatch(1);
      while (!listening.await(50, TimeUnit.MILLISECONDS)) {
        if (runner.instances().size() == 2) {
          listening.countDown(); // the runner joined, and listens from then on
        }
      }
      Instant now = WALL.instant();
      adder.addTask(
          Task.builder("noticed")
              .function(mark, "mark")
              .trigger(DateTrigger.at(now))
              .nextRunTime(now)
              .storeAlias("default")
              .build());
      assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    } finally {
      runner.shutdown(Duration.ofSeconds(5));
      adder.shutdown();
    }
  }

  /** A node's store that can lose its database, as a node that is killed does. */
  private static final class SeverableStore extends ForwardingStore implements ClusteredStore {
    volatile boolean severed;

    SeverableStore(TaskStore delegate) {
      super(delegate);
    }

    private ClusteredStore cluster() {
      if (severed) {
        throw new IllegalStateException("severed from the database");
      }
      return (ClusteredStore) delegate();
    }

    @Override
    public void joinCluster(Node node) {
      cluster().joinCluster(node);
    }

    @Override
    public void leaveCluster(String nodeId) {
      cluster().leaveCluster(nodeId);
    }

    @Override
    public Instant heartbeat(String nodeId, int runsInFlight) {
      return cluster().heartbeat(nodeId, runsInFlight);
    }

    @Override
    public List<Claim> claimDue(String nodeId, Instant dueBy, int limit, Planner planner) {
      return cluster().claimDue(nodeId, dueBy, limit, planner);
    }

    @Override
    public void runsEnded(String nodeId, List<RunKey> runs) {
      cluster().runsEnded(nodeId, runs);
    }

    @Override
    public List<InFlight> takeOverStaleRuns(String nodeId, Duration staleAfter, RerunPolicy rerun) {
      return cluster().takeOverStaleRuns(nodeId, staleAfter, rerun);
    }

    @Override
    public List<Member> members() {
      return cluster().members();
    }
  }
}
