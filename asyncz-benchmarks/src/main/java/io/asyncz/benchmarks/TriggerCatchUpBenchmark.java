package io.asyncz.benchmarks;

import io.asyncz.trigger.AndTrigger;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the scheduler asks a trigger after an outage, on its own thread: the last missed fire time
 * ({@link Trigger#lastFireTimeUpTo}, what a coalescing task runs) and the number of missed runs
 * ({@link Trigger#countFireTimesUpTo}), for an every-second cron (in New York, so the outage
 * crosses daylight-saving changes) and an every-second interval after 30 days and after a year; and
 * how long the bounded searches take to answer "never": two crons that can never fire ({@code
 * week=1, day=15}, known empty from its fields, and {@code week=1, day='2nd mon'}, which is
 * searched) and the nested And of the reliability issue, {@code and(and(interval 3001 s, interval
 * 3011 s), interval 2 s offset 0.5 s)}.
 *
 * <p>Run: {@code java -jar asyncz-benchmarks/target/benchmarks.jar TriggerCatchUpBenchmark -f 1 -wi
 * 2 -i 3}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class TriggerCatchUpBenchmark {
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final Instant PREVIOUS = Instant.parse("2025-01-15T10:17:23Z");

  /** An every-second trigger and an outage after its previous fire time. */
  public enum CatchUp {
    CRON_EVERY_SECOND_30_DAYS(cron(), Duration.ofDays(30)),
    CRON_EVERY_SECOND_1_YEAR(cron(), Duration.ofDays(365)),
    INTERVAL_EVERY_SECOND_30_DAYS(interval(), Duration.ofDays(30)),
    INTERVAL_EVERY_SECOND_1_YEAR(interval(), Duration.ofDays(365));

    final Trigger trigger;
    final Duration outage;

    CatchUp(Trigger trigger, Duration outage) {
      this.trigger = trigger;
      this.outage = outage;
    }

    private static Trigger cron() {
      return CronTrigger.builder().second("*").timezone(NEW_YORK).build();
    }

    private static Trigger interval() {
      return IntervalTrigger.builder().seconds(1).startAt(PREVIOUS).build();
    }
  }

  /** One catch-up case. */
  @State(Scope.Benchmark)
  public static class Outage {
    @Param({
      "CRON_EVERY_SECOND_30_DAYS",
      "CRON_EVERY_SECOND_1_YEAR",
      "INTERVAL_EVERY_SECOND_30_DAYS",
      "INTERVAL_EVERY_SECOND_1_YEAR"
    })
    public CatchUp catchUp;

    Trigger trigger;
    Instant now;

    /** Checks that the last missed run is {@code now} (every second fires). */
    @Setup(Level.Trial)
    public void setup() {
      trigger = catchUp.trigger;
      now = PREVIOUS.plus(catchUp.outage);
      Optional<Instant> last = trigger.lastFireTimeUpTo(NEW_YORK, PREVIOUS, now);
      if (!last.equals(Optional.of(now))) {
        throw new IllegalStateException(catchUp + ": last missed run " + last + ", not " + now);
      }
    }
  }

  /** The schedules that never fire. */
  @State(Scope.Benchmark)
  public static class Never {
    Trigger weekCron = CronTrigger.builder().week(1).day(15).build();
    Trigger weekRuleCron = CronTrigger.builder().week(1).day("2nd mon").build();
    Trigger nestedAnd =
        AndTrigger.of(
            AndTrigger.of(every(3001, PREVIOUS), every(3011, PREVIOUS)),
            every(2, PREVIOUS.plusMillis(500)));
    Instant yearLater = PREVIOUS.plus(Duration.ofDays(365));

    private static Trigger every(long seconds, Instant start) {
      return IntervalTrigger.builder().seconds(seconds).startAt(start).build();
    }
  }

  /** The last missed fire time after the outage. */
  @Benchmark
  public Optional<Instant> lastFireTimeUpTo(Outage s) {
    return s.trigger.lastFireTimeUpTo(NEW_YORK, PREVIOUS, s.now);
  }

  /** The number of missed runs in the outage. */
  @Benchmark
  public OptionalLong countFireTimesUpTo(Outage s) {
    return s.trigger.countFireTimesUpTo(NEW_YORK, PREVIOUS, s.now);
  }

  /** {@code week=1, day=15}: the next time of a cron that can never fire. */
  @Benchmark
  public Optional<Instant> neverFiringWeekCron_next(Never s) {
    return s.weekCron.nextFireTime(NEW_YORK, null, PREVIOUS);
  }

  /**
   * {@code week=1, day='2nd mon'}: never fires either, but the day depends on the month, so the
   * search examines the months that can hold week 1 for 400 years.
   */
  @Benchmark
  public Optional<Instant> neverFiringWeekCronWithDayRule_next(Never s) {
    return s.weekRuleCron.nextFireTime(NEW_YORK, null, PREVIOUS);
  }

  /** The nested And: its next time (none, within the work bound). */
  @Benchmark
  public Optional<Instant> nestedAnd_next(Never s) {
    return s.nestedAnd.nextFireTime(NEW_YORK, null, PREVIOUS);
  }

  /** The nested And: its last missed time in a year. */
  @Benchmark
  public Optional<Instant> nestedAnd_lastFireTimeUpTo(Never s) {
    return s.nestedAnd.lastFireTimeUpTo(NEW_YORK, PREVIOUS, s.yearLater);
  }

  /** The nested And: its missed runs in a year. */
  @Benchmark
  public OptionalLong nestedAnd_countFireTimesUpTo(Never s) {
    return s.nestedAnd.countFireTimesUpTo(NEW_YORK, PREVIOUS, s.yearLater);
  }
}
