package io.asyncz.process;

import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.ExecutorContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An executor context that counts instances as the scheduler does, watches deadlines on the wall
 * clock as a scheduler on the system clock does, and queues the events.
 */
final class RecordingContext implements ExecutorContext {
  private static final ScheduledExecutorService DEADLINES = deadlineThread();

  private final Map<String, Integer> running = new HashMap<>();
  private final BlockingQueue<TaskExecutionEvent> events = new LinkedBlockingQueue<>();

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public void dispatch(SchedulerEvent event) {
    events.add((TaskExecutionEvent) event);
  }

  @Override
  public synchronized boolean tryAcquireInstance(String taskId, int maxInstances) {
    int now = running.getOrDefault(taskId, 0);
    if (now >= maxInstances) {
      return false;
    }
    running.put(taskId, now + 1);
    return true;
  }

  @Override
  public synchronized void releaseInstance(String taskId) {
    running.computeIfPresent(taskId, (id, n) -> n > 1 ? n - 1 : null);
  }

  @Override
  public Runnable watchDeadline(Instant deadline, Runnable onExpiry) {
    Duration left = Duration.between(clock().instant(), deadline);
    ScheduledFuture<?> watch =
        DEADLINES.schedule(onExpiry, Math.max(0, left.toNanos()), TimeUnit.NANOSECONDS);
    return () -> watch.cancel(false);
  }

  private static ScheduledExecutorService deadlineThread() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "recording-context-deadlines");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  synchronized int running(String taskId) {
    return running.getOrDefault(taskId, 0);
  }

  /** The next event, waiting for it; fails when none comes within a minute. */
  TaskExecutionEvent next() throws InterruptedException {
    TaskExecutionEvent event = events.poll(60, TimeUnit.SECONDS);
    if (event == null) {
      throw new AssertionError("no task event within a minute");
    }
    return event;
  }

  /**
   * The next event of {@code taskId}, waiting for it and dropping the events of other tasks (late
   * ones of a test that failed), so that one failure does not cascade into the next tests.
   */
  TaskExecutionEvent next(String taskId) throws InterruptedException {
    while (true) {
      TaskExecutionEvent event = next();
      if (event.taskId().equals(taskId)) {
        return event;
      }
    }
  }

  /** Whether an event is waiting now. */
  boolean hasEvent() {
    return !events.isEmpty();
  }
}
