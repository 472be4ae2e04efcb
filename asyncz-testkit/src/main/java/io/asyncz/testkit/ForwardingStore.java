package io.asyncz.testkit;

import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A store that passes every call to another: extend it and override what a test changes (a store
 * that refuses one row's updates, a store without a quarantine). Every method of {@link TaskStore}
 * is forwarded, the defaults included.
 */
public class ForwardingStore implements TaskStore {
  private final TaskStore delegate;

  /** A store that forwards to {@code delegate}. */
  public ForwardingStore(TaskStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store the calls go to. */
  public TaskStore delegate() {
    return delegate;
  }

  @Override
  public void start(StoreContext context, String alias) {
    delegate.start(context, alias);
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public java.util.Optional<io.asyncz.history.RunHistory> runHistory(
      io.asyncz.history.RunRetention retention) {
    return delegate.runHistory(retention);
  }

  @Override
  public Optional<Task> lookupTask(String id) {
    return delegate.lookupTask(id);
  }

  @Override
  public List<Task> dueTasks(Instant now) {
    return delegate.dueTasks(now);
  }

  @Override
  public List<Task> dueTasks(Instant now, int limit) {
    return delegate.dueTasks(now, limit);
  }

  @Override
  public Optional<Instant> nextRunTime() {
    return delegate.nextRunTime();
  }

  @Override
  public List<Task> allTasks() {
    return delegate.allTasks();
  }

  @Override
  public void addTask(Task task) {
    delegate.addTask(task);
  }

  @Override
  public void addTasks(List<Task> tasks) {
    delegate.addTasks(tasks);
  }

  @Override
  public void updateTask(Task task) {
    delegate.updateTask(task);
  }

  @Override
  public void deleteTask(String id) {
    delegate.deleteTask(id);
  }

  @Override
  public void removeAllTasks() {
    delegate.removeAllTasks();
  }

  @Override
  public void advanceTasks(List<Task> advanced, List<String> finished) {
    delegate.advanceTasks(advanced, finished);
  }

  @Override
  public boolean quarantineTask(String id, String reason, String detail) {
    return delegate.quarantineTask(id, reason, detail);
  }

  @Override
  public List<QuarantinedRecord> quarantinedRecords() {
    return delegate.quarantinedRecords();
  }

  @Override
  public Task restoreQuarantined(String taskId) {
    return delegate.restoreQuarantined(taskId);
  }

  @Override
  public void discardQuarantined(String taskId) {
    delegate.discardQuarantined(taskId);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
