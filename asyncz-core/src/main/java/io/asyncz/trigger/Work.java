package io.asyncz.trigger;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The work one trigger computation may still do: {@link Triggers#MAX_EVALUATIONS} evaluations of
 * triggers, shared by every level of a nested {@code and}/{@code or}, so that nesting cannot
 * multiply the bound. Combinations ask their parts through it.
 */
final class Work {
  private int remaining;
  private Instant anchorPrevious;
  private Instant anchorNow;

  private Work(int evaluations) {
    this.remaining = evaluations;
  }

  /**
   * A fresh allowance of {@link Triggers#MAX_EVALUATIONS} evaluations, for a computation from
   * {@code previous} (see {@link #anchor}).
   */
  static Work bounded(Instant previous, Instant now) {
    Work work = new Work(Triggers.MAX_EVALUATIONS);
    work.anchor(previous, now);
    return work;
  }

  /**
   * The previous fire time and now of the outermost combination's current step: an interval part
   * without a start, asked with no previous time of its own, takes its grid through them (see
   * {@link IntervalTrigger#nextAsPart}).
   */
  void anchor(Instant previous, Instant now) {
    this.anchorPrevious = previous;
    this.anchorNow = now;
  }

  /** Counts one evaluation, ending the computation when none is left. */
  void spend() {
    if (--remaining < 0) {
      throw Exhausted.INSTANCE;
    }
  }

  /** A part's next fire time, as its combination asks for it. */
  Optional<Instant> next(Trigger part, ZoneId zone, Instant previous, Instant now) {
    spend();
    if (part instanceof CombinationTrigger combination) {
      return combination.next(zone, previous, now, this);
    }
    if (part instanceof DateTrigger date) {
      return date.nextAsPart(zone, previous);
    }
    if (part instanceof IntervalTrigger interval && previous == null) {
      return interval.nextAsPart(zone, now, anchorPrevious, anchorNow);
    }
    return part.nextFireTime(zone, previous, now);
  }

  /**
   * A part's first fire time at or after {@code from}, as an And's search asks for it after its
   * first round: like {@link #next} with no previous time, except that a time before {@code from}
   * is no answer, also inside a nested combination. That is a date that has passed (and any
   * combination that could only fire there): it stops an And, but an Or whose other parts go on
   * still fires.
   */
  Optional<Instant> first(Trigger part, ZoneId zone, Instant from) {
    spend();
    Optional<Instant> first;
    if (part instanceof CombinationTrigger combination) {
      first = combination.first(zone, from, this);
    } else if (part instanceof DateTrigger date) {
      first = date.nextAsPart(zone, null);
    } else if (part instanceof IntervalTrigger interval) {
      first = interval.nextAsPart(zone, from, anchorPrevious, anchorNow);
    } else {
      first = part.nextFireTime(zone, null, from);
    }
    return first.filter(time -> !time.isBefore(from));
  }

  /**
   * A part's last fire time after {@code previous} and at or before {@code now}; only for parts
   * that are {@link #isMemoryless memoryless}, whose answer then is exact.
   */
  Optional<Instant> last(Trigger part, ZoneId zone, Instant previous, Instant now) {
    spend();
    if (part instanceof CombinationTrigger combination) {
      return combination.lastMemoryless(zone, previous, now, this);
    }
    if (part instanceof DateTrigger date) {
      return date.lastAsPart(zone, previous, now);
    }
    return part.lastFireTimeUpTo(zone, previous, now);
  }

  /**
   * Whether a part fires on a fixed set of times, whatever previous time it is asked from: its next
   * time after any instant is the set's first time after it (a cron schedule without jitter or
   * start bound, a date, or a combination of such parts without jitter). An interval is not: its
   * next time is the previous time plus the interval, wherever that previous time came from.
   */
  static boolean isMemoryless(Trigger part) {
    if (part instanceof CronTrigger cron) {
      return cron.isMemoryless();
    }
    if (part instanceof CombinationTrigger combination) {
      return combination.memoryless;
    }
    return part instanceof DateTrigger || part instanceof ShutdownTrigger;
  }

  /** The bound was reached; the public method that started the computation catches this. */
  static final class Exhausted extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Exhausted INSTANCE = new Exhausted();

    private Exhausted() {
      super("trigger work bound reached", null, false, false);
    }
  }
}
