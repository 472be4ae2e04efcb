package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.asyncz.InvalidInputException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerErrorEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.task.Task;
import io.asyncz.testkit.FaultyStore;
import io.asyncz.testkit.ForwardingStore;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.TriggerState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the loop does when a store refuses writes, a task cannot be processed, or an outage was long
 * (issue 9): no run is repeated without a pause, nothing stops silently, nothing is deleted. On
 * virtual time: a loop that spins without a pause makes {@link ManualScheduler#advance} fail after
 * a million rounds.
 */
class StoreFailureTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");
  private static final Duration RETRY = Duration.ofSeconds(10);

  private final MutableClock clock = MutableClock.at(T);
  private final FaultyStore db = FaultyStore.wrap(new MemoryStore());
  private final ManualScheduler scheduler =
      ManualScheduler.with(
          Scheduler.builder()
              .storeRetryInterval(RETRY)
              .store("default", new MemoryStore())
              .store("db", db)
              .executor("spare", new InlineExecutor()),
          clock);
  private final EventLog log = new EventLog();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    scheduler.addListener(log);
    scheduler.start();
  }

  @AfterEach
  void stop() {
    db.heal();
    if (scheduler.isRunning()) {
      scheduler.shutdown(false);
    }
  }

  private Runnable counting(String id) {
    AtomicInteger n = runs.computeIfAbsent(id, k -> new AtomicInteger());
    return n::incrementAndGet;
  }

  private int runsOf(String id) {
    AtomicInteger n = runs.get(id);
    return n == null ? 0 : n.get();
  }

  private void addOneShot(String id, String store, Instant at) {
    scheduler.task(counting(id)).id(id).trigger(DateTrigger.at(at)).store(store).add();
  }

  private List<SchedulerErrorEvent> errors() {
    return log.all().stream()
        .filter(e -> e instanceof SchedulerErrorEvent)
        .map(SchedulerErrorEvent.class::cast)
        .toList();
  }

  @Test
  void runsWhoseNextRunTimesTheStoreRefusesAreNotSubmittedAgainUntilItTakesThem() {
    for (String id : List.of("a", "b", "c")) {
      addOneShot(id, "db", T.plusSeconds(1));
    }
    scheduler
        .task(counting("healthy"))
        .id("healthy")
        .trigger(IntervalTrigger.builder().seconds(1).startAt(T.plusSeconds(1)).build())
        .add();
    db.fail(FaultyStore.WRITES); // a read-only replica: the due tasks read, their advance fails

    scheduler.advance(Duration.ofSeconds(3));

    assertThat(List.of(runsOf("a"), runsOf("b"), runsOf("c"))).containsExactly(1, 1, 1);
    assertThat(runsOf("healthy")).isEqualTo(3);
    assertThat(errors()).singleElement().satisfies(e -> assertThat(e.store()).isEqualTo("db"));
    assertThat(db.calls(FaultyStore.Operation.DUE)).isLessThanOrEqualTo(2); // at T and T+1

    scheduler.advance(Duration.ofSeconds(20)); // still refusing: retried every 10 s, never run
    assertThat(List.of(runsOf("a"), runsOf("b"), runsOf("c"))).containsExactly(1, 1, 1);
    assertThat(errors()).hasSize(3);

    db.heal();
    scheduler.advance(RETRY);

    assertThat(scheduler.getTasks("db")).isEmpty(); // the held removals were written
    assertThat(List.of(runsOf("a"), runsOf("b"), runsOf("c"))).containsExactly(1, 1, 1);
    assertThat(log.namesFor("a")).containsOnlyOnce("TASK_SUBMITTED");
  }

  @Test
  void aTaskChangedWhileItsAdvanceWasHeldKeepsTheChange() {
    scheduler
        .task(counting("t"))
        .id("t")
        .trigger(IntervalTrigger.builder().seconds(5).startAt(T.plusSeconds(5)).build())
        .store("db")
        .add();
    db.fail(FaultyStore.Operation.ADVANCE, FaultyStore.Operation.UPDATE);
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(runsOf("t")).isEqualTo(1);

    db.heal();
    scheduler.pauseTask("t", "db"); // an operator acts before the loop writes the held advance
    scheduler.advance(Duration.ofSeconds(30));

    assertThat(scheduler.getTask("t", "db").orElseThrow().isPaused()).isTrue();
    assertThat(runsOf("t")).isEqualTo(1);
  }

  @Test
  void aStoreThatFailsToReadIsAskedAgainOnlyAfterTheRetryIntervalAndTheOthersGoOn() {
    scheduler
        .task(counting("later"))
        .id("later")
        .trigger(DateTrigger.at(T.plusSeconds(2)))
        .noGraceLimit()
        .store("db")
        .add();
    scheduler
        .task(counting("healthy"))
        .id("healthy")
        .trigger(IntervalTrigger.builder().seconds(1).startAt(T.plusSeconds(1)).build())
        .add();
    db.fail(FaultyStore.ALL);

    scheduler.advance(Duration.ofSeconds(25));

    assertThat(runsOf("healthy")).isEqualTo(25);
    assertThat(runsOf("later")).isZero();
    assertThat(db.calls(FaultyStore.Operation.DUE)).isEqualTo(3); // at T, T+10 and T+20
    db.heal();
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(runsOf("later")).isEqualTo(1);
    assertThat(errors()).allSatisfy(e -> assertThat(e.fatal()).isFalse());
  }

  /** A trigger whose state is hostile: it gives a first time, then throws when stepped. */
  private static final class ExplodingTrigger implements Trigger {
    @Override
    public String alias() {
      return "exploding";
    }

    @Override
    public Optional<Instant> nextFireTime(ZoneId zone, Instant previous, Instant now) {
      if (previous == null) {
        return Optional.of(T.plusSeconds(1));
      }
      throw new ArithmeticException("long overflow");
    }

    @Override
    public TriggerState state() {
      return new TriggerState("exploding", Map.of());
    }
  }

  @Test
  void aTaskWhoseTriggerThrowsWhenSteppedIsQuarantinedNeverRunAndNeverHoldsUpTheOthers() {
    scheduler.task(counting("bad")).id("bad").trigger(new ExplodingTrigger()).store("db").add();
    addOneShot("good", "db", T.plusSeconds(1));

    scheduler.advance(Duration.ofSeconds(5));

    assertThat(runsOf("bad")).isZero();
    assertThat(runsOf("good")).isEqualTo(1);
    assertThat(scheduler.getTask("bad")).isEmpty();
    List<QuarantinedRecord> quarantined = scheduler.quarantinedRecords().get("db");
    assertThat(quarantined)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.taskId()).isEqualTo("bad");
              assertThat(r.reason()).isEqualTo("TRIGGER_ERROR");
              assertThat(r.detail()).contains("long overflow");
            });
    assertThat(log.all())
        .filteredOn(e -> e instanceof TaskQuarantinedEvent)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(((TaskQuarantinedEvent) e).reason()).isEqualTo("TRIGGER_ERROR");
              assertThat(e.schedulerIdentity()).isEqualTo(scheduler.identity());
            });
  }

  @Test
  void aTaskNamingAnExecutorThisSchedulerLacksIsQuarantinedNotDeletedAndRestoredOnceItIsBack() {
    addOneShot("elsewhere", "db", T.plusSeconds(1));
    scheduler.updateTask("elsewhere", "db", Map.of("executor", "spare"));
    scheduler.removeExecutor("spare", true);

    scheduler.advance(Duration.ofSeconds(2));

    assertThat(runsOf("elsewhere")).isZero();
    assertThat(scheduler.quarantinedRecords().get("db"))
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("UNKNOWN_EXECUTOR"));
    assertThat(log.namesFor("elsewhere")).doesNotContain("TASK_REMOVED");
    assertThatThrownBy(() -> scheduler.restoreQuarantined("elsewhere", "db"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"spare\"")
        .hasMessageContaining("add it first");
    assertThat(scheduler.quarantinedRecords().get("db")).hasSize(1);

    scheduler.addExecutor(new InlineExecutor(), "spare");
    scheduler.restoreQuarantined("elsewhere", "db");
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(runsOf("elsewhere")).isEqualTo(1);
  }

  @Test
  void aTaskThatCannotBeQuarantinedBecauseTheStoreRefusesIsHeldAndQuarantinedLater() {
    scheduler.task(counting("bad")).id("bad").trigger(new ExplodingTrigger()).store("db").add();
    db.fail(FaultyStore.Operation.QUARANTINE);

    scheduler.advance(Duration.ofSeconds(5));
    assertThat(runsOf("bad")).isZero();
    assertThat(db.delegate().lookupTask("bad")).isPresent(); // held, not run, not deleted

    db.heal();
    scheduler.advance(RETRY);

    assertThat(runsOf("bad")).isZero();
    assertThat(scheduler.quarantinedRecords().get("db")).hasSize(1);
  }

  /** A store with no quarantine at all, as a third-party store may be. */
  private static final class NoQuarantineStore extends ForwardingStore {
    NoQuarantineStore() {
      super(new MemoryStore());
    }

    @Override
    public boolean quarantineTask(String id, String reason, String detail) {
      throw new UnsupportedOperationException("no quarantine here");
    }
  }

  @Test
  void aTaskAStoreWithoutQuarantineCannotSetAsideIsHeldBackWithoutABusyLoop() {
    scheduler.addStore(new NoQuarantineStore(), "plain");
    scheduler.task(counting("bad")).id("bad").trigger(new ExplodingTrigger()).store("plain").add();
    addOneShot("good", "plain", T.plusSeconds(3));

    scheduler.advance(Duration.ofSeconds(30)); // a busy loop would fail after a million rounds

    assertThat(runsOf("bad")).isZero();
    assertThat(runsOf("good")).isEqualTo(1);
    assertThat(scheduler.getTask("bad", "plain")).isPresent();
  }

  /** Refuses updates of one task only, as a database trigger on one row would. */
  private static final class OneBadRowStore extends ForwardingStore {
    private final String badId;

    OneBadRowStore(String badId) {
      super(new MemoryStore());
      this.badId = badId;
    }

    @Override
    public void updateTask(Task task) {
      if (task.id().equals(badId)) {
        throw new IllegalStateException("row " + badId + " is locked by a trigger");
      }
      super.updateTask(task);
    }

    @Override
    public void advanceTasks(List<Task> advanced, List<String> finished) {
      for (Task t : advanced) {
        if (t.id().equals(badId)) {
          throw new IllegalStateException("row " + badId + " is locked by a trigger");
        }
      }
      super.advanceTasks(advanced, finished);
    }
  }

  @Test
  void aTaskWhoseScheduleOneRowRefusesIsHeldThenQuarantinedWhileTheOthersRunOnTime() {
    scheduler.addStore(new OneBadRowStore("stuck"), "rows");
    IntervalTrigger everySecond =
        IntervalTrigger.builder().seconds(1).startAt(T.plusSeconds(1)).build();
    scheduler.task(counting("stuck")).id("stuck").trigger(everySecond).store("rows").add();
    scheduler.task(counting("fine")).id("fine").trigger(everySecond).store("rows").add();

    scheduler.advance(Duration.ofSeconds(60));

    assertThat(runsOf("stuck")).isEqualTo(1); // never again: its advance never reached the store
    assertThat(runsOf("fine")).isEqualTo(60);
    assertThat(scheduler.quarantinedRecords().get("rows"))
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("UNWRITABLE"));
  }

  /** An executor that fails in its own code, as a broken plugin would. */
  private static final class BrokenExecutor extends io.asyncz.executor.AbstractExecutor {
    @Override
    protected void dispatch(Runnable work) {
      throw new StackOverflowError("executor recursed");
    }
  }

  @Test
  void anExecutorThatThrowsAnErrorNeitherStopsTheLoopNorRepeatsTheRun() {
    scheduler.addExecutor("broken", new BrokenExecutor());
    scheduler
        .task(counting("broken"))
        .id("broken")
        .trigger(IntervalTrigger.builder().seconds(1).startAt(T.plusSeconds(1)).build())
        .executor("broken")
        .add();
    scheduler
        .task(counting("healthy"))
        .id("healthy")
        .trigger(IntervalTrigger.builder().seconds(1).startAt(T.plusSeconds(1)).build())
        .add();

    scheduler.advance(Duration.ofSeconds(5));

    assertThat(runsOf("healthy")).isEqualTo(5);
    assertThat(runsOf("broken")).isZero();
    assertThat(scheduler.getTask("broken").orElseThrow().nextRunTime()).contains(T.plusSeconds(6));
    assertThat(scheduler.runningInstances("broken")).isZero();
  }

  @Test
  void aYearLongOutageOfAnEverySecondTaskIsSettledInOneBoundedRoundWhenNobodyListensForMisses() {
    ManualScheduler quiet = ManualScheduler.on(clock);
    EventLog submissions = new EventLog();
    quiet.addListener(submissions, Events.TASK_SUBMITTED);
    quiet.start();
    IntervalTrigger everySecond =
        IntervalTrigger.builder().seconds(1).startAt(T.minus(Duration.ofDays(365))).build();
    quiet
        .task(counting("tick"))
        .id("tick")
        .trigger(everySecond)
        .coalesce(false)
        .nextRunTime(T.minus(Duration.ofDays(365)))
        .add();
    quiet.task(counting("healthy")).id("healthy").trigger(DateTrigger.at(T)).nextRunTime(T).add();

    assertTimeoutPreemptively(Duration.ofSeconds(20), quiet::runDue);

    assertThat(runsOf("healthy")).isEqualTo(1);
    // Everything older than the 1 s grace time was missed; what is left runs.
    assertThat(submissions.submissions(Events.TASK_SUBMITTED))
        .filteredOn(s -> s.taskId().equals("tick"))
        .allSatisfy(s -> assertThat(s.scheduledRunTimes().size()).isLessThanOrEqualTo(2));
    assertThat(runsOf("tick")).isBetween(1, 2);
    assertThat(quiet.getTask("tick").orElseThrow().nextRunTime()).contains(T.plusSeconds(1));
    quiet.shutdown(false);
  }

  @Test
  void aLongOutageIsReportedOneMissedEventPerRunTimeInBoundedRounds() {
    ManualScheduler listened = ManualScheduler.on(clock);
    List<Instant> times = new ArrayList<>(); // the loop's thread is the only one that adds
    listened.addListener(
        e -> times.add(((TaskExecutionEvent) e).scheduledRunTime()), Events.TASK_MISSED);
    listened.start();
    Instant dayAgo = T.minus(Duration.ofDays(1));
    listened
        .task(counting("tick"))
        .id("tick")
        .trigger(IntervalTrigger.builder().seconds(1).startAt(dayAgo).build())
        .coalesce(false)
        .nextRunTime(dayAgo)
        .add();

    int rounds = 0;
    int largest = 0;
    while (listened.getTask("tick").orElseThrow().nextRunTime().orElseThrow().isBefore(T)) {
      int before = times.size();
      listened.runDue();
      largest = Math.max(largest, times.size() - before);
      rounds++;
    }

    assertThat(times).hasSize(86_399).doesNotHaveDuplicates().isSorted();
    assertThat(times.get(0)).isEqualTo(dayAgo);
    assertThat(largest).isLessThanOrEqualTo(1_000);
    assertThat(rounds).isGreaterThan(80);
    assertThat(runsOf("tick")).isEqualTo(2); // T-1 s and T, within the 1 s grace time
    listened.shutdown(false);
  }

  @Test
  void aCoalescingTaskAfterAYearRunsOnceAndSaysHowManyRunsItFolded() {
    Instant yearAgo = T.minus(Duration.ofDays(365));
    scheduler
        .task(counting("tick"))
        .id("tick")
        .trigger(IntervalTrigger.builder().seconds(1).startAt(yearAgo).build())
        .nextRunTime(yearAgo)
        .add();

    scheduler.runDue();

    assertThat(log.submissions(Events.TASK_SUBMITTED))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.scheduledRunTimes()).containsExactly(T);
              assertThat(s.coalescedRunCount()).isEqualTo(365L * 86_400);
            });
    assertThat(runsOf("tick")).isEqualTo(1);
  }
}
