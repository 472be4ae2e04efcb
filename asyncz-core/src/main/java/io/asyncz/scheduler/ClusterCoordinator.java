package io.asyncz.scheduler;

import io.asyncz.MaxInstancesException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.ClusteredStore.Claim;
import io.asyncz.store.ClusteredStore.Decision;
import io.asyncz.store.ClusteredStore.InFlight;
import io.asyncz.store.ClusteredStore.RunKey;
import io.asyncz.task.PendingRetry;
import io.asyncz.task.Task;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The loop's work on one store in cluster mode, in place of {@link TaskLoop}'s batches: due tasks
 * are claimed through {@link ClusteredStore#claimDue}, which commits their new next run times and
 * the records of their runs in flight before any run is handed to an executor; the end of each run
 * deletes its record; a heartbeat measures this node's clock offset from the store's, which judges
 * what is due, and resolves the runs in flight of stale nodes.
 */
final class ClusterCoordinator {
  /** How soon a store whose due tasks are held by other nodes is looked at again. */
  static final Duration CONTENDED_RETRY = Duration.ofMillis(20);

  private static final int MAX_BATCHES_PER_ROUND = 100_000;
  private static final int ENDED_BATCH = 512;

  private final Scheduler scheduler;
  private final Logger logger;
  private final String alias;
  private final ClusteredStore cluster;
  private final ClusterSettings settings;
  private final String nodeId;

  /** The runs this node handed to executors whose end is not recorded yet. */
  private final Set<RunKey> inFlight = ConcurrentHashMap.newKeySet();

  private final ConcurrentLinkedQueue<RunKey> ended = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushing = new AtomicBoolean();

  /** The store's clock minus this node's, as last measured; "due" is judged on the store's. */
  private volatile Duration offset = Duration.ZERO;

  // The smallest offset the round trip allows, for judging what is due: the store read its clock
  // somewhere in the round trip, so at the round trip's end its time is at least the time it gave.
  // Claiming on the middle's estimate let a node whose clock is ahead start a run up to half a
  // round trip early (CI saw 80 µs on Redis).
  private volatile Duration dueOffset = Duration.ZERO;

  private volatile boolean joined;

  /**
   * The thread that heartbeats, on its own so that a long round (a drain, a slow store call) never
   * makes a live node look dead; it stops once the scheduler stops.
   */
  private volatile ScheduledExecutorService heartbeats;

  ClusterCoordinator(
      Scheduler scheduler, String alias, ClusteredStore cluster, ClusterSettings settings) {
    this.scheduler = scheduler;
    this.logger = scheduler.logger;
    this.alias = alias;
    this.cluster = cluster;
    this.settings = settings;
    // A restarted process is a new node: the runs in flight of its previous life are resolved as
    // a dead node's, never taken for its own.
    this.nodeId = scheduler.identity() + "#" + randomHex(8);
    scheduler
        .events()
        .add(this::runEnded, Events.TASK_EXECUTED | Events.TASK_ERROR | Events.TASK_MISSED);
  }

  /** This node's id in the cluster: the scheduler's identity and a suffix of this process. */
  String nodeId() {
    return nodeId;
  }

  /** The store's clock minus this node's, as last measured. */
  Duration offset() {
    return offset;
  }

  /**
   * This process's instances, followed by the other nodes of the scheduler's first clustered store,
   * from their heartbeat records; a store that cannot list them leaves the list as it is.
   */
  static List<SchedulerInstanceInfo> withMembers(
      Scheduler scheduler, List<SchedulerInstanceInfo> local) {
    for (StoreSlot slot : scheduler.plugins().slots().values()) {
      ClusterCoordinator c = slot.cluster;
      if (c == null || !c.joined) {
        continue;
      }
      List<ClusteredStore.Member> members;
      try {
        members = c.cluster.members();
      } catch (RuntimeException e) {
        c.logger.warn("Cannot list the nodes of clustered store '{}'", slot.alias, e);
        return local;
      }
      Duration staleAfter = scheduler.heartbeatStaleAfter();
      List<SchedulerInstanceInfo> all = new ArrayList<>(local);
      for (ClusteredStore.Member m : members) {
        if (m.id().equals(c.nodeId)) {
          continue; // this process, listed already
        }
        boolean stale = m.heartbeatAge().compareTo(staleAfter) > 0;
        all.add(
            new SchedulerInstanceInfo(
                m.id(),
                SchedulerInstanceInfo.CLUSTER,
                stale ? SchedulerState.STOPPED : SchedulerState.RUNNING,
                !stale,
                stale,
                m.startedAt(),
                m.lastSeen(),
                Duration.between(m.startedAt(), m.lastSeen()),
                m.heartbeatAge(),
                staleAfter,
                scheduler.timezone(),
                List.of(),
                List.of(slot.alias),
                0,
                0,
                0,
                0,
                m.runsInFlight()));
      }
      return all;
    }
    return local;
  }

  /**
   * One round on the store: heartbeat when due, then claims and hands over every due run. Never
   * throws.
   *
   * @return the store's next wake-up
   */
  Instant round(StoreSlot slot, Instant now, List<SchedulerEvent> events) {
    TaskLoop loop = scheduler.taskLoop();
    slot.lock.lock();
    try {
      if (slot.retryAt != null && now.isBefore(slot.retryAt)) {
        return slot.retryAt;
      }
      slot.retryAt = null;
      if (scheduler.state() != SchedulerState.RUNNING
          || scheduler.plugins().slot(slot.alias) != slot) {
        return null;
      }
      if (!joined) {
        cluster.joinCluster(
            new ClusteredStore.Node(nodeId, host(), ProcessHandle.current().pid(), now, version()));
        heartbeat(events); // the clock offset, before the first claim
        cluster.onChange(
            () -> {
              slot.changed();
              scheduler.wakeup();
            });
        joined = true;
        ScheduledExecutorService old = heartbeats;
        if (old != null) {
          old.shutdown(); // of a previous start
        }
        startHeartbeats();
      }
      flushEnded();
      for (int b = 0; b < MAX_BATCHES_PER_ROUND; b++) {
        Instant clockNow = b == 0 ? now : scheduler.clock().instant();
        int claimed = claimBatch(slot, clockNow.plus(dueOffset), events);
        if (claimed < TaskLoop.BATCH_SIZE) {
          break;
        }
        // Events go out between batches, so that listeners see a long drain as it goes.
        scheduler.events().dispatchAll(events);
        events.clear();
      }
      Instant next = slot.store.nextRunTime().orElse(null);
      Instant local = next == null ? null : next.minus(dueOffset);
      if (local != null && !local.isAfter(now)) {
        // Still due after a round: held by another node's claim, or a task this node could not
        // quarantine; looked at again shortly, never in a busy loop.
        local = now.plus(CONTENDED_RETRY);
      }
      if (slot.failing) {
        slot.failing = false;
        logger.info("Store '{}' works again", slot.alias);
      }
      return Scheduler.earliest(local, now.plus(settings.pollInterval()));
    } catch (RuntimeException e) {
      return loop.storeFailed(
          slot, now, "Error processing the due tasks of clustered store '{}'", e, events);
    } finally {
      slot.lock.unlock();
    }
  }

  /** What one claimed task gets, decided inside the claim's transaction. */
  private static final class Plan {
    RunPlan runPlan;
    String quarantineReason;
    String quarantineDetail;
    boolean maxed;
    int attempt = 1; // a pending retry handed out: its attempt
    boolean last; // the task's last run goes out: it comes back if the run fails and retries
  }

  private int claimBatch(StoreSlot slot, Instant dueBy, List<SchedulerEvent> events) {
    Map<String, Plan> plans = new HashMap<>();
    List<Claim> claims =
        cluster.claimDue(
            nodeId,
            dueBy,
            TaskLoop.BATCH_SIZE,
            (task, running) -> plan(task, running, dueBy, plans));
    for (Claim claim : claims) {
      Task task = claim.task();
      Plan plan = plans.get(task.id());
      if (plan == null) {
        continue;
      }
      if (plan.quarantineReason != null) {
        scheduler
            .taskLoop()
            .quarantine(slot, task, plan.quarantineReason, plan.quarantineDetail, events);
        continue;
      }
      if (plan.runPlan != null) {
        reportMissed(task, plan.runPlan, events);
      }
      Decision decision = claim.decision();
      if (plan.last) {
        scheduler.retries().lastRunHandedOut(task);
      }
      if (plan.attempt > 1) {
        if (!decision.runTimes().isEmpty()) {
          submitRetry(task, decision.runTimes().get(0), plan.attempt, events);
        }
      } else if (plan.maxed) {
        logger.warn(
            "Execution of task '{}' skipped: maximum number of running instances reached ({}) in"
                + " the cluster",
            task.name(),
            task.maxInstances());
        events.add(submission(Events.TASK_MAX_INSTANCES, task, plan.runPlan));
      } else if (!decision.runTimes().isEmpty()) {
        submit(task, decision.runTimes(), plan.runPlan.coalescedRunCount(), events);
      }
      if (decision.next() == null && scheduler.listening(Events.TASK_REMOVED)) {
        events.add(new TaskEvent(Events.TASK_REMOVED, task.id(), alias));
      }
    }
    return claims.size();
  }

  private Decision plan(Task task, int running, Instant dueBy, Map<String, Plan> plans) {
    Plan plan = new Plan();
    plans.put(task.id(), plan);
    TaskExecutor executor = scheduler.plugins().executor(task.executor());
    if (executor == null) {
      plan.quarantineReason = "UNKNOWN_EXECUTOR";
      plan.quarantineDetail =
          "its executor '"
              + task.executor()
              + "' is not an executor of this scheduler (it has "
              + scheduler.plugins().executorAliases()
              + "); restore the task once the executor is added";
      return Decision.leave();
    }
    PendingRetry retry = task.pendingRetry().orElse(null);
    if (retry != null && !retry.dueAt().isAfter(dueBy)) {
      // A retry that is due: the failed run time again, as the attempt that comes next.
      plan.attempt = retry.attempt();
      Task after = task.retryHandedOut();
      plan.last = after.nextRunTimeOrNull() == null;
      return new Decision(plan.last ? null : after, List.of(retry.runTime()), false);
    }
    RunPlan runPlan;
    try {
      runPlan =
          RunPlan.of(
              task,
              scheduler.timezone(),
              dueBy,
              true,
              scheduler.listening(Events.TASK_MISSED),
              RunPlan.LIMIT);
    } catch (RuntimeException | StackOverflowError e) {
      plan.quarantineReason = "TRIGGER_ERROR";
      plan.quarantineDetail = "its trigger failed when stepped: " + e;
      return Decision.leave();
    }
    plan.runPlan = runPlan;
    Instant next = runPlan.next();
    List<Instant> runTimes = runPlan.runTimes();
    boolean heldForRetry = retry != null && retry.keepsSlot(task);
    if (!runTimes.isEmpty() && (running >= task.maxInstances() || heldForRetry)) {
      plan.maxed = true;
      runTimes = List.of();
      if (runPlan.more()) {
        next = pastEveryDueRun(task, next, dueBy);
      }
    }
    plan.last = next == null && retry == null && !runTimes.isEmpty();
    // A pending retry keeps the task, waking for it, even when its trigger is done.
    return new Decision(
        next == null && retry == null ? null : task.advancedTo(next), runTimes, false);
  }

  /** The next run time after every due one: a refused backlog is dropped as a whole. */
  private Instant pastEveryDueRun(Task task, Instant next, Instant now) {
    try {
      Instant last = task.trigger().lastFireTimeUpTo(scheduler.timezone(), next, now).orElse(next);
      return task.trigger().nextFireTime(scheduler.timezone(), last, now).orElse(null);
    } catch (RuntimeException e) {
      return next;
    }
  }

  private void reportMissed(Task task, RunPlan plan, List<SchedulerEvent> events) {
    if (plan.missed().isEmpty() && plan.skipped() == 0) {
      return;
    }
    logger.warn(
        "Run times of task '{}' were missed by more than its grace time ({} reported, {} skipped)",
        task.name(),
        plan.missed().size(),
        plan.skipped() < 0 ? "very many" : plan.skipped());
    for (Instant t : plan.missed()) {
      events.add(new TaskExecutionEvent(Events.TASK_MISSED, task.id(), alias, t, null, null, null));
    }
  }

  /** Hands a claimed retry to the task's executor as attempt {@code attempt}. */
  private void submitRetry(Task task, Instant runTime, int attempt, List<SchedulerEvent> events) {
    List<RunKey> keys = List.of(new RunKey(task.id(), runTime));
    inFlight.addAll(keys);
    TaskExecutor executor = scheduler.plugins().executor(task.executor());
    try {
      if (executor == null) {
        throw new IllegalStateException("executor '" + task.executor() + "' was removed");
      }
      executor.submitRetry(task, runTime, attempt);
      if (scheduler.listening(Events.TASK_SUBMITTED)) {
        events.add(
            new TaskSubmissionEvent(
                Events.TASK_SUBMITTED,
                task.id(),
                alias,
                List.of(runTime),
                TaskSubmissionEvent.Source.SCHEDULED,
                0,
                null));
      }
    } catch (MaxInstancesException e) {
      endAll(keys);
      scheduler.retries().forget(task.id());
      logger.warn(
          "Attempt {} of task '{}' skipped: maximum number of running instances reached ({})",
          attempt,
          task.name(),
          task.maxInstances());
    } catch (RuntimeException e) {
      inFlight.removeAll(keys);
      logger.error(
          "Error submitting attempt {} of task '{}'; its run at {} stays in flight for the"
              + " cluster to resolve",
          attempt,
          task.name(),
          runTime,
          e);
    }
  }

  /** Hands the claimed runs of {@code task} to its executor; a refused hand-over ends them. */
  private void submit(
      Task task, List<Instant> runTimes, long coalesced, List<SchedulerEvent> events) {
    List<RunKey> keys = new ArrayList<>(runTimes.size());
    for (Instant t : runTimes) {
      keys.add(new RunKey(task.id(), t));
    }
    inFlight.addAll(keys); // before the run starts, which may end before submit returns
    TaskExecutor executor = scheduler.plugins().executor(task.executor());
    try {
      if (executor == null) {
        throw new IllegalStateException("executor '" + task.executor() + "' was removed");
      }
      executor.submit(task, runTimes);
      if (scheduler.listening(Events.TASK_SUBMITTED)) {
        events.add(
            new TaskSubmissionEvent(
                Events.TASK_SUBMITTED,
                task.id(),
                alias,
                runTimes,
                TaskSubmissionEvent.Source.SCHEDULED,
                coalesced,
                null));
      }
    } catch (MaxInstancesException e) {
      endAll(keys);
      logger.warn(
          "Execution of task '{}' skipped: maximum number of running instances reached ({})",
          task.name(),
          task.maxInstances());
      events.add(
          new TaskSubmissionEvent(
              Events.TASK_MAX_INSTANCES,
              task.id(),
              alias,
              runTimes,
              TaskSubmissionEvent.Source.SCHEDULED,
              coalesced,
              null));
    } catch (RuntimeException e) {
      // Claimed but not run (the executor shuts down or refuses): the records stay, so that a live
      // node resolves the runs by the task's policy once this node leaves or goes stale.
      inFlight.removeAll(keys);
      logger.error(
          "Error submitting task '{}' to executor '{}'; its runs at {} stay in flight for the"
              + " cluster to resolve",
          task.name(),
          task.executor(),
          runTimes,
          e);
    }
  }

  private SchedulerEvent submission(int code, Task task, RunPlan plan) {
    return new TaskSubmissionEvent(
        code,
        task.id(),
        alias,
        plan.runTimes(),
        TaskSubmissionEvent.Source.SCHEDULED,
        plan.coalescedRunCount(),
        null);
  }

  private void endAll(List<RunKey> keys) {
    for (RunKey key : keys) {
      if (inFlight.remove(key)) {
        ended.add(key);
      }
    }
    flushEnded();
  }

  /** A run of this store ended on this node: its record goes, soon and in batches. */
  private void runEnded(SchedulerEvent event) {
    if (event instanceof TaskExecutionEvent e
        && alias.equals(e.store())
        && e.scheduledRunTime() != null
        && inFlight.remove(new RunKey(e.taskId(), e.scheduledRunTime()))) {
      ended.add(new RunKey(e.taskId(), e.scheduledRunTime()));
      flushEnded();
    }
  }

  /**
   * Deletes the records of ended runs: the thread that finds no flush going does it for every run
   * ended meanwhile (a group commit); a failure leaves them for the next round.
   */
  private void flushEnded() {
    while (!ended.isEmpty() && flushing.compareAndSet(false, true)) {
      List<RunKey> batch = new ArrayList<>();
      try {
        RunKey key;
        while (batch.size() < ENDED_BATCH && (key = ended.poll()) != null) {
          batch.add(key);
        }
        if (!batch.isEmpty()) {
          cluster.runsEnded(nodeId, batch);
        }
      } catch (RuntimeException e) {
        ended.addAll(batch);
        logger.warn(
            "Store '{}' did not take the end of {} runs; retried in its next round",
            alias,
            batch.size(),
            e);
        return;
      } finally {
        flushing.set(false);
      }
    }
  }

  private void startHeartbeats() {
    ScheduledExecutorService thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "asyncz-cluster-" + alias);
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(1, settings.heartbeatInterval().toMillis());
    thread.scheduleWithFixedDelay(this::beat, millis, millis, TimeUnit.MILLISECONDS);
    heartbeats = thread;
  }

  /** One tick of the heartbeat thread. */
  private void beat() {
    if (scheduler.state() == SchedulerState.STOPPED || scheduler.plugins().slot(alias) == null) {
      // Stopped or removed: the store left the cluster; a restart joins again.
      joined = false;
      ScheduledExecutorService thread = heartbeats;
      if (thread != null) {
        thread.shutdown();
      }
      return;
    }
    List<SchedulerEvent> events = new ArrayList<>();
    try {
      heartbeat(events);
      flushEnded();
    } catch (RuntimeException e) {
      logger.warn(
          "Heartbeat of node '{}' into store '{}' failed; tried again in {}",
          nodeId,
          alias,
          settings.heartbeatInterval(),
          e);
    } finally {
      scheduler.events().dispatchAll(events);
    }
  }

  private void heartbeat(List<SchedulerEvent> events) {
    Instant before = scheduler.clock().instant();
    Instant storeTime = cluster.heartbeat(nodeId, inFlight.size());
    Instant after = scheduler.clock().instant();
    Instant middle = before.plus(Duration.between(before, after).dividedBy(2));
    offset = Duration.between(middle, storeTime);
    dueOffset = Duration.between(after, storeTime);
    List<InFlight> taken =
        cluster.takeOverStaleRuns(
            nodeId,
            scheduler.heartbeatStaleAfter(),
            task ->
                task != null
                    && task.onNodeFailure().orElse(settings.onNodeFailure())
                        == ClusterSettings.NodeFailurePolicy.RERUN
                    && scheduler.plugins().executor(task.executor()) != null);
    for (InFlight run : taken) {
      if (run.rerun()) {
        logger.warn(
            "Run of task '{}' at {} was in flight on node '{}', whose heartbeat went stale; running"
                + " it again (on_node_failure rerun)",
            run.taskId(),
            run.runTime(),
            run.nodeId());
        submit(run.task(), List.of(run.runTime()), 0, events);
      } else {
        logger.warn(
            "Run of task '{}' at {} was in flight on node '{}', whose heartbeat went stale;"
                + " recorded as interrupted (on_node_failure report)",
            run.taskId(),
            run.runTime(),
            run.nodeId());
        if (scheduler.listening(Events.TASK_INTERRUPTED)) {
          events.add(
              new TaskExecutionEvent(
                  Events.TASK_INTERRUPTED, run.taskId(), alias, run.runTime(), null, null, null));
        }
      }
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | SecurityException e) {
      return "unknown";
    }
  }

  private static String version() {
    String v = Scheduler.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static String randomHex(int digits) {
    StringBuilder hex = new StringBuilder(digits);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < digits; i++) {
      hex.append(Character.forDigit(random.nextInt(16), 16));
    }
    return hex.toString();
  }
}
