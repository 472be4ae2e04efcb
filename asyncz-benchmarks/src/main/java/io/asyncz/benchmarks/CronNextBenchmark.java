package io.asyncz.benchmarks;

import com.cronutils.model.time.ExecutionTime;
import io.asyncz.trigger.CronTrigger;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Optional;
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
import org.springframework.scheduling.support.CronExpression;

/**
 * The time of the next cron fire after a fixed instant: ours ({@link CronTrigger}) beside Spring's
 * {@link CronExpression}, Quartz's {@link org.quartz.CronExpression} and cron-utils' {@link
 * ExecutionTime}, for every {@link CronCase}.
 *
 * <p>{@code next_*} measures one next time from the case's fixed start; {@code walk100_*} measures
 * 100 successive next times (each from the previous result). Expressions are parsed once per trial;
 * {@link #setup()} first checks with {@link CronNextCheck} that all four give the same times.
 *
 * <p>Each implementation takes its own natural input type: an {@link Instant} for ours, a {@link
 * ZonedDateTime} for Spring and cron-utils, a {@link Date} for Quartz.
 *
 * <p>Run: {@code java -jar asyncz-benchmarks/target/benchmarks.jar CronNextBenchmark -rf json -rff
 * /tmp/cron.json}, then {@code python3 asyncz-benchmarks/scripts/cron_table.py /tmp/cron.json}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CronNextBenchmark {
  /** Steps of the walk benchmarks. */
  public static final int WALK_STEPS = 100;

  @Param({
    "EVERY_SECOND",
    "EVERY_5_MINUTES",
    "WEEKDAYS_0930",
    "LAST_DAY_OF_MONTH",
    "THIRD_FRIDAY",
    "FIFTEENTH_1015",
    "DST_NEW_YORK_0230"
  })
  public CronCase cronCase;

  private ZoneId zone;
  private Instant startInstant;
  private ZonedDateTime startZoned;
  private Date startDate;

  private CronTrigger ours;
  private CronExpression spring;
  private org.quartz.CronExpression quartz;
  private ExecutionTime cronUtils;

  /** Parses the four expressions once and checks that they agree. */
  @Setup(Level.Trial)
  public void setup() {
    CronNextCheck.check(cronCase);
    zone = cronCase.zone();
    startInstant = cronCase.start();
    startZoned = startInstant.atZone(zone);
    startDate = Date.from(startInstant);
    ours = cronCase.ours();
    spring = cronCase.spring();
    quartz = cronCase.quartz();
    cronUtils = cronCase.cronUtils();
  }

  // ------------------------------------------------------------------ one next time

  /** Ours: one next time. */
  @Benchmark
  public Optional<Instant> next_ours() {
    return ours.nextFireTime(zone, startInstant, startInstant);
  }

  /** Spring: one next time. */
  @Benchmark
  public ZonedDateTime next_spring() {
    return spring.next(startZoned);
  }

  /** Quartz: one next time. */
  @Benchmark
  public Date next_quartz() {
    return quartz.getNextValidTimeAfter(startDate);
  }

  /** cron-utils: one next time. */
  @Benchmark
  public Optional<ZonedDateTime> next_cronUtils() {
    return cronUtils.nextExecution(startZoned);
  }

  // ------------------------------------------------------------------ 100 successive next times

  /** Ours: 100 successive next times. */
  @Benchmark
  public Instant walk100_ours() {
    Instant t = startInstant;
    for (int i = 0; i < WALK_STEPS; i++) {
      t = ours.nextFireTime(zone, t, t).get();
    }
    return t;
  }

  /** Spring: 100 successive next times. */
  @Benchmark
  public ZonedDateTime walk100_spring() {
    ZonedDateTime t = startZoned;
    for (int i = 0; i < WALK_STEPS; i++) {
      t = spring.next(t);
    }
    return t;
  }

  /** Quartz: 100 successive next times. */
  @Benchmark
  public Date walk100_quartz() {
    Date t = startDate;
    for (int i = 0; i < WALK_STEPS; i++) {
      t = quartz.getNextValidTimeAfter(t);
    }
    return t;
  }

  /** cron-utils: 100 successive next times. */
  @Benchmark
  public ZonedDateTime walk100_cronUtils() {
    ZonedDateTime t = startZoned;
    for (int i = 0; i < WALK_STEPS; i++) {
      t = cronUtils.nextExecution(t).get();
    }
    return t;
  }
}
