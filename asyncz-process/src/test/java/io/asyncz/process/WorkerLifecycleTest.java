package io.asyncz.process;

import static io.asyncz.process.ProcessPoolExecutorTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Pools of their own, one worker each: a hung run ended by the timeout, recycling, workers that
 * cannot start or run out of memory, and the two ways to shut a pool down.
 */
class WorkerLifecycleTest {
  private static final String JOBS = "io.asyncz.process.fixtures.Jobs::";

  private static ProcessPoolExecutor.Builder pool() {
    return ProcessPoolExecutor.builder()
        .maxWorkers(1)
        .allowPackage("io.asyncz.process.fixtures")
        .jvmOptions(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"));
  }

  @Test
  void aHungTaskIsEndedByTheTimeoutWithItsWorker() throws Exception {
    RecordingContext context = new RecordingContext();
    ProcessPoolExecutor pool = pool().taskTimeout(Duration.ofSeconds(1)).build();
    pool.start(context, "processpool");
    try {
      pool.submit(task(JOBS + "hang", List.of()), List.of(Instant.now()));
      TaskExecutionEvent event = context.next();
      assertThat(event.code()).isEqualTo(io.asyncz.event.Events.TASK_TIMED_OUT);
      assertThat(event.exception())
          .isInstanceOf(TaskTimedOutException.class)
          .isInstanceOf(io.asyncz.TaskTimeoutException.class)
          .hasMessageContaining("ran longer than its timeout PT1S")
          .hasMessageContaining(") was ended");
      long pid = pidIn(event.exception().getMessage());
      awaitEnded(pid); // killed, not waited for on the loop that reports the timeout

      pool.submit(task(JOBS + "pid", List.of()), List.of(Instant.now()));
      TaskExecutionEvent next = context.next();
      assertThat(next.succeeded()).as("a new worker takes the next run").isTrue();
      assertThat(((Number) next.returnValue()).longValue()).isNotEqualTo(pid);
    } finally {
      pool.shutdown(true);
    }
  }

  @Test
  void aTasksOwnTimeoutEndsItsWorkerWhenThePoolHasNone() throws Exception {
    RecordingContext context = new RecordingContext();
    ProcessPoolExecutor pool = pool().build();
    pool.start(context, "processpool");
    try {
      Task hang =
          task(JOBS + "hang", List.of()).toBuilder().timeout(Duration.ofMillis(800)).build();
      pool.submit(hang, List.of(Instant.now()));
      TaskExecutionEvent event = context.next();
      assertThat(event.code()).isEqualTo(io.asyncz.event.Events.TASK_TIMED_OUT);
      assertThat(event.exception()).hasMessageContaining("ran longer than its timeout PT0.8S");
      long pid = pidIn(event.exception().getMessage());
      awaitEnded(pid); // killed, not waited for on the loop that reports the timeout
    } finally {
      pool.shutdown(true);
    }
  }

  private static long pidIn(String message) {
    Matcher m = Pattern.compile("\\(pid (\\d+)\\)").matcher(message);
    assertThat(m.find()).as(message).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void aWorkerIsReplacedAfterMaxRunsPerWorkerAndOneOutOfMemoryDiesAndIsReplaced() throws Exception {
    RecordingContext context = new RecordingContext();
    ProcessPoolExecutor pool = pool().maxRunsPerWorker(2).build();
    pool.start(context, "processpool");
    try {
      long[] pids = new long[3];
      for (int i = 0; i < 3; i++) {
        Task pid = task(JOBS + "pid", List.of());
        pool.submit(pid, List.of(Instant.now()));
        pids[i] = ((Number) context.next().returnValue()).longValue();
      }
      assertThat(pids[1]).as("the first worker takes two runs").isEqualTo(pids[0]);
      assertThat(pids[2]).as("then a new one takes over").isNotEqualTo(pids[0]);

      pool.submit(task(JOBS + "exhaustMemory", List.of()), List.of(Instant.now()));
      TaskExecutionEvent oom = context.next();
      assertThat(oom.exception())
          .isInstanceOf(WorkerDiedException.class)
          .hasMessageContaining("exit code 3, as the JVM exits on OutOfMemoryError");

      pool.submit(task(JOBS + "echo", List.of("after")), List.of(Instant.now()));
      assertThat(context.next().returnValue()).isEqualTo("after");
    } finally {
      pool.shutdown(true);
    }
  }

  @Test
  void aWorkerThatCannotStartFailsTheRunSayingWhy() throws Exception {
    RecordingContext context = new RecordingContext();
    ProcessPoolExecutor noJava = pool().java("/nonexistent/bin/java").build();
    noJava.start(context, "processpool");
    try {
      noJava.submit(task(JOBS + "pid", List.of()), List.of(Instant.now()));
      assertThat(context.next().exception())
          .isInstanceOf(WorkerStartException.class)
          .hasMessageContaining("could not be started with [/nonexistent/bin/java");
    } finally {
      noJava.shutdown(true);
    }

    ProcessPoolExecutor badRegistrar =
        pool().registrar("io.asyncz.process.fixtures.NoSuchRegistrar").build();
    badRegistrar.start(context, "processpool");
    try {
      badRegistrar.submit(task(JOBS + "pid", List.of()), List.of(Instant.now()));
      assertThat(context.next().exception())
          .isInstanceOf(WorkerStartException.class)
          .hasMessageContaining("failed to start: its setup threw java.lang.ClassNotFoundException")
          .hasMessageContaining("io.asyncz.process.fixtures.NoSuchRegistrar");
    } finally {
      badRegistrar.shutdown(true);
    }
  }

  @Test
  void shutdownWithWaitLetsTheRunningTaskFinishAndItsEventGoOut() throws Exception {
    RecordingContext context = new RecordingContext();
    ProcessPoolExecutor pool = pool().build();
    pool.start(context, "processpool");
    try (Holds holds = new Holds()) {
      pool.submit(task(JOBS + "hold", List.of(holds.port())), List.of(Instant.now()));
      long pid = holds.awaitRun();
      CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> pool.shutdown(true));
      holds.releaseAll();
      shutdown.get(60, TimeUnit.SECONDS);
      // Delivered before shutdown returned, and a success: the worker was not stopped under it.
      assertThat(context.hasEvent()).isTrue();
      TaskExecutionEvent event = context.next();
      assertThat(event.succeeded()).as("%s", event.exception()).isTrue();
      assertThat(event.returnValue()).isEqualTo("released");
      // The idle worker is told to stop and exits.
      ProcessHandle worker = ProcessHandle.of(pid).orElse(null);
      if (worker != null) {
        worker.onExit().get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void shutdownWithoutWaitStopsTheWorkersAndReportsTheirRuns() throws Exception {
    RecordingContext context = new RecordingContext();
    ProcessPoolExecutor pool = pool().build();
    pool.start(context, "processpool");
    try (Holds holds = new Holds()) {
      Task held = task(JOBS + "hold", List.of(holds.port()));
      pool.submit(held, List.of(Instant.now()));
      long pid = holds.awaitRun();
      pool.shutdown(false);
      TaskExecutionEvent event = context.next();
      assertThat(event.exception())
          .isInstanceOf(WorkerDiedException.class)
          .hasMessageContaining("was stopped while it ran task")
          .hasMessageContaining("shut down without waiting");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(context.running(held.id())).isZero();
    }
  }

  /** Waits (10 s at most) until the process {@code pid} has ended; fails if it has not. */
  private static void awaitEnded(long pid) throws Exception {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isPresent()) {
      process.get().onExit().get(10, TimeUnit.SECONDS);
    }
  }
}
