package io.asyncz.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.config.SchedulerConfig;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.TaskExecutors;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import io.asyncz.process.fixtures.FixtureRegistrar;
import io.asyncz.scheduler.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The process pool as configuration names it, and under a real scheduler. */
class SchedulerWithProcessPoolTest {

  @Test
  void theSeedsAliasesAndOptionsCreateAProcessPool() {
    assertThat(TaskExecutors.aliases()).contains("processpool", "process_pool");
    ProcessPoolExecutor pool =
        (ProcessPoolExecutor)
            TaskExecutors.create(
                "processpool",
                Map.of(
                    "max_workers",
                    3,
                    "jvm_options",
                    "-Xmx128m -Dfoo=bar",
                    "start_timeout",
                    "PT5S",
                    "task_timeout",
                    2.5,
                    "max_runs_per_worker",
                    100,
                    "allowed_packages",
                    List.of("com.example.jobs", "org.example"),
                    "registrars",
                    "com.example.Registrar"));
    ProcessPoolSettings s = pool.settings();
    assertThat(s.maxWorkers()).isEqualTo(3);
    assertThat(s.jvmOptions())
        .containsExactly(ProcessPoolExecutor.EXIT_ON_OOM, "-Xmx128m", "-Dfoo=bar");
    assertThat(s.startTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.taskTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.maxRunsPerWorker()).isEqualTo(100);
    assertThat(s.allowedPackages()).containsExactlyInAnyOrder("com.example.jobs", "org.example");
    assertThat(s.registrars()).containsExactly("com.example.Registrar");
    assertThat(s.java()).endsWith("java");
    assertThat(s.classPath()).isEqualTo(System.getProperty("java.class.path"));

    ProcessPoolExecutor defaults =
        (ProcessPoolExecutor) TaskExecutors.create("process_pool", Map.of());
    assertThat(defaults.maxWorkers()).isEqualTo(ProcessPoolExecutor.DEFAULT_MAX_WORKERS);
    assertThat(defaults.taskTimeout()).isEmpty();
    assertThat(defaults.settings().startTimeout())
        .isEqualTo(ProcessPoolExecutor.DEFAULT_START_TIMEOUT);
  }

  @Test
  void badOptionsAreRefusedUnderTheKeyTheUserWrote() {
    assertThatThrownBy(
            () ->
                SchedulerConfig.from(
                        Map.of(
                            "asyncz.executors.cpu.type", "processpool",
                            "asyncz.executors.cpu.max_workers", "0"))
                    .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.executors.cpu.max_workers")
        .hasMessageContaining("\"0\"");
    assertThatThrownBy(() -> TaskExecutors.create("processpool", Map.of("max_worker", 2)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_worker")
        .hasMessageContaining("task_timeout");
    assertThatThrownBy(
            () -> TaskExecutors.create("processpool", Map.of("jvm_options", List.of("Xmx1g"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid jvm_options: \"Xmx1g\" is not a JVM option; expected text starting with '-'");
    assertThatThrownBy(() -> TaskExecutors.create("processpool", Map.of("task_timeout", -1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("task_timeout");
  }

  @Test
  void aSchedulerRunsATaskInAWorkerAndDeliversItsEvent() throws Exception {
    Scheduler scheduler =
        SchedulerConfig.from(
                Map.of(
                    "asyncz.executors.default.type", "asyncio",
                    "asyncz.executors.isolated.type", "processpool",
                    "asyncz.executors.isolated.max_workers", "1",
                    "asyncz.executors.isolated.registrars", FixtureRegistrar.class.getName()))
            .build();
    // The parent registers the same names as the workers, so that it can add the tasks.
    new FixtureRegistrar().register(scheduler.registry());
    BlockingQueue<TaskExecutionEvent> events = new LinkedBlockingQueue<>();
    scheduler.addListener(
        event -> events.add((TaskExecutionEvent) event), Events.TASK_EXECUTED | Events.TASK_ERROR);
    scheduler.start();
    try {
      scheduler.task("fixtures.greet").args("scheduler").executor("isolated").id("greet").add();
      TaskExecutionEvent event = events.poll(60, TimeUnit.SECONDS);
      assertThat(event).isNotNull();
      assertThat(event.taskId()).isEqualTo("greet");
      assertThat(event.succeeded()).as("%s", event.exception()).isTrue();
      assertThat(event.returnValue()).isEqualTo("hello scheduler");
    } finally {
      scheduler.shutdown(true);
    }
  }

  @Test
  void aFailedRunInAWorkerIsRetriedAsTheSameRunTimeUntilItsRetriesRunOut() throws Exception {
    Scheduler scheduler =
        SchedulerConfig.from(
                Map.of(
                    "asyncz.executors.default.type", "processpool",
                    "asyncz.executors.default.max_workers", "1",
                    "asyncz.executors.default.allowed_packages", "io.asyncz.process.fixtures"))
            .build();
    scheduler.registry().allowPackage("io.asyncz.process.fixtures");
    BlockingQueue<io.asyncz.event.SchedulerEvent> events = new LinkedBlockingQueue<>();
    scheduler.addListener(
        events::add,
        Events.TASK_ERROR | Events.TASK_RETRY_SCHEDULED | Events.TASK_RETRIES_EXHAUSTED);
    List<Integer> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
    scheduler.observeRuns(
        run -> {
          attempts.add(run.attempt());
          return io.asyncz.run.RunObservation.NONE;
        });
    scheduler.start();
    try {
      scheduler
          .task("io.asyncz.process.fixtures.Jobs::fail")
          .args("always")
          .id("flaky")
          .retry(io.asyncz.task.RetryPolicy.fixed(1, java.time.Duration.ofMillis(200)))
          .add();
      List<Integer> codes = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        io.asyncz.event.SchedulerEvent event = events.poll(60, TimeUnit.SECONDS);
        assertThat(event).as("event %d of 4, after %s", i + 1, codes).isNotNull();
        codes.add(event.code());
      }
      assertThat(codes)
          .containsExactly(
              Events.TASK_ERROR,
              Events.TASK_RETRY_SCHEDULED,
              Events.TASK_ERROR,
              Events.TASK_RETRIES_EXHAUSTED);
      assertThat(attempts).containsExactly(1, 2);
    } finally {
      scheduler.shutdown(true);
    }
  }

  @Test
  void anErrorInAWorkerIsATaskErrorEventAndAFailedRunInTheHistoryWithTheRemoteTrace()
      throws Exception {
    Scheduler scheduler =
        Scheduler.builder()
            .runHistory(true)
            .executor(
                "default",
                ProcessPoolExecutor.builder()
                    .maxWorkers(1)
                    .allowPackage("io.asyncz.process.fixtures")
                    .jvmOptions(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"))
                    .build())
            .build();
    scheduler.registry().allowPackage("io.asyncz.process.fixtures");
    BlockingQueue<TaskExecutionEvent> events = new LinkedBlockingQueue<>();
    scheduler.addListener(event -> events.add((TaskExecutionEvent) event), Events.TASK_ERROR);
    scheduler.start();
    try {
      scheduler.task("io.asyncz.process.fixtures.Jobs::configureFailing").id("configure").add();
      TaskExecutionEvent event = events.poll(60, TimeUnit.SECONDS);
      assertThat(event).isNotNull();
      assertThat(event.exception())
          .hasMessageStartingWith("java.lang.ExceptionInInitializerError (raised in process-pool");
      assertThat(event.traceback())
          .startsWith("java.lang.ExceptionInInitializerError")
          .contains("Caused by: java.lang.IllegalStateException: the configuration is not there");

      assertThat(scheduler.flushRunHistory(Duration.ofSeconds(30))).isTrue();
      List<RunRecord> runs = scheduler.runHistory().query(RunQuery.forTask("configure", 10)).runs();
      assertThat(runs).hasSize(1);
      RunRecord run = runs.get(0);
      assertThat(run.status()).isEqualTo(RunStatus.FAILED);
      // The worker's error, as a thread pool's run of the same task would record it.
      assertThat(run.errorType()).isEqualTo("java.lang.ExceptionInInitializerError");
      assertThat(run.errorMessage()).isNull();
      assertThat(run.stackTrace())
          .contains("java.lang.ExceptionInInitializerError")
          .contains("at io.asyncz.process.fixtures.Jobs.configureFailing(Jobs.java:")
          .contains("Caused by: java.lang.IllegalStateException: the configuration is not there");
    } finally {
      scheduler.shutdown(true);
    }
  }

  @Test
  void aFailedRunIsRecordedWithTheSameErrorOnTheProcessPoolAsOnAThreadPool() throws Exception {
    Scheduler scheduler =
        Scheduler.builder()
            .runHistory(true)
            .executor(
                "procs",
                ProcessPoolExecutor.builder()
                    .maxWorkers(1)
                    .allowPackage("io.asyncz.process.fixtures")
                    .jvmOptions(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"))
                    .build())
            .executor("threads", new io.asyncz.executor.PoolExecutor(1))
            .build();
    scheduler.registry().allowPackage("io.asyncz.process.fixtures");
    BlockingQueue<TaskExecutionEvent> events = new LinkedBlockingQueue<>();
    scheduler.addListener(event -> events.add((TaskExecutionEvent) event), Events.TASK_ERROR);
    scheduler.start();
    try {
      for (String executor : List.of("procs", "threads")) {
        scheduler
            .task("io.asyncz.process.fixtures.Jobs::fail")
            .args("it broke")
            .id("on-" + executor)
            .executor(executor)
            .add();
      }
      assertThat(events.poll(60, TimeUnit.SECONDS)).isNotNull();
      assertThat(events.poll(60, TimeUnit.SECONDS)).isNotNull();

      assertThat(scheduler.flushRunHistory(Duration.ofSeconds(30))).isTrue();
      for (String executor : List.of("procs", "threads")) {
        List<RunRecord> runs =
            scheduler.runHistory().query(RunQuery.forTask("on-" + executor, 10)).runs();
        assertThat(runs).as(executor).hasSize(1);
        assertThat(runs.get(0).errorType())
            .as(executor)
            .isEqualTo("java.lang.IllegalStateException");
        assertThat(runs.get(0).errorMessage()).as(executor).isEqualTo("it broke");
        assertThat(runs.get(0).stackTrace())
            .as(executor)
            .contains("Caused by: java.io.IOException: the cause");
      }
    } finally {
      scheduler.shutdown(true);
    }
  }
}
