package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.config.SchedulerConfig;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskRetryEvent;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.PendingRetry;
import io.asyncz.task.RetryPolicy;
import io.asyncz.task.Task;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retries (issue 14) on virtual time: a failed run is tried again as the same scheduled run time,
 * attempt after attempt, after the policy's delay, until it succeeds or its retries run out; the
 * retry is stored with the task, so that it survives the task's last run, and it never runs twice.
 */
@Timeout(30)
class RetryTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final EventLog log = new EventLog();
  private final List<RunInfo> runs = new CopyOnWriteArrayList<>();

  RetryTest() {
    scheduler.addListener(log);
    scheduler.observeRuns(
        run -> {
          runs.add(run);
          return RunObservation.NONE;
        });
    scheduler.start();
  }

  private static IntervalTrigger hourly() {
    return IntervalTrigger.builder().hours(1).startAt(T.plusSeconds(3600)).build();
  }

  /** A function that throws {@code failures} times, then returns "ok". */
  private static java.util.concurrent.Callable<String> failing(int failures, Exception error) {
    AtomicInteger calls = new AtomicInteger();
    return () -> {
      if (calls.incrementAndGet() <= failures) {
        throw error;
      }
      return "ok";
    };
  }

  private List<TaskRetryEvent> retryEvents() {
    return log.all().stream()
        .filter(TaskRetryEvent.class::isInstance)
        .map(TaskRetryEvent.class::cast)
        .toList();
  }

  @Test
  void aFailedRunIsTriedAgainAsTheSameScheduledTimeUntilItSucceeds() {
    scheduler
        .task(failing(2, new IllegalStateException("flaky")))
        .id("sync")
        .trigger(hourly())
        .retry(RetryPolicy.fixed(3, Duration.ofSeconds(10)))
        .add();

    scheduler.advance(Duration.ofHours(1));
    assertThat(scheduler.getTask("sync").orElseThrow().pendingRetry())
        .contains(
            new PendingRetry(T.plusSeconds(3600), 2, T.plusSeconds(3610), T.plusSeconds(7200)));
    scheduler.advance(Duration.ofSeconds(10));
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(runs).extracting(RunInfo::attempt).containsExactly(1, 2, 3);
    assertThat(runs).extracting(RunInfo::scheduledRunTime).containsOnly(T.plusSeconds(3600));
    assertThat(runs)
        .extracting(RunInfo::startedAt)
        .containsExactly(T.plusSeconds(3600), T.plusSeconds(3610), T.plusSeconds(3620));
    assertThat(log.count(Events.TASK_ERROR)).isEqualTo(2);
    assertThat(log.count(Events.TASK_EXECUTED)).isEqualTo(1);
    assertThat(retryEvents())
        .extracting(TaskRetryEvent::attempt, TaskRetryEvent::retryAt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, T.plusSeconds(3610)),
            org.assertj.core.groups.Tuple.tuple(2, T.plusSeconds(3620)));
    // Retries done, the task goes on with its own schedule.
    Task task = scheduler.getTask("sync").orElseThrow();
    assertThat(task.pendingRetry()).isEmpty();
    assertThat(task.nextRunTime()).contains(T.plusSeconds(7200));
  }

  @Test
  void aRunThatFailsEveryAttemptEndsWithRetriesExhaustedAndTheTaskGoesOn() {
    scheduler
        .task(failing(100, new IllegalStateException("down")))
        .id("ping")
        .trigger(hourly())
        .retry(RetryPolicy.fixed(2, Duration.ofSeconds(5)))
        .add();

    scheduler.advance(Duration.ofHours(1).plusMinutes(1));

    assertThat(runs).extracting(RunInfo::attempt).containsExactly(1, 2, 3);
    assertThat(retryEvents())
        .extracting(SchedulerEvent::code)
        .containsExactly(
            Events.TASK_RETRY_SCHEDULED,
            Events.TASK_RETRY_SCHEDULED,
            Events.TASK_RETRIES_EXHAUSTED);
    assertThat(retryEvents().get(2).attempt()).isEqualTo(3);
    assertThat(scheduler.getTask("ping").orElseThrow().nextRunTime()).contains(T.plusSeconds(7200));
  }

  @Test
  void exponentialBackoffDoublesUpToItsCapAndFullJitterStaysUnderIt() {
    RetryPolicy policy = RetryPolicy.exponential(6, Duration.ofSeconds(1), Duration.ofSeconds(4));
    Random random = new Random(7);
    assertThat(List.of(2, 3, 4, 5, 6).stream().map(a -> policy.delayBefore(a, random)))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(4),
            Duration.ofSeconds(4));
    RetryPolicy jittered = policy.withJitter();
    for (int i = 0; i < 1000; i++) {
      assertThat(jittered.delayBefore(4, random)).isBetween(Duration.ZERO, Duration.ofSeconds(4));
    }

    scheduler
        .task(failing(100, new IllegalStateException("down")))
        .id("backoff")
        .trigger(hourly())
        .retry(policy)
        .add();
    scheduler.advance(Duration.ofHours(1).plusMinutes(1));
    assertThat(runs)
        .extracting(r -> Duration.between(T.plusSeconds(3600), r.startedAt()).toSeconds())
        .containsExactly(0L, 1L, 3L, 7L, 11L, 15L, 19L);
  }

  @Test
  void onlyTheExceptionsNamedAreRetried() {
    RetryPolicy onIo = RetryPolicy.fixed(3, Duration.ofSeconds(1)).retryOn(IOException.class);
    scheduler
        .task(failing(1, new FileNotFoundException("missing.csv")))
        .id("io")
        .trigger(hourly())
        .retry(onIo)
        .add();
    scheduler
        .task(failing(1, new IllegalArgumentException("bad row")))
        .id("logic")
        .trigger(hourly())
        .retry(onIo)
        .add();

    scheduler.advance(Duration.ofHours(1).plusMinutes(1));

    assertThat(runs.stream().filter(r -> r.taskId().equals("io")))
        .extracting(RunInfo::attempt)
        .containsExactly(1, 2);
    assertThat(runs.stream().filter(r -> r.taskId().equals("logic")))
        .extracting(RunInfo::attempt)
        .containsExactly(1);
    assertThat(retryEvents()).extracting(TaskRetryEvent::taskId).containsExactly("io");
  }

  @Test
  void aOneShotTaskWhoseOnlyRunFailsComesBackForItsRetryAndEndsAfterIt() {
    scheduler
        .task(failing(1, new IllegalStateException("once")))
        .id("report")
        .trigger(DateTrigger.at(T.plusSeconds(60)))
        .retry(RetryPolicy.fixed(1, Duration.ofSeconds(30)))
        .add();

    scheduler.advance(Duration.ofSeconds(60));
    Task waiting = scheduler.getTask("report").orElseThrow();
    assertThat(waiting.pendingRetry())
        .contains(new PendingRetry(T.plusSeconds(60), 2, T.plusSeconds(90), null));
    assertThat(waiting.nextRunTime()).contains(T.plusSeconds(90));

    scheduler.advance(Duration.ofSeconds(30));
    assertThat(runs).extracting(RunInfo::attempt).containsExactly(1, 2);
    assertThat(log.count(Events.TASK_EXECUTED)).isEqualTo(1);
    assertThat(scheduler.getTask("report")).isEmpty();
    scheduler.advance(Duration.ofHours(1));
    assertThat(runs).hasSize(2); // the retry ran once
  }

  @Test
  void aRetryThatKeepsTheSlotHoldsBackTheRegularRunsUntilItHasRun() {
    scheduler
        .task(failing(1, new IllegalStateException("first")))
        .id("exclusive")
        .trigger(IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build())
        .retry(RetryPolicy.fixed(1, Duration.ofSeconds(25)).keepingSlot())
        .add();
    scheduler
        .task(failing(1, new IllegalStateException("first")))
        .id("shared")
        .trigger(IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build())
        .retry(RetryPolicy.fixed(1, Duration.ofSeconds(25)))
        .add();

    scheduler.advance(Duration.ofSeconds(40));

    assertThat(runs.stream().filter(r -> r.taskId().equals("exclusive")))
        .extracting(r -> r.startedAt().getEpochSecond() - T.getEpochSecond(), RunInfo::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(10L, 1),
            org.assertj.core.groups.Tuple.tuple(35L, 2),
            org.assertj.core.groups.Tuple.tuple(40L, 1));
    assertThat(runs.stream().filter(r -> r.taskId().equals("shared")))
        .extracting(r -> r.startedAt().getEpochSecond() - T.getEpochSecond(), RunInfo::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(10L, 1),
            org.assertj.core.groups.Tuple.tuple(20L, 1),
            org.assertj.core.groups.Tuple.tuple(30L, 1),
            org.assertj.core.groups.Tuple.tuple(35L, 2),
            org.assertj.core.groups.Tuple.tuple(40L, 1));
    assertThat(log.submissions(Events.TASK_MAX_INSTANCES))
        .extracting(s -> s.taskId())
        .containsOnly("exclusive")
        .hasSize(2);
  }

  @Test
  void aTaskRemovedOrRescheduledWhileItsRunFailedIsNotRetried() {
    scheduler
        .task(
            () -> {
              scheduler.deleteTask("gone");
              throw new IllegalStateException("after removal");
            })
        .id("gone")
        .trigger(hourly())
        .retry(RetryPolicy.fixed(3, Duration.ofSeconds(1)))
        .add();
    scheduler
        .task(() -> "ok")
        .id("moved")
        .trigger(hourly())
        .retry(RetryPolicy.fixed(3, Duration.ofSeconds(1)))
        .add();

    scheduler.advance(Duration.ofHours(1).plusMinutes(1));
    assertThat(scheduler.getTask("gone")).isEmpty();
    assertThat(retryEvents()).isEmpty();

    // A retry pending when the operator reschedules the task is dropped with the old schedule.
    scheduler
        .task(failing(1, new IllegalStateException("x")))
        .id("rescheduled")
        .trigger(hourly())
        .retry(RetryPolicy.fixed(3, Duration.ofMinutes(30)))
        .add();
    scheduler.advance(Duration.ofHours(1));
    assertThat(scheduler.getTask("rescheduled").orElseThrow().pendingRetry()).isPresent();
    scheduler.rescheduleTask("rescheduled", null, IntervalTrigger.builder().hours(6).build());
    assertThat(scheduler.getTask("rescheduled").orElseThrow().pendingRetry()).isEmpty();
  }

  /**
   * A store that refuses the retry's write: the failed run is reported as usual, the retry is not
   * scheduled (no event claims one), the task keeps its schedule, and once the store takes writes
   * again the next run's failure is retried as configured.
   */
  @Test
  void aRetryTheStoreRefusesToKeepIsNotScheduledAndChangesNothingElse() {
    io.asyncz.testkit.FaultyStore faulty =
        io.asyncz.testkit.FaultyStore.wrap(new io.asyncz.store.MemoryStore());
    ManualScheduler withFaults =
        ManualScheduler.with(Scheduler.builder().store("default", faulty), clock);
    EventLog events = new EventLog();
    withFaults.addListener(events);
    withFaults.start();
    withFaults
        .task(failing(100, new IllegalStateException("down")))
        .id("sync")
        .trigger(hourly())
        .retry(RetryPolicy.fixed(3, Duration.ofSeconds(10)))
        .add();

    faulty.fail(io.asyncz.testkit.FaultyStore.Operation.UPDATE);
    withFaults.advance(Duration.ofHours(1).plusMinutes(1));
    assertThat(events.count(Events.TASK_ERROR)).isEqualTo(1);
    assertThat(events.count(Events.TASK_RETRY_SCHEDULED)).isZero();
    faulty.heal();
    Task task = withFaults.getTask("sync").orElseThrow();
    assertThat(task.pendingRetry()).isEmpty();
    assertThat(task.nextRunTime()).contains(T.plusSeconds(7200));

    withFaults.advance(Duration.ofHours(1));
    // The next run time's failure, and its retries, go as configured: three retries, then done.
    assertThat(events.count(Events.TASK_RETRY_SCHEDULED)).isEqualTo(3);
    assertThat(events.count(Events.TASK_RETRIES_EXHAUSTED)).isEqualTo(1);
    withFaults.shutdown(false);
  }

  @Test
  void taskDefaultsAndUpdatesSetRetriesAndTimeouts() {
    ManualScheduler configured =
        ManualScheduler.with(
            SchedulerConfig.from(
                    Map.of(
                        "asyncz.task_defaults.retry.max_retries", "2",
                        "asyncz.task_defaults.retry.delay", "5",
                        "asyncz.task_defaults.retry.backoff", "exponential",
                        "asyncz.task_defaults.timeout", "90"))
                .applyTo(Scheduler.builder()),
            clock);
    configured.start();
    Task task = configured.task(() -> null).id("t").trigger(hourly()).add();
    assertThat(task.retryPolicy())
        .contains(
            new RetryPolicy(
                2,
                Duration.ofSeconds(5),
                RetryPolicy.Backoff.EXPONENTIAL,
                null,
                false,
                List.of(),
                false));
    assertThat(task.timeout()).contains(Duration.ofSeconds(90));

    Task updated =
        configured.updateTask(
            "t", null, Map.of("retry", Map.of("max_retries", 5, "delay", 1), "timeout", 2.5));
    assertThat(updated.retryPolicy().orElseThrow().maxRetries()).isEqualTo(5);
    assertThat(updated.timeout()).contains(Duration.ofMillis(2500));
    configured.shutdown(false);
  }
}
