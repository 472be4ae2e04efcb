package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.event.Subscription;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import io.asyncz.run.RunOutcome;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.Task;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/**
 * Run observers (the seam run history, metrics and tracing use) are told about each run on the
 * thread that runs it: its id, scheduled and actual start, source and node at the start, with the
 * MDC set for the function; how it ended; and the runs found missed. An observer that throws
 * changes nothing about the run.
 */
@Timeout(30)
class RunObserverTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler =
      ManualScheduler.with(Scheduler.builder().identity("node-a"), clock);
  private final List<String> told = new CopyOnWriteArrayList<>();
  private final List<RunInfo> started = new CopyOnWriteArrayList<>();
  private final List<RunOutcome> ended = new CopyOnWriteArrayList<>();
  private final List<String> submissions = new CopyOnWriteArrayList<>();

  /** Records what it is told, and the thread-bound MDC the function will see. */
  private final RunObserver recording =
      new RunObserver() {
        @Override
        public RunObservation started(RunInfo run) {
          started.add(run);
          told.add("start " + run.taskId() + " mdc=" + MDC.get(RunInfo.MDC_RUN_ID));
          return new RunObservation() {
            @Override
            public void detached() {
              told.add("detached " + run.taskId());
            }

            @Override
            public void finished(RunOutcome outcome) {
              ended.add(outcome);
              told.add("end " + run.taskId() + " " + outcome.status());
            }
          };
        }

        @Override
        public void missed(RunInfo run, Duration late) {
          told.add("missed " + run.taskId() + " by " + late);
        }

        @Override
        public void submitted(Task task, String executor, int runTimes) {
          submissions.add(task.id() + " to " + executor + " x" + runTimes);
        }
      };

  private static IntervalTrigger everyTenSeconds() {
    return IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build();
  }

  @Test
  void anObserverIsToldWhenEachRunStartsAndHowItEnds() {
    scheduler.observeRuns(recording);
    scheduler.start();
    List<String> seenByTheFunction = new ArrayList<>();
    scheduler
        .task(
            () -> {
              seenByTheFunction.add(
                  MDC.get(RunInfo.MDC_TASK_ID) + " " + MDC.get(RunInfo.MDC_RUN_ID));
              return 42;
            })
        .id("report")
        .trigger(everyTenSeconds())
        .add();

    clock.set(T.plusMillis(10_400)); // 0.4 s late, inside the default grace time of 1 s
    scheduler.runDue();

    assertThat(started).hasSize(1);
    RunInfo run = started.get(0);
    assertThat(run.taskId()).isEqualTo("report");
    assertThat(run.scheduledRunTime()).isEqualTo(T.plusSeconds(10));
    assertThat(run.startedAt()).isEqualTo(T.plusMillis(10_400));
    assertThat(run.lateness()).isEqualTo(Duration.ofMillis(400));
    assertThat(run.source()).isEqualTo(TaskSubmissionEvent.Source.SCHEDULED);
    assertThat(run.node()).isEqualTo("node-a");
    assertThat(run.executor()).isEqualTo("default");
    assertThat(run.attempt()).isEqualTo(1);
    assertThat(run.runId()).matches("[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(seenByTheFunction).containsExactly("report " + run.runId());
    assertThat(told).containsExactly("start report mdc=" + run.runId(), "end report SUCCEEDED");
    assertThat(ended.get(0).returnValue()).isEqualTo(42);
    assertThat(ended.get(0).endedAt()).isEqualTo(T.plusMillis(10_400));
    // The MDC is the caller's again once the run is over.
    assertThat(MDC.get(RunInfo.MDC_RUN_ID)).isNull();
    assertThat(MDC.get(RunInfo.MDC_TASK_ID)).isNull();
  }

  @Test
  void anObserverIsToldOfEachSubmissionWithItsExecutorAndRunTimes() {
    scheduler.observeRuns(recording);
    scheduler.start();
    scheduler
        .task(() -> null)
        .id("backlog")
        .trigger(everyTenSeconds())
        .coalesce(false)
        .mistriggerGraceTime(Duration.ofMinutes(1))
        .add();

    clock.set(T.plusSeconds(30)); // three run times due, not coalesced: one submission of three
    scheduler.runDue();

    assertThat(submissions).containsExactly("backlog to default x3");
    assertThat(started).hasSize(3);
  }

  @Test
  void aManualRunSaysSoAndEachRunHasItsOwnId() {
    scheduler.observeRuns(recording);
    scheduler.start();
    scheduler.task(() -> null).id("nightly").trigger(everyTenSeconds()).add();

    scheduler.runTask("nightly", null, true, false);
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(started)
        .extracting(RunInfo::source)
        .containsExactly(TaskSubmissionEvent.Source.MANUAL, TaskSubmissionEvent.Source.SCHEDULED);
    assertThat(started.get(0).runId()).isNotEqualTo(started.get(1).runId());
  }

  @Test
  void aFailedRunEndsWithWhatItThrew() {
    scheduler.observeRuns(recording);
    scheduler.start();
    IllegalStateException boom = new IllegalStateException("disk full");
    scheduler
        .task(
            () -> {
              throw boom;
            })
        .id("backup")
        .trigger(everyTenSeconds())
        .add();

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(ended).hasSize(1);
    assertThat(ended.get(0).status()).isEqualTo(RunOutcome.Status.FAILED);
    assertThat(ended.get(0).error()).isSameAs(boom);
  }

  @Test
  void aRunFoundLaterThanItsGraceTimeIsToldAsMissedAndNotStarted() {
    scheduler.observeRuns(recording);
    scheduler.start();
    scheduler
        .task(() -> null)
        .id("late")
        .trigger(everyTenSeconds())
        .mistriggerGraceTime(Duration.ofSeconds(1))
        .coalesce(true)
        .add();

    clock.set(T.plusSeconds(15));
    scheduler.runDue();

    assertThat(told).containsExactly("missed late by PT5S");
    assertThat(started).isEmpty();
  }

  @Test
  void anAsynchronousRunDetachesFromItsThreadAndEndsWhenItsStageCompletes() {
    scheduler.observeRuns(recording);
    scheduler.start();
    CompletableFuture<String> stage = new CompletableFuture<>();
    scheduler.task(() -> stage).id("upload").trigger(everyTenSeconds()).add();

    scheduler.advance(Duration.ofSeconds(10));
    assertThat(told).hasSize(2).last().isEqualTo("detached upload");
    assertThat(ended).isEmpty();

    clock.set(T.plusSeconds(13));
    stage.complete("done");
    assertThat(told).last().isEqualTo("end upload SUCCEEDED");
    assertThat(ended.get(0).returnValue()).isEqualTo("done");
    assertThat(ended.get(0).endedAt()).isEqualTo(T.plusSeconds(13));
  }

  @Test
  void anObserverThatThrowsChangesNothingAboutTheRunOrTheOtherObservers() {
    EventLog log = new EventLog();
    scheduler.addListener(log);
    scheduler.observeRuns(
        run -> {
          throw new IllegalStateException("observer bug");
        });
    scheduler.observeRuns(recording);
    scheduler.start();
    List<Integer> runs = new ArrayList<>();
    scheduler.task(() -> runs.add(1)).id("sturdy").trigger(everyTenSeconds()).add();

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(runs).hasSize(1);
    assertThat(log.count(Events.TASK_EXECUTED)).isEqualTo(1);
    assertThat(told)
        .containsExactly("start sturdy mdc=" + started.get(0).runId(), "end sturdy SUCCEEDED");
  }

  @Test
  void aCancelledObserverIsNoLongerTold() {
    Subscription subscription = scheduler.observeRuns(recording);
    scheduler.start();
    scheduler.task(() -> null).id("quiet").trigger(everyTenSeconds()).add();
    scheduler.advance(Duration.ofSeconds(10));
    subscription.cancel();
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(started).hasSize(1);
  }
}
