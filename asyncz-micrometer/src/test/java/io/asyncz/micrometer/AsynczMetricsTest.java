package io.asyncz.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.asyncz.InvalidInputException;
import io.asyncz.event.Subscription;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.ForwardingStore;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The meters of {@link AsynczMetrics#bind}, read back from a {@link SimpleMeterRegistry} while a
 * {@link ManualScheduler} runs tasks on virtual time: what each counter, timer and gauge holds, the
 * bound on task tags, and that unbinding stops the recording.
 */
@Timeout(30)
class AsynczMetricsTest {
  private static final Instant T = Instant.parse("2026-03-02T08:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final Map<String, DistributionStatisticConfig> distributions = new HashMap<>();

  /** A simple registry that tells how each timer's distribution was configured. */
  private final SimpleMeterRegistry registry =
      new SimpleMeterRegistry() {
        @Override
        protected Timer newTimer(
            Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
          distributions.put(id.getName(), config);
          return super.newTimer(id, config, pauseDetector);
        }
      };

  private ManualScheduler scheduler = ManualScheduler.on(clock);

  @AfterEach
  void shutDown() {
    if (scheduler.isRunning()) {
      scheduler.shutdown();
    }
  }

  private Counter counter(String name, String task) {
    return registry
        .get(name)
        .tags("task", task, "executor", "default", "store", "default")
        .counter();
  }

  private Timer timer(String name, String task, String... more) {
    return registry
        .get(name)
        .tags("task", task, "executor", "default", "store", "default")
        .tags(more)
        .timer();
  }

  @Test
  void aRunCountsAsSubmittedAndExecutedAndIsTimedOnTheSchedulersClock() {
    AsynczMetrics.bind(scheduler, registry);
    scheduler.start();
    scheduler
        .task(() -> clock.advance(Duration.ofSeconds(2))) // the run takes 2 s of virtual time
        .id("r1")
        .name("report")
        .at(T.plusSeconds(10))
        .add();

    clock.set(T.plusMillis(10_300)); // starts 300 ms late, inside the grace time
    scheduler.runDue();

    assertThat(counter(AsynczMetrics.SUBMITTED, "report").count()).isEqualTo(1);
    assertThat(counter(AsynczMetrics.EXECUTED, "report").count()).isEqualTo(1);
    assertThat(counter(AsynczMetrics.FAILED, "report").count()).isZero();
    Timer lateness = timer(AsynczMetrics.LATENESS, "report");
    assertThat(lateness.count()).isEqualTo(1);
    assertThat(lateness.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300);
    Timer duration = timer(AsynczMetrics.DURATION, "report", "outcome", "succeeded");
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.totalTime(TimeUnit.SECONDS)).isEqualTo(2);
    // Histograms are published, so that percentiles can be computed across instances.
    assertThat(distributions.get(AsynczMetrics.DURATION).isPercentileHistogram()).isTrue();
    assertThat(distributions.get(AsynczMetrics.LATENESS).isPercentileHistogram()).isTrue();
  }

  @Test
  void aRunThatThrowsCountsAsFailedAndIsTimedAsFailed() {
    AsynczMetrics.bind(scheduler, registry);
    scheduler.start();
    scheduler
        .task(
            () -> {
              clock.advance(Duration.ofMillis(250));
              throw new IllegalStateException("disk full");
            })
        .name("backup")
        .at(T.plusSeconds(1))
        .add();

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(counter(AsynczMetrics.FAILED, "backup").count()).isEqualTo(1);
    assertThat(counter(AsynczMetrics.EXECUTED, "backup").count()).isZero();
    Timer failed = timer(AsynczMetrics.DURATION, "backup", "outcome", "failed");
    assertThat(failed.count()).isEqualTo(1);
    assertThat(failed.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    assertThat(timer(AsynczMetrics.DURATION, "backup", "outcome", "succeeded").count()).isZero();
  }

  @Test
  void aRunLaterThanItsGraceTimeCountsAsMissed() {
    AsynczMetrics.bind(scheduler, registry);
    scheduler.start();
    scheduler
        .task(() -> {})
        .name("sync")
        .at(T.plusSeconds(1))
        .mistriggerGraceTime(Duration.ofSeconds(1))
        .add();

    clock.set(T.plusSeconds(5)); // 4 s late
    scheduler.runDue();

    assertThat(counter(AsynczMetrics.MISSED, "sync").count()).isEqualTo(1);
    assertThat(counter(AsynczMetrics.EXECUTED, "sync").count()).isZero();
    assertThat(timer(AsynczMetrics.LATENESS, "sync").count()).isZero();
  }

  @Test
  void submittedCountsEachRunTimeHandedOver() {
    AsynczMetrics.bind(scheduler, registry);
    scheduler.start();
    scheduler
        .task(() -> {})
        .name("poll")
        .every(Duration.ofMinutes(1))
        .coalesce(false)
        .noGraceLimit()
        .add();

    clock.set(T.plus(Duration.ofMinutes(3))); // three run times due at once, not coalesced
    scheduler.runDue();

    assertThat(counter(AsynczMetrics.SUBMITTED, "poll").count()).isEqualTo(3);
    assertThat(counter(AsynczMetrics.EXECUTED, "poll").count()).isEqualTo(3);
  }

  @Test
  void aRunRefusedAtMaxInstancesCountsAsSkippedAndARunningOneAsInFlight() throws Exception {
    scheduler =
        ManualScheduler.with(Scheduler.builder().executor("pool", new PoolExecutor(2)), clock);
    AsynczMetrics.bind(scheduler, registry);
    scheduler.start();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    scheduler.onEvent(TaskExecutionEvent.class, e -> ended.countDown());
    scheduler
        .task(
            () -> {
              running.countDown();
              release.await();
              return null;
            })
        .name("export")
        .executor("pool")
        .every(Duration.ofMinutes(1))
        .maxInstances(1)
        .add();

    clock.set(T.plus(Duration.ofMinutes(1)));
    scheduler.runDue();
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(registry.get(AsynczMetrics.IN_FLIGHT).tag("executor", "pool").gauge().value())
        .isEqualTo(1);

    clock.set(T.plus(Duration.ofMinutes(2))); // due again while the first run goes on
    scheduler.runDue();
    release.countDown();
    assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();

    Counter skipped =
        registry
            .get(AsynczMetrics.SKIPPED)
            .tags("task", "export", "executor", "pool", "store", "default")
            .counter();
    assertThat(skipped.count()).isEqualTo(1);
    assertThat(registry.get(AsynczMetrics.IN_FLIGHT).tag("executor", "pool").gauge().value())
        .isZero();
  }

  @Test
  void aSubmissionToAnotherStoreIsTaggedByNameFromTheFirstRun() throws Exception {
    // Not a MemoryStore: the binding never reads it; the executor tells it the submitted task.
    TaskStore db = new ForwardingStore(new MemoryStore());
    scheduler =
        ManualScheduler.with(
            Scheduler.builder()
                .store("db", db)
                .store("mem", new MemoryStore())
                .executor("pool", new PoolExecutor(1)),
            clock);
    AsynczMetrics.bind(scheduler, registry);
    scheduler.start();
    CountDownLatch release = new CountDownLatch(1);
    Semaphore ended = new Semaphore(0);
    scheduler.onEvent(TaskExecutionEvent.class, e -> ended.release());
    // The pool's one thread is busy with this task until released, so sync's first run starts
    // only after the loop sent its submission event.
    scheduler
        .task(
            () -> {
              release.await();
              return null;
            })
        .name("blocker")
        .store("mem") // a memory store: its task is read there, whether its run started or not
        .executor("pool")
        .trigger(IntervalTrigger.builder().seconds(3600).startAt(T.plusSeconds(30)).build())
        .add();
    scheduler
        .task(() -> {})
        .name("sync")
        .store("db")
        .executor("pool")
        .every(Duration.ofMinutes(1))
        .add();

    scheduler.advance(Duration.ofMinutes(1));
    release.countDown();
    assertThat(ended.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(ended.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

    assertThat(
            registry.find(AsynczMetrics.SUBMITTED).counters().stream()
                .map(
                    c ->
                        c.getId().getTag("task")
                            + "/"
                            + c.getId().getTag("executor")
                            + "/"
                            + c.getId().getTag("store")
                            + "="
                            + (int) c.count()))
        .containsExactlyInAnyOrder("blocker/pool/mem=1", "sync/pool/db=2");
  }

  @Test
  void taskNamesBeyondTheCapAreTaggedOtherWithOneWarning() {
    Logger logger = (Logger) LoggerFactory.getLogger("asyncz.metrics");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    logger.setLevel(Level.WARN);
    try {
      AsynczMetrics.bind(scheduler, registry, AsynczMetrics.options().maxTaskTags(2));
      scheduler.start();
      for (String name : new String[] {"a", "b", "c", "d"}) {
        // Runs of one time go in the order of their ids: a and b come first.
        scheduler.task(() -> {}).id("task-" + name).name(name).at(T.plusSeconds(1)).add();
      }
      scheduler.advance(Duration.ofSeconds(1));
    } finally {
      logger.detachAppender(lines);
      logger.setLevel(null);
    }

    assertThat(
            registry.find(AsynczMetrics.EXECUTED).counters().stream()
                .map(c -> c.getId().getTag("task") + "=" + (int) c.count()))
        .containsExactlyInAnyOrder("a=1", "b=1", "other=2");
    assertThat(lines.list).hasSize(1);
    assertThat(lines.list.get(0).getFormattedMessage())
        .contains("More than 2 distinct values of the metrics tag 'task'", "'c'");
  }

  @Test
  void taskIdsAreTagsOnlyWhenAsked() {
    AsynczMetrics.bind(scheduler, registry, AsynczMetrics.options().tagTaskId(true));
    scheduler.start();
    scheduler.task(() -> {}).id("invoice-7").name("remind").at(T.plusSeconds(1)).add();
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(registry.get(AsynczMetrics.EXECUTED).tag("task_id", "invoice-7").counter().count())
        .isEqualTo(1);

    SimpleMeterRegistry plain = new SimpleMeterRegistry();
    ManualScheduler other = ManualScheduler.on(clock);
    AsynczMetrics.bind(other, plain);
    other.start();
    other.task(() -> {}).id("invoice-8").name("remind").at(T.plusSeconds(2)).add();
    other.advance(Duration.ofSeconds(1));
    other.shutdown();
    assertThat(plain.get(AsynczMetrics.EXECUTED).counter().getId().getTag("task_id")).isNull();
  }

  @Test
  void taskGaugesCountByStateAndAreReadAtMostOncePerCacheTime() {
    AsynczMetrics.bind(scheduler, registry);
    scheduler.task(() -> {}).id("a").every(Duration.ofMinutes(1)).add();
    scheduler.task(() -> {}).id("b").every(Duration.ofMinutes(1)).add();
    scheduler.task(() -> {}).id("c").every(Duration.ofMinutes(1)).paused().add();

    assertThat(gauge("pending")).isEqualTo(3); // added before start
    clock.advance(Duration.ofSeconds(1));
    scheduler.start();
    assertThat(gauge("scheduled")).isEqualTo(2);
    assertThat(gauge("paused")).isEqualTo(1);
    assertThat(gauge("pending")).isZero();

    scheduler.pauseTask("a");
    assertThat(gauge("paused")).isEqualTo(1); // the count of this second is kept
    clock.advance(Duration.ofSeconds(1));
    assertThat(gauge("paused")).isEqualTo(2);
    assertThat(gauge("scheduled")).isEqualTo(1);
  }

  private double gauge(String state) {
    return registry.get(AsynczMetrics.TASKS).tag("state", state).gauge().value();
  }

  @Test
  void unbindingStopsTheRecordingAndRemovesTheMeters() {
    Subscription metrics = AsynczMetrics.bind(scheduler, registry);
    scheduler.start();
    scheduler.task(() -> {}).name("tick").every(Duration.ofSeconds(10)).add();
    scheduler.advance(Duration.ofSeconds(10));
    Counter executed = counter(AsynczMetrics.EXECUTED, "tick");
    assertThat(executed.count()).isEqualTo(1);

    metrics.cancel();
    scheduler.advance(Duration.ofSeconds(30));

    assertThat(executed.count()).isEqualTo(1);
    assertThat(registry.getMeters())
        .extracting(Meter::getId)
        .noneMatch(id -> id.getName().startsWith("asyncz."));
  }

  @Test
  void retriesAndTimeoutsAreCountedAndAnUnknownCodeThroughTheHookIsHarmless() {
    AsynczMetrics.bind(
        scheduler, registry, AsynczMetrics.options().countEvent(1 << 30, "asyncz.runs.other"));
    scheduler.start();
    scheduler
        .task(
            () -> {
              throw new IllegalStateException("flaky");
            })
        .name("flaky")
        .at(T.plusSeconds(1))
        .retry(io.asyncz.task.RetryPolicy.fixed(2, Duration.ofSeconds(5)))
        .add();
    scheduler.advance(Duration.ofSeconds(30));

    // Three attempts: two retries scheduled, then retries exhausted.
    assertThat(counter(AsynczMetrics.FAILED, "flaky").count()).isEqualTo(3);
    assertThat(counter(AsynczMetrics.RETRIED, "flaky").count()).isEqualTo(2);
    assertThat(registry.find(AsynczMetrics.TIMED_OUT).meters()).isEmpty();
    assertThat(registry.find("asyncz.runs.other").meters()).isEmpty();
  }

  @Test
  void aOneShotTaskThatTimedOutIsCountedUnderItsNameThoughItsStoreNoLongerHasIt() throws Exception {
    scheduler =
        ManualScheduler.with(Scheduler.builder().executor("pool", new PoolExecutor(1)), clock);
    AsynczMetrics.bind(scheduler, registry);
    scheduler.start();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch timedOut = new CountDownLatch(1);
    scheduler.addListener(e -> timedOut.countDown(), io.asyncz.event.Events.TASK_TIMED_OUT);
    scheduler
        .task(
            () -> {
              running.countDown();
              new CountDownLatch(1).await(); // until interrupted by the timeout
              return null;
            })
        .name("hung")
        .executor("pool")
        .at(T.plusSeconds(1))
        .timeout(Duration.ofSeconds(5))
        .add();

    scheduler.advance(Duration.ofSeconds(1));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(scheduler.getTasks())
        .as("the one-shot task left its store when handed over")
        .isEmpty();
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(timedOut.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(
            registry
                .get(AsynczMetrics.TIMED_OUT)
                .tags("task", "hung", "executor", "pool", "store", "default")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void badOptionsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> AsynczMetrics.options().maxTaskTags(0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Invalid maxTaskTags: 0");
    assertThatThrownBy(() -> AsynczMetrics.options().countEvent(3, AsynczMetrics.RETRIED))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Invalid event code: 3");
    assertThatThrownBy(() -> AsynczMetrics.options().taskCountCache(Duration.ofSeconds(-1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("PT-1S");
  }
}
