package io.asyncz.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.asyncz.InvalidInputException;
import io.asyncz.MaxInstancesException;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.process.fixtures.FixtureRegistrar;
import io.asyncz.process.fixtures.FixtureRegistrar.Invoice;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.DateTrigger;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs tasks in real worker JVMs of one warm pool of two workers, shared by the tests (each test
 * waits for the events of its own runs, so they stay independent).
 */
class ProcessPoolExecutorTest {
  private static final String JOBS = "io.asyncz.process.fixtures.Jobs::";

  /** A parent-side function that fails the test if the executor ever ran it in this JVM. */
  private static final TaskFunction NOT_HERE =
      (args, kwargs) -> {
        throw new AssertionError("the task ran in the parent JVM");
      };

  private static RecordingContext context;
  private static ProcessPoolExecutor pool;

  @BeforeAll
  static void startPool() {
    context = new RecordingContext();
    pool =
        ProcessPoolExecutor.builder()
            .maxWorkers(2)
            .allowPackage("io.asyncz.process.fixtures")
            .registrar(FixtureRegistrar.class)
            .jvmOptions(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"))
            .build();
    pool.start(context, "processpool");
  }

  @AfterAll
  static void stopPool() {
    pool.shutdown(true);
  }

  private static final AtomicInteger IDS = new AtomicInteger();

  /** A task of its own id, so that each test waits for the events of its own runs. */
  static Task task(String reference, List<?> args) {
    return task("t" + IDS.incrementAndGet() + "-" + reference, reference, args, Map.of(), 1);
  }

  static Task task(
      String id, String reference, List<?> args, Map<String, ?> kwargs, int maxInstances) {
    return Task.builder(id)
        .function(NOT_HERE, reference)
        .args(args)
        .kwargs(kwargs)
        .trigger(DateTrigger.at(Instant.parse("2026-01-01T00:00:00Z")))
        .maxInstances(maxInstances)
        .build();
  }

  private static TaskExecutionEvent run(Task task) throws InterruptedException {
    pool.submit(task, List.of(context.clock().instant()));
    return context.next(task.id());
  }

  @Test
  void aTaskRunsInAnotherJvmAndItsReturnValueComesBack() throws Exception {
    TaskExecutionEvent added = run(task(JOBS + "add", List.of(2, 3L, 0.5)));
    assertThat(added.succeeded()).as("%s", added.exception()).isTrue();
    assertThat(added.returnValue()).isEqualTo(5.5);

    TaskExecutionEvent pid = run(task(JOBS + "pid", List.of()));
    assertThat(((Number) pid.returnValue()).longValue())
        .isNotEqualTo(ProcessHandle.current().pid());
  }

  static Stream<Arguments> jsonValues() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("null", null);
    nested.put("list", Arrays.asList(1, "two", 3.5, false, null, List.of(), Map.of()));
    nested.put("map", Map.of("deeper", Map.of("deepest", List.of(List.of(1L << 40)))));
    return Stream.of(
        Arguments.of("null", null),
        Arguments.of("true", true),
        Arguments.of("false", false),
        Arguments.of("int", 42),
        Arguments.of("negative int", -7),
        Arguments.of("long", 1L << 40),
        Arguments.of("big integer", new BigInteger("123456789012345678901234567890")),
        Arguments.of("double", 3.25),
        Arguments.of("string", "text with ü, \"quotes\" and \n a newline"),
        Arguments.of("empty string", ""),
        Arguments.of("list", List.of(1, "a", true)),
        Arguments.of("map", Map.of("k", "v", "n", 1)),
        Arguments.of("nested", nested));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonValues")
  void everyJsonTypeCrossesAsAnArgumentAndComesBackAsTheReturnValue(String kind, Object value)
      throws Exception {
    TaskExecutionEvent event = run(task(JOBS + "echo", Arrays.asList(value)));
    assertThat(event.succeeded()).as("%s", event.exception()).isTrue();
    assertThat(event.returnValue()).isEqualTo(value);
  }

  @Test
  void keywordArgumentsAndJavaTimeValuesCross() throws Exception {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("when", LocalDate.of(2026, 3, 29));
    kwargs.put("n", 3);
    TaskExecutionEvent event = run(task("kw", JOBS + "both", List.of(List.of("x", 1)), kwargs, 1));
    assertThat(event.succeeded()).as("%s", event.exception()).isTrue();
    assertThat(event.returnValue())
        .isEqualTo(Map.of("list", List.of("x", 1), "kwargs", Map.of("when", "2026-03-29", "n", 3)));
  }

  @Test
  void registeredNamesAndTaskDefinitionsResolveInTheWorker() throws Exception {
    TaskExecutionEvent greet = run(task("fixtures.greet", List.of("worker")));
    assertThat(greet.returnValue()).isEqualTo("hello worker");

    Invoice invoice = new Invoice("INV-7", 120, LocalDate.of(2026, 12, 31));
    TaskExecutionEvent typed =
        run(task("fixtures.invoice", FixtureRegistrar.INVOICE.arguments(invoice)));
    assertThat(typed.succeeded()).as("%s", typed.exception()).isTrue();
    assertThat(typed.returnValue()).isEqualTo("INV-7 120 due 2026-12-31");
  }

  @Test
  void anExceptionComesBackWithItsTypeMessageAndRemoteStackTrace() throws Exception {
    TaskExecutionEvent event = run(task(JOBS + "fail", List.of("it broke")));
    assertThat(event.failed()).isTrue();
    assertThat(event.exception()).isInstanceOf(RemoteTaskException.class);
    RemoteTaskException remote = (RemoteTaskException) event.exception();
    assertThat(remote.remoteType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(remote.remoteMessage()).isEqualTo("it broke");
    assertThat(remote.getMessage())
        .startsWith("java.lang.IllegalStateException: it broke (raised in process-pool worker");
    assertThat(remote.getStackTrace()[0].getClassName())
        .isEqualTo("io.asyncz.process.fixtures.Jobs");
    assertThat(remote.getStackTrace()[0].getMethodName()).isEqualTo("fail");
    assertThat(event.traceback())
        .contains("java.lang.IllegalStateException: it broke")
        .contains("at io.asyncz.process.fixtures.Jobs.fail(Jobs.java:")
        .contains("Caused by: java.io.IOException: the cause");
  }

  @Test
  void aReturnValueThatIsNotJsonIsAnError() throws Exception {
    TaskExecutionEvent event = run(task(JOBS + "notJson", List.of()));
    assertThat(event.failed()).isTrue();
    assertThat(event.exception().getMessage())
        .contains("the return value is java.lang.Object@")
        .contains("not a JSON value");
  }

  @Test
  void aReferenceOutsideTheAllowedPackagesIsRefusedNamingIt() throws Exception {
    TaskExecutionEvent event = run(task("java.lang.System::exit", List.of(0)));
    assertThat(event.failed()).isTrue();
    RemoteTaskException refused = (RemoteTaskException) event.exception();
    assertThat(refused.remoteType()).isEqualTo(InvalidInputException.class.getName());
    assertThat(refused.remoteMessage())
        .contains("\"java.lang.System::exit\"")
        .contains("outside the allowed packages [io.asyncz.process.fixtures]");

    // The worker did not exit: the next run is answered.
    assertThat(run(task(JOBS + "echo", List.of("still here"))).returnValue())
        .isEqualTo("still here");
  }

  @Test
  void aTaskWithoutAReferenceOrWithArgumentsThatAreNotJsonIsRefusedWithoutAWorker()
      throws Exception {
    Task lambda =
        Task.builder("lambda")
            .function(TaskFunction.of(() -> {}), null)
            .trigger(DateTrigger.at(Instant.parse("2026-01-01T00:00:00Z")))
            .build();
    TaskExecutionEvent event = run(lambda);
    assertThat(event.exception())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has no function reference");

    TaskExecutionEvent notJson = run(task(JOBS + "echo", List.of(new StringBuilder("x"))));
    assertThat(notJson.exception())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("args[0] is x (java.lang.StringBuilder)")
        .hasMessageContaining("takes JSON only");
  }

  @Test
  void aWorkerThatExitsIsReportedAndReplaced() throws Exception {
    TaskExecutionEvent event = run(task(JOBS + "exit", List.of(7)));
    assertThat(event.failed()).isTrue();
    assertThat(event.exception())
        .isInstanceOf(WorkerDiedException.class)
        .hasMessageContaining("died while it ran task")
        .hasMessageContaining("(exit code 7)");
    assertThat(((WorkerDiedException) event.exception()).exitCode()).hasValue(7);
    long dead = pidIn(event.exception().getMessage());
    assertThat(ProcessHandle.of(dead).map(ProcessHandle::isAlive).orElse(false)).isFalse();

    TaskExecutionEvent after = run(task(JOBS + "pid", List.of()));
    assertThat(after.succeeded()).isTrue();
    assertThat(((Number) after.returnValue()).longValue()).isNotEqualTo(dead);
  }

  @Test
  void aWorkerThatClosesItsOutputBeforeExitingIsReportedWithItsOwnExitCode() throws Exception {
    try (Holds holds = new Holds()) {
      Task exiting = task(JOBS + "closeOutputThenExit", List.of(holds.port(), 9));
      pool.submit(exiting, List.of(Instant.now()));
      holds.awaitRun();
      holds.releaseAll();
      TaskExecutionEvent event = context.next(exiting.id());
      // Not 137: the parent waits for the exit code before it ends a worker that stopped answering.
      assertThat(event.exception())
          .isInstanceOf(WorkerDiedException.class)
          .hasMessageContaining("(exit code 9)");
    }
  }

  private static long pidIn(String message) {
    Matcher m = Pattern.compile("\\(pid (\\d+)\\)").matcher(message);
    assertThat(m.find()).as(message).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void aWorkerKilledBySigkillIsReportedAndReplaced() throws Exception {
    try (Holds holds = new Holds()) {
      Task held = task(JOBS + "hold", List.of(holds.port()));
      pool.submit(held, List.of(Instant.now()));
      long pid = holds.awaitRun();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      TaskExecutionEvent event = context.next(held.id());
      assertThat(event.exception())
          .isInstanceOf(WorkerDiedException.class)
          .hasMessageContaining("pid " + pid)
          .hasMessageContaining("exit code 137, killed by signal 9 (SIGKILL)");
    }
    TaskExecutionEvent after = run(task(JOBS + "echo", List.of("replaced")));
    assertThat(after.returnValue()).isEqualTo("replaced");
  }

  @Test
  void aRunLaterThanItsGraceTimeIsReportedMissedAndNotSent() throws Exception {
    Task late =
        task(JOBS + "fail", List.of("must not run")).toBuilder()
            .mistriggerGraceTime(Duration.ofSeconds(1))
            .build();
    Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
    pool.submit(late, List.of(anHourAgo));
    TaskExecutionEvent event = context.next(late.id());
    assertThat(event.missed()).isTrue();
    assertThat(event.scheduledRunTime()).isEqualTo(anHourAgo);
    assertThat(context.running(late.id())).isZero();
  }

  @Test
  void maxInstancesHoldsAcrossWorkers() throws Exception {
    Task held;
    try (Holds holds = new Holds()) {
      held = task("held", JOBS + "hold", List.of(holds.port()), Map.of(), 2);
      pool.submit(held, List.of(Instant.now()));
      pool.submit(held, List.of(Instant.now()));
      long first = holds.awaitRun();
      long second = holds.awaitRun();
      assertThat(first).as("two runs at once, in two workers").isNotEqualTo(second);
      assertThat(pool.runningInstances("held")).isEqualTo(2);
      assertThat(context.running("held")).isEqualTo(2);

      assertThatThrownBy(() -> pool.submit(held, List.of(Instant.now())))
          .isInstanceOf(MaxInstancesException.class);

      holds.releaseAll();
      assertThat(context.next("held").returnValue()).isEqualTo("released");
      assertThat(context.next("held").returnValue()).isEqualTo("released");
    }
    assertThat(pool.runningInstances("held")).isZero();
    assertThat(context.running("held")).isZero();
  }

  @Test
  void workerLogLinesAreRelayedToTheParentsLoggerWithTheWorkerId() throws Exception {
    try (LogCapture logs = new LogCapture("asyncz.executors.processpool")) {
      TaskExecutionEvent event = run(task(JOBS + "log", List.of("marker-4711")));
      assertThat(event.returnValue()).isEqualTo("marker-4711");

      ILoggingEvent printed =
          logs.await(e -> e.getFormattedMessage().contains("printed marker-4711"));
      assertThat(printed.getLevel()).isEqualTo(Level.INFO);
      assertThat(printed.getFormattedMessage()).matches("worker \\d+: printed marker-4711");
      String worker = printed.getMDCPropertyMap().get(Worker.MDC_WORKER);
      assertThat(worker).isNotNull();

      ILoggingEvent logged =
          logs.await(e -> e.getFormattedMessage().contains("logged marker-4711"));
      assertThat(logged.getLevel()).isEqualTo(Level.WARN);
      assertThat(logged.getFormattedMessage())
          .startsWith("worker " + worker + ": ")
          .contains("WARN")
          .contains("fixtures - logged marker-4711");
      assertThat(logged.getMDCPropertyMap()).containsEntry(Worker.MDC_WORKER, worker);
    }
  }
}
