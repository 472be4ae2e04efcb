package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunRetention;
import io.asyncz.history.RunStatus;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.testkit.FaultyStore;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler records each run in its run history: a succeeded run with its result, a failed one
 * with its stack trace, a missed run time, a run time refused for max instances, and a manual run;
 * a store whose history refuses writes changes nothing about the runs.
 */
@Timeout(30)
class RunHistoryTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private ManualScheduler scheduler =
      ManualScheduler.with(Scheduler.builder().runHistory(true).identity("node-a"), clock);

  @AfterEach
  void stop() {
    if (scheduler.isRunning()) {
      scheduler.shutdown();
    }
  }

  private List<RunRecord> runsOf(String task) {
    return scheduler.runHistory().query(RunQuery.forTask(task, 100)).runs();
  }

  @Test
  void aSucceededRunIsRecordedWithItsResult() {
    scheduler.start();
    scheduler
        .task(() -> "report of " + 3)
        .id("report")
        .name("Daily report")
        .trigger(DateTrigger.at(T.plusSeconds(1)))
        .add();
    clock.advance(Duration.ofSeconds(1).plusMillis(7));
    scheduler.runDue();

    RunRecord run = runsOf("report").get(0);
    assertThat(runsOf("report")).hasSize(1);
    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(run.result()).isEqualTo("report of 3");
    assertThat(run.taskName()).isEqualTo("Daily report");
    assertThat(run.store()).isEqualTo("default");
    assertThat(run.executor()).isEqualTo("default");
    assertThat(run.source()).isEqualTo("scheduled");
    assertThat(run.node()).isEqualTo("node-a");
    assertThat(run.scheduledAt()).isEqualTo(T.plusSeconds(1));
    assertThat(run.startedAt()).isEqualTo(T.plusSeconds(1).plusMillis(7));
    assertThat(run.endedAt()).isEqualTo(T.plusSeconds(1).plusMillis(7));
    assertThat(run.errorType()).isNull();
    assertThat(scheduler.runHistory().find(run.runId())).contains(run);
  }

  @Test
  void aFailedRunKeepsItsErrorAndStackTrace() {
    scheduler.start();
    scheduler
        .task(
            () -> {
              throw new IllegalStateException("ledger closed");
            })
        .id("close")
        .trigger(DateTrigger.at(T))
        .add();
    scheduler.runDue();

    RunRecord run = runsOf("close").get(0);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.errorType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(run.errorMessage()).isEqualTo("ledger closed");
    assertThat(run.stackTrace())
        .startsWith("java.lang.IllegalStateException: ledger closed")
        .contains("RunHistoryTest");
    assertThat(run.result()).isNull();
  }

  @Test
  void aLongResultIsCutToTheLimit() {
    scheduler.start();
    scheduler.task(() -> "x".repeat(5000)).id("long").trigger(DateTrigger.at(T)).add();
    scheduler.runDue();

    assertThat(runsOf("long").get(0).result()).hasSize(RunRecord.RESULT_LIMIT);
  }

  @Test
  void aRunIsRecordedAsRunningUntilItEnds() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    scheduler.start();
    scheduler.task(() -> stage).id("slow").trigger(DateTrigger.at(T)).add();
    scheduler.runDue();

    assertThat(runsOf("slow"))
        .singleElement()
        .extracting(RunRecord::status)
        .isEqualTo(RunStatus.RUNNING);
    assertThat(runsOf("slow").get(0).endedAt()).isNull();

    clock.advance(Duration.ofSeconds(3));
    stage.complete("done");

    RunRecord run = runsOf("slow").get(0);
    assertThat(runsOf("slow")).hasSize(1);
    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(run.result()).isEqualTo("done");
    assertThat(run.duration()).contains(Duration.ofSeconds(3));
  }

  @Test
  void aMissedRunTimeIsRecordedAsMissed() {
    scheduler.start();
    scheduler
        .task(() -> "never")
        .id("late")
        .trigger(DateTrigger.at(T.plusSeconds(1)))
        .mistriggerGraceTime(Duration.ofSeconds(1))
        .add();
    clock.set(T.plusSeconds(30));
    scheduler.runDue();

    RunRecord run = runsOf("late").get(0);
    assertThat(runsOf("late")).hasSize(1);
    assertThat(run.status()).isEqualTo(RunStatus.MISSED);
    assertThat(run.scheduledAt()).isEqualTo(T.plusSeconds(1));
    assertThat(run.startedAt()).isEqualTo(T.plusSeconds(30));
    assertThat(run.endedAt()).isNull();
  }

  @Test
  void aRunTimeRefusedForMaxInstancesIsRecordedAsSkipped() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    scheduler.start();
    scheduler
        .task(() -> stage)
        .id("busy")
        .trigger(IntervalTrigger.every(Duration.ofMinutes(1)))
        .maxInstances(1)
        .add();
    scheduler.advance(Duration.ofMinutes(2)); // the first run still goes at the second

    List<RunRecord> runs = runsOf("busy");
    assertThat(runs)
        .extracting(RunRecord::status)
        .containsExactly(RunStatus.SKIPPED, RunStatus.RUNNING);
    RunRecord skipped = runs.get(0);
    assertThat(skipped.scheduledAt()).isEqualTo(T.plusSeconds(120));
    assertThat(skipped.startedAt()).isEqualTo(T.plusSeconds(120));
    assertThat(skipped.errorMessage()).contains("max_instances");
    stage.complete("ok");
  }

  @Test
  void aManualRunIsRecordedAsManual() {
    scheduler.start();
    scheduler.task(() -> "by hand").id("hand").trigger(DateTrigger.at(T.plusSeconds(3600))).add();
    scheduler.runTask("hand", null, true, false);

    RunRecord run = runsOf("hand").get(0);
    assertThat(run.source()).isEqualTo("manual");
    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
  }

  @Test
  void keepsTheNewestRunsOfEachTaskAsConfigured() {
    scheduler =
        ManualScheduler.with(
            Scheduler.builder()
                .runHistory(true)
                .runRetention(new RunRetention(3, Duration.ofDays(1))),
            clock);
    scheduler.start();
    scheduler
        .task(() -> "tick")
        .id("tick")
        .trigger(IntervalTrigger.every(Duration.ofMinutes(1)))
        .add();
    scheduler.advance(Duration.ofMinutes(10));

    assertThat(runsOf("tick"))
        .extracting(RunRecord::scheduledAt)
        .containsExactly(T.plusSeconds(600), T.plusSeconds(540), T.plusSeconds(480));
  }

  @Test
  void recordsNothingWhenRunHistoryIsOff() {
    scheduler = ManualScheduler.with(Scheduler.builder().runHistory(false), clock);
    scheduler.start();
    scheduler.task(() -> "x").id("x").trigger(DateTrigger.at(T)).add();
    scheduler.runDue();

    RunPage page = scheduler.runHistory().query(RunQuery.ALL);
    assertThat(page.runs()).isEmpty();
  }

  /** Three minutes of a task on a store whose history fails or not: what a user sees of it. */
  private List<Object> threeMinutes(FaultyStore store) {
    scheduler =
        ManualScheduler.with(
            Scheduler.builder()
                .runHistory(true)
                .store("db", store)
                .storeRetryInterval(Duration.ofHours(1)),
            clock);
    List<String> events = new CopyOnWriteArrayList<>();
    scheduler.addListener(e -> events.add(Events.name(e.code())), Events.ALL_EVENTS);
    AtomicInteger calls = new AtomicInteger();
    scheduler.start();
    scheduler
        .task(() -> calls.incrementAndGet())
        .id("tick")
        .store("db")
        .trigger(IntervalTrigger.every(Duration.ofMinutes(1)))
        .add();
    scheduler.advance(Duration.ofMinutes(3));
    return List.of(
        calls.get(),
        List.copyOf(events),
        scheduler.getTask("tick").orElseThrow().nextRunTimeOrNull());
  }

  @Test
  void aHistoryThatRefusesWritesChangesNothingAboutTheRuns() {
    List<Object> working = threeMinutes(FaultyStore.wrap(new MemoryStore()).keepHistory());
    scheduler.shutdown();
    clock.set(T);
    FaultyStore store = FaultyStore.wrap(new MemoryStore()).keepHistory().failHistory(true);

    List<Object> failing = threeMinutes(store);

    assertThat(failing).isEqualTo(working);
    assertThat(failing.get(0)).isEqualTo(3);
    assertThat(scheduler.flushRunHistory(Duration.ofMillis(50))).isFalse();
    assertThat(runsOf("tick")).isEmpty();

    store.failHistory(false);

    assertThat(scheduler.flushRunHistory(Duration.ofSeconds(10))).isTrue();
    assertThat(runsOf("tick"))
        .extracting(RunRecord::status)
        .containsExactly(RunStatus.SUCCEEDED, RunStatus.SUCCEEDED, RunStatus.SUCCEEDED);
  }
}
