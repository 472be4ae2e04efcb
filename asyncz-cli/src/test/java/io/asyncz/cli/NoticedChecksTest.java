package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The service's answer to change notices ({@link StartCommand.NoticedChecks}): every notice wakes
 * the scheduler, and a burst of notices (a change stream carries one per run) costs one read of the
 * task list per spacing, not one per notice.
 */
class NoticedChecksTest {
  private final ScheduledExecutorService watchThread = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    watchThread.shutdownNow();
  }

  @Test
  void aBurstOfNoticesWakesTheSchedulerEachTimeAndReadsTheStoreOnceAfterIt() throws Exception {
    AtomicInteger wakes = new AtomicInteger();
    AtomicInteger checks = new AtomicInteger();
    StartCommand.NoticedChecks noticed =
        new StartCommand.NoticedChecks(
            wakes::incrementAndGet, checks::incrementAndGet, watchThread, Duration.ofSeconds(5));
    for (int i = 0; i < 1000; i++) {
      noticed.notice();
    }
    assertThat(wakes).hasValue(1000);
    // The first notice after a quiet spell is checked at once; the rest of the burst waits for it.
    settle();
    assertThat(checks).hasValue(1);

    noticed.notice(); // within the spacing: held back, not dropped
    settle();
    assertThat(checks).hasValue(1);
  }

  @Test
  void aNoticeWithinTheSpacingIsCheckedOnceTheSpacingEnds() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    CountDownLatch second = new CountDownLatch(2);
    StartCommand.NoticedChecks noticed =
        new StartCommand.NoticedChecks(
            () -> {},
            () -> {
              checks.incrementAndGet();
              second.countDown();
            },
            watchThread,
            Duration.ofMillis(300));
    long start = System.nanoTime();
    noticed.notice();
    settle();
    noticed.notice();
    noticed.notice();
    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
    settle();
    assertThat(checks).hasValue(2);
  }

  @Test
  void aCheckThatFailsIsLoggedAndTheNextNoticeIsCheckedAgain() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    StartCommand.NoticedChecks noticed =
        new StartCommand.NoticedChecks(
            () -> {},
            () -> {
              checks.incrementAndGet();
              throw new IllegalStateException("store unreachable");
            },
            watchThread,
            Duration.ZERO);
    noticed.notice();
    settle();
    noticed.notice();
    settle();
    assertThat(checks).hasValue(2);
  }

  @Test
  void aNoticeAfterTheServiceStoppedIsIgnored() {
    AtomicInteger wakes = new AtomicInteger();
    StartCommand.NoticedChecks noticed =
        new StartCommand.NoticedChecks(
            wakes::incrementAndGet,
            () -> {
              throw new AssertionError("checked after the stop");
            },
            watchThread,
            Duration.ZERO);
    watchThread.shutdownNow();
    noticed.notice();
    noticed.notice();
    assertThat(wakes).hasValue(2);
  }

  /** Lets the watch thread run what is due now: a no-op scheduled behind it has run. */
  private void settle() throws Exception {
    watchThread.schedule(() -> {}, 0, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
  }
}
