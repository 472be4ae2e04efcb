package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A trigger as plain data: its alias and its fields as JSON-like values (strings, numbers,
 * booleans, lists, maps and nulls). A store persists it as JSON; {@link Triggers#fromState}
 * rebuilds an equal trigger from it.
 *
 * @param alias the trigger's alias, e.g. {@code cron}
 * @param fields the trigger's options, keyed as the alias form of {@link Triggers#create} takes
 *     them
 */
public record TriggerState(String alias, Map<String, Object> fields) {

  /** Creates a state; the fields are copied and keep their order. */
  public TriggerState {
    Objects.requireNonNull(alias, "alias");
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /**
   * This state as one map, {@code {"alias": ..., "fields": {...}}}, as nested triggers store it.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("alias", alias);
    map.put("fields", fields);
    return map;
  }

  /**
   * Reads a state written by {@link #toMap()}.
   *
   * @throws InvalidInputException when the map has no string alias or no fields map
   */
  public static TriggerState fromMap(Map<?, ?> map) {
    Object alias = map.get("alias");
    Object fields = map.get("fields");
    if (!(alias instanceof String name)) {
      throw new InvalidInputException(
          "trigger state",
          map,
          "has no \"alias\" string; expected {\"alias\": ..., \"fields\": {...}}");
    }
    if (fields == null) {
      return new TriggerState(name, Map.of());
    }
    if (!(fields instanceof Map<?, ?> values)) {
      throw new InvalidInputException(
          "trigger state",
          map,
          "has \"fields\" that is not a map; expected {\"alias\": ..., \"fields\": {...}}");
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(String.valueOf(k), v));
    return new TriggerState(name, copy);
  }
}
