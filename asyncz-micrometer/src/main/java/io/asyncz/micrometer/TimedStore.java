package io.asyncz.micrometer;

import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A store that passes every call to another and times it in {@link AsynczMetrics#STORE_OPERATION},
 * tagged with the alias the scheduler starts it under. Calls made before {@link #start} (none, from
 * a scheduler) are not timed: the alias is not known yet.
 */
final class TimedStore implements TaskStore {
  /** The operations, as their tag values say them. */
  enum Operation {
    LOOKUP_TASK,
    DUE_TASKS,
    NEXT_RUN_TIME,
    ALL_TASKS,
    PAUSED_TASKS,
    ADD_TASK,
    ADD_TASKS,
    UPDATE_TASK,
    DELETE_TASK,
    REMOVE_ALL_TASKS,
    ADVANCE_TASKS,
    QUARANTINE_TASK,
    QUARANTINED_RECORDS,
    RESTORE_QUARANTINED,
    DISCARD_QUARANTINED;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final TaskStore delegate;
  private final MeterRegistry registry;
  private final Clock clock;
  private volatile Timer[] timers; // by operation, then 0 = success, 1 = error

  TimedStore(TaskStore delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
    this.clock = registry.config().clock();
  }

  @Override
  public void start(StoreContext context, String alias) {
    Operation[] operations = Operation.values();
    Timer[] made = new Timer[operations.length * 2];
    for (Operation op : operations) {
      Tags tags = Tags.of("store", alias, "operation", op.tag());
      made[op.ordinal() * 2] = timer(tags.and("outcome", "success"));
      made[op.ordinal() * 2 + 1] = timer(tags.and("outcome", "error"));
    }
    timers = made;
    delegate.start(context, alias);
  }

  private Timer timer(Tags tags) {
    return Timer.builder(AsynczMetrics.STORE_OPERATION)
        .tags(tags)
        .description("One operation of a task store")
        .publishPercentileHistogram()
        .register(registry);
  }

  private <T> T timed(Operation op, Supplier<T> call) {
    Timer[] t = timers;
    if (t == null) {
      return call.get();
    }
    long start = clock.monotonicTime();
    boolean ok = false;
    try {
      T result = call.get();
      ok = true;
      return result;
    } finally {
      t[op.ordinal() * 2 + (ok ? 0 : 1)].record(
          clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private void timed(Operation op, Runnable call) {
    timed(
        op,
        () -> {
          call.run();
          return null;
        });
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public boolean persistent() {
    return delegate.persistent();
  }

  @Override
  public Optional<Task> lookupTask(String id) {
    return timed(Operation.LOOKUP_TASK, () -> delegate.lookupTask(id));
  }

  @Override
  public List<Task> dueTasks(Instant now) {
    return timed(Operation.DUE_TASKS, () -> delegate.dueTasks(now));
  }

  @Override
  public List<Task> dueTasks(Instant now, int limit) {
    return timed(Operation.DUE_TASKS, () -> delegate.dueTasks(now, limit));
  }

  @Override
  public Optional<Instant> nextRunTime() {
    return timed(Operation.NEXT_RUN_TIME, delegate::nextRunTime);
  }

  @Override
  public List<Task> allTasks() {
    return timed(Operation.ALL_TASKS, delegate::allTasks);
  }

  @Override
  public List<Task> pausedTasks() {
    return timed(Operation.PAUSED_TASKS, delegate::pausedTasks);
  }

  @Override
  public void addTask(Task task) {
    timed(Operation.ADD_TASK, () -> delegate.addTask(task));
  }

  @Override
  public void addTasks(List<Task> tasks) {
    timed(Operation.ADD_TASKS, () -> delegate.addTasks(tasks));
  }

  @Override
  public void updateTask(Task task) {
    timed(Operation.UPDATE_TASK, () -> delegate.updateTask(task));
  }

  @Override
  public void deleteTask(String id) {
    timed(Operation.DELETE_TASK, () -> delegate.deleteTask(id));
  }

  @Override
  public void removeAllTasks() {
    timed(Operation.REMOVE_ALL_TASKS, delegate::removeAllTasks);
  }

  @Override
  public void advanceTasks(List<Task> advanced, List<String> finished) {
    timed(Operation.ADVANCE_TASKS, () -> delegate.advanceTasks(advanced, finished));
  }

  @Override
  public boolean quarantineTask(String id, String reason, String detail) {
    return timed(Operation.QUARANTINE_TASK, () -> delegate.quarantineTask(id, reason, detail));
  }

  @Override
  public List<QuarantinedRecord> quarantinedRecords() {
    return timed(Operation.QUARANTINED_RECORDS, delegate::quarantinedRecords);
  }

  @Override
  public Task restoreQuarantined(String taskId) {
    return timed(Operation.RESTORE_QUARANTINED, () -> delegate.restoreQuarantined(taskId));
  }

  @Override
  public void discardQuarantined(String taskId) {
    timed(Operation.DISCARD_QUARANTINED, () -> delegate.discardQuarantined(taskId));
  }

  @Override
  public String toString() {
    return "TimedStore[" + delegate + "]";
  }
}
