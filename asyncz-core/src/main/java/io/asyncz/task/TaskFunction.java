package io.asyncz.task;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What a task runs: a function of the task's positional arguments ({@code args}) and keyword
 * arguments ({@code kwargs}).
 *
 * <p>A function that returns a {@link java.util.concurrent.CompletionStage} is asynchronous: its
 * run (and its {@code max_instances} slot) lasts until the stage completes, without holding a
 * thread.
 */
@FunctionalInterface
public interface TaskFunction {

  /** Runs the function once; what it returns becomes the run's return value. */
  Object invoke(List<Object> args, Map<String, Object> kwargs) throws Exception;

  /**
   * Checks that {@code args} and {@code kwargs} fit this function, as the seed's {@code
   * check_callable_args} does when a task is added.
   *
   * @throws io.asyncz.InvalidInputException naming the mismatch
   */
  default void checkArguments(List<Object> args, Map<String, Object> kwargs) {}

  /** A name for messages and task listings. */
  default String displayName() {
    return getClass().getName();
  }

  /** A function that runs {@code runnable}; it takes no arguments. */
  static TaskFunction of(Runnable runnable) {
    return TaskFunctions.ofRunnable(runnable);
  }

  /** A function that calls {@code callable} and returns its result; it takes no arguments. */
  static TaskFunction of(Callable<?> callable) {
    return TaskFunctions.ofCallable(callable);
  }
}
