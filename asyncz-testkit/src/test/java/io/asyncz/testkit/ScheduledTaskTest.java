package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.ScheduledTask;
import io.asyncz.task.ScheduledTask.Toggle;
import io.asyncz.task.Task;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScheduledTaskTest {
  private static final Instant START = Instant.parse("2026-03-02T00:00:00Z"); // a Monday

  private MutableClock clock;
  private ManualScheduler scheduler;

  @BeforeEach
  void startScheduler() {
    clock = MutableClock.at(START);
    scheduler = ManualScheduler.on(clock);
    scheduler.start();
  }

  // ------------------------------------------------------------------ beans

  static class Reports {
    final Clock clock;
    final List<String> runs = new ArrayList<>();

    Reports(Clock clock) {
      this.clock = clock;
    }

    @ScheduledTask(trigger = "interval", options = "minutes=5")
    void refresh() {
      runs.add("refresh@" + clock.instant());
    }

    @ScheduledTask(cron = "0 3 * * *", id = "nightly", name = "Nightly report")
    private void nightly() {
      runs.add("nightly@" + clock.instant());
    }

    void notATask() {}
  }

  static class Counter {
    final AtomicInteger runs = new AtomicInteger();
  }

  static final class StaticJobs {
    static final AtomicInteger RUNS = new AtomicInteger();

    private StaticJobs() {}

    @ScheduledTask(
        trigger = "interval",
        options = {"hours=6"})
    static void sweep() {
      RUNS.incrementAndGet();
    }
  }

  // ------------------------------------------------------------------ registration

  @Test
  void registersAnnotatedInstanceMethodsAsTasksThatFireOnTheBean() {
    Reports reports = new Reports(clock);
    List<Task> tasks = scheduler.register(reports);

    assertThat(tasks)
        .extracting(Task::id)
        .containsExactly("nightly", Reports.class.getName() + "::refresh");
    scheduler.advance(Duration.ofMinutes(12));
    assertThat(reports.runs)
        .containsExactly("refresh@2026-03-02T00:05:00Z", "refresh@2026-03-02T00:10:00Z");
    reports.runs.clear();
    scheduler.advanceTo(Instant.parse("2026-03-03T03:00:00Z"));
    assertThat(reports.runs)
        .contains("nightly@2026-03-02T03:00:00Z", "nightly@2026-03-03T03:00:00Z")
        .filteredOn(run -> run.startsWith("nightly"))
        .hasSize(2);
  }

  @Test
  void theAnnotationSetsTheTasksTriggerIdAndName() {
    List<Task> tasks = scheduler.register(new Reports(clock));
    Task nightly = tasks.get(0);
    assertThat(nightly.name()).isEqualTo("Nightly report");
    assertThat(nightly.trigger()).isEqualTo(CronTrigger.fromCrontab("0 3 * * *"));
    assertThat(nightly.nextRunTime()).contains(Instant.parse("2026-03-02T03:00:00Z"));
    Task refresh = tasks.get(1);
    String reference = Reports.class.getName() + "::refresh";
    assertThat(refresh.name()).isEqualTo(reference);
    assertThat(refresh.trigger()).isInstanceOf(IntervalTrigger.class);
    assertThat(((IntervalTrigger) refresh.trigger()).interval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(refresh.executor()).isEqualTo("default");
    assertThat(refresh.storeAlias()).isEqualTo("default");
  }

  @Test
  void tasksReferToTheirMethodThroughTheRegistry() {
    Task refresh = scheduler.register(new Reports(clock)).get(1);
    String reference = Reports.class.getName() + "::refresh";
    assertThat(refresh.reference()).contains(reference);
    assertThat(scheduler.registry().registered()).containsKey(reference);
    assertThat(scheduler.registry().resolve(reference)).isSameAs(refresh.function());
  }

  @Test
  void registersStaticMethodsOfAClass() {
    StaticJobs.RUNS.set(0);
    List<Task> tasks = scheduler.register(StaticJobs.class);
    assertThat(tasks).extracting(Task::id).containsExactly(StaticJobs.class.getName() + "::sweep");
    scheduler.advance(Duration.ofDays(1));
    assertThat(StaticJobs.RUNS).hasValue(4);
  }

  @Test
  void aClassPassedAsAnObjectIsRegisteredAsAClass() {
    Object type = StaticJobs.class;
    assertThat(scheduler.register(type)).hasSize(1);
  }

  static class Both {
    static final AtomicInteger STATIC_RUNS = new AtomicInteger();
    final AtomicInteger runs = new AtomicInteger();

    @ScheduledTask(trigger = "interval", options = "hours=1")
    void instance() {
      runs.incrementAndGet();
    }

    @ScheduledTask(trigger = "interval", options = "hours=1")
    static void shared() {
      STATIC_RUNS.incrementAndGet();
    }
  }

  @Test
  void registeringABeanAlsoRegistersItsStaticMethods() {
    Both.STATIC_RUNS.set(0);
    Both bean = new Both();
    assertThat(scheduler.register(bean)).hasSize(2);
    scheduler.advance(Duration.ofHours(2));
    assertThat(bean.runs).hasValue(2);
    assertThat(Both.STATIC_RUNS).hasValue(2);
  }

  @Test
  void registeringAClassRefusesItsInstanceMethods() {
    assertThatThrownBy(() -> scheduler.register(Both.class))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid @ScheduledTask on "
                + Both.class.getName()
                + ".instance(): \""
                + Both.class.getName()
                + "\" is on an instance method but a class was registered; register an instance"
                + " with register(Object), or make the method static");
    assertThat(scheduler.getTasks()).isEmpty();
  }

  static class Digest extends Counter {
    @ScheduledTask(
        trigger = "cron",
        options = {"day_of_week=mon-fri", "hour=9", "minute=30"})
    @ScheduledTask(
        trigger = "cron",
        options = {"day_of_week=sat", "hour=11"})
    void send() {
      runs.incrementAndGet();
    }
  }

  @Test
  void aMethodWithSeveralAnnotationsGetsATaskForEach() {
    Digest digest = new Digest();
    List<Task> tasks = scheduler.register(digest);
    String reference = Digest.class.getName() + "::send";
    assertThat(tasks).extracting(Task::id).containsExactly(reference + "#1", reference + "#2");
    scheduler.advance(Duration.ofDays(7));
    assertThat(digest.runs).hasValue(6); // five weekdays and a Saturday
    assertThat(scheduler.registry().registered()).containsKey(reference);
  }

  static class Base extends Counter {
    @ScheduledTask(trigger = "interval", options = "minutes=30")
    void inherited() {
      runs.incrementAndGet();
    }

    @ScheduledTask(trigger = "interval", options = "minutes=30")
    void overridden() {
      runs.addAndGet(1000);
    }
  }

  static final class Derived extends Base {
    @Override
    void overridden() {
      // Not annotated here: the override decides, as Java does not inherit method annotations.
    }
  }

  @Test
  void registersAnnotatedMethodsOfSuperclassesUnlessOverridden() {
    Derived bean = new Derived();
    List<Task> tasks = scheduler.register(bean);
    assertThat(tasks).extracting(Task::id).containsExactly(Base.class.getName() + "::inherited");
    scheduler.advance(Duration.ofHours(1));
    assertThat(bean.runs).hasValue(2);
  }

  @Test
  void aBeanWithoutAnnotatedMethodsAddsNothing() {
    assertThat(scheduler.register(new Counter())).isEmpty();
    assertThat(scheduler.getTasks()).isEmpty();
  }

  static class Options extends Counter {
    @ScheduledTask(
        trigger = "interval",
        options = {"minutes=10"},
        coalesce = Toggle.FALSE,
        maxInstances = 3,
        mistriggerGraceTime = "30",
        executor = "inline2",
        store = "archive")
    void configured() {
      runs.incrementAndGet();
    }

    @ScheduledTask(trigger = "interval", options = "minutes=10", mistriggerGraceTime = "none")
    void unlimited() {}

    @ScheduledTask(trigger = "interval", options = "minutes=10", paused = true)
    void paused() {}

    @ScheduledTask(trigger = "interval", options = "minutes=10", coalesce = Toggle.TRUE)
    void defaults() {}
  }

  @Test
  void theAnnotationSetsTheTaskOptions() {
    scheduler.addExecutor(new InlineExecutor(), "inline2");
    scheduler.addStore(new MemoryStore(), "archive");
    List<Task> tasks = scheduler.register(new Options());
    Task configured = tasks.get(0);
    assertThat(configured.id()).endsWith("::configured");
    assertThat(configured.coalesce()).isFalse();
    assertThat(configured.maxInstances()).isEqualTo(3);
    assertThat(configured.mistriggerGraceTime()).contains(Duration.ofSeconds(30));
    assertThat(configured.executor()).isEqualTo("inline2");
    assertThat(configured.storeAlias()).isEqualTo("archive");

    Task defaults = tasks.get(1);
    assertThat(defaults.id()).endsWith("::defaults");
    assertThat(defaults.coalesce()).isTrue();
    assertThat(defaults.maxInstances()).isEqualTo(scheduler.taskDefaults().maxInstances());
    assertThat(defaults.mistriggerGraceTime())
        .isEqualTo(java.util.Optional.ofNullable(scheduler.taskDefaults().mistriggerGraceTime()));

    Task paused = tasks.get(2);
    assertThat(paused.id()).endsWith("::paused");
    assertThat(paused.isPaused()).isTrue();

    Task unlimited = tasks.get(3);
    assertThat(unlimited.id()).endsWith("::unlimited");
    assertThat(unlimited.mistriggerGraceTime()).isEmpty();
  }

  @Test
  void theTaskRunsOnTheExecutorAndStoreTheAnnotationNames() {
    scheduler.addExecutor(new InlineExecutor(), "inline2");
    scheduler.addStore(new MemoryStore(), "archive");
    Options bean = new Options();
    scheduler.register(bean);
    assertThat(scheduler.getTasks("archive")).hasSize(1);
    scheduler.advance(Duration.ofMinutes(10));
    assertThat(bean.runs).hasValue(1);
  }

  static class Once extends Counter {
    @ScheduledTask
    void atStart() {
      runs.incrementAndGet();
    }
  }

  @Test
  void withoutATriggerTheTaskRunsOnceAtOnceAsInTheSeed() {
    Once bean = new Once();
    Task task = scheduler.register(bean).get(0);
    assertThat(task.trigger()).isInstanceOf(DateTrigger.class);
    assertThat(task.mistriggerGraceTime()).isEmpty();
    scheduler.advance(Duration.ofHours(1));
    assertThat(bean.runs).hasValue(1);
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void registeringBeforeStartAddsTheTasksWhenTheSchedulerStarts() {
    ManualScheduler stopped = ManualScheduler.on(clock);
    Once bean = new Once();
    List<Task> tasks = stopped.register(bean);
    assertThat(tasks.get(0).isPending()).isTrue();
    assertThat(bean.runs).hasValue(0);
    stopped.start();
    stopped.runDue();
    assertThat(bean.runs).hasValue(1);
  }

  static class Async {
    @ScheduledTask(id = "async")
    CompletionStage<String> compute() {
      return CompletableFuture.completedFuture("done");
    }

    @ScheduledTask(id = "failing")
    void fail() {
      throw new IllegalStateException("disk full");
    }
  }

  @Test
  void theMethodsResultOrExceptionIsTheRunsAsForAnyTask() {
    List<TaskExecutionEvent> events = new ArrayList<>();
    scheduler.addListener(
        e -> events.add((TaskExecutionEvent) e), Events.TASK_EXECUTED | Events.TASK_ERROR);
    scheduler.register(new Async());
    scheduler.runDue();
    assertThat(events).extracting(TaskExecutionEvent::taskId).containsExactly("async", "failing");
    assertThat(events.get(0).returnValue()).isEqualTo("done");
    assertThat(events.get(1).code()).isEqualTo(Events.TASK_ERROR);
    assertThat(events.get(1).exception())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("disk full");
  }

  @Test
  void registeringTheSameBeanTwiceIsRefusedForTheTakenIds() {
    Reports reports = new Reports(clock);
    scheduler.register(reports);
    assertThatThrownBy(() -> scheduler.register(reports))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid @ScheduledTask on "
                + Reports.class.getName()
                + ".nightly(): \"nightly\" is the id of a task the scheduler already has; give"
                + " another id, or set replaceExisting = true");
  }

  static class Replacing extends Counter {
    @ScheduledTask(
        id = "replaced",
        trigger = "interval",
        options = "hours=1",
        replaceExisting = true)
    void run() {
      runs.incrementAndGet();
    }
  }

  @Test
  void replaceExistingReplacesATaskOfTheSameId() {
    Replacing bean = new Replacing();
    scheduler.register(bean);
    scheduler.advance(Duration.ofMinutes(30));
    List<Task> again = scheduler.register(bean);
    assertThat(again).hasSize(1);
    assertThat(scheduler.getTasks()).hasSize(1);
    assertThat(scheduler.getTask("replaced").orElseThrow().nextRunTime())
        .contains(Instant.parse("2026-03-02T01:30:00Z"));
  }

  @Test
  void aSecondInstanceOfAClassIsRefusedBecauseTheReferenceIsTaken() {
    scheduler.register(new Replacing());
    assertThatThrownBy(() -> scheduler.register(new Replacing()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid @ScheduledTask on "
                + Replacing.class.getName()
                + ".run(): \""
                + Replacing.class.getName()
                + "::run\" is registered to another function (another instance of the class?); a"
                + " scheduler runs the annotated methods of one instance per class");
  }

  // ------------------------------------------------------------------ validation

  static class WithParameter {
    @ScheduledTask
    void send(String to) {}
  }

  static class UnknownTrigger {
    @ScheduledTask(trigger = "crontab", options = "hour=3")
    void run() {}
  }

  static class BadOption {
    @ScheduledTask(trigger = "cron", options = "hour=25")
    void run() {}
  }

  static class MalformedOption {
    @ScheduledTask(trigger = "cron", options = "hour")
    void run() {}
  }

  static class RepeatedOption {
    @ScheduledTask(
        trigger = "cron",
        options = {"hour=3", "hour=4"})
    void run() {}
  }

  static class UnknownOption {
    @ScheduledTask(trigger = "interval", options = "minute=5")
    void run() {}
  }

  static class CronWithOtherTrigger {
    @ScheduledTask(trigger = "interval", cron = "0 3 * * *")
    void run() {}
  }

  static class NegativeInstances {
    @ScheduledTask(maxInstances = -1)
    void run() {}
  }

  static class BadGrace {
    @ScheduledTask(mistriggerGraceTime = "soon")
    void run() {}
  }

  static class ZeroGrace {
    @ScheduledTask(mistriggerGraceTime = "0")
    void run() {}
  }

  static class UnknownExecutor {
    @ScheduledTask(executor = "gpu")
    void run() {}
  }

  static class DuplicateIds {
    @ScheduledTask(id = "same")
    void first() {}

    @ScheduledTask(id = "same")
    void second() {}
  }

  private void assertRefused(Object bean, String method, String rest) {
    String where = bean.getClass().getName() + "." + method + "()";
    assertThatThrownBy(() -> scheduler.register(bean))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid @ScheduledTask on " + where)
        .hasMessageContaining(rest);
    assertThat(scheduler.getTasks()).as("nothing is added").isEmpty();
  }

  @Test
  void refusesAMethodWithParameters() {
    assertRefused(
        new WithParameter(),
        "send",
        ": \"[class java.lang.String]\" are parameters; an annotated method takes none");
  }

  @Test
  void refusesAnUnknownTriggerAlias() {
    assertRefused(
        new UnknownTrigger(),
        "run",
        ": \"crontab {hour=3}\" is refused: Invalid trigger alias: \"crontab\" is not a known"
            + " trigger; expected one of [and, cron, date, interval, or, shutdown]");
  }

  @Test
  void refusesABadTriggerOptionWithTheTriggersOwnMessage() {
    assertRefused(
        new BadOption(), "run", ": \"cron {hour=25}\" is refused: Invalid cron field 'hour'");
  }

  @Test
  void refusesAnOptionThatIsNotNameEqualsValue() {
    assertRefused(
        new MalformedOption(),
        "run",
        ": \"hour\" is not a trigger option; expected \"name=value\", e.g. \"hour=3\"");
  }

  @Test
  void refusesAnOptionGivenTwice() {
    assertRefused(new RepeatedOption(), "run", ": \"hour=4\" sets option hour twice");
  }

  @Test
  void refusesAnOptionTheTriggerDoesNotHave() {
    assertRefused(
        new UnknownOption(),
        "run",
        "is refused: Invalid interval trigger option: \"minute\" is not an option of the interval"
            + " trigger");
  }

  @Test
  void refusesCronWithAnotherTrigger() {
    assertRefused(
        new CronWithOtherTrigger(),
        "run",
        ": \"interval\" is the trigger, but cron is set too; cron is for the cron trigger");
  }

  @Test
  void refusesNegativeMaxInstances() {
    assertRefused(
        new NegativeInstances(),
        "run",
        ", maxInstances: -1 is negative; expected 1 or more, or 0 for the task defaults");
  }

  @Test
  void refusesAGraceTimeThatIsNotADuration() {
    assertRefused(
        new BadGrace(), "run", ", mistriggerGraceTime: \"soon\" is not a number of seconds");
    assertRefused(new ZeroGrace(), "run", ", mistriggerGraceTime: \"0\" is not positive");
  }

  @Test
  void refusesAnExecutorTheSchedulerDoesNotHave() {
    assertRefused(
        new UnknownExecutor(),
        "run",
        ", executor: \"gpu\" is refused: Invalid executor: \"gpu\" is not an executor of this"
            + " scheduler; expected one of [default]; add it before registering");
  }

  @Test
  void refusesTwoMethodsWithOneIdAndAddsNeither() {
    String type = DuplicateIds.class.getName();
    assertRefused(
        new DuplicateIds(),
        "second",
        ": \"same\" is an id that " + type + ".first() uses too; give each annotation its own id");
  }
}
