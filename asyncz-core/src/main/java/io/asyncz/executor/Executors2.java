package io.asyncz.executor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the executors. */
final class Executors2 {
  private Executors2() {}

  /** Waits for a shut-down pool to finish its work, keeping the caller's interrupt status. */
  static void awaitQuietly(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.DAYS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
        pool.shutdownNow();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
