package io.asyncz.trigger;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small helpers shared by the trigger example tests. */
final class TriggerTesting {
  static final ZoneId UTC = ZoneOffset.UTC;

  private TriggerTesting() {}

  static Instant utc(String isoWithoutZone) {
    return Instant.parse(isoWithoutZone + "Z");
  }

  /** The first fire time at or after {@code now}, with no previous run. */
  static Optional<Instant> first(Trigger trigger, Instant now) {
    return trigger.nextFireTime(UTC, null, now);
  }

  /** The next {@code count} fire times from {@code now}, each computed from the previous one. */
  static List<Instant> walk(Trigger trigger, ZoneId zone, Instant now, int count) {
    List<Instant> times = new ArrayList<>();
    Instant previous = null;
    for (int i = 0; i < count; i++) {
      Optional<Instant> next = trigger.nextFireTime(zone, previous, now);
      if (next.isEmpty()) {
        break;
      }
      previous = next.get();
      times.add(previous);
    }
    return times;
  }

  static List<Instant> walk(Trigger trigger, Instant now, int count) {
    return walk(trigger, UTC, now, count);
  }

  static List<Instant> utcTimes(String... isoWithoutZone) {
    List<Instant> times = new ArrayList<>();
    for (String s : isoWithoutZone) {
      times.add(utc(s));
    }
    return times;
  }
}
