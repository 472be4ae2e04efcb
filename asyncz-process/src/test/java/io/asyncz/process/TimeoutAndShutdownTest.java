package io.asyncz.process;

import static io.asyncz.process.ProcessPoolExecutorTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A hung run ended by the timeout, and the two ways to shut the pool down. */
class TimeoutAndShutdownTest {
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
    try (Holds holds = new Holds()) {
      // Held and never released: only the timeout can end this run.
      pool.submit(task(JOBS + "hold", List.of(holds.port())), List.of(Instant.now()));
      long pid = holds.awaitRun();
      TaskExecutionEvent event = context.next();
      assertThat(event.failed()).isTrue();
      assertThat(event.exception())
          .isInstanceOf(TaskTimedOutException.class)
          .hasMessageContaining("ran longer than its timeout PT1S")
          .hasMessageContaining("(pid " + pid + ") was ended");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

      pool.submit(task(JOBS + "hang", List.of()), List.of(Instant.now()));
      assertThat(context.next().exception()).isInstanceOf(TaskTimedOutException.class);

      pool.submit(task(JOBS + "pid", List.of()), List.of(Instant.now()));
      TaskExecutionEvent next = context.next();
      assertThat(next.succeeded()).as("a new worker takes the next run").isTrue();
      assertThat(((Number) next.returnValue()).longValue()).isNotEqualTo(pid);
    } finally {
      pool.shutdown(true);
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
}
