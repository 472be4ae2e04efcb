package io.asyncz.benchmarks;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.asyncz.trigger.CronTrigger;
import java.text.ParseException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.springframework.scheduling.support.CronExpression;

/**
 * The schedules of {@link CronNextBenchmark}, each written once per implementation so that all four
 * express the same schedule: ours ({@link CronTrigger#fromCrontab}, seconds first), Spring ({@link
 * CronExpression}), Quartz ({@link org.quartz.CronExpression}) and cron-utils (Quartz definition,
 * same text as Quartz).
 */
public enum CronCase {
  /** Every second. */
  EVERY_SECOND("* * * * * *", "* * * * * *", "* * * * * ?"),
  /** Every 5 minutes. */
  EVERY_5_MINUTES("0 */5 * * * *", "0 */5 * * * *", "0 0/5 * * * ?"),
  /** 09:30 Monday to Friday. */
  WEEKDAYS_0930("0 30 9 * * MON-FRI", "0 30 9 * * MON-FRI", "0 30 9 ? * MON-FRI"),
  /** 00:00 on the last day of the month. */
  LAST_DAY_OF_MONTH("0 0 0 L * *", "0 0 0 L * *", "0 0 0 L * ?"),
  /** 00:00 on the third Friday of the month. */
  THIRD_FRIDAY("0 0 0 * * FRI#3", "0 0 0 * * FRI#3", "0 0 0 ? * 6#3"),
  /** 10:15 on the 15th of the month. */
  FIFTEENTH_1015("0 15 10 15 * *", "0 15 10 15 * *", "0 15 10 15 * ?"),
  /**
   * 02:30 daily in New York, from the day before the 2026-03-08 spring-forward, whose 02:30 does
   * not exist: we fire it at 03:30 EDT, the peers skip that day (see {@link CronNextCheck}).
   */
  DST_NEW_YORK_0230(
      "0 30 2 * * *",
      "0 30 2 * * *",
      "0 30 2 * * ?",
      ZoneId.of("America/New_York"),
      LocalDateTime.parse("2026-03-07T12:00:00"));

  private static final CronParser CRON_UTILS_PARSER = new CronParser(quartzDefinition());

  final String ours;
  final String spring;
  final String quartz;
  final ZoneId zone;
  final Instant start;

  CronCase(String ours, String spring, String quartz) {
    // Every case but the DST one runs in UTC from this instant.
    this(ours, spring, quartz, ZoneOffset.UTC, LocalDateTime.parse("2026-01-15T10:17:23"));
  }

  CronCase(String ours, String spring, String quartz, ZoneId zone, LocalDateTime start) {
    this.ours = ours;
    this.spring = spring;
    this.quartz = quartz;
    this.zone = zone;
    this.start = start.atZone(zone).toInstant();
  }

  private static CronDefinition quartzDefinition() {
    return CronDefinitionBuilder.instanceDefinitionFor(com.cronutils.model.CronType.QUARTZ);
  }

  /** The case's zone. */
  public ZoneId zone() {
    return zone;
  }

  /** The fixed instant every measurement starts from. */
  public Instant start() {
    return start;
  }

  /** Ours, parsed. */
  public CronTrigger ours() {
    return CronTrigger.fromCrontab(ours, zone);
  }

  /** Spring's, parsed. */
  public CronExpression spring() {
    return CronExpression.parse(spring);
  }

  /** Quartz's, parsed, in the case's zone. */
  public org.quartz.CronExpression quartz() {
    try {
      org.quartz.CronExpression expression = new org.quartz.CronExpression(quartz);
      expression.setTimeZone(TimeZone.getTimeZone(zone));
      return expression;
    } catch (ParseException e) {
      throw new IllegalStateException(name() + ": " + quartz, e);
    }
  }

  /** cron-utils', parsed with its Quartz definition. */
  public ExecutionTime cronUtils() {
    return ExecutionTime.forCron(CRON_UTILS_PARSER.parse(quartz));
  }

  /** The implementations, for the correctness check. */
  public enum Impl {
    OURS,
    SPRING,
    QUARTZ,
    CRON_UTILS
  }

  /** The first {@code steps} fire times after {@link #start()} (fewer if the schedule ends). */
  public List<Instant> walk(Impl impl, int steps) {
    List<Instant> times = new ArrayList<>(steps);
    switch (impl) {
      case OURS -> {
        CronTrigger trigger = ours();
        Instant t = start;
        for (int i = 0; i < steps; i++) {
          Optional<Instant> next = trigger.nextFireTime(zone, t, t);
          if (next.isEmpty()) {
            break;
          }
          t = next.get();
          times.add(t);
        }
      }
      case SPRING -> {
        CronExpression expression = spring();
        ZonedDateTime t = start.atZone(zone);
        for (int i = 0; i < steps; i++) {
          t = expression.next(t);
          if (t == null) {
            break;
          }
          times.add(t.toInstant());
        }
      }
      case QUARTZ -> {
        org.quartz.CronExpression expression = quartz();
        Date t = Date.from(start);
        for (int i = 0; i < steps; i++) {
          t = expression.getNextValidTimeAfter(t);
          if (t == null) {
            break;
          }
          times.add(t.toInstant());
        }
      }
      case CRON_UTILS -> {
        ExecutionTime execution = cronUtils();
        ZonedDateTime t = start.atZone(zone);
        for (int i = 0; i < steps; i++) {
          Optional<ZonedDateTime> next = execution.nextExecution(t);
          if (next.isEmpty()) {
            break;
          }
          t = next.get();
          times.add(t.toInstant());
        }
      }
    }
    return times;
  }
}
