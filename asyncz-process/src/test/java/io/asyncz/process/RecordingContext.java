package io.asyncz.process;

import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.ExecutorContext;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An executor context that counts instances as the scheduler does and queues the events. */
final class RecordingContext implements ExecutorContext {
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
