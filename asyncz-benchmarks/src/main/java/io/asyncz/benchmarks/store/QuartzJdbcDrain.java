package io.asyncz.benchmarks.store;

import io.asyncz.benchmarks.scheduler.Completion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz with the JDBC {@code JobStoreTX}, clustered ({@code isClustered=true}, instance id AUTO),
 * the {@code PostgreSQLDelegate}, a {@code SimpleThreadPool} of {@code threads} and a misfire
 * threshold of an hour, on the tables of Quartz's own {@code tables_postgres.sql}. Each task is a
 * non-durable job {@code j<n>} with a simple trigger {@code t<n>} that fires once at the time the
 * scheduling began; they are scheduled while the scheduler is in standby.
 */
final class QuartzJdbcDrain implements DrainContender {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  // Quartz creates a job object for each run from its class, so runs find their counter here.
  private static volatile Completion completion;

  private Scheduler scheduler;

  @Override
  public String name() {
    return "Quartz JDBC clustered";
  }

  @Override
  public void prepare(DataSource dataSource, int threads, int tasks, Completion completion)
      throws Exception {
    QuartzJdbcDrain.completion = completion;
    SqlScript.run(
        dataSource, SqlScript.resource(Scheduler.class, "impl/jdbcjobstore/tables_postgres.sql"));
    String name = "bench" + INSTANCES.incrementAndGet();
    DBConnectionManager.getInstance().addConnectionProvider(name, new Provider(dataSource));
    Properties p = new Properties();
    p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, name);
    p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, "AUTO");
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
    scheduler = new StdSchedulerFactory(p).getScheduler();
    Date now = new Date();
    for (int i = 0; i < tasks; i++) {
      JobDetail job = JobBuilder.newJob(NoopJob.class).withIdentity("j" + i).build();
      Trigger trigger = TriggerBuilder.newTrigger().withIdentity("t" + i).startAt(now).build();
      scheduler.scheduleJob(job, trigger);
    }
  }

  @Override
  public void start() throws Exception {
    scheduler.start();
  }

  @Override
  public void stop() throws Exception {
    scheduler.shutdown(false);
    scheduler = null;
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
