package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.event.Events;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.engine.jobs.Jobs;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The forms of add_task: Java callables, functions with arguments, references, trigger aliases. */
class AddTaskFormsTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");
  private static final String JOBS = Jobs.class.getName();

  private final MutableClock clock = MutableClock.at(T);
  private final TaskRegistry registry = new TaskRegistry();
  private final ManualScheduler scheduler =
      ManualScheduler.with(Scheduler.builder().registry(registry), clock);
  private final EventLog log = new EventLog();

  @BeforeEach
  void start() {
    scheduler.addListener(log);
    scheduler.start();
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  @Test
  void aRunnableRunsAndIsNamedAfterItsLambda() {
    AtomicInteger runs = new AtomicInteger();
    Runnable job = runs::incrementAndGet;

    Task task = scheduler.task(job).id("r").add();
    scheduler.runDue();

    assertThat(runs).hasValue(1);
    assertThat(task.name()).startsWith(AddTaskFormsTest.class.getName());
    assertThat(log.executions(Events.TASK_EXECUTED))
        .singleElement()
        .satisfies(e -> assertThat(e.returnValue()).isNull());
  }

  @Test
  void aCallablesResultIsTheReturnValueOfTheExecutedEvent() {
    scheduler.task(() -> "report ready").id("c").add();

    scheduler.runDue();

    assertThat(log.executions(Events.TASK_EXECUTED))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskId()).isEqualTo("c");
              assertThat(e.store()).isEqualTo("default");
              assertThat(e.scheduledRunTime()).isEqualTo(T);
              assertThat(e.returnValue()).isEqualTo("report ready");
              assertThat(e.exception()).isNull();
              assertThat(e.traceback()).isNull();
            });
  }

  @Test
  void aTaskFunctionReceivesItsArgsAndKwargsAsGiven() {
    List<Object> seen = new CopyOnWriteArrayList<>();
    TaskFunction fn =
        (args, kwargs) -> {
          seen.add(args);
          seen.add(kwargs);
          return args.size() + kwargs.size();
        };

    scheduler.task(fn).id("f").args(1, "two", null).kwargs(Map.of("flag", true)).add();
    scheduler.runDue();

    assertThat(seen).containsExactly(Arrays.asList(1, "two", null), Map.of("flag", true));
    assertThat(log.executions(Events.TASK_EXECUTED).get(0).returnValue()).isEqualTo(4);
  }

  @Test
  void argumentsGivenToARunnableAreRefusedWhenTheTaskIsAdded() {
    Runnable job = () -> {};

    assertThatThrownBy(() -> scheduler.task(job).args("x").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("takes no arguments");
    assertThatThrownBy(() -> scheduler.task(job).kwargs(Map.of("k", 1)).add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("takes no arguments");
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void aRegisteredNameResolvesToItsFunctionAndIsKeptAsTheReference() {
    List<Object> seen = new CopyOnWriteArrayList<>();
    registry.register(
        "send-report",
        (args, kwargs) -> {
          seen.addAll(args);
          return null;
        });

    Task task = scheduler.task("send-report").id("ref").args("weekly").add();
    scheduler.runDue();

    assertThat(seen).containsExactly("weekly");
    assertThat(task.reference()).contains("send-report");
    assertThat(task.info().callableReference()).isEqualTo("send-report");
  }

  @Test
  void aStaticMethodInAnAllowedPackageRunsWithJsonLikeArgumentsConverted() {
    registry.allowPackage("io.asyncz.testkit.engine.jobs");
    String key = "converted-" + System.identityHashCode(this);

    Task task =
        scheduler
            .task(JOBS + "::record")
            .id("static")
            .args(key, "42", "2026-01-15T10:00:00Z")
            .add();
    scheduler.runDue();

    assertThat(Jobs.CALLS.get(key)).containsExactly(List.of(42, T));
    assertThat(log.executions(Events.TASK_EXECUTED).get(0).returnValue()).isEqualTo(key + ":42");
    assertThat(task.name()).isEqualTo(JOBS + "::record");
    assertThat(task.info().callableReference()).isEqualTo(JOBS + "::record");
  }

  @Test
  void kwargsBindToParameterNamesAndTheRestGoToATrailingMap() {
    registry.allowPackage("io.asyncz.testkit");
    String key = "kwargs-" + System.identityHashCode(this);

    scheduler
        .task(JOBS + "::withOptions")
        .args(key)
        .kwargs(Map.of("size", 7.0, "color", "red"))
        .add();
    scheduler.runDue();

    assertThat(Jobs.CALLS.get(key)).containsExactly(List.of(7L, Map.of("color", "red")));
  }

  @Test
  void aReferenceOutsideTheAllowedPackagesIsRefusedWithAClearMessage() {
    registry.allowPackage("com.example");

    assertThatThrownBy(() -> scheduler.task(JOBS + "::record"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(JOBS + "::record")
        .hasMessageContaining("outside the allowed packages [com.example]")
        .hasMessageContaining("register the function by name");
    assertThatThrownBy(() -> scheduler.task("java.lang.Runtime::getRuntime"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("outside the allowed packages");
  }

  @Test
  void anAllowedPackageDoesNotAllowAPackageThatMerelySharesItsPrefix() {
    registry.allowPackage("io.asyncz.testkit.engine.job");

    assertThatThrownBy(() -> scheduler.task(JOBS + "::record"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("outside the allowed packages");
  }

  @Test
  void anUnknownNameOrMethodIsRefusedNamingIt() {
    registry.allowPackage("io.asyncz.testkit.engine.jobs");
    registry.register("known", (args, kwargs) -> null);

    assertThatThrownBy(() -> scheduler.task("unknown"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"unknown\"")
        .hasMessageContaining("neither a registered name [known]");
    assertThatThrownBy(() -> scheduler.task(JOBS + "::missing"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no static method missing");
    assertThatThrownBy(() -> scheduler.task("io.asyncz.testkit.engine.jobs.Nope::run"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("class that does not exist");
    assertThatThrownBy(() -> scheduler.task(JOBS + "::overloaded"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("overloaded");
  }

  @Test
  void argumentsThatDoNotFitTheSignatureAreRefusedAtAddTimeNamingTheMismatch() {
    registry.allowPackage("io.asyncz.testkit.engine.jobs");
    String ref = JOBS + "::record";

    assertThatThrownBy(
            () -> scheduler.task(ref).args("k", "forty-two", "2026-01-15T10:00:00Z").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("argument 'count' (#2)")
        .hasMessageContaining("\"forty-two\"")
        .hasMessageContaining("cannot be converted to int");
    assertThatThrownBy(() -> scheduler.task(ref).args("k", 1, "yesterday").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("argument 'at' (#3)")
        .hasMessageContaining("cannot be converted to Instant");
    assertThatThrownBy(() -> scheduler.task(ref).args("k", 1, T, "extra").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has 4 values")
        .hasMessageContaining("takes 3 positional parameter(s)");
    assertThatThrownBy(() -> scheduler.task(ref).args("k", 1).add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("without a value for [at]");
    assertThatThrownBy(() -> scheduler.task(ref).args("k", 1, T).kwargs(Map.of("when", T)).add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"when\" is not a parameter of " + ref)
        .hasMessageContaining("[key, count, at]");
    assertThatThrownBy(() -> scheduler.task(ref).args("k", 1, T).kwargs(Map.of("count", 2)).add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("both by position and by name");
    assertThatThrownBy(() -> scheduler.task(ref).args("k", 3_000_000_000L, T).add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cannot be converted to int");
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void aTriggerByAliasAndOptionsReadsTheSchedulersClock() {
    List<Instant> fired = new ArrayList<>();
    scheduler
        .task(() -> fired.add(clock.instant()))
        .id("alias")
        .trigger("interval", Map.of("minutes", 5))
        .add();
    scheduler.task(() -> null).id("cron").trigger("cron", Map.of("minute", "*/15")).add();

    scheduler.advance(Duration.ofMinutes(12));

    assertThat(fired).containsExactly(T.plusSeconds(300), T.plusSeconds(600));
    assertThat(scheduler.getTask("alias").orElseThrow().trigger())
        .isInstanceOf(IntervalTrigger.class);
    assertThat(scheduler.getTask("cron").orElseThrow().trigger()).isInstanceOf(CronTrigger.class);
    assertThat(scheduler.getTask("cron").orElseThrow().nextRunTime())
        .contains(T.plus(Duration.ofMinutes(15)));
  }

  @Test
  void anUnknownTriggerAliasOrOptionIsRefusedListingWhatIsKnown() {
    assertThatThrownBy(() -> scheduler.task(() -> null).trigger("hourly", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"hourly\"")
        .hasMessageContaining("cron")
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> scheduler.task(() -> null).trigger("interval", Map.of("mins", 5)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("mins");
  }

  @Test
  void builderOptionsAreCheckedAndNameTheBadValue() {
    assertThatThrownBy(() -> scheduler.task(() -> null).id(" "))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("id");
    assertThatThrownBy(() -> scheduler.task(() -> null).maxInstances(0).add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_instances");
    assertThatThrownBy(() -> scheduler.task(() -> null).mistriggerGraceTime(Duration.ZERO).add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("mistrigger_grace_time");
    assertThatThrownBy(() -> scheduler.task(() -> null).nextRunTime("soon"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"soon\"");
    assertThatThrownBy(() -> scheduler.task(() -> null).store("nowhere").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"nowhere\"")
        .hasMessageContaining("[default]");
    assertThat(scheduler.getTasks()).isEmpty();
  }
}
