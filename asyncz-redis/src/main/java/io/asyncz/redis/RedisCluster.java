package io.asyncz.redis;

import static io.asyncz.redis.RedisScripts.bytes;
import static io.asyncz.redis.RedisScripts.string;

import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.redis.RedisQuarantine.Unreadable;
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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis store's cluster mode. A claim is two scripts around the planner, which runs in Java:
 * the first leases up to a batch of due tasks to this claim (it takes them out of the run times
 * sorted set for a short lease, so that no other node sees them, and returns their records and
 * their claims in flight); the second writes each task's new next run time or removal and its runs
 * in flight, only while the lease is still this claim's and the record is the one leased. A node
 * that dies between the two leaves leases that expire: the next claim of any node puts those tasks
 * back. A commit whose answer is lost is settled at the next call: its runs in flight, if it
 * committed, go to the take-over like a dead node's. Heartbeats are on the server's clock ({@code
 * TIME}), changes are announced on the channel {@code <tasks key>.changes}. The keys are listed in
 * {@link RedisClusterScripts}.
 */
final class RedisCluster {
  /** The format of the cluster's keys this version writes and reads. */
  static final int FORMAT = 1;

  /** How long a claim's lease lasts when its node dies before it commits. */
  static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

  /** What the node id of the runs of a commit whose outcome was unknown gets as a suffix. */
  static final String UNCONFIRMED = "#unconfirmed";

  private static final int BATCH = RedisScripts.BATCH;

  private final RedisStore store;
  private final UnifiedJedis redis;
  private final TaskRecords records;
  private final RedisQuarantine quarantine;
  private final String tasksKey;
  private final List<byte[]> keys;
  private final String channel;
  private final String token = Long.toHexString(ThreadLocalRandom.current().nextLong());
  private final AtomicLong claimCount = new AtomicLong();
  private final List<Unsettled> unsettled = new ArrayList<>();
  private volatile Duration lease = DEFAULT_LEASE;
  private volatile String joinedAs;
  private volatile Node joined;
  private volatile Thread listener;
  private volatile JedisPubSub subscription;

  /** A commit whose answer was lost: its token and the runs it would have handed out. */
  private record Unsettled(String nodeId, String token, List<byte[]> args) {}

  RedisCluster(
      RedisStore store, UnifiedJedis redis, TaskRecords records, RedisQuarantine quarantine) {
    this.store = store;
    this.redis = redis;
    this.records = records;
    this.quarantine = quarantine;
    this.tasksKey = store.tasksKey();
    List<byte[]> k = new ArrayList<>();
    k.add(bytes(store.tasksKey()));
    k.add(bytes(store.runTimesKey()));
    for (String suffix :
        new String[] {
          ".leases",
          ".lease_info",
          ".inflight",
          ".inflight_nodes",
          ".claims",
          ".running",
          ".cluster",
          ".nodes",
          ".seen",
          ".node_runs"
        }) {
      k.add(bytes(tasksKey + suffix));
    }
    this.keys = List.copyOf(k);
    this.channel = tasksKey + ".changes";
  }

  /** The names of the cluster's own keys, for tools and tests that clear a database. */
  List<String> clusterKeys() {
    List<String> names = new ArrayList<>();
    for (byte[] key : keys.subList(2, keys.size())) {
      names.add(string(key));
    }
    return names;
  }

  /** Sets how long a claim's lease lasts (tests shorten it). */
  void lease(Duration lease) {
    this.lease = lease;
  }

  String joinedAs() {
    return joinedAs;
  }

  private Object eval(byte[] script, List<byte[]> args) {
    return redis.eval(script, keys, args);
  }

  void join(Node node) {
    List<?> r =
        (List<?>)
            eval(
                RedisClusterScripts.JOIN,
                List.of(
                    bytes(node.id()),
                    bytes(node.pid() + "\n" + node.version() + "\n" + node.host()),
                    bytes(Integer.toString(FORMAT))));
    if ((Long) r.get(0) == 0) {
      Object stored = r.get(1);
      throw new IllegalStateException(
          "The cluster keys of "
              + tasksKey
              + " have format "
              + (stored instanceof byte[] b ? string(b) : String.valueOf(stored))
              + ", written by a newer version of Asyncz; this version reads format "
              + FORMAT
              + " and below. Upgrade this node to the cluster's version before it joins.");
    }
    joinedAs = node.id();
    joined = node;
  }

  void leave(String nodeId) {
    eval(RedisClusterScripts.LEAVE, List.of(bytes(nodeId)));
    joinedAs = null;
    stopListening();
  }

  Instant heartbeat(String nodeId, int inFlight) {
    List<?> r =
        (List<?>)
            eval(
                RedisClusterScripts.HEARTBEAT,
                List.of(bytes(nodeId), bytes(Integer.toString(inFlight))));
    Instant now = instant((Long) r.get(1));
    if ((Long) r.get(0) == 0) {
      // Taken for dead by another node while it could not heartbeat (a long pause): back in.
      store
          .logger()
          .warn(
              "Node {} had been taken for stale in {}; its runs in flight were resolved by another"
                  + " node. It joins again",
              nodeId,
              tasksKey);
      Node node = joined;
      join(
          node != null && node.id().equals(nodeId)
              ? node
              : new Node(nodeId, "unknown", -1, now, "unknown"));
    }
    return now;
  }

  List<Claim> claimDue(String nodeId, Instant dueBy, int limit, ClusteredStore.Planner planner) {
    settle();
    String claimToken = nodeId + "@" + token + "." + claimCount.incrementAndGet();
    List<?> leased =
        (List<?>)
            eval(
                RedisClusterScripts.CLAIM,
                List.of(
                    RedisScripts.score(dueBy),
                    bytes(Integer.toString(limit)),
                    bytes(claimToken),
                    bytes(Long.toString(Math.max(1, lease.toNanos() / 1000))),
                    bytes(Long.toString(records.readLimit()))));
    List<Unreadable> unreadable = new ArrayList<>();
    List<Claim> planned = new ArrayList<>(); // per entry of the commit; null when not planned
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(nodeId));
    args.add(bytes(claimToken));
    List<byte[]> settleArgs = new ArrayList<>();
    settleArgs.add(bytes(nodeId));
    settleArgs.add(bytes(nodeId + UNCONFIRMED));
    settleArgs.add(bytes(claimToken));
    try {
      for (int i = 0; i + 2 < leased.size(); i += 3) {
        String id = string((byte[]) leased.get(i));
        Object value = leased.get(i + 1);
        int running = ((Long) leased.get(i + 2)).intValue();
        if (value instanceof Long length) {
          unreadable.add(new Unreadable(id, null, records.tooLarge(id, length)));
          continue;
        }
        byte[] raw = (byte[]) value;
        Task task;
        try {
          task = records.read(id, raw, store.context());
        } catch (CorruptTaskRecordException e) {
          unreadable.add(new Unreadable(id, raw, e));
          planned.add(null);
          entry(args, settleArgs, id, "leave", null, List.of());
          continue;
        }
        Instant next = task.nextRunTimeOrNull();
        if (next == null || next.isAfter(dueBy)) {
          // A score shared with a task due by then, but due a hair later.
          planned.add(null);
          entry(args, settleArgs, id, "leave", null, List.of());
          continue;
        }
        Decision d = planner.plan(task, running);
        planned.add(new Claim(task, d));
        if (d.keep()) {
          entry(args, settleArgs, id, "leave", null, d.runTimes());
        } else if (d.next() == null) {
          entry(args, settleArgs, id, "delete", null, d.runTimes());
        } else {
          entry(args, settleArgs, id, "next", d.next(), d.runTimes());
        }
      }
      if (args.size() == 2) {
        return List.of();
      }
      List<?> done;
      try {
        done = (List<?>) eval(RedisClusterScripts.COMMIT, args);
      } catch (JedisException e) {
        // Committed, in part or not: the next call finds out from the keys, and resolves the runs
        // it may have recorded.
        synchronized (unsettled) {
          unsettled.add(new Unsettled(nodeId, claimToken, settleArgs));
        }
        throw e;
      }
      List<Claim> claims = new ArrayList<>(planned.size());
      for (int i = 0; i < done.size(); i++) {
        Claim claim = planned.get(i);
        if (claim != null && (Long) done.get(i) == 1) {
          claims.add(claim);
        }
      }
      return claims;
    } finally {
      if (!unreadable.isEmpty()) {
        quarantine.quarantine(unreadable);
      }
    }
  }

  private void entry(
      List<byte[]> args,
      List<byte[]> settleArgs,
      String id,
      String action,
      Task next,
      List<Instant> runTimes) {
    args.add(bytes(id));
    args.add(bytes(action));
    if (next == null) {
      args.add(new byte[0]);
      args.add(new byte[0]);
    } else {
      args.add(records.rewrite(next));
      Instant at = next.nextRunTimeOrNull();
      args.add(at == null ? new byte[0] : RedisScripts.score(at));
    }
    args.add(bytes(Integer.toString(runTimes.size())));
    settleArgs.add(bytes(id));
    settleArgs.add(bytes(Integer.toString(runTimes.size())));
    for (Instant t : runTimes) {
      args.add(bytes(t.toString()));
      settleArgs.add(bytes(t.toString()));
    }
  }

  /**
   * Settles the commits whose answer was lost: the runs of one that committed are moved to {@code
   * <node>#unconfirmed}, a node that never heartbeats, so that the take-over resolves them by the
   * cluster's policy (they were never handed to an executor); the leases of one that did not are
   * given up.
   */
  private void settle() {
    List<Unsettled> pending;
    synchronized (unsettled) {
      if (unsettled.isEmpty()) {
        return;
      }
      pending = new ArrayList<>(unsettled);
    }
    for (Unsettled u : pending) {
      long moved = (Long) eval(RedisClusterScripts.SETTLE, u.args());
      synchronized (unsettled) {
        unsettled.remove(u);
      }
      if (moved > 0) {
        store
            .logger()
            .warn(
                "A claim of node {} in {} committed but its answer was lost; its {} runs are"
                    + " resolved as a stale node's, under {}",
                u.nodeId(),
                tasksKey,
                moved,
                u.nodeId() + UNCONFIRMED);
      }
    }
  }

  void runsEnded(String nodeId, List<RunKey> ended) {
    for (int from = 0; from < ended.size(); from += BATCH) {
      List<RunKey> part = ended.subList(from, Math.min(ended.size(), from + BATCH));
      List<byte[]> args = new ArrayList<>(1 + 2 * part.size());
      args.add(bytes(nodeId));
      for (RunKey key : part) {
        args.add(bytes(key.taskId()));
        args.add(bytes(key.runTime().toString()));
      }
      eval(RedisClusterScripts.RUNS_ENDED, args);
    }
  }

  List<InFlight> takeOverStaleRuns(
      String nodeId, Duration staleAfter, ClusteredStore.RerunPolicy policy) {
    settle();
    List<?> found =
        (List<?>)
            eval(
                RedisClusterScripts.STALE,
                List.of(bytes(nodeId), bytes(Long.toString(staleAfter.toNanos() / 1000))));
    List<InFlight> candidates = new ArrayList<>();
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(nodeId));
    for (int i = 0; i + 1 < found.size(); i += 2) {
      byte[] field = (byte[]) found.get(i);
      byte[] value = (byte[]) found.get(i + 1);
      int first = indexOf(field, 0);
      int last = lastIndexOf(field);
      String owner = new String(field, 0, first, java.nio.charset.StandardCharsets.UTF_8);
      String id =
          new String(field, first + 1, last - first - 1, java.nio.charset.StandardCharsets.UTF_8);
      String runTime =
          new String(
              field, last + 1, field.length - last - 1, java.nio.charset.StandardCharsets.UTF_8);
      int z = indexOf(value, 0);
      byte[] state = java.util.Arrays.copyOfRange(value, z + 1, value.length);
      Task task;
      try {
        task = records.read(id, state, store.context());
      } catch (CorruptTaskRecordException e) {
        task = null;
      }
      boolean rerun = policy.rerun(task);
      candidates.add(new InFlight(id, Instant.parse(runTime), owner, task, rerun));
      args.add(bytes(owner));
      args.add(bytes(id));
      args.add(bytes(runTime));
      args.add(bytes(rerun ? "rerun" : "report"));
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<?> done = (List<?>) eval(RedisClusterScripts.RESOLVE, args);
    List<InFlight> taken = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      if ((Long) done.get(i) == 1) {
        taken.add(candidates.get(i));
      }
    }
    return taken;
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b) {
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  List<Member> members() {
    List<?> r = (List<?>) eval(RedisClusterScripts.MEMBERS, List.of());
    long now = (Long) r.get(0);
    List<Member> members = new ArrayList<>();
    for (int i = 1; i + 3 < r.size(); i += 4) {
      String id = string((byte[]) r.get(i));
      String[] info = string((byte[]) r.get(i + 1)).split("\n", 4);
      long lastSeen = (long) Double.parseDouble(string((byte[]) r.get(i + 2)));
      members.add(
          new Member(
              id,
              info.length > 3 ? info[3] : "unknown",
              info.length > 1 ? Long.parseLong(info[1]) : -1,
              instant(Long.parseLong(info[0])),
              instant(lastSeen),
              Duration.ofNanos(Math.max(0, now - lastSeen) * 1000),
              Integer.parseInt(string((byte[]) r.get(i + 3))),
              info.length > 2 ? info[2] : "unknown"));
    }
    members.sort(java.util.Comparator.comparing(Member::id));
    return members;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L);
  }

  // ------------------------------------------------------------------ pub/sub

  /** Tells the other nodes that tasks were added or changed, when this store is in a cluster. */
  void changed() {
    if (joinedAs == null) {
      return;
    }
    try {
      redis.publish(channel, "");
    } catch (JedisException e) {
      // The other nodes see the change at their next poll instead.
      store.logger().debug("Cannot announce the change of {}: {}", tasksKey, e.getMessage());
    }
  }

  /** Starts the thread that listens for other nodes' changes on a connection of its own. */
  synchronized void onChange(Runnable changed) {
    if (listener != null) {
      return;
    }
    CountDownLatch listening = new CountDownLatch(1);
    Thread t = new Thread(() -> listen(changed, listening), "asyncz-notices-" + store.alias());
    t.setDaemon(true);
    listener = t;
    t.start();
    try {
      // A notice sent before SUBSCRIBE is lost: the node's first claims wait until it listens.
      listening.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void stopListening() {
    Thread t = listener;
    listener = null;
    JedisPubSub s = subscription;
    if (s != null && s.isSubscribed()) {
      try {
        s.unsubscribe();
      } catch (JedisException e) {
        // Its connection is gone: the thread stops on its own.
      }
    }
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Subscribes until stopped; a lost connection is opened again after a second, and the node then
   * looks at the store once, for the notices it may have missed meanwhile.
   */
  private void listen(Runnable changed, CountDownLatch listening) {
    Thread self = Thread.currentThread();
    Object pause = new Object();
    while (listener == self) {
      JedisPubSub s =
          new JedisPubSub() {
            @Override
            public void onSubscribe(String name, int count) {
              listening.countDown();
              changed.run();
            }

            @Override
            public void onMessage(String name, String message) {
              changed.run();
            }
          };
      subscription = s;
      try {
        redis.subscribe(s, channel);
      } catch (JedisException | IllegalStateException e) {
        if (listener != self) {
          return;
        }
        store
            .logger()
            .warn(
                "Listening for changes to {} failed; polling meanwhile: {}",
                tasksKey,
                e.toString());
        synchronized (pause) {
          try {
            pause.wait(1000);
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    }
  }
}
