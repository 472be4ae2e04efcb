package io.asyncz.examples;

import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stands for the store an application writes, in {@link MyStoreContractTest}: it hands every
 * operation to a {@link io.asyncz.store.MemoryStore}, so that the contract runs as the docs show.
 */
final class MyStore implements TaskStore {
  private final TaskStore tasks;

  MyStore(TaskStore tasks) {
    this.tasks = tasks;
  }

  @Override
  public void start(StoreContext context, String alias) {
    tasks.start(context, alias);
  }

  @Override
  public void shutdown() {
    tasks.shutdown();
  }

  @Override
  public Optional<Task> lookupTask(String id) {
    return tasks.lookupTask(id);
  }

  @Override
  public List<Task> dueTasks(Instant now) {
    return tasks.dueTasks(now);
  }

  @Override
  public List<Task> dueTasks(Instant now, int limit) {
    return tasks.dueTasks(now, limit);
  }

  @Override
  public Optional<Instant> nextRunTime() {
    return tasks.nextRunTime();
  }

  @Override
  public List<Task> allTasks() {
    return tasks.allTasks();
  }

  @Override
  public void addTask(Task task) {
    tasks.addTask(task);
  }

  @Override
  public void addTasks(List<Task> added) {
    tasks.addTasks(added);
  }

  @Override
  public void updateTask(Task task) {
    tasks.updateTask(task);
  }

  @Override
  public void deleteTask(String id) {
    tasks.deleteTask(id);
  }

  @Override
  public void removeAllTasks() {
    tasks.removeAllTasks();
  }

  @Override
  public void advanceTasks(List<Task> advanced, List<String> finished) {
    tasks.advanceTasks(advanced, finished);
  }

  @Override
  public boolean quarantineTask(String id, String reason, String detail) {
    return tasks.quarantineTask(id, reason, detail);
  }

  @Override
  public List<QuarantinedRecord> quarantinedRecords() {
    return tasks.quarantinedRecords();
  }

  @Override
  public Task restoreQuarantined(String taskId) {
    return tasks.restoreQuarantined(taskId);
  }

  @Override
  public void discardQuarantined(String taskId) {
    tasks.discardQuarantined(taskId);
  }
}
