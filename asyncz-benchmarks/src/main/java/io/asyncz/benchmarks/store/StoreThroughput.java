package io.asyncz.benchmarks.store;

import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.DateTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The throughput of one store's operations, one call at a time on one thread, in this order on a
 * store that starts empty: {@code tasks} adds of one-shot tasks due in the past (one millisecond
 * apart), as many lookups by id, as many updates (each moves the run time by a millisecond),
 * repeated {@code dueTasks(now, 256)} queries (the scheduler's batch) until {@code tasks} tasks are
 * read or the budget is spent, and {@code tasks} deletes.
 */
final class StoreThroughput {
  /** The batch size the scheduler asks its stores for. */
  static final int DUE_BATCH = 256;

  private static final TaskFunction NOOP = (args, kwargs) -> null;

  private StoreThroughput() {}

  /** Measures a started, empty store; leaves it empty. */
  static Map<String, Double> measure(TaskStore store, int tasks, Duration dueBudget) {
    Instant base = Instant.now().minus(Duration.ofHours(1));
    List<Task> list = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      Instant due = base.plusMillis(i);
      list.add(
          Task.builder("t" + i)
              .function(NOOP, AsynczDrain.REFERENCE)
              .trigger(DateTrigger.at(due))
              .storeAlias("default")
              .nextRunTime(due)
              .build());
    }
    Map<String, Double> m = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    for (Task task : list) {
      store.addTask(task);
    }
    m.put("add/s", rate(tasks, t0));
    t0 = System.nanoTime();
    for (Task task : list) {
      if (store.lookupTask(task.id()).isEmpty()) {
        throw new IllegalStateException("task " + task.id() + " was not stored");
      }
    }
    m.put("lookup/s", rate(tasks, t0));
    List<Task> updated = new ArrayList<>(tasks);
    for (Task task : list) {
      updated.add(task.withNextRunTime(task.nextRunTime().orElseThrow().plusMillis(1)));
    }
    t0 = System.nanoTime();
    for (Task task : updated) {
      store.updateTask(task);
    }
    m.put("update/s", rate(tasks, t0));
    Instant now = Instant.now();
    long read = 0;
    long budget = dueBudget.toNanos();
    t0 = System.nanoTime();
    do {
      List<Task> due = store.dueTasks(now, DUE_BATCH);
      if (due.size() != Math.min(DUE_BATCH, tasks)) {
        throw new IllegalStateException("dueTasks gave " + due.size() + " tasks");
      }
      read += due.size();
    } while (read < tasks && System.nanoTime() - t0 < budget);
    m.put("due tasks/s", rate(read, t0));
    t0 = System.nanoTime();
    for (Task task : list) {
      store.deleteTask(task.id());
    }
    m.put("delete/s", rate(tasks, t0));
    return m;
  }

  private static double rate(long count, long startNanos) {
    return count / ((System.nanoTime() - startNanos) / 1e9);
  }
}
