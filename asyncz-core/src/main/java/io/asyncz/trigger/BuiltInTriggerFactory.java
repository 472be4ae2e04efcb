package io.asyncz.trigger;

import java.time.Clock;
import java.util.Map;
import java.util.Set;

/** Registers the seed's six triggers under their aliases. */
public final class BuiltInTriggerFactory implements TriggerFactory {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public BuiltInTriggerFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of(
        DateTrigger.ALIAS,
        IntervalTrigger.ALIAS,
        CronTrigger.ALIAS,
        AndTrigger.ALIAS,
        OrTrigger.ALIAS,
        ShutdownTrigger.ALIAS);
  }

  @Override
  public Trigger create(String alias, Map<String, ?> options, Clock clock) {
    return switch (alias) {
      case DateTrigger.ALIAS -> DateTrigger.fromOptions(options, clock);
      case IntervalTrigger.ALIAS -> IntervalTrigger.fromOptions(options);
      case CronTrigger.ALIAS -> CronTrigger.fromOptions(options);
      case AndTrigger.ALIAS -> AndTrigger.fromOptions(options, clock);
      case OrTrigger.ALIAS -> OrTrigger.fromOptions(options, clock);
      case ShutdownTrigger.ALIAS -> ShutdownTrigger.fromOptions(options);
      default -> throw new IllegalArgumentException("not a built-in trigger alias: " + alias);
    };
  }
}
