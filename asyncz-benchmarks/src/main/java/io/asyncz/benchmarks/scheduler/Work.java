package io.asyncz.benchmarks.scheduler;

/**
 * What a task of the user-path scenarios does: {@code handle(i)} for task {@code i}. Each task is
 * scheduled as its own lambda {@code () -> work.handle(i)}, as users write tasks, so no scheduler
 * can share one wrapper between tasks.
 */
@FunctionalInterface
interface Work {
  /** Does task {@code index}'s work. */
  void handle(int index);
}
