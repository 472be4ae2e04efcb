package io.asyncz.config;

import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A store named by class in configuration: public, with a public no-argument constructor. */
public class CustomStore implements TaskStore {
  private final MemoryStore tasks = new MemoryStore();

  /** Created by configuration. */
  public CustomStore() {}

  @Override
  public Optional<Task> lookupTask(String id) {
    return tasks.lookupTask(id);
  }

  @Override
  public List<Task> dueTasks(Instant now) {
    return tasks.dueTasks(now);
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

  /** A store class without a no-argument constructor. */
  public static final class NeedsArgument extends CustomStore {
    /** Needs a name. */
    public NeedsArgument(String name) {}
  }

  /** An abstract store class. */
  public abstract static class Abstract extends CustomStore {
    /** For subclasses. */
    protected Abstract() {}
  }

  /** A store class that is not public. */
  static final class Hidden extends CustomStore {}

  /** A store class whose constructor fails. */
  public static final class Failing extends CustomStore {
    /** Fails. */
    public Failing() {
      throw new IllegalStateException("no disk");
    }
  }
}
