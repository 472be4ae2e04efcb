package io.asyncz.trigger;

import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * Service-provider interface that makes a trigger available under an alias, for configuration, the
 * CLI, the dashboard and stores. Register implementations in {@code
 * META-INF/services/io.asyncz.trigger.TriggerFactory}.
 *
 * <p>An implementation must accept the fields of its triggers' {@link Trigger#state() state} and
 * rebuild an equal trigger from them, and must reject unknown or invalid options with an {@link
 * io.asyncz.InvalidInputException} that names the option.
 */
public interface TriggerFactory {

  /** The aliases this factory answers to, e.g. {@code cron}. */
  Set<String> aliases();

  /**
   * Creates a trigger from options.
   *
   * @param alias one of {@link #aliases()}
   * @param options the trigger's options keyed by the seed's names, e.g. {@code hour}
   * @param clock the clock that a trigger reads when an option defaults to "now"
   */
  Trigger create(String alias, Map<String, ?> options, Clock clock);
}
