package io.asyncz.micrometer;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerInfo;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * The scheduler's task counts by state, as {@link Scheduler#info()} gives them, read at scrape time
 * and kept for a while: counting reads every task of every store, which a scrape of each gauge
 * should not repeat.
 */
final class TaskCounts {
  /** The states the gauges count. */
  enum State {
    SCHEDULED("scheduled"),
    PAUSED("paused"),
    PENDING("pending");

    private final String label;

    State(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  private final Scheduler scheduler;
  private final Duration keep;
  private final Logger logger;
  private Instant readAt; // guarded by this
  private double[] counts; // guarded by this

  TaskCounts(Scheduler scheduler, Duration keep, Logger logger) {
    this.scheduler = scheduler;
    this.keep = keep;
    this.logger = logger;
  }

  synchronized double count(State state) {
    Instant now = scheduler.clock().instant();
    if (counts == null || readAt.plus(keep).compareTo(now) <= 0 || now.isBefore(readAt)) {
      counts = read();
      readAt = now;
    }
    return counts[state.ordinal()];
  }

  private double[] read() {
    try {
      SchedulerInfo info = scheduler.info();
      return new double[] {
        info.scheduledTaskCount(), info.pausedTaskCount(), info.pendingTaskCount()
      };
    } catch (RuntimeException e) {
      // A store that is down: no value rather than a wrong one (the registry skips NaN).
      logger.debug("Could not count the scheduler's tasks for the metrics", e);
      return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }
  }
}
