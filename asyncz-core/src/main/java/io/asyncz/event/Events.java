package io.asyncz.event;

import io.asyncz.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The seed's event codes, with the same numeric values; combine them with {@code |} as masks. */
public final class Events {
  /** The scheduler was started. */
  public static final int SCHEDULER_START = 1;

  /** The scheduler was shut down. */
  public static final int SCHEDULER_SHUTDOWN = 1 << 1;

  /** Task processing was paused. */
  public static final int SCHEDULER_PAUSED = 1 << 2;

  /** Task processing was resumed. */
  public static final int SCHEDULER_RESUMED = 1 << 3;

  /** An executor was added. */
  public static final int EXECUTOR_ADDED = 1 << 4;

  /** An executor was removed. */
  public static final int EXECUTOR_REMOVED = 1 << 5;

  /** A store was added. */
  public static final int STORE_ADDED = 1 << 6;

  /** A store was removed. */
  public static final int STORE_REMOVED = 1 << 7;

  /** All tasks were removed from one store or all of them. */
  public static final int ALL_TASKS_REMOVED = 1 << 8;

  /** A task was added to a store. */
  public static final int TASK_ADDED = 1 << 9;

  /** A task was removed from its store. */
  public static final int TASK_REMOVED = 1 << 10;

  /** A task was changed from outside the scheduler loop. */
  public static final int TASK_MODIFIED = 1 << 11;

  /** A run finished and returned a value. */
  public static final int TASK_EXECUTED = 1 << 12;

  /** A run threw an exception. */
  public static final int TASK_ERROR = 1 << 13;

  /** A run started later than the task's grace time allows and was skipped. */
  public static final int TASK_MISSED = 1 << 14;

  /** A task was handed to its executor. */
  public static final int TASK_SUBMITTED = 1 << 15;

  /** A task was not handed to its executor: it already runs max_instances instances. */
  public static final int TASK_MAX_INSTANCES = 1 << 16;

  /** Every event of the seed; keeps the seed's value 131071, so it excludes the extensions. */
  public static final int ALL_EVENTS = (1 << 17) - 1;

  /**
   * A store set a record it could not read aside ({@link TaskQuarantinedEvent}); beyond the seed,
   * which deletes such records. Not part of {@link #ALL_EVENTS}, which keeps the seed's value; see
   * {@link #EVERY_EVENT}.
   */
  public static final int TASK_QUARANTINED = 1 << 17;

  /**
   * The scheduler could not do part of its work: a store failed and is retried later, a round of
   * the loop threw, or the loop cannot go on ({@link SchedulerErrorEvent}); beyond the seed, not
   * part of {@link #ALL_EVENTS}.
   */
  public static final int SCHEDULER_ERROR = 1 << 18;

  /**
   * In cluster mode, a run in flight on a node whose heartbeat went stale was resolved by a live
   * node as interrupted, under the task's {@code on_node_failure} policy {@code report} ({@link
   * TaskExecutionEvent}, with the run's scheduled time); beyond the seed, not part of {@link
   * #ALL_EVENTS}.
   */
  public static final int TASK_INTERRUPTED = 1 << 19;

  /**
   * A run failed (or timed out) and will be tried again ({@link TaskRetryEvent}: the attempt that
   * comes next and when); beyond the seed, not part of {@link #ALL_EVENTS}.
   */
  public static final int TASK_RETRY_SCHEDULED = 1 << 20;

  /**
   * A run failed (or timed out) on its last allowed attempt ({@link TaskRetryEvent}); beyond the
   * seed, not part of {@link #ALL_EVENTS}.
   */
  public static final int TASK_RETRIES_EXHAUSTED = 1 << 21;

  /**
   * A run took longer than its task's {@code timeout} and was interrupted, or its stage cancelled
   * ({@link TaskExecutionEvent} with a {@link io.asyncz.TaskTimeoutException}); sent when the
   * timeout elapses, instead of the run's {@code TASK_EXECUTED} or {@code TASK_ERROR}. Beyond the
   * seed, not part of {@link #ALL_EVENTS}.
   */
  public static final int TASK_TIMED_OUT = 1 << 22;

  /** Every event, the seed's and the extensions: what a listener added without a mask gets. */
  public static final int EVERY_EVENT =
      ALL_EVENTS
          | TASK_QUARANTINED
          | SCHEDULER_ERROR
          | TASK_INTERRUPTED
          | TASK_RETRY_SCHEDULED
          | TASK_RETRIES_EXHAUSTED
          | TASK_TIMED_OUT;

  private static final Map<String, Integer> BY_NAME = names();

  private Events() {}

  /** The name of a single event code, e.g. {@code TASK_EXECUTED}. */
  public static String name(int code) {
    for (Map.Entry<String, Integer> e : BY_NAME.entrySet()) {
      if (e.getValue() == code) {
        return e.getKey();
      }
    }
    return "EVENT_" + code;
  }

  /**
   * Reads a mask: a number, or event names joined by {@code |} or {@code ,} (e.g. {@code
   * "TASK_EXECUTED|TASK_ERROR"}), case-insensitive.
   *
   * @throws InvalidInputException for an unknown name, listing the known ones
   */
  public static int parseMask(String text) {
    String s = text.strip();
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(s);
    }
    int mask = 0;
    for (String part : s.split("[|,]")) {
      String name = part.strip().toUpperCase(Locale.ROOT);
      Integer code = BY_NAME.get(name);
      if (code == null) {
        throw new InvalidInputException(
            "event mask",
            text,
            "names \"" + part.strip() + "\"; expected event names " + BY_NAME.keySet());
      }
      mask |= code;
    }
    return mask;
  }

  private static Map<String, Integer> names() {
    Map<String, Integer> names = new LinkedHashMap<>();
    names.put("SCHEDULER_START", SCHEDULER_START);
    names.put("SCHEDULER_SHUTDOWN", SCHEDULER_SHUTDOWN);
    names.put("SCHEDULER_PAUSED", SCHEDULER_PAUSED);
    names.put("SCHEDULER_RESUMED", SCHEDULER_RESUMED);
    names.put("EXECUTOR_ADDED", EXECUTOR_ADDED);
    names.put("EXECUTOR_REMOVED", EXECUTOR_REMOVED);
    names.put("STORE_ADDED", STORE_ADDED);
    names.put("STORE_REMOVED", STORE_REMOVED);
    names.put("ALL_TASKS_REMOVED", ALL_TASKS_REMOVED);
    names.put("TASK_ADDED", TASK_ADDED);
    names.put("TASK_REMOVED", TASK_REMOVED);
    names.put("TASK_MODIFIED", TASK_MODIFIED);
    names.put("TASK_EXECUTED", TASK_EXECUTED);
    names.put("TASK_ERROR", TASK_ERROR);
    names.put("TASK_MISSED", TASK_MISSED);
    names.put("TASK_SUBMITTED", TASK_SUBMITTED);
    names.put("TASK_MAX_INSTANCES", TASK_MAX_INSTANCES);
    names.put("TASK_QUARANTINED", TASK_QUARANTINED);
    names.put("TASK_RETRY_SCHEDULED", TASK_RETRY_SCHEDULED);
    names.put("TASK_RETRIES_EXHAUSTED", TASK_RETRIES_EXHAUSTED);
    names.put("TASK_TIMED_OUT", TASK_TIMED_OUT);
    names.put("SCHEDULER_ERROR", SCHEDULER_ERROR);
    names.put("TASK_INTERRUPTED", TASK_INTERRUPTED);
    names.put("ALL_EVENTS", ALL_EVENTS);
    names.put("EVERY_EVENT", EVERY_EVENT);
    return names;
  }
}
