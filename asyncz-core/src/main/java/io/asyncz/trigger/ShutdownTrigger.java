package io.asyncz.trigger;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Never fires on a schedule; the scheduler runs tasks with this trigger once, when it shuts down
 * (alias {@code shutdown}).
 */
public final class ShutdownTrigger implements Trigger {
  /** The alias of this trigger. */
  public static final String ALIAS = "shutdown";

  private static final ShutdownTrigger INSTANCE = new ShutdownTrigger();

  private ShutdownTrigger() {}

  /** The shutdown trigger; it has no options, so one instance serves everyone. */
  public static ShutdownTrigger instance() {
    return INSTANCE;
  }

  static ShutdownTrigger fromOptions(Map<String, ?> values) {
    Options.of(ALIAS, values, Set.of());
    return INSTANCE;
  }

  @Override
  public String alias() {
    return ALIAS;
  }

  @Override
  public Optional<Instant> nextFireTime(ZoneId defaultZone, Instant previousFireTime, Instant now) {
    return Optional.empty();
  }

  @Override
  public TriggerState state() {
    return new TriggerState(ALIAS, Map.of());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShutdownTrigger;
  }

  @Override
  public int hashCode() {
    return ALIAS.hashCode();
  }

  @Override
  public String toString() {
    return "shutdown[]";
  }
}
