package io.asyncz.scheduler;

import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A store shared by several processes through the seed's {@code lock_path}: every operation holds
 * the store's {@link StoreFileLock}, and the scheduler holds it across a whole batch of due tasks
 * (read, submit, advance) so that another process never runs the same run time again.
 */
final class LockedStore implements TaskStore {
  private final TaskStore delegate;
  private final Path lockFile;
  private volatile StoreFileLock lock;

  LockedStore(TaskStore delegate, Path lockFile) {
    this.delegate = delegate;
    this.lockFile = lockFile;
  }

  /** The store this one guards. */
  TaskStore delegate() {
    return delegate;
  }

  /** The lock file. */
  Path lockFile() {
    return lockFile;
  }

  /** Takes the lock if no other thread or process holds it; see {@link #unlock()}. */
  boolean tryLock() {
    return lock().tryLock();
  }

  /** Releases what {@link #tryLock()} took. */
  void unlock() {
    lock().unlock();
  }

  private StoreFileLock lock() {
    StoreFileLock l = lock;
    if (l == null) {
      throw new IllegalStateException(delegate + " is not started");
    }
    return l;
  }

  private <T> T locked(Supplier<T> operation) {
    StoreFileLock l = lock();
    l.lock();
    try {
      return operation.get();
    } finally {
      l.unlock();
    }
  }

  private void locked(Runnable operation) {
    locked(
        () -> {
          operation.run();
          return null;
        });
  }

  @Override
  public boolean persistent() {
    return delegate.persistent();
  }

  @Override
  public java.util.Optional<io.asyncz.history.RunHistory> runHistory(
      io.asyncz.history.RunRetention retention) {
    // History writes are their own rows, keyed by run id: they need no file lock.
    return delegate.runHistory(retention);
  }

  @Override
  public synchronized void start(StoreContext context, String alias) {
    if (lock == null) {
      lock = StoreFileLock.acquire(lockFile);
    }
    try {
      locked(() -> delegate.start(context, alias));
    } catch (RuntimeException e) {
      releaseLock();
      throw e;
    }
  }

  @Override
  public synchronized void shutdown() {
    try {
      delegate.shutdown();
    } finally {
      releaseLock();
    }
  }

  private void releaseLock() {
    StoreFileLock l = lock;
    if (l != null) {
      lock = null;
      l.release();
    }
  }

  @Override
  public Optional<Task> lookupTask(String id) {
    return locked(() -> delegate.lookupTask(id));
  }

  @Override
  public List<Task> dueTasks(Instant now) {
    return locked(() -> delegate.dueTasks(now));
  }

  @Override
  public List<Task> dueTasks(Instant now, int limit) {
    return locked(() -> delegate.dueTasks(now, limit));
  }

  @Override
  public Optional<Instant> nextRunTime() {
    return locked(delegate::nextRunTime);
  }

  @Override
  public List<Task> allTasks() {
    return locked(delegate::allTasks);
  }

  @Override
  public List<Task> pausedTasks() {
    return locked(delegate::pausedTasks);
  }

  @Override
  public void addTask(Task task) {
    locked(() -> delegate.addTask(task));
  }

  @Override
  public void addTasks(List<Task> tasks) {
    locked(() -> delegate.addTasks(tasks));
  }

  @Override
  public void updateTask(Task task) {
    locked(() -> delegate.updateTask(task));
  }

  @Override
  public void deleteTask(String id) {
    locked(() -> delegate.deleteTask(id));
  }

  @Override
  public void removeAllTasks() {
    locked(delegate::removeAllTasks);
  }

  @Override
  public void advanceTasks(List<Task> advanced, List<String> finished) {
    locked(() -> delegate.advanceTasks(advanced, finished));
  }

  @Override
  public boolean quarantineTask(String id, String reason, String detail) {
    return locked(() -> delegate.quarantineTask(id, reason, detail));
  }

  @Override
  public List<QuarantinedRecord> quarantinedRecords() {
    return locked(delegate::quarantinedRecords);
  }

  @Override
  public Task restoreQuarantined(String taskId) {
    return locked(() -> delegate.restoreQuarantined(taskId));
  }

  @Override
  public void discardQuarantined(String taskId) {
    locked(() -> delegate.discardQuarantined(taskId));
  }

  @Override
  public String toString() {
    return delegate + " (locked by " + lockFile + ")";
  }
}
