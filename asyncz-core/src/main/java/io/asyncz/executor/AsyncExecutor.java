package io.asyncz.executor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs each run on a new virtual thread on Java 21 and later, on a cached pool of platform threads
 * on Java 17 (alias {@code async} or {@code asyncio}; the seed's AsyncIOExecutor). Functions that
 * return a {@link java.util.concurrent.CompletionStage} are awaited without holding a thread.
 */
public final class AsyncExecutor extends ThreadedExecutor {
  private volatile boolean virtual;

  /** Creates the executor; its threads are created when it starts. */
  public AsyncExecutor() {}

  /** Whether runs go to virtual threads (Java 21+). */
  public boolean usesVirtualThreads() {
    return virtual;
  }

  @Override
  ExecutorService newPool(String alias) {
    ExecutorService vt = virtualThreadPool();
    virtual = vt != null;
    return vt != null ? vt : Executors.newCachedThreadPool(daemonThreads(alias));
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
    } catch (Throwable e) {
      return null; // Java 17-20: no virtual threads
    }
  }

  @Override
  public String toString() {
    return "AsyncExecutor[" + (virtual ? "virtual threads" : "platform threads") + "]";
  }
}
