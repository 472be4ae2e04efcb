package io.asyncz.process;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunOutcome;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The process pool under a scheduler on virtual time, where it used to behave otherwise than the
 * core's executors: the run loop they share decides, and these tests hold it to that.
 */
class SameAsCoreExecutorsTest {
  private static final Instant T = Instant.parse("2026-03-01T09:00:00Z");
  private static final String JOBS = "io.asyncz.process.fixtures.Jobs::";

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler =
      ManualScheduler.with(
          Scheduler.builder()
              .executor(
                  "default",
                  ProcessPoolExecutor.builder()
                      .maxWorkers(1)
                      .allowPackage("io.asyncz.process.fixtures")
                      .jvmOptions(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"))
                      .build()),
          clock);
  private final BlockingQueue<SchedulerEvent> events = new LinkedBlockingQueue<>();

  SameAsCoreExecutorsTest() {
    scheduler.registry().allowPackage("io.asyncz.process.fixtures");
    scheduler.addListener(
        events::add, Events.TASK_EXECUTED | Events.TASK_ERROR | Events.TASK_TIMED_OUT);
  }

  @AfterEach
  void stop() {
    if (scheduler.isRunning()) {
      scheduler.shutdown(false);
    }
  }

  private TaskExecutionEvent next() throws InterruptedException {
    SchedulerEvent event = events.poll(30, TimeUnit.SECONDS);
    assertThat(event).as("a task event within 30 s").isNotNull();
    return (TaskExecutionEvent) event;
  }

  @Test
  void aRunObserverIsToldOfTheStartWithTheRunsMdcAlreadySet() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    scheduler.observeRuns(
        run -> {
          seen.add(run.runId() + " " + MDC.get(RunInfo.MDC_RUN_ID));
          seen.add(run.taskId() + " " + MDC.get(RunInfo.MDC_TASK_ID));
          return RunObservation.NONE;
        });
    scheduler.start();
    scheduler.task(JOBS + "echo").args("x").id("echo").trigger(DateTrigger.at(T)).add();
    scheduler.runDue();

    assertThat(next().succeeded()).isTrue();
    assertThat(seen).hasSize(2);
    String[] run = seen.get(0).split(" ");
    assertThat(run[1]).as("the MDC run id in started()").isEqualTo(run[0]);
    assertThat(seen.get(1)).isEqualTo("echo echo");
  }

  @Test
  void aTimeoutIsJudgedOnTheSchedulersClockAndReportedAtOnce() throws Exception {
    scheduler.start();
    try (Holds holds = new Holds()) {
      scheduler
          .task(JOBS + "hold")
          .args(holds.port())
          .id("held")
          .trigger(DateTrigger.at(T))
          .timeout(Duration.ofMinutes(5))
          .add();
      scheduler.runDue();
      long pid = holds.awaitRun();

      // Five virtual minutes: the worker is ended and the run reported, without waiting for them.
      scheduler.advance(Duration.ofMinutes(5));
      TaskExecutionEvent event = next();
      assertThat(event.code()).isEqualTo(Events.TASK_TIMED_OUT);
      assertThat(event.exception())
          .isInstanceOf(TaskTimedOutException.class)
          .hasMessageContaining("ran longer than its timeout PT5M")
          .hasMessageContaining("(pid " + pid + ") was ended");
      // Killed, not waited for on the scheduler's loop: it is gone moments later.
      Optional<ProcessHandle> worker = ProcessHandle.of(pid);
      if (worker.isPresent()) {
        worker.get().onExit().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aListenerOnTheRunsThreadMayShutTheSchedulerDownAndWaitForTheOtherRuns() throws Exception {
    CompletableFuture<Boolean> stopped = new CompletableFuture<>();
    scheduler.addListener(
        event -> stopped.complete(scheduler.shutdown(true)), Events.TASK_EXECUTED);
    scheduler.start();
    scheduler.task(JOBS + "echo").args("last").id("last").trigger(DateTrigger.at(T)).add();
    scheduler.runDue();

    // The run that delivers the event is not one to wait for (it would wait for itself forever).
    assertThat(stopped.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(next().returnValue()).isEqualTo("last");
  }

  @Test
  void aWorkersLogLinesCarryTheRunsIdsAndAreRelayedBeforeTheRunEnds() throws Exception {
    List<String> runIds = new CopyOnWriteArrayList<>();
    List<Boolean> relayedByTheEnd = new CopyOnWriteArrayList<>();
    try (LogCapture logs = new LogCapture("asyncz.executors.default")) {
      scheduler.observeRuns(
          run -> {
            runIds.add(run.runId());
            return (RunOutcome outcome) ->
                relayedByTheEnd.add(
                    logs.logged(e -> e.getFormattedMessage().contains("logged marker-ids")));
          });
      scheduler.start();
      scheduler.task(JOBS + "log").args("marker-ids").id("logs").trigger(DateTrigger.at(T)).add();
      scheduler.runDue();
      assertThat(next().succeeded()).isTrue();

      // As a function's own lines in the core's executors: the run's task and run ids in the MDC,
      // and logged before the run's end is told (when run-log capture takes a run's lines).
      ILoggingEvent printed =
          logs.await(e -> e.getFormattedMessage().contains("printed marker-ids"));
      assertThat(printed.getMDCPropertyMap()).containsEntry(RunInfo.MDC_RUN_ID, runIds.get(0));
      ILoggingEvent line = logs.await(e -> e.getFormattedMessage().contains("logged marker-ids"));
      assertThat(line.getMDCPropertyMap())
          .containsEntry(RunInfo.MDC_TASK_ID, "logs")
          .containsEntry(RunInfo.MDC_RUN_ID, runIds.get(0))
          .containsKey(Worker.MDC_WORKER);
      assertThat(relayedByTheEnd).containsExactly(true);
    }
  }

  @Test
  void aRunsLastLineWithoutANewlineIsRelayedAsItsOwnAndTheMarkersNever() throws Exception {
    List<String> runIds = new CopyOnWriteArrayList<>();
    scheduler.observeRuns(
        run -> {
          runIds.add(run.runId());
          return RunObservation.NONE;
        });
    try (LogCapture logs = new LogCapture("asyncz.executors.default")) {
      scheduler.start();
      scheduler
          .task(JOBS + "printUnterminated")
          .args("marker-partial")
          .id("partial")
          .trigger(DateTrigger.at(T))
          .add();
      scheduler.runDue();
      assertThat(next().succeeded()).isTrue();

      ILoggingEvent line = logs.await(e -> e.getFormattedMessage().contains("marker-partial"));
      assertThat(line.getFormattedMessage()).matches("worker \\d+: unterminated marker-partial");
      assertThat(line.getMDCPropertyMap()).containsEntry(RunInfo.MDC_RUN_ID, runIds.get(0));
      assertThat(logs.logged(e -> e.getFormattedMessage().contains("asyncz-run"))).isFalse();
    }
  }
}
