package io.asyncz.scheduler;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.executor.ExecutorContext;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.TaskOperations;
import io.asyncz.task.TaskRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scheduler's executors and stores (the seed's plugins): adding, removing and looking them up,
 * the threads of the stores that may block, and what executors and stores see of the scheduler, the
 * instance counts of {@code max_instances} among it.
 *
 * <p>The maps are copied on change and read without a lock, so that the loop never needs the
 * scheduler's lock to find an executor or a store.
 */
final class Plugins {
  private final Scheduler scheduler;
  private final ConcurrentHashMap<String, Integer> instances = new ConcurrentHashMap<>();
  private volatile Map<String, TaskExecutor> executors;
  private volatile Map<String, StoreSlot> slots;

  /** What executors and stores see of the scheduler. */
  final Contexts contexts = new Contexts();

  Plugins(Scheduler scheduler, SchedulerSettings settings) {
    this.scheduler = scheduler;
    setExecutors(Collections.unmodifiableMap(new LinkedHashMap<>(settings.executors())));
    Map<String, StoreSlot> initial = new LinkedHashMap<>();
    settings.stores().forEach((alias, store) -> initial.put(alias, slotOf(alias, store)));
    setSlots(Collections.unmodifiableMap(initial));
  }

  // ------------------------------------------------------------------ reading

  Map<String, TaskExecutor> executors() {
    return executors;
  }

  Map<String, StoreSlot> slots() {
    return slots;
  }

  // Nearly every task names the default executor and store: those two are found without a map
  // lookup. Each is written with the map it comes from.
  private volatile TaskExecutor defaultExecutor;
  private volatile StoreSlot defaultSlot;

  private void setExecutors(Map<String, TaskExecutor> map) {
    executors = map;
    defaultExecutor = map.get(Scheduler.DEFAULT);
  }

  private void setSlots(Map<String, StoreSlot> map) {
    slots = map;
    defaultSlot = map.get(Scheduler.DEFAULT);
  }

  /** The executor of an alias, or {@code null}. */
  TaskExecutor executor(String alias) {
    if (Scheduler.DEFAULT.equals(alias)) {
      TaskExecutor executor = defaultExecutor;
      if (executor != null) {
        return executor;
      }
    }
    return executors.get(alias);
  }

  /** The store of an alias as the scheduler holds it, or {@code null}. */
  StoreSlot slot(String alias) {
    if (Scheduler.DEFAULT.equals(alias)) {
      StoreSlot slot = defaultSlot;
      if (slot != null) {
        return slot;
      }
    }
    return slots.get(alias);
  }

  /** The executor aliases, sorted. */
  Set<String> executorAliases() {
    return new TreeSet<>(executors.keySet());
  }

  TaskExecutor lookupExecutor(String alias) {
    TaskExecutor executor = executor(alias);
    if (executor == null) {
      Map<String, TaskExecutor> current = executors;
      throw new InvalidInputException(
          "executor",
          alias,
          "is not an executor of this scheduler; expected one of " + current.keySet());
    }
    return executor;
  }

  /** The store as the scheduler holds it (behind the {@code lock_path} lock, if configured). */
  StoreSlot slotFor(String alias) {
    StoreSlot slot = slot(alias);
    if (slot == null) {
      Map<String, StoreSlot> current = slots;
      throw new InvalidInputException(
          "store", alias, "is not a store of this scheduler; expected one of " + current.keySet());
    }
    return slot;
  }

  int runningInstances(String taskId) {
    return instances.getOrDefault(taskId, 0);
  }

  // ------------------------------------------------------------------ changing

  void addExecutor(String alias, TaskExecutor executor) {
    Objects.requireNonNull(executor, "executor");
    Identifiers.checkAlias("executor alias", alias);
    scheduler.schedulerLock().lock();
    try {
      if (executors.containsKey(alias)) {
        throw new InvalidInputException(
            "executor alias",
            alias,
            "is taken; this scheduler already has an executor by that alias");
      }
      if (scheduler.state() != SchedulerState.STOPPED) {
        executor.start(contexts, alias);
      }
      putExecutor(alias, executor);
    } finally {
      scheduler.schedulerLock().unlock();
    }
    scheduler.events().dispatch(new SchedulerEvent.Lifecycle(Events.EXECUTOR_ADDED, alias));
  }

  /** Adds an executor while the scheduler's lock is held (at start, for the default). */
  void putExecutor(String alias, TaskExecutor executor) {
    Map<String, TaskExecutor> copy = new LinkedHashMap<>(executors);
    copy.put(alias, executor);
    setExecutors(Collections.unmodifiableMap(copy));
  }

  void removeExecutor(String alias, boolean shutdown) {
    TaskExecutor executor;
    scheduler.schedulerLock().lock();
    try {
      executor = lookupExecutor(alias);
      Map<String, TaskExecutor> copy = new LinkedHashMap<>(executors);
      copy.remove(alias);
      setExecutors(Collections.unmodifiableMap(copy));
    } finally {
      scheduler.schedulerLock().unlock();
    }
    if (shutdown) {
      executor.shutdown(true);
    }
    scheduler.events().dispatch(new SchedulerEvent.Lifecycle(Events.EXECUTOR_REMOVED, alias));
  }

  void addStore(String alias, TaskStore store) {
    Objects.requireNonNull(store, "store");
    Identifiers.checkAlias("store alias", alias);
    StoreSlot slot = slotOf(alias, store);
    scheduler.schedulerLock().lock();
    try {
      if (slots.containsKey(alias)) {
        throw new InvalidInputException(
            "store alias", alias, "is taken; this scheduler already has a store by that alias");
      }
      if (scheduler.state() != SchedulerState.STOPPED) {
        slot.store.start(contexts, alias);
        if (scheduler.recorder() != null) {
          scheduler.recorder().open(slot);
        }
        if (scheduler.usesStoreLanes()) {
          openLane(slot);
        }
      }
      putSlot(slot);
    } finally {
      scheduler.schedulerLock().unlock();
    }
    scheduler.events().dispatch(new SchedulerEvent.Lifecycle(Events.STORE_ADDED, alias));
    if (scheduler.state() == SchedulerState.RUNNING) {
      scheduler.wakeup();
    }
  }

  /** Adds a store while the scheduler's lock is held (at start, for the default). */
  void putSlot(StoreSlot slot) {
    Map<String, StoreSlot> copy = new LinkedHashMap<>(slots);
    copy.put(slot.alias, slot);
    setSlots(Collections.unmodifiableMap(copy));
  }

  void removeStore(String alias, boolean shutdown) {
    StoreSlot slot;
    scheduler.schedulerLock().lock();
    try {
      slot = slotFor(alias); // fails naming the aliases there are
      Map<String, StoreSlot> copy = new LinkedHashMap<>(slots);
      copy.remove(alias);
      setSlots(Collections.unmodifiableMap(copy));
    } finally {
      scheduler.schedulerLock().unlock();
    }
    closeLane(slot);
    if (scheduler.recorder() != null) {
      scheduler.recorder().close(alias, shutdown ? RunRecorder.CLOSE_LIMIT : Duration.ZERO);
    }
    if (shutdown) {
      slot.store.shutdown();
    }
    scheduler.events().dispatch(new SchedulerEvent.Lifecycle(Events.STORE_REMOVED, alias));
  }

  /** A store as the loop holds it: behind the {@code lock_path} lock when one is configured. */
  StoreSlot slotOf(String alias, TaskStore store) {
    Objects.requireNonNull(store, "store");
    if (scheduler.cluster() != null && store instanceof ClusteredStore clustered) {
      // The database's own claims replace the lock_path file lock, which covers one host only.
      return new StoreSlot(
          alias, store, new ClusterCoordinator(scheduler, alias, clustered, scheduler.cluster()));
    }
    String lockPath = scheduler.lockPath();
    if (lockPath == null || store instanceof MemoryStore) {
      return new StoreSlot(alias, store); // a memory store is never shared between processes
    }
    return new StoreSlot(
        alias, new LockedStore(store, Path.of(lockPath.replace("{store}", alias))));
  }

  // ------------------------------------------------------------------ store threads

  /** Gives a store that may block a thread of its own (every store but the memory store). */
  void openLane(StoreSlot slot) {
    if (slot.lane == null && !(slot.userStore() instanceof MemoryStore)) {
      slot.lane =
          new StoreLane(
              slot.alias,
              () -> scheduler.taskLoop().processStore(slot, scheduler.clock().instant()),
              scheduler::wakeup);
    }
  }

  static void closeLane(StoreSlot slot) {
    StoreLane lane = slot.lane;
    if (lane != null) {
      slot.lane = null;
      lane.stop();
    }
  }

  // ------------------------------------------------------------------ what plugins see

  /** What executors and stores see of the scheduler. */
  final class Contexts implements ExecutorContext, StoreContext {
    @Override
    public Clock clock() {
      return scheduler.clock();
    }

    @Override
    public ZoneId timezone() {
      return scheduler.timezone();
    }

    @Override
    public TaskRegistry registry() {
      return scheduler.registry();
    }

    @Override
    public TaskOperations operations() {
      return scheduler;
    }

    @Override
    public void dispatch(io.asyncz.event.SchedulerEvent event) {
      scheduler.events().dispatch(event);
    }

    @Override
    public boolean listening(int code) {
      return scheduler.events().listening(code);
    }

    @Override
    public boolean tryAcquireInstance(String taskId, int maxInstances) {
      if (maxInstances >= 1 && instances.putIfAbsent(taskId, 1) == null) {
        return true; // the usual case, a task with no run going: no lambda, no capture
      }
      boolean[] taken = new boolean[1];
      instances.compute(
          taskId,
          (id, running) -> {
            int n = running == null ? 0 : running;
            if (n >= maxInstances) {
              return running;
            }
            taken[0] = true;
            return n + 1;
          });
      return taken[0];
    }

    @Override
    public io.asyncz.run.RunObserver runObserver() {
      return scheduler.runObserver();
    }

    @Override
    public String schedulerIdentity() {
      return scheduler.identity();
    }

    @Override
    public io.asyncz.event.SchedulerEvent runEnded(
        io.asyncz.task.Task task, Instant runTime, int attempt, Throwable error) {
      return scheduler.retries().runEnded(task, runTime, attempt, error);
    }

    @Override
    public Runnable watchDeadline(Instant deadline, Runnable onExpiry) {
      return scheduler.watchDeadline(deadline, onExpiry);
    }

    @Override
    public boolean stillWanted(String taskId, Instant runTime) {
      return scheduler.taskLoop().stillWanted(taskId, runTime);
    }

    @Override
    public void releaseInstance(String taskId) {
      if (!instances.remove(taskId, 1)) {
        instances.computeIfPresent(taskId, (id, running) -> running > 1 ? running - 1 : null);
      }
      scheduler.taskLoop().instanceReleased(taskId);
    }
  }
}
