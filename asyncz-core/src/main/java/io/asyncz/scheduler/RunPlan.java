package io.asyncz.scheduler;

import io.asyncz.task.Task;
import io.asyncz.trigger.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What one round does with a due task: the run times it hands to the executor, the run times it
 * reports as missed itself, and the next run time to store. Every list is bounded, so a task whose
 * next run time is years old is handled in bounded memory and in rounds that never hold the loop
 * for long (the seed lists every missed run at once).
 *
 * <p>A coalescing task runs only the last due run time, found without stepping through the others
 * ({@link Trigger#lastFireTimeUpTo}). Otherwise, run times later than the grace time already (so
 * late that an executor would skip them as missed anyway) are reported by the loop, one {@code
 * TASK_MISSED} event each when a listener wants them, or skipped in one step and summed up in one
 * log line when none does; the rest go to the executor, at most {@code limit} per round.
 *
 * @param runTimes the run times to hand to the executor, oldest first; empty for none
 * @param missed the run times the loop reports as missed, one event each
 * @param skipped how many missed run times were skipped without events (-1: too many to count)
 * @param firstSkipped the first skipped run time, or {@code null}
 * @param lastSkipped the last skipped run time, or {@code null}
 * @param next the next run time to store; {@code null} when the schedule is finished
 * @param coalescedRunCount how many due run times coalescing folded into the one handed over (-1:
 *     too many to count)
 * @param more whether due run times remain beyond this round's lists ({@code next} is then due)
 */
record RunPlan(
    List<Instant> runTimes,
    List<Instant> missed,
    long skipped,
    Instant firstSkipped,
    Instant lastSkipped,
    Instant next,
    long coalescedRunCount,
    boolean more) {

  /** How many run times of one task one round lists at most, to run and to report missed each. */
  static final int LIMIT = 1_000;

  /**
   * Plans the runs of a task whose next run time is at or before {@code now}.
   *
   * @param judgeMissed whether run times later than the grace time are settled here (the loop) or
   *     all handed to the executor, which judges each when it starts it (a manual run, as the seed)
   * @param reportMissed whether a listener wants one {@code TASK_MISSED} event per missed run time
   * @param limit how many run times each list holds at most
   */
  static RunPlan of(
      Task task, ZoneId zone, Instant now, boolean judgeMissed, boolean reportMissed, int limit) {
    Instant first = task.nextRunTime().orElseThrow();
    Trigger trigger = task.trigger();
    if (task.coalesce()) {
      Instant last = trigger.lastFireTimeUpTo(zone, first, now).orElse(first);
      long coalesced = 0;
      if (!last.equals(first)) {
        OptionalLong count = trigger.countFireTimesUpTo(zone, first, now);
        coalesced = count.isPresent() ? count.getAsLong() : -1;
      }
      Instant next = trigger.nextFireTime(zone, last, now).orElse(null);
      return new RunPlan(List.of(last), List.of(), 0, null, null, next, coalesced, false);
    }
    // The seed's way first: every due run time goes to the executor, which judges each missed or
    // not when it starts it. Only a backlog longer than one list (a long outage) is settled here.
    Duration grace = task.mistriggerGraceTime().orElse(null);
    Instant cutoff = grace == null || !judgeMissed ? null : minus(now, grace);
    boolean outage = false;
    if (cutoff != null && first.isBefore(cutoff)) {
      // Count first where the trigger can: a long outage then skips listing a list it drops.
      OptionalLong due = trigger.countFireTimesUpTo(zone, first, now);
      outage = due.isPresent() && due.getAsLong() >= limit;
    }
    Instant t = first;
    if (!outage) {
      List<Instant> runs = new ArrayList<>(1);
      while (t != null && !t.isAfter(now) && runs.size() < limit) {
        runs.add(t);
        t = trigger.nextFireTime(zone, t, now).orElse(null);
      }
      boolean more = t != null && !t.isAfter(now);
      if (!more || cutoff == null || !first.isBefore(cutoff)) {
        return new RunPlan(runs, List.of(), 0, null, null, t, 0, more);
      }
    }
    // A long outage: run times that are later than the grace time already (missed for sure,
    // whenever an executor would start them) are settled here, a list at a time when a listener
    // wants one event each, else all at once, summed up in one log line.
    t = first;
    List<Instant> missed = List.of();
    long skipped = 0;
    Instant firstSkipped = null;
    Instant lastSkipped = null;
    if (reportMissed) {
      missed = new ArrayList<>();
      while (t != null && t.isBefore(cutoff) && missed.size() < limit) {
        missed.add(t);
        t = trigger.nextFireTime(zone, t, now).orElse(null);
      }
      if (t != null && t.isBefore(cutoff)) {
        return new RunPlan(List.of(), missed, 0, null, null, t, 0, true);
      }
    } else {
      Instant before = cutoff.minusNanos(1);
      firstSkipped = t;
      lastSkipped = trigger.lastFireTimeUpTo(zone, t, before).orElse(t);
      OptionalLong count = trigger.countFireTimesUpTo(zone, t, before);
      skipped = count.isPresent() ? count.getAsLong() + 1 : -1;
      t = trigger.nextFireTime(zone, lastSkipped, now).orElse(null);
    }
    List<Instant> runs = new ArrayList<>(1);
    while (t != null && !t.isAfter(now) && runs.size() < limit) {
      runs.add(t);
      t = trigger.nextFireTime(zone, t, now).orElse(null);
    }
    boolean more = t != null && !t.isAfter(now);
    return new RunPlan(runs, missed, skipped, firstSkipped, lastSkipped, t, 0, more);
  }

  private static Instant minus(Instant now, Duration grace) {
    try {
      return now.minus(grace);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return Instant.MIN; // a grace time longer than all time: nothing is missed
    }
  }
}
