package io.asyncz.process;

import static io.asyncz.process.ProcessPoolExecutorTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.task.Task;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A task that throws an {@link Error} in its worker (a stack overflow, an out-of-memory error of
 * its own, a failed assertion, an initializer that failed) or ends its worker's JVM: the run is
 * reported failed, its instance slot is freed, and the next run runs in a new worker, since an
 * Error may leave a JVM unfit for more runs. One pool of one worker, so that the next run's worker
 * is the one the error left behind unless the pool replaced it.
 */
class WorkerErrorTest {
  private static final String JOBS = "io.asyncz.process.fixtures.Jobs::";

  private static RecordingContext context;
  private static ProcessPoolExecutor pool;

  @BeforeAll
  static void startPool() {
    context = new RecordingContext();
    pool =
        ProcessPoolExecutor.builder()
            .maxWorkers(1)
            .allowPackage("io.asyncz.process.fixtures")
            .jvmOptions(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"))
            .build();
    pool.start(context, "processpool");
  }

  @AfterAll
  static void stopPool() {
    pool.shutdown(true);
  }

  private static TaskExecutionEvent run(Task task) throws InterruptedException {
    pool.submit(task, List.of(context.clock().instant()));
    return context.next(task.id());
  }

  /** The pid of the worker that takes the next run. */
  private static long nextWorkerPid() throws InterruptedException {
    TaskExecutionEvent pid = run(task(JOBS + "pid", List.of()));
    assertThat(pid.succeeded()).as("%s", pid.exception()).isTrue();
    return ((Number) pid.returnValue()).longValue();
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("overflowStack", List.of(0), "java.lang.StackOverflowError", null),
        Arguments.of(
            "throwOutOfMemory",
            List.of("no room for the report"),
            "java.lang.OutOfMemoryError",
            "no room for the report"),
        Arguments.of(
            "failAssertion",
            List.of("totals differ"),
            "java.lang.AssertionError",
            "totals differ"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("errors")
  void anErrorIsAFailedRunWithItsTypeMessageAndTraceAndANewWorkerTakesTheNextRun(
      String job, List<?> args, String type, String message) throws Exception {
    long before = nextWorkerPid();
    Task failing = task(JOBS + job, args);

    TaskExecutionEvent event = run(failing);

    assertThat(event.code()).isEqualTo(Events.TASK_ERROR);
    assertThat(event.exception()).isInstanceOf(RemoteTaskException.class);
    RemoteTaskException remote = (RemoteTaskException) event.exception();
    assertThat(remote.remoteType()).isEqualTo(type);
    assertThat(remote.remoteMessage()).isEqualTo(message);
    assertThat(remote.getMessage())
        .startsWith(type + (message == null ? "" : ": " + message) + " (raised in process-pool");
    assertThat(event.traceback())
        .startsWith(type)
        .contains("at io.asyncz.process.fixtures.Jobs." + job + "(Jobs.java:");
    assertThat(pool.runningInstances(failing.id())).isZero();
    assertThat(context.running(failing.id())).isZero();

    long after = nextWorkerPid();
    assertThat(after).as("a new worker takes the next run").isNotEqualTo(before);
    ProcessHandle.of(before).ifPresent(old -> old.onExit().orTimeout(60, TimeUnit.SECONDS).join());
  }

  @Test
  void aClassWhoseInitializerFailedIsInitializedAgainForTheNextRun() throws Exception {
    TaskExecutionEvent failed = run(task(JOBS + "configureFailing", List.of()));
    assertThat(failed.code()).isEqualTo(Events.TASK_ERROR);
    assertThat(((RemoteTaskException) failed.exception()).remoteType())
        .isEqualTo("java.lang.ExceptionInInitializerError");
    assertThat(failed.traceback())
        .contains("Caused by: java.lang.IllegalStateException: the configuration is not there yet");

    // In the same JVM the class stays unusable ("NoClassDefFoundError: Could not initialize
    // class") for as long as the worker lives.
    TaskExecutionEvent next = run(task(JOBS + "configured", List.of()));
    assertThat(next.succeeded()).as("%s", next.exception()).isTrue();
    assertThat(next.returnValue()).isEqualTo("configured");
  }

  @Test
  void aWorkerHaltedDuringARunIsReportedDeadItsSlotFreedAndANewWorkerTakesTheNextRun()
      throws Exception {
    long before = nextWorkerPid();
    Task halting = task(JOBS + "halt", List.of(5));

    TaskExecutionEvent event = run(halting);

    assertThat(event.code()).isEqualTo(Events.TASK_ERROR);
    assertThat(event.exception())
        .isInstanceOf(WorkerDiedException.class)
        .hasMessageContaining("(pid " + before + ") died while it ran task")
        .hasMessageContaining("(exit code 5); a new worker takes the next run");
    assertThat(pool.runningInstances(halting.id())).isZero();
    assertThat(context.running(halting.id())).isZero();
    assertThat(nextWorkerPid()).isNotEqualTo(before);
  }
}
