package io.asyncz.scheduler;

import io.asyncz.InvalidInputException;
import io.asyncz.task.Task;
import io.asyncz.task.TaskDefinition;
import io.asyncz.task.TaskFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The tasks of one {@link Scheduler#addAll} call: each {@link TaskBuilder#add()} on a builder from
 * here checks and builds its task, and the scheduler then stores them all at once, each store in
 * one go where it can (one transaction, one script), or none of them.
 */
public final class TaskBatch {
  private final Scheduler scheduler;
  private final List<Entry> entries = new ArrayList<>();

  /** A task of the batch, and whether it starts when added (not added paused). */
  record Entry(Task task, boolean startTask) {}

  TaskBatch(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Starts a task that runs {@code function}. */
  public TaskBuilder task(TaskFunction function) {
    return new TaskBuilder(scheduler, Objects.requireNonNull(function, "function"), null, this);
  }

  /** Starts a task that runs {@code runnable}. */
  public TaskBuilder task(Runnable runnable) {
    return task(TaskFunction.of(runnable));
  }

  /** Starts a task that calls {@code callable}. */
  public TaskBuilder task(Callable<?> callable) {
    return task(TaskFunction.of(callable));
  }

  /**
   * Starts a task that runs the function a reference names (see {@link Scheduler#task(String)}).
   *
   * @throws InvalidInputException when the reference cannot be resolved or is not allowed
   */
  public TaskBuilder task(String reference) {
    return new TaskBuilder(scheduler, scheduler.registry().resolve(reference), reference, this);
  }

  /**
   * Starts a task of a {@link TaskDefinition} with its data (see {@link
   * Scheduler#task(TaskDefinition, Object)}).
   *
   * @throws InvalidInputException when the data holds a value that cannot be stored, or another
   *     definition or function is registered under the definition's name
   */
  public <T> TaskBuilder task(TaskDefinition<T> definition, T data) {
    List<Object> args = definition.arguments(data);
    scheduler.registry().register(definition);
    return task(definition.name()).args(args);
  }

  /**
   * Starts a task of a {@link TaskDefinition} without data.
   *
   * @throws InvalidInputException when another definition or function is registered under the
   *     definition's name
   */
  public TaskBuilder task(TaskDefinition<Void> definition) {
    return task(definition, null);
  }

  /** How many tasks the batch holds. */
  public int size() {
    return entries.size();
  }

  /**
   * Called by {@link TaskBuilder#add()}: checks and builds the task, and keeps it for the batch.
   */
  Task add(Task.Builder builder, boolean replaceExisting, boolean nextRunTimeGiven) {
    if (replaceExisting) {
      throw new InvalidInputException(
          "replace_existing",
          true,
          "is not supported in a batch, which adds new tasks only; add that task on its own");
    }
    Task built = builder.scheduler(scheduler).pending(false).build();
    entries.add(new Entry(built, !nextRunTimeGiven || built.nextRunTime().isPresent()));
    return built;
  }

  List<Entry> entries() {
    return entries;
  }
}
