package io.asyncz.benchmarks.cluster;

import io.asyncz.benchmarks.scheduler.Completion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz clustered JDBC as one or several scheduler instances in this JVM: {@code JobStoreTX} with
 * {@code isClustered=true}, the {@code PostgreSQLDelegate}, one scheduler name and distinct
 * instance ids ({@code q0}, {@code q1}, …), each with a {@code SimpleThreadPool} of {@code threads}
 * and a misfire threshold of an hour, on the tables of Quartz's own {@code tables_postgres.sql}.
 * Each task is a non-durable job {@code j<n>} with a simple trigger {@code t<n>} firing once at the
 * time the scheduling began, scheduled through the first instance while all are in standby.
 */
final class QuartzClusterDrain {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  // Quartz creates a job object for each run from its class, so runs find their counter here.
  private static volatile Completion completion;

  private final List<Scheduler> schedulers = new ArrayList<>();

  /**
   * Creates Quartz's tables in the empty database behind {@code dataSource}, builds {@code
   * instances} clustered schedulers and stores {@code tasks} one-shot jobs due now.
   */
  void prepare(DataSource dataSource, int instances, int threads, int tasks, Completion done)
      throws Exception {
    completion = done;
    Sql.run(dataSource, Sql.resource(Scheduler.class, "impl/jdbcjobstore/tables_postgres.sql"));
    String name = "cluster" + CLUSTERS.incrementAndGet();
    DBConnectionManager.getInstance().addConnectionProvider(name, new Provider(dataSource));
    for (int i = 0; i < instances; i++) {
      Properties p = new Properties();
      p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, name);
      p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, "q" + i);
      p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
      p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
      p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
      p.setProperty(
          "org.quartz.jobStore.driverDelegateClass",
          "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
      p.setProperty("org.quartz.jobStore.dataSource", name);
      p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
      p.setProperty("org.quartz.jobStore.isClustered", "true");
      p.setProperty("org.quartz.jobStore.misfireThreshold", "3600000");
      Scheduler s = new StdSchedulerFactory(p).getScheduler();
      // The repository keeps one scheduler per name in a JVM; the cluster's instances share the
      // name, as separate processes would, so each is taken out before the next is made.
      SchedulerRepository.getInstance().remove(name);
      schedulers.add(s);
    }
    Date now = new Date();
    Scheduler first = schedulers.get(0);
    for (int i = 0; i < tasks; i++) {
      JobDetail job = JobBuilder.newJob(NoopJob.class).withIdentity("j" + i).build();
      Trigger trigger = TriggerBuilder.newTrigger().withIdentity("t" + i).startAt(now).build();
      first.scheduleJob(job, trigger);
    }
  }

  /** Starts every instance. */
  void start() throws SchedulerException {
    for (Scheduler s : schedulers) {
      s.start();
    }
  }

  /** Stops every instance. */
  void stop() throws SchedulerException {
    for (Scheduler s : schedulers) {
      s.shutdown(false);
    }
    schedulers.clear();
    completion = null;
  }

  /** Hands Quartz connections from the benchmark's pool; the benchmark closes the pool. */
  private record Provider(DataSource dataSource) implements ConnectionProvider {
    @Override
    public Connection getConnection() throws SQLException {
      return dataSource.getConnection();
    }

    @Override
    public void shutdown() {}

    @Override
    public void initialize() {}
  }

  /** Counts one run. */
  public static final class NoopJob implements Job {
    /** Quartz creates one for each run. */
    public NoopJob() {}

    @Override
    public void execute(JobExecutionContext context) {
      completion.ran();
    }
  }
}
