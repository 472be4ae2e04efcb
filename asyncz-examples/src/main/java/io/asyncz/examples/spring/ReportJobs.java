package io.asyncz.examples.spring;

import io.asyncz.spring.BeanFunction;
import io.asyncz.task.ScheduledTask;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The example's jobs: a Spring bean whose annotated methods the starter schedules. */
@Component
public class ReportJobs {
  private static final Logger log = LoggerFactory.getLogger(ReportJobs.class);

  private final CountDownLatch warmedUp = new CountDownLatch(1);
  private final AtomicInteger reportsSent = new AtomicInteger();

  /** Runs once, as soon as the application has started. */
  @ScheduledTask(id = "warm-up")
  public void warmUp() {
    log.info("Caches warmed up");
    warmedUp.countDown();
  }

  /** Runs every 30 seconds. */
  @ScheduledTask(id = "heartbeat", trigger = "interval", options = "seconds=30")
  public void heartbeat() {
    log.info("Still here");
  }

  /** Runs at 06:00 on weekdays, in the scheduler's zone ({@code asyncz.timezone}). */
  @ScheduledTask(id = "morning-report", cron = "0 6 * * mon-fri")
  public void morningReport() {
    sendReport("morning");
  }

  /**
   * Sends a report; tasks, stored ones included, may name it as {@code bean:reportJobs.sendReport}.
   */
  @BeanFunction
  public void sendReport(String name) {
    log.info("Sent the {} report", name);
    reportsSent.incrementAndGet();
  }

  /** Counted down by the warm-up run. */
  public CountDownLatch warmedUp() {
    return warmedUp;
  }

  /** How many reports were sent. */
  public int reportsSent() {
    return reportsSent.get();
  }
}
