package io.asyncz.executor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** What the pool and async executors share: an {@link ExecutorService} made when they start. */
abstract class ThreadedExecutor extends AbstractExecutor {
  /** Runs go to threads of the executor's own, never the caller's. */
  @Override
  public boolean runsOnCallerThread() {
    return false;
  }

  private volatile ExecutorService pool;

  /** Makes the threads for an executor started under {@code alias}. */
  abstract ExecutorService newPool(String alias);

  @Override
  public synchronized void start(ExecutorContext context, String alias) {
    super.start(context, alias);
    if (pool == null || pool.isShutdown()) {
      pool = newPool(alias);
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

  /** Runs already handed over still run, queued ones included (the seed's default). */
  @Override
  protected void stopAccepting() {
    ExecutorService p = pool;
    if (p != null) {
      p.shutdown();
    }
  }

  @Override
  protected void abandonRuns() {
    ExecutorService p = pool;
    if (p != null) {
      for (Runnable neverStarted : p.shutdownNow()) {
        dropped(neverStarted);
      }
    }
  }

  /** Daemon platform threads named {@code asyncz-<alias>-<n>}. */
  static ThreadFactory daemonThreads(String alias) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "asyncz-" + alias + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
