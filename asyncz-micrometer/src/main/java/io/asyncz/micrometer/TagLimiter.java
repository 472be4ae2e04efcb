package io.asyncz.micrometer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Admits at most {@code max} distinct tag values; later ones become {@link AsynczMetrics#OTHER}, so
 * that a scheduler with many tasks cannot flood the registry, and the first refusal is logged.
 */
final class TagLimiter {
  private final String tag;
  private final int max;
  private final Logger logger;
  private final ConcurrentHashMap<String, Boolean> admitted = new ConcurrentHashMap<>();
  private final AtomicBoolean warned = new AtomicBoolean();

  TagLimiter(String tag, int max, Logger logger) {
    this.tag = tag;
    this.max = max;
    this.logger = logger;
  }

  String admit(String value) {
    if (admitted.containsKey(value)) {
      return value;
    }
    synchronized (this) {
      if (admitted.containsKey(value)) {
        return value;
      }
      if (admitted.size() < max) {
        admitted.put(value, Boolean.TRUE);
        return value;
      }
    }
    if (warned.compareAndSet(false, true)) {
      logger.warn(
          "More than {} distinct values of the metrics tag '{}': '{}' and later ones are tagged"
              + " {}={} (raise AsynczMetrics.options().maxTaskTags to keep more)",
          max,
          tag,
          value,
          tag,
          AsynczMetrics.OTHER);
    }
    return AsynczMetrics.OTHER;
  }
}
