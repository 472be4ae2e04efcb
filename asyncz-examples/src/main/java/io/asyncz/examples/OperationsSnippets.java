package io.asyncz.examples;

import io.asyncz.event.Subscription;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.logging.TaskLogCapture;
import io.asyncz.micrometer.AsynczMetrics;
import io.asyncz.micrometer.AsynczObservations;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.process.ProcessPoolExecutor;
import io.asyncz.process.WorkerRegistrar;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.RetryPolicy;
import io.asyncz.task.TaskRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The code of the operations docs, statement for statement, compiled: {@code docs/scheduler.md}
 * (retries and timeouts), {@code docs/history.md}, {@code docs/metrics.md}, {@code
 * docs/task-logs.md}, {@code docs/process-pool.md} and {@code docs/cluster.md}. If it stops
 * compiling, the docs are out of date.
 */
public final class OperationsSnippets {
  private OperationsSnippets() {}

  /** The nightly export of the retries example. */
  public static final class Exports {
    private Exports() {}

    /** Exports the day's data; stands for the application's own job. */
    public static void nightly() {}
  }

  /** The registrations the process pool's workers and the parent share. */
  public static final class Registrations implements WorkerRegistrar {
    /** Creates the registrations; the workers do, by class name. */
    public Registrations() {}

    @Override
    public void register(TaskRegistry registry) {
      registry.register("reports.monthly", (args, kwargs) -> null);
    }
  }

  /** docs/scheduler.md, "Retries and timeouts". */
  static void retries(Scheduler scheduler) {
    scheduler
        .task(Exports::nightly)
        .cron("0 2 * * *")
        .retry(
            RetryPolicy.exponential(5, Duration.ofSeconds(10), Duration.ofMinutes(10))
                .withJitter()
                .retryOn(IOException.class))
        .timeout(Duration.ofMinutes(30))
        .add();
  }

  /** docs/history.md. */
  static void history(Scheduler scheduler) {
    RunPage page = scheduler.runHistory().query(RunQuery.forTask("report", 20));
    for (RunRecord run : page.runs()) {
      System.out.println(run.status().label() + " " + run.startedAt() + " " + run.duration());
    }
  }

  /** docs/metrics.md. */
  static void metrics(
      Scheduler scheduler,
      MeterRegistry meterRegistry,
      ObservationRegistry observationRegistry,
      JdbcStore jdbcStore) {
    Subscription metrics = AsynczMetrics.bind(scheduler, meterRegistry);
    Subscription tracing = AsynczObservations.bind(scheduler, observationRegistry);
    scheduler.addStore("db", AsynczMetrics.timeStore(jdbcStore, meterRegistry)); // store timers
    metrics.cancel(); // stops recording and removes the meters it registered
    tracing.cancel();
  }

  /** docs/metrics.md, the options. */
  static void metricsOptions(Scheduler scheduler, MeterRegistry registry) {
    AsynczMetrics.bind(
        scheduler,
        registry,
        AsynczMetrics.options()
            .tagTaskId(true)
            .maxTaskTags(500)
            .taskCountCache(Duration.ofSeconds(5)));
  }

  /** docs/task-logs.md. */
  static Optional<String> taskLogs(Scheduler scheduler, String runId) {
    TaskLogCapture capture = TaskLogCapture.shared(); // what a file-configured appender feeds
    capture.bind(scheduler);
    Optional<String> log = capture.take(runId); // the run's lines, once
    return log;
  }

  /** docs/process-pool.md. */
  static void processPool() {
    // Code: the builder (every setter checks its value and names a bad one).
    TaskExecutor isolated =
        ProcessPoolExecutor.builder()
            .maxWorkers(4)
            .jvmOptions(List.of("-Xmx512m"))
            .taskTimeout(Duration.ofMinutes(5))
            .registrar(Registrations.class) // names and TaskDefinitions, in every worker
            .allowPackage("com.example.jobs") // com.example.jobs.Reports::monthly and the like
            .build();
    Scheduler scheduler = Scheduler.builder().executor("isolated", isolated).build();
    new Registrations().register(scheduler.registry()); // the parent resolves the same names
    scheduler.task("reports.monthly").cron("0 3 1 * *").executor("isolated").add();
  }

  /** docs/cluster.md. */
  static Scheduler cluster(String user, String password) {
    Scheduler scheduler =
        Scheduler.builder()
            .cluster(true) // or .cluster(ClusterSettings.DEFAULTS.withOnNodeFailure(RERUN))
            .store(
                "default",
                new JdbcStore(
                    "jdbc:postgresql://db/app",
                    user,
                    password,
                    "asyncz_store",
                    TaskRecords.plain()))
            .build();
    return scheduler;
  }
}
