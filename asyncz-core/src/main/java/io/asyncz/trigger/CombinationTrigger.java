package io.asyncz.trigger;

import io.asyncz.InvalidInputException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@link AndTrigger} and {@link OrTrigger} share: the parts, the jitter, the state, and one
 * work bound ({@link Triggers#MAX_EVALUATIONS}) for each computation, however deeply they nest.
 */
abstract sealed class CombinationTrigger implements Trigger permits AndTrigger, OrTrigger {
  static final Set<String> OPTIONS = Set.of("triggers", "jitter");

  /** How many levels of {@code and}/{@code or} may nest. */
  static final int MAX_DEPTH = 32;

  final List<Trigger> triggers;
  final Duration jitter;
  final boolean memoryless; // see Work.isMemoryless
  private final boolean partsMemoryless; // the same, but for this combination's own jitter
  private final int depth;

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
    int deepest = 0;
    for (Trigger t : triggers) {
      if (t instanceof CombinationTrigger c) {
        deepest = Math.max(deepest, c.depth);
      }
    }
    this.depth = deepest + 1;
    if (depth > MAX_DEPTH) {
      throw new InvalidInputException(
          "triggers",
          depth + " levels of and/or",
          "nest too deeply; expected at most " + MAX_DEPTH);
    }
    this.partsMemoryless = this.triggers.stream().allMatch(Work::isMemoryless);
    this.memoryless = this.jitter == null && partsMemoryless;
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

  /** The combined next time, without this combination's jitter. */
  abstract Optional<Instant> plainNext(ZoneId zone, Instant previous, Instant now, Work work);

  /**
   * The first combined time at or after {@code from}, without this combination's jitter, where no
   * part answers a time before {@code from} (see {@link Work#first}).
   */
  abstract Optional<Instant> plainFirst(ZoneId zone, Instant from, Work work);

  /**
   * The last combined time after {@code previous} (not null) and at or before {@code now}, from the
   * parts' own last times; only called when the combination is memoryless, so it is exact.
   */
  abstract Optional<Instant> lastMemoryless(ZoneId zone, Instant previous, Instant now, Work work);

  /** The next time with this combination's jitter, as {@link #nextFireTime} gives it. */
  final Optional<Instant> next(ZoneId zone, Instant previous, Instant now, Work work) {
    Optional<Instant> next = plainNext(zone, previous, now, work);
    return jitter == null ? next : next.map(t -> Jitter.apply(t, jitter));
  }

  /**
   * The first time at or after {@code from} with this combination's jitter (see {@link
   * #plainFirst}).
   */
  final Optional<Instant> first(ZoneId zone, Instant from, Work work) {
    Optional<Instant> first = plainFirst(zone, from, work);
    return jitter == null ? first : first.map(t -> Jitter.apply(t, jitter));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Empty also when the parts do not agree within {@link Triggers#MAX_EVALUATIONS} evaluations.
   */
  @Override
  public final Optional<Instant> nextFireTime(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    try {
      return next(defaultZone, previousFireTime, now, Work.bounded(previousFireTime, now));
    } catch (Work.Exhausted e) {
      return Optional.empty();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>When every part fires on a fixed set of times (cron schedules without jitter or start bound,
   * dates, such combinations), this comes from the parts' own last times: an Or's latest, an And's
   * by a backward search. That search covers only the outage, so it also answers where a part that
   * never agrees makes every forward search reach the bound. Otherwise (an interval part, jitter)
   * it steps, and when {@link Triggers#MAX_EVALUATIONS} evaluations do not reach {@code now} it
   * answers the latest time reached. The combination's own jitter is not drawn.
   */
  @Override
  public final Optional<Instant> lastFireTimeUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    Work work = Work.bounded(previousFireTime, now);
    Instant last = null;
    try {
      Instant from = previousFireTime;
      if (from == null) {
        Optional<Instant> first = plainNext(defaultZone, null, now, work);
        if (first.isEmpty() || first.get().isAfter(now)) {
          return Optional.empty();
        }
        last = from = first.get();
      }
      if (partsMemoryless) {
        Optional<Instant> found = lastMemoryless(defaultZone, from, now, work);
        return found.isPresent() ? found : Optional.ofNullable(last);
      }
      while (true) {
        work.spend();
        work.anchor(from, now);
        Optional<Instant> next = plainNext(defaultZone, from, now, work);
        if (next.isEmpty() || next.get().isAfter(now)) {
          return Optional.ofNullable(last);
        }
        last = from = next.get();
      }
    } catch (Work.Exhausted e) {
      return Optional.ofNullable(last);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Counted by stepping, within {@link Triggers#MAX_EVALUATIONS} evaluations of the parts; empty
   * beyond them. The combination's own jitter is not drawn.
   */
  @Override
  public final OptionalLong countFireTimesUpTo(
      ZoneId defaultZone, Instant previousFireTime, Instant now) {
    Work work = Work.bounded(previousFireTime, now);
    long count = 0;
    Instant from = previousFireTime;
    try {
      while (true) {
        work.spend();
        work.anchor(from, now);
        Optional<Instant> next = plainNext(defaultZone, from, now, work);
        if (next.isEmpty() || next.get().isAfter(now)) {
          return OptionalLong.of(count);
        }
        count++;
        from = next.get();
      }
    } catch (Work.Exhausted e) {
      return OptionalLong.empty();
    }
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
