package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What {@link AndTrigger} and {@link OrTrigger} share: the parts, the jitter, the state. */
abstract sealed class CombinationTrigger implements Trigger permits AndTrigger, OrTrigger {
  static final Set<String> OPTIONS = Set.of("triggers", "jitter");

  final List<Trigger> triggers;
  final Duration jitter;

  CombinationTrigger(String alias, List<? extends Trigger> triggers, Duration jitter) {
    Objects.requireNonNull(triggers, "triggers");
    if (triggers.isEmpty()) {
      throw new InvalidInputException(
          "triggers", "[]", "is empty; the " + alias + " trigger needs at least one trigger");
    }
    for (Trigger t : triggers) {
      if (t == null) {
        throw new InvalidInputException("triggers", triggers, "contains null; expected triggers");
      }
    }
    this.triggers = List.copyOf(triggers);
    this.jitter = Jitter.check(jitter);
  }

  /** Reads the parts: triggers, states, or {@code {"alias":..., "fields":...}} maps. */
  static List<Trigger> parts(Options options, Clock clock) {
    List<Trigger> parts = new ArrayList<>();
    for (Object item : options.list("triggers")) {
      if (item instanceof Trigger t) {
        parts.add(t);
      } else if (item instanceof TriggerState s) {
        parts.add(Triggers.create(s.alias(), s.fields(), clock));
      } else if (item instanceof Map<?, ?> map) {
        TriggerState s = TriggerState.fromMap(map);
        parts.add(Triggers.create(s.alias(), s.fields(), clock));
      } else {
        throw new InvalidInputException(
            "triggers",
            item,
            "contains an item that is not a trigger; expected triggers or {\"alias\": ..., \"fields\": {...}} maps");
      }
    }
    return parts;
  }

  /** The combined triggers, in order. */
  public List<Trigger> triggers() {
    return triggers;
  }

  /** The maximum random delay added to each combined fire time, if any. */
  public Optional<Duration> jitter() {
    return Optional.ofNullable(jitter);
  }

  @Override
  public TriggerState state() {
    Map<String, Object> fields = Options.fields();
    fields.put("triggers", triggers.stream().map(t -> t.state().toMap()).toList());
    if (jitter != null) {
      fields.put("jitter", Options.secondsValue(jitter));
    }
    return new TriggerState(alias(), fields);
  }

  @Override
  public boolean equals(Object o) {
    return o != null
        && o.getClass() == getClass()
        && triggers.equals(((CombinationTrigger) o).triggers)
        && Objects.equals(jitter, ((CombinationTrigger) o).jitter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(alias(), triggers, jitter);
  }

  /** The seed's form, e.g. {@code and[cron[hour='5'], interval[0:01:00]]}. */
  @Override
  public String toString() {
    return alias()
        + triggers.stream().map(Object::toString).collect(Collectors.joining(", ", "[", "]"));
  }
}
