package io.asyncz.testkit;

import io.asyncz.executor.InlineExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * A scheduler with no loop of its own: a test steps it by hand on a {@link MutableClock}, so the
 * engine runs on virtual time and a test never sleeps. Its default executor runs tasks inline, so a
 * run has finished when the step returns.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * ManualScheduler scheduler = ManualScheduler.on(clock);
 * scheduler.start();
 * scheduler.task(job).trigger("interval", Map.of("minutes", 5)).add();
 * scheduler.advance(Duration.ofMinutes(12)); // runs at 00:05 and 00:10
 * }</pre>
 */
public final class ManualScheduler extends Scheduler {
  private final MutableClock clock;
  private boolean wakeupRequested;

  private ManualScheduler(SchedulerSettings settings, MutableClock clock) {
    super(settings);
    this.clock = clock;
  }

  /** A manual scheduler on {@code clock}, in UTC. */
  public static ManualScheduler on(MutableClock clock) {
    return on(clock, ZoneOffset.UTC);
  }

  /** A manual scheduler on {@code clock}, in {@code zone}. */
  public static ManualScheduler on(MutableClock clock, ZoneId zone) {
    return with(Scheduler.builder().clock(clock).timezone(zone), clock);
  }

  /**
   * A manual scheduler from settings whose clock is {@code clock}; executors and stores added to
   * the settings are used, with an inline executor as the default.
   */
  public static ManualScheduler with(SchedulerSettings.Builder settings, MutableClock clock) {
    Objects.requireNonNull(clock, "clock");
    settings.clock(clock);
    if (!settings.settings().executors().containsKey(DEFAULT)) {
      settings.executor(DEFAULT, new InlineExecutor());
    }
    return new ManualScheduler(settings.settings(), clock);
  }

  /** The virtual clock. */
  public MutableClock virtualClock() {
    return clock;
  }

  /** A test decides when rounds run: tasks added already due wait for the next step. */
  @Override
  protected boolean runsDueTasksOnAdd() {
    return false;
  }

  /**
   * A step processes every store on the test's thread, so that it is done when the step returns.
   */
  @Override
  protected boolean usesStoreLanes() {
    return false;
  }

  @Override
  protected void startLoop() {}

  @Override
  protected void stopLoop() {}

  @Override
  public synchronized void wakeup() {
    wakeupRequested = true;
  }

  /** Whether something asked the loop to run since the last step. */
  public synchronized boolean wakeupRequested() {
    return wakeupRequested;
  }

  /**
   * Runs one round of the loop at the clock's current time.
   *
   * @return when the loop would wake up next, or empty when it would wait for a change
   */
  public Optional<Instant> runDue() {
    synchronized (this) {
      wakeupRequested = false;
    }
    return processTasks();
  }

  /**
   * Moves the clock forward by {@code amount}, running the loop at every wake-up time on the way,
   * as the real loop would, and once more at the end.
   */
  public void advance(Duration amount) {
    advanceTo(clock.instant().plus(amount));
  }

  /** Moves the clock to {@code target}, running the loop at every wake-up time on the way. */
  public void advanceTo(Instant target) {
    Optional<Instant> next = runDue();
    int rounds = 0;
    while (next.isPresent() && !next.get().isAfter(target)) {
      if (next.get().isAfter(clock.instant())) {
        clock.set(next.get());
      }
      next = runDue();
      if (++rounds > 1_000_000) {
        throw new IllegalStateException("More than a million loop rounds before " + target);
      }
    }
    clock.set(target);
    runDue();
  }
}
