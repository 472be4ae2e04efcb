package io.asyncz.benchmarks.scheduler;

/** Start times of the probe runs of one repetition, by task number. */
final class Probes {
  private final long[] started;
  private final Completion completion;

  Probes(int runs) {
    this.started = new long[runs];
    this.completion = new Completion(runs);
  }

  /** Notes that run {@code index} started now; called first thing inside the task. */
  void ran(int index) {
    ran(index, System.nanoTime());
  }

  /** Notes that run {@code index} started at {@code nanoTime}. */
  void ran(int index, long nanoTime) {
    started[index] = nanoTime;
    completion.ran();
  }

  /** The {@link System#nanoTime()} at which run {@code index} started, 0 if it did not. */
  long started(int index) {
    return started[index];
  }

  Completion completion() {
    return completion;
  }

  /** A runnable for run {@code index}, for libraries that take runnables. */
  Runnable task(int index) {
    return () -> ran(index);
  }
}
