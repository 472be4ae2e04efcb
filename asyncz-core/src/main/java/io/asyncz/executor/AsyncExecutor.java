package io.asyncz.executor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each run on a new virtual thread on Java 21 and later, on a cached pool of platform threads
 * on Java 17 (alias {@code async} or {@code asyncio}; the seed's AsyncIOExecutor). Functions that
 * return a {@link java.util.concurrent.CompletionStage} are awaited without holding a thread.
 */
public final class AsyncExecutor extends AbstractExecutor {
  private volatile ExecutorService pool;
  private volatile boolean virtual;

  /** Creates the executor; its threads are created when it starts. */
  public AsyncExecutor() {}

  /** Whether runs go to virtual threads (Java 21+). */
  public boolean usesVirtualThreads() {
    return virtual;
  }

  @Override
  public synchronized void start(ExecutorContext context, String alias) {
    super.start(context, alias);
    if (pool == null || pool.isShutdown()) {
      ExecutorService vt = virtualThreadPool();
      virtual = vt != null;
      pool = vt != null ? vt : Executors.newCachedThreadPool(platformThreads(alias));
    }
  }

  private static ExecutorService virtualThreadPool() {
    try {
      // Executors.newVirtualThreadPerTaskExecutor() exists from Java 21; the library targets 17.
      return (ExecutorService)
          MethodHandles.publicLookup()
              .findStatic(
                  Executors.class,
                  "newVirtualThreadPerTaskExecutor",
                  MethodType.methodType(ExecutorService.class))
              .invoke();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    } catch (Throwable e) {
      return null;
    }
  }

  private static ThreadFactory platformThreads(String alias) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "asyncz-" + alias + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
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
    return "AsyncExecutor[" + (virtual ? "virtual threads" : "platform threads") + "]";
  }
}
