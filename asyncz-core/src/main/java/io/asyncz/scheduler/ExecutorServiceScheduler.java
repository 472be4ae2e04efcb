package io.asyncz.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose loop runs on a caller's {@link ScheduledExecutorService}, such as an event loop
 * (the seed's NativeAsyncIOScheduler): each round is a task on that executor, and the next round is
 * scheduled there for when the next run is due.
 */
public final class ExecutorServiceScheduler extends Scheduler {
  private final ScheduledExecutorService loop;
  private final Object timerLock = new Object();
  private ScheduledFuture<?> timer;
  private long generation; // bumped by every scheduling; a round only plans the next if unchanged
  private volatile boolean looping;

  /** How long the loop pauses after a round that threw. */
  static final Duration ROUND_RETRY = Duration.ofSeconds(1);

  ExecutorServiceScheduler(SchedulerSettings settings, ScheduledExecutorService loop) {
    super(settings);
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  /**
   * Starts the scheduler on its loop; the stage completes with {@link #start(boolean)}'s result.
   */
  public CompletionStage<Boolean> startAsync(boolean paused) {
    return CompletableFuture.supplyAsync(() -> start(paused), loop);
  }

  /** Shuts the scheduler down on its loop; the stage completes with {@link #shutdown}'s result. */
  public CompletionStage<Boolean> shutdownAsync(boolean wait) {
    return CompletableFuture.supplyAsync(() -> shutdown(wait), loop);
  }

  /** Everything this scheduler does runs on its loop, also the hand-over of tasks due on add. */
  @Override
  protected boolean runsDueTasksOnAdd() {
    return false;
  }

  @Override
  protected void startLoop() {
    looping = true;
  }

  @Override
  protected void stopLoop() {
    looping = false;
    synchronized (timerLock) {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
  }

  @Override
  public void wakeup() {
    if (!looping) {
      return;
    }
    schedule(0);
  }

  private void schedule(long delayNanos) {
    synchronized (timerLock) {
      if (timer != null) {
        timer.cancel(false);
      }
      generation++;
      try {
        timer = loop.schedule(this::round, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        timer = null;
        looping = false;
        loopFailed("its executor " + loop + " refuses to run the loop's rounds", e);
      }
    }
  }

  private void round() {
    if (!looping) {
      return;
    }
    long started;
    synchronized (timerLock) {
      started = generation;
    }
    Optional<Instant> next;
    try {
      next = processTasks();
    } catch (Throwable e) {
      // Whatever a round meets, the next one is planned: an error must not end the loop.
      try {
        roundFailed(e, ROUND_RETRY);
      } catch (Throwable ignored) {
        // Reporting failed too; the retry below still comes.
      }
      next = Optional.of(clock().instant().plus(ROUND_RETRY));
    }
    synchronized (timerLock) {
      if (generation != started) {
        return; // a wake-up during this round already planned the next one
      }
      if (next.isPresent() && looping) {
        long nanos = Math.max(0, Duration.between(clock().instant(), next.get()).toNanos());
        schedule(nanos);
      }
    }
  }
}
