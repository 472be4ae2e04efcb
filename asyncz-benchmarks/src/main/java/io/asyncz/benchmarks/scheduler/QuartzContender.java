package io.asyncz.benchmarks.scheduler;

import java.util.Date;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Quartz with the {@code RAMJobStore}, a thread pool of two and a misfire threshold of an hour, so
 * no run is treated as misfired. Each task is a non-durable job named {@code j<n>} with a simple
 * trigger {@code t<n>} that fires once; Quartz deletes both after the run.
 */
final class QuartzContender implements Contender {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  // Quartz creates a job object for each run from its class, so runs find their target here.
  private static volatile Runnable noopTask;
  private static volatile Probes probes;

  private Scheduler scheduler;
  private NanoClock clock;

  @Override
  public String name() {
    return "Quartz RAM";
  }

  @Override
  public void start(NanoClock clock) throws SchedulerException {
    this.clock = clock;
    Properties p = new Properties();
    p.setProperty(
        StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "bench-" + INSTANCES.incrementAndGet());
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", "2");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "3600000");
    scheduler = new StdSchedulerFactory(p).getScheduler();
    scheduler.start();
  }

  @Override
  public void scheduleNoop(long dueNanos, int index, Runnable task) throws SchedulerException {
    noopTask = task;
    JobDetail job = JobBuilder.newJob(NoopJob.class).withIdentity("j" + index).build();
    Trigger trigger =
        TriggerBuilder.newTrigger()
            .withIdentity("t" + index)
            .startAt(new Date(clock.toEpochMillisCeil(dueNanos)))
            .build();
    scheduler.scheduleJob(job, trigger);
  }

  @Override
  public void scheduleProbe(long dueNanos, int index, Probes probes) throws SchedulerException {
    QuartzContender.probes = probes;
    JobDetail job =
        JobBuilder.newJob(ProbeJob.class)
            .withIdentity("j" + index)
            .usingJobData("i", index)
            .build();
    Trigger trigger =
        TriggerBuilder.newTrigger()
            .withIdentity("t" + index)
            .startAt(new Date(clock.toEpochMillisCeil(dueNanos)))
            .build();
    scheduler.scheduleJob(job, trigger);
  }

  @Override
  public void stop() throws SchedulerException {
    scheduler.shutdown(false);
    scheduler = null;
    noopTask = null;
    probes = null;
  }

  /** Runs the shared no-op task. */
  public static final class NoopJob implements Job {
    /** Quartz creates one for each run. */
    public NoopJob() {}

    @Override
    public void execute(JobExecutionContext context) {
      noopTask.run();
    }
  }

  /** Notes its start time under the task number in its job data. */
  public static final class ProbeJob implements Job {
    /** Quartz creates one for each run. */
    public ProbeJob() {}

    @Override
    public void execute(JobExecutionContext context) {
      long now = System.nanoTime();
      probes.ran(context.getMergedJobDataMap().getInt("i"), now);
    }
  }
}
