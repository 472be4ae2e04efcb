package io.asyncz.testkit;

import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A store that fails on command, for tests of what a scheduler does on an operator's bad day: it
 * wraps a working store and, per operation, passes the call on, throws, or hangs until it is healed
 * (a server that stopped answering). Every call is counted.
 *
 * <pre>{@code
 * FaultyStore store = FaultyStore.wrap(new MemoryStore());
 * store.fail(FaultyStore.WRITES);   // a read-only replica: reads work, every write throws
 * store.hang(FaultyStore.ALL);      // a database that stopped answering
 * store.heal();                     // everything passes again; hung calls go on
 * }</pre>
 */
public final class FaultyStore implements TaskStore {
  /** The store operations a fault can be set for. */
  public enum Operation {
    /** {@link TaskStore#start}. */
    START,
    /** {@link TaskStore#shutdown}. */
    SHUTDOWN,
    /** {@link TaskStore#lookupTask}. */
    LOOKUP,
    /** Both {@link TaskStore#dueTasks} forms. */
    DUE,
    /** {@link TaskStore#nextRunTime}. */
    NEXT_RUN_TIME,
    /** {@link TaskStore#allTasks}. */
    ALL,
    /** {@link TaskStore#addTask} and {@link TaskStore#addTasks}. */
    ADD,
    /** {@link TaskStore#updateTask}. */
    UPDATE,
    /** {@link TaskStore#deleteTask}. */
    DELETE,
    /** {@link TaskStore#removeAllTasks}. */
    REMOVE_ALL,
    /** {@link TaskStore#advanceTasks}. */
    ADVANCE,
    /** {@link TaskStore#quarantineTask} and the other quarantine operations. */
    QUARANTINE
  }

  /** The operations that read. */
  public static final Set<Operation> READS =
      Set.copyOf(
          EnumSet.of(Operation.LOOKUP, Operation.DUE, Operation.NEXT_RUN_TIME, Operation.ALL));

  /** The operations that write. */
  public static final Set<Operation> WRITES =
      Set.copyOf(
          EnumSet.of(
              Operation.ADD,
              Operation.UPDATE,
              Operation.DELETE,
              Operation.REMOVE_ALL,
              Operation.ADVANCE,
              Operation.QUARANTINE));

  /** Every operation. */
  public static final Set<Operation> ALL = Set.copyOf(EnumSet.allOf(Operation.class));

  /** What {@link #fail} makes an operation throw. */
  public static final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault(Operation operation) {
      super("injected fault: the store refuses " + operation);
    }
  }

  private enum Mode {
    FAIL,
    HANG
  }

  private final TaskStore delegate;
  private final Map<Operation, Mode> faults = new EnumMap<>(Operation.class);
  private final Map<Operation, AtomicInteger> calls = new EnumMap<>(Operation.class);
  private final AtomicInteger hung = new AtomicInteger();
  private volatile CountDownLatch release = new CountDownLatch(1);

  private FaultyStore(TaskStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    for (Operation o : Operation.values()) {
      calls.put(o, new AtomicInteger());
    }
  }

  /** A store that passes every call to {@code store} until told otherwise. */
  public static FaultyStore wrap(TaskStore store) {
    return new FaultyStore(store);
  }

  /** The wrapped store. */
  public TaskStore delegate() {
    return delegate;
  }

  /** Makes these operations throw {@link InjectedFault}, until {@link #heal()}. */
  public synchronized FaultyStore fail(Set<Operation> operations) {
    operations.forEach(o -> faults.put(o, Mode.FAIL));
    return this;
  }

  /** Makes these operations throw {@link InjectedFault}, until {@link #heal()}. */
  public FaultyStore fail(Operation... operations) {
    return fail(Set.of(operations));
  }

  /**
   * Makes these operations block until {@link #heal()} (or until the calling thread is interrupted,
   * which then throws), as a server that stopped answering does.
   */
  public synchronized FaultyStore hang(Set<Operation> operations) {
    operations.forEach(o -> faults.put(o, Mode.HANG));
    return this;
  }

  /** Every operation passes again, and the calls that hang go on. */
  public synchronized FaultyStore heal() {
    faults.clear();
    CountDownLatch old = release;
    release = new CountDownLatch(1);
    old.countDown();
    return this;
  }

  /** How many times an operation was called, failed and hung calls included. */
  public int calls(Operation operation) {
    return calls.get(operation).get();
  }

  /** How many calls are hanging now. */
  public int hanging() {
    return hung.get();
  }

  private <T> T call(Operation operation, Supplier<T> work) {
    calls.get(operation).incrementAndGet();
    Mode mode;
    CountDownLatch latch;
    synchronized (this) {
      mode = faults.get(operation);
      latch = release;
    }
    if (mode == Mode.FAIL) {
      throw new InjectedFault(operation);
    }
    if (mode == Mode.HANG) {
      hung.incrementAndGet();
      try {
        latch.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InjectedFault(operation);
      } finally {
        hung.decrementAndGet();
      }
    }
    return work.get();
  }

  private void run(Operation operation, Runnable work) {
    call(
        operation,
        () -> {
          work.run();
          return null;
        });
  }

  @Override
  public boolean persistent() {
    return delegate.persistent();
  }

  private volatile boolean keepsHistory;
  private volatile boolean historyFails;
  private volatile java.time.Clock historyClock = java.time.Clock.systemUTC();

  /**
   * Gives the store a run history of its own when its delegate keeps none: one in memory that
   * stands in for a database's, so that the scheduler writes it from its history writer, as it
   * writes a persistent store's.
   */
  public FaultyStore keepHistory() {
    keepsHistory = true;
    return this;
  }

  /** Makes every write to the store's run history throw (or, with false, succeed again). */
  public FaultyStore failHistory(boolean fail) {
    historyFails = fail;
    return this;
  }

  @Override
  public Optional<io.asyncz.history.RunHistory> runHistory(
      io.asyncz.history.RunRetention retention) {
    Optional<io.asyncz.history.RunHistory> own = delegate.runHistory(retention);
    if (own.isEmpty() && !keepsHistory) {
      return own;
    }
    io.asyncz.history.RunHistory inner =
        own.orElseGet(() -> new io.asyncz.history.MemoryRunHistory(retention, historyClock));
    return Optional.of(
        new io.asyncz.history.RunHistory() {
          @Override
          public void save(io.asyncz.history.RunRecord record) {
            check();
            inner.save(record);
          }

          @Override
          public void saveAll(List<io.asyncz.history.RunRecord> records) {
            check();
            inner.saveAll(records);
          }

          private void check() {
            if (historyFails) {
              throw new IllegalStateException("run history write refused by FaultyStore");
            }
          }

          @Override
          public Optional<io.asyncz.history.RunRecord> find(String runId) {
            return inner.find(runId);
          }

          @Override
          public io.asyncz.history.RunPage query(io.asyncz.history.RunQuery query) {
            return inner.query(query);
          }
        });
  }

  @Override
  public void start(StoreContext context, String alias) {
    historyClock = context.clock();
    run(Operation.START, () -> delegate.start(context, alias));
  }

  @Override
  public void shutdown() {
    run(Operation.SHUTDOWN, delegate::shutdown);
  }

  @Override
  public Optional<Task> lookupTask(String id) {
    return call(Operation.LOOKUP, () -> delegate.lookupTask(id));
  }

  @Override
  public List<Task> dueTasks(Instant now) {
    return call(Operation.DUE, () -> delegate.dueTasks(now));
  }

  @Override
  public List<Task> dueTasks(Instant now, int limit) {
    return call(Operation.DUE, () -> delegate.dueTasks(now, limit));
  }

  @Override
  public Optional<Instant> nextRunTime() {
    return call(Operation.NEXT_RUN_TIME, delegate::nextRunTime);
  }

  @Override
  public List<Task> allTasks() {
    return call(Operation.ALL, delegate::allTasks);
  }

  @Override
  public void addTask(Task task) {
    run(Operation.ADD, () -> delegate.addTask(task));
  }

  @Override
  public void addTasks(List<Task> tasks) {
    run(Operation.ADD, () -> delegate.addTasks(tasks));
  }

  @Override
  public void updateTask(Task task) {
    run(Operation.UPDATE, () -> delegate.updateTask(task));
  }

  @Override
  public void deleteTask(String id) {
    run(Operation.DELETE, () -> delegate.deleteTask(id));
  }

  @Override
  public void removeAllTasks() {
    run(Operation.REMOVE_ALL, delegate::removeAllTasks);
  }

  @Override
  public void advanceTasks(List<Task> advanced, List<String> finished) {
    run(Operation.ADVANCE, () -> delegate.advanceTasks(advanced, finished));
  }

  @Override
  public boolean quarantineTask(String id, String reason, String detail) {
    return call(Operation.QUARANTINE, () -> delegate.quarantineTask(id, reason, detail));
  }

  @Override
  public List<QuarantinedRecord> quarantinedRecords() {
    return call(Operation.QUARANTINE, delegate::quarantinedRecords);
  }

  @Override
  public Task restoreQuarantined(String taskId) {
    return call(Operation.QUARANTINE, () -> delegate.restoreQuarantined(taskId));
  }

  @Override
  public void discardQuarantined(String taskId) {
    run(Operation.QUARANTINE, () -> delegate.discardQuarantined(taskId));
  }

  @Override
  public String toString() {
    return "FaultyStore[" + delegate + ", faults " + faults + "]";
  }
}
