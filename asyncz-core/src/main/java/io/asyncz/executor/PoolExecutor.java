package io.asyncz.executor;

import io.asyncz.InvalidInputException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on a fixed pool of platform threads (alias {@code threadpool} or {@code pool}; the
 * seed's ThreadPoolExecutor, renamed so it does not clash with the JDK's).
 */
public final class PoolExecutor extends ThreadedExecutor {
  /** The seed's default pool size. */
  public static final int DEFAULT_MAX_WORKERS = 10;

  private final int maxWorkers;

  /** A pool of {@value #DEFAULT_MAX_WORKERS} threads. */
  public PoolExecutor() {
    this(DEFAULT_MAX_WORKERS);
  }

  /**
   * A pool of {@code maxWorkers} threads.
   *
   * @throws InvalidInputException when {@code maxWorkers} is less than 1
   */
  public PoolExecutor(int maxWorkers) {
    if (maxWorkers < 1) {
      throw new InvalidInputException(
          "max_workers", maxWorkers, "is not positive; expected 1 or more");
    }
    this.maxWorkers = maxWorkers;
  }

  /** The number of threads. */
  public int maxWorkers() {
    return maxWorkers;
  }

  /**
   * A fixed pool whose queue is a {@link LinkedTransferQueue}: lock-free, where a {@code
   * LinkedBlockingQueue}'s take lock made the pool's threads queue behind each other and behind the
   * thread that hands runs over (docs/benchmarks.md, "The pool's queue").
   */
  @Override
  ExecutorService newPool(String alias) {
    return new ThreadPoolExecutor(
        maxWorkers,
        maxWorkers,
        0,
        TimeUnit.MILLISECONDS,
        new LinkedTransferQueue<>(),
        daemonThreads(alias));
  }

  @Override
  public String toString() {
    return "PoolExecutor[max_workers=" + maxWorkers + "]";
  }
}
