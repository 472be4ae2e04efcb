package io.asyncz.benchmarks.scheduler;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** Spring's {@link ThreadPoolTaskScheduler}, pool size 2, on the start clock. */
final class SpringContender implements Contender {
  private ThreadPoolTaskScheduler scheduler;
  private NanoClock clock;

  @Override
  public String name() {
    return "Spring TPTS";
  }

  @Override
  public void start(NanoClock clock) {
    this.clock = clock;
    scheduler = new ThreadPoolTaskScheduler();
    scheduler.setPoolSize(2);
    scheduler.setClock(clock);
    scheduler.setThreadNamePrefix("spring-bench-");
    scheduler.setWaitForTasksToCompleteOnShutdown(false);
    scheduler.initialize();
  }

  @Override
  public void scheduleNoop(long dueNanos, int index, Runnable task) {
    scheduler.schedule(task, clock.toInstant(dueNanos));
  }

  @Override
  public void scheduleProbe(long dueNanos, int index, Probes probes) {
    scheduler.schedule(probes.task(index), clock.toInstant(dueNanos));
  }

  @Override
  public void stop() {
    scheduler.getScheduledThreadPoolExecutor().shutdownNow();
    scheduler.shutdown();
    scheduler = null;
  }
}
