package io.asyncz.testkit.engine.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Static task functions that tests reference by text, e.g. {@code ...jobs.Jobs::record}. */
public final class Jobs {
  /** The calls each function saw, keyed by the call's first argument. */
  public static final Map<String, List<List<Object>>> CALLS = new ConcurrentHashMap<>();

  private Jobs() {}

  /** Records its arguments with their Java types as converted by the engine. */
  public static String record(String key, int count, Instant at) {
    CALLS.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(List.of(count, at));
    return key + ":" + count;
  }

  /** Takes named options in a trailing map. */
  public static void withOptions(String key, long size, Map<String, Object> options) {
    CALLS.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(List.of(size, options));
  }

  /** Overloaded, so a reference to it is ambiguous. */
  public static void overloaded(String key) {}

  /** Overloaded, so a reference to it is ambiguous. */
  public static void overloaded(String key, int count) {}
}
