package io.asyncz.cli;

import io.asyncz.InvalidInputException;
import io.asyncz.trigger.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * Reads the values of the command line: durations, JSON arguments and triggers. The reading itself
 * lives in the operations layer ({@link io.asyncz.admin.Specs}), which the remote API shares.
 */
final class Specs {
  /** What a duration may look like, for messages. */
  static final String DURATION_FORMS = io.asyncz.admin.Specs.DURATION_FORMS;

  private Specs() {}

  /**
   * Reads a duration; see {@link io.asyncz.admin.Specs#duration}.
   *
   * @throws InvalidInputException naming {@code option} and quoting the value
   */
  static Duration duration(String option, String value) {
    return io.asyncz.admin.Specs.duration(option, value);
  }

  /** Reads a JSON array ({@code --args}). */
  static List<Object> jsonList(String option, String value) {
    return io.asyncz.admin.Specs.jsonList(option, value);
  }

  /** Reads a JSON object ({@code --kwargs}). */
  static Map<String, Object> jsonMap(String option, String value) {
    return io.asyncz.admin.Specs.jsonMap(option, value);
  }

  /** The trigger the options name; see {@link io.asyncz.admin.Specs#trigger}. */
  static Trigger trigger(String cron, String every, String at, ZoneId zone, boolean required) {
    return io.asyncz.admin.Specs.trigger(cron, every, at, zone, required);
  }

  /** The trigger of a configuration task; see {@link io.asyncz.admin.Specs#configTrigger}. */
  static Trigger configTrigger(String where, Object spec, ZoneId zone, Clock clock) {
    return io.asyncz.admin.Specs.configTrigger(where, spec, zone, clock);
  }
}
