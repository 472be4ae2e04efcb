package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.executor.InlineExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.ShutdownTrigger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interleavings of the loop with other threads, forced with latches rather than left to chance: a
 * clock that holds the loop thread where it reads the time.
 */
@Timeout(60)
class LoopRacesTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  /** Virtual time that, once armed, holds the scheduler's loop thread at its next reading. */
  static final class GateClock extends Clock {
    private final MutableClock time = MutableClock.at(T);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean armed;

    @Override
    public Instant instant() {
      if (armed && Thread.currentThread().getName().equals("asyncz-scheduler")) {
        armed = false;
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return time.instant();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void aRoundThatBeganBeforeShutdownRunsNothingOnceTheSchedulerHasStopped() throws Exception {
    GateClock clock = new GateClock();
    Scheduler scheduler =
        Scheduler.builder().clock(clock).executor("default", new InlineExecutor()).build();
    AtomicInteger runs = new AtomicInteger();
    // Started paused, so that adding the due task does not hand it over at once; resume() then
    // wakes the loop, whose round the clock holds.
    scheduler.start(true);
    // Runs inside shutdown(), after the scheduler has stopped: lets the held round go on.
    scheduler.task(clock.release::countDown).id("bye").trigger(ShutdownTrigger.instance()).add();
    scheduler.task(runs::incrementAndGet).id("due").trigger(DateTrigger.at(T)).add();
    clock.armed = true;
    scheduler.resume();
    assertThat(clock.entered.await(30, TimeUnit.SECONDS)).isTrue(); // the round has begun

    scheduler.shutdown(true);

    assertThat(runs).hasValue(0);
  }
}
