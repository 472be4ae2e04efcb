package io.asyncz.benchmarks.scheduler;

/**
 * One scheduler under test, set up with two worker threads. Each repetition starts a fresh
 * instance, schedules one-shot tasks through the library's ordinary API, and stops it.
 */
interface Contender {
  /** The name printed in the tables. */
  String name();

  /** Creates and starts a fresh scheduler whose clock, where it takes one, is {@code clock}. */
  void start(NanoClock clock) throws Exception;

  /**
   * Schedules one run of {@code task}, the same instance for every call of a repetition.
   *
   * @param dueNanos when it is due, as a {@link System#nanoTime()} reading on the start clock
   * @param index the task's number in the repetition, from 0, for libraries that need a name
   */
  void scheduleNoop(long dueNanos, int index, Runnable task) throws Exception;

  /** Schedules a run that calls {@code probes.ran(index)} first thing. */
  void scheduleProbe(long dueNanos, int index, Probes probes) throws Exception;

  /** Stops the scheduler without running what is still scheduled, and drops it. */
  void stop() throws Exception;
}
