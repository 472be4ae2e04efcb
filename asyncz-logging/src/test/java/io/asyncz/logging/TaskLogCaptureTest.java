package io.asyncz.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import io.asyncz.InvalidInputException;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Task logs through a real Logback context: the appender of {@code logback-test.xml} feeds the
 * shared capture, a run's lines are handed to a run-history-like observer at the run's end, and
 * every bound holds.
 */
@Timeout(30)
class TaskLogCaptureTest {
  private static final Instant T = Instant.parse("2026-03-02T08:00:00Z");
  private static final Logger JOBS = LoggerFactory.getLogger("app.jobs");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler = ManualScheduler.on(clock);

  /** What run history does at a run's end: takes its log; by task id. */
  private final Map<String, String> history = new ConcurrentHashMap<>();

  @AfterEach
  void shutDown() {
    if (scheduler.isRunning()) {
      scheduler.shutdown();
    }
  }

  private RunObserver historyOf(TaskLogCapture capture) {
    return run ->
        outcome -> capture.take(run.runId()).ifPresent(log -> history.put(run.taskId(), log));
  }

  @Test
  void runHistoryKeepsEachRunsCapturedLinesInItsRecord() {
    ManualScheduler recorded =
        ManualScheduler.with(io.asyncz.scheduler.Scheduler.builder().runHistory(true), clock);
    try {
      TaskLogCapture.shared().bind(recorded);
      recorded.start();
      recorded
          .task(
              () -> {
                JOBS.info("exported {} rows", 12);
                throw new IllegalStateException("disk full");
              })
          .id("export")
          .at(T.plusSeconds(1))
          .add();
      recorded.advance(Duration.ofSeconds(1));
      recorded.flushRunHistory(Duration.ofSeconds(5));

      io.asyncz.history.RunRecord run =
          recorded
              .runHistory()
              .query(io.asyncz.history.RunQuery.forTask("export", 10))
              .runs()
              .get(0);
      assertThat(run.status()).isEqualTo(io.asyncz.history.RunStatus.FAILED);
      assertThat(run.log()).isEqualTo("INFO app.jobs - exported 12 rows\n");
    } finally {
      recorded.shutdown();
    }
  }

  @Test
  void aConfiguredAppenderCapturesEachRunsLinesForHistoryToTake() {
    TaskLogCapture capture = TaskLogCapture.shared();
    capture.bind(scheduler);
    scheduler.observeRuns(historyOf(capture));
    scheduler.start();
    scheduler
        .task(
            () -> {
              JOBS.info("sending {} mails", 3);
              JOBS.warn("slow server");
            })
        .id("mail")
        .at(T.plusSeconds(1))
        .add();
    scheduler.task(() -> JOBS.info("backed up")).id("backup").at(T.plusSeconds(2)).add();

    JOBS.info("not in a run"); // no run id in the MDC: left alone
    scheduler.advance(Duration.ofSeconds(2));

    assertThat(history)
        .containsOnly(
            Map.entry("mail", "INFO app.jobs - sending 3 mails\nWARN app.jobs - slow server\n"),
            Map.entry("backup", "INFO app.jobs - backed up\n"));
    assertThat(capture.runsCaptured()).isZero();
  }

  @Test
  void historyRegisteredBeforeTheCaptureStillGetsTheLogAndAStackTraceIsKept() {
    TaskLogCapture capture = TaskLogCapture.create();
    scheduler.observeRuns(historyOf(capture)); // told of the end after the capture
    capture.bind(scheduler);
    AsynczTaskLogAppender appender = appender(capture);
    try {
      scheduler.start();
      scheduler
          .task(() -> JOBS.error("upload failed", new IllegalStateException("disk full")))
          .id("upload")
          .at(T.plusSeconds(1))
          .add();
      scheduler.advance(Duration.ofSeconds(1));
    } finally {
      detach(appender);
    }

    assertThat(history.get("upload"))
        .startsWith("ERROR app.jobs - upload failed\njava.lang.IllegalStateException: disk full\n")
        .contains("\tat io.asyncz.logging.TaskLogCaptureTest");
  }

  @Test
  void aRunKeepsItsLinesAndBytesBoundsAndSaysWhatItLeftOut() {
    TaskLogCapture capture = TaskLogCapture.builder().maxLinesPerRun(2).build();
    capture.bind(scheduler);
    scheduler.observeRuns(historyOf(capture));
    TaskLogCapture small = TaskLogCapture.builder().maxBytesPerRun(30).build();
    small.bind(scheduler);
    scheduler.observeRuns(historyOf(small));
    AsynczTaskLogAppender appender = appender(capture, "%msg%n");
    try {
      scheduler.start();
      scheduler
          .task(
              () -> {
                for (int i = 1; i <= 5; i++) {
                  JOBS.info("line {}", i);
                }
              })
          .id("chatty")
          .at(T.plusSeconds(1))
          .add();
      scheduler.advance(Duration.ofSeconds(1));
    } finally {
      detach(appender);
    }
    assertThat(history.get("chatty"))
        .isEqualTo(
            "line 1\nline 2\n[asyncz: 3 more lines were left out; a run keeps 2 lines,"
                + " 65536 bytes]\n");

    history.clear();
    AsynczTaskLogAppender bytes = appender(small, "%msg%n");
    try {
      scheduler.task(() -> JOBS.info("é".repeat(40))).id("long").at(T.plusSeconds(2)).add();
      scheduler.advance(Duration.ofSeconds(1));
    } finally {
      detach(bytes);
    }
    // 30 bytes of UTF-8 is 15 two-byte characters; the rest of the line is cut.
    assertThat(history.get("long"))
        .isEqualTo(
            "é".repeat(15) + "\n[asyncz: a line was cut; a run keeps 1000 lines, 30 bytes]\n");
  }

  @Test
  void runsBeyondTheBoundInFlightAreNotCapturedAndUntakenLogsAreBounded() {
    TaskLogCapture capture = TaskLogCapture.builder().maxRunsInFlight(1).maxUntakenRuns(1).build();
    capture.bind(scheduler);
    AsynczTaskLogAppender appender = appender(capture);
    String[] ids = new String[3];
    scheduler.observeRuns(
        run -> {
          ids[run.taskId().charAt(1) - '1'] = run.runId();
          return RunObservation.NONE;
        });
    try {
      scheduler.start();
      // t1 runs t2 inside it (runTask on the inline executor): two runs in flight at once.
      scheduler.task(() -> JOBS.info("three")).id("t3").at(T.plusSeconds(2)).add();
      scheduler.task(() -> JOBS.info("two")).id("t2").at(T.plusSeconds(9)).add();
      scheduler
          .task(
              () -> {
                JOBS.info("one");
                scheduler.runTask("t2", null, true, false);
              })
          .id("t1")
          .at(T.plusSeconds(1))
          .add();
      scheduler.advance(Duration.ofSeconds(2));
    } finally {
      detach(appender);
    }

    assertThat(capture.take(ids[1])).isEmpty(); // t2: the one run in flight was t1's
    assertThat(capture.take(ids[0])).isEmpty(); // t1: pushed out by t3, nobody took it
    assertThat(capture.take(ids[2])).contains("INFO app.jobs - three\n");
    assertThat(capture.take(ids[2])).isEmpty(); // taken once
  }

  @Test
  void linesOfAnAsynchronousRunAreCapturedUntilItsStageCompletes() throws Exception {
    TaskLogCapture capture = TaskLogCapture.create();
    capture.bind(scheduler);
    scheduler.observeRuns(historyOf(capture));
    AsynczTaskLogAppender appender = appender(capture);
    try {
      scheduler.start();
      CompletableFuture<Void> stage = new CompletableFuture<>();
      AtomicReference<Thread> worker = new AtomicReference<>();
      scheduler
          .task(
              () -> {
                Map<String, String> mdc = MDC.getCopyOfContextMap();
                // The work goes on elsewhere, with the MDC carried over as context propagation
                // does.
                Thread thread =
                    new Thread(
                        () -> {
                          MDC.setContextMap(mdc);
                          JOBS.info("uploading");
                          stage.complete(null); // ends the run
                        });
                worker.set(thread);
                thread.start();
                return stage;
              })
          .id("async")
          .at(T.plusSeconds(1))
          .add();
      scheduler.advance(Duration.ofSeconds(1));
      stage.get(10, TimeUnit.SECONDS);
      worker.get().join(TimeUnit.SECONDS.toMillis(10));
    } finally {
      detach(appender);
    }

    assertThat(history.get("async")).isEqualTo("INFO app.jobs - uploading\n");
  }

  @Test
  void badBoundsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> TaskLogCapture.builder().maxLinesPerRun(0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Invalid maxLinesPerRun: 0");
    assertThatThrownBy(() -> TaskLogCapture.builder().maxRunsInFlight(-1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Invalid maxRunsInFlight: -1");
  }

  private static AsynczTaskLogAppender appender(TaskLogCapture capture) {
    return appender(capture, "%level %logger - %msg%n");
  }

  /** An appender of its own on {@code app.jobs}, feeding {@code capture}. */
  private static AsynczTaskLogAppender appender(TaskLogCapture capture, String pattern) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    AsynczTaskLogAppender appender = new AsynczTaskLogAppender();
    appender.setContext(context);
    appender.setName("test-" + System.identityHashCode(capture));
    appender.setCapture(capture);
    appender.setPattern(pattern);
    appender.start();
    context.getLogger("app.jobs").addAppender(appender);
    return appender;
  }

  private static void detach(AsynczTaskLogAppender appender) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger("app.jobs").detachAppender(appender);
    appender.stop();
  }
}
