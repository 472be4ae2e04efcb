package io.asyncz.executor;

import io.asyncz.InvalidInputException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on a fixed pool of platform threads (alias {@code threadpool} or {@code pool}; the
 * seed's ThreadPoolExecutor, renamed so it does not clash with the JDK's).
 */
public final class PoolExecutor extends AbstractExecutor {
  /** The seed's default pool size. */
  public static final int DEFAULT_MAX_WORKERS = 10;

  private final int maxWorkers;
  private volatile ExecutorService pool;

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

  @Override
  public synchronized void start(ExecutorContext context, String alias) {
    super.start(context, alias);
    if (pool == null || pool.isShutdown()) {
      AtomicInteger count = new AtomicInteger();
      pool =
          new ThreadPoolExecutor(
              maxWorkers,
              maxWorkers,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "asyncz-" + alias + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
  }

  @Override
  protected void dispatch(Runnable work) {
    ExecutorService p = pool;
    if (p == null) {
      throw new IllegalStateException("Executor '" + alias() + "' has not been started");
    }
    try {
      p.execute(work);
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("Executor '" + alias() + "' is shut down", e);
    }
  }

  @Override
  public void shutdown(boolean wait) {
    ExecutorService p = pool;
    if (p == null) {
      return;
    }
    p.shutdown();
    if (wait) {
      Executors2.awaitQuietly(p);
    }
  }

  @Override
  public String toString() {
    return "PoolExecutor[max_workers=" + maxWorkers + "]";
  }
}
