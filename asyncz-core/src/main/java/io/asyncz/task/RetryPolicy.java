package io.asyncz.task;

import io.asyncz.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a failed run is tried again: at most {@code maxRetries} more attempts of the same scheduled
 * run time, each after a delay (fixed, or exponential with a cap, optionally with full jitter), for
 * the exceptions it names (or all).
 *
 * <pre>{@code
 * RetryPolicy.exponential(5, Duration.ofSeconds(1), Duration.ofMinutes(5))
 *     .withJitter()
 *     .retryOn(IOException.class);
 * }</pre>
 *
 * @param maxRetries how many attempts may follow the first (1 or more)
 * @param delay the delay before the first retry (positive)
 * @param backoff how the delay grows from one retry to the next
 * @param maxDelay the longest delay (exponential backoff; at least {@code delay})
 * @param jitter whether each delay is drawn uniformly from zero to its value ("full jitter"), so
 *     that tasks failing together do not retry together
 * @param retryOn class names of the exceptions that are retried (a thrown exception matches when
 *     its class, a superclass or an interface has one of these names); empty for every exception
 * @param keepSlot whether the failed run's instance slot stays taken until its retry has run, so
 *     that no other run of the task starts in between ({@code max_instances})
 */
public record RetryPolicy(
    int maxRetries,
    Duration delay,
    Backoff backoff,
    Duration maxDelay,
    boolean jitter,
    List<String> retryOn,
    boolean keepSlot) {

  /** How the delay grows. */
  public enum Backoff {
    /** The same delay before each retry. */
    FIXED,
    /** The delay doubles before each retry, up to the cap. */
    EXPONENTIAL;

    /** The name as configuration spells it: {@code "fixed"}, {@code "exponential"}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Checks the values.
   *
   * @throws InvalidInputException when one is out of range
   */
  public RetryPolicy {
    if (maxRetries < 1) {
      throw new InvalidInputException(
          "retry.max_retries", maxRetries, "is not positive; expected 1 or more");
    }
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative() || delay.isZero()) {
      throw new InvalidInputException("retry.delay", delay, "is not positive; expected a delay");
    }
    Objects.requireNonNull(backoff, "backoff");
    if (maxDelay == null) {
      maxDelay = backoff == Backoff.FIXED ? delay : delay.multipliedBy(1024);
    }
    if (maxDelay.compareTo(delay) < 0) {
      throw new InvalidInputException(
          "retry.max_delay",
          maxDelay,
          "is shorter than the delay " + delay + "; expected at least it");
    }
    retryOn = List.copyOf(retryOn == null ? List.of() : retryOn);
    for (String name : retryOn) {
      if (name == null || name.isBlank()) {
        throw new InvalidInputException(
            "retry.retry_on", retryOn, "has a blank entry; expected exception class names");
      }
    }
  }

  /** Up to {@code maxRetries} retries, each {@code delay} after the failure. */
  public static RetryPolicy fixed(int maxRetries, Duration delay) {
    return new RetryPolicy(maxRetries, delay, Backoff.FIXED, delay, false, List.of(), false);
  }

  /**
   * Up to {@code maxRetries} retries, the first {@code initial} after the failure, then doubling up
   * to {@code max}.
   */
  public static RetryPolicy exponential(int maxRetries, Duration initial, Duration max) {
    return new RetryPolicy(maxRetries, initial, Backoff.EXPONENTIAL, max, false, List.of(), false);
  }

  /** The same policy with full jitter. */
  public RetryPolicy withJitter() {
    return new RetryPolicy(maxRetries, delay, backoff, maxDelay, true, retryOn, keepSlot);
  }

  /** The same policy, retrying only these exceptions (and their subclasses). */
  @SafeVarargs
  public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
    List<String> names = new ArrayList<>();
    for (Class<? extends Throwable> type : types) {
      names.add(type.getName());
    }
    return new RetryPolicy(maxRetries, delay, backoff, maxDelay, jitter, names, keepSlot);
  }

  /** The same policy, keeping the failed run's instance slot until its retry has run. */
  public RetryPolicy keepingSlot() {
    return new RetryPolicy(maxRetries, delay, backoff, maxDelay, jitter, retryOn, true);
  }

  /** Whether this policy retries a run that threw {@code error}. */
  public boolean retries(Throwable error) {
    if (retryOn.isEmpty()) {
      return true;
    }
    for (Class<?> c = error.getClass(); c != null; c = c.getSuperclass()) {
      if (retryOn.contains(c.getName()) || namesAnInterface(c)) {
        return true;
      }
    }
    return false;
  }

  private boolean namesAnInterface(Class<?> type) {
    for (Class<?> i : type.getInterfaces()) {
      if (retryOn.contains(i.getName()) || namesAnInterface(i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The delay before attempt {@code attempt} (2 for the first retry).
   *
   * @param random where the jitter is drawn from
   */
  public Duration delayBefore(int attempt, RandomGenerator random) {
    Duration d = delay;
    if (backoff == Backoff.EXPONENTIAL) {
      for (int i = 2; i < attempt && d.compareTo(maxDelay) < 0; i++) {
        d = d.multipliedBy(2);
      }
    }
    if (d.compareTo(maxDelay) > 0) {
      d = maxDelay;
    }
    if (jitter) {
      long nanos = d.toNanos();
      d = Duration.ofNanos(nanos <= 0 ? 0 : random.nextLong(nanos + 1));
    }
    return d;
  }

  /** The policy as configuration and stored tasks spell it. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("max_retries", maxRetries);
    map.put("delay", seconds(delay));
    map.put("backoff", backoff.label());
    map.put("max_delay", seconds(maxDelay));
    map.put("jitter", jitter);
    map.put("retry_on", retryOn);
    map.put("keep_slot", keepSlot);
    return map;
  }

  private static Object seconds(Duration d) {
    return d.getNano() == 0 ? (Object) d.getSeconds() : d.toNanos() / 1e9;
  }

  /**
   * A policy from its configuration form: {@code max_retries} (required), {@code delay} (seconds,
   * default 1), {@code backoff} ({@code fixed} or {@code exponential}, default fixed), {@code
   * max_delay} (seconds), {@code jitter}, {@code retry_on} (class names) and {@code keep_slot}.
   *
   * @throws InvalidInputException naming the key when a value does not fit
   */
  public static RetryPolicy fromMap(Map<String, ?> map) {
    Objects.requireNonNull(map, "retry");
    for (String key : map.keySet()) {
      if (!List.of(
              "max_retries", "delay", "backoff", "max_delay", "jitter", "retry_on", "keep_slot")
          .contains(key)) {
        throw new InvalidInputException(
            "retry." + key,
            map.get(key),
            "is not a retry option; expected max_retries, delay, backoff, max_delay, jitter,"
                + " retry_on or keep_slot");
      }
    }
    Object max = map.get("max_retries");
    if (!(max instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new InvalidInputException(
          "retry.max_retries", max, "expected a whole number, 1 or more");
    }
    Duration delay = duration("retry.delay", map.get("delay"), Duration.ofSeconds(1));
    Object b = map.get("backoff");
    Backoff backoff;
    if (b == null || "fixed".equals(b)) {
      backoff = Backoff.FIXED;
    } else if ("exponential".equals(b)) {
      backoff = Backoff.EXPONENTIAL;
    } else {
      throw new InvalidInputException("retry.backoff", b, "expected \"fixed\" or \"exponential\"");
    }
    Duration maxDelay = duration("retry.max_delay", map.get("max_delay"), null);
    List<String> on = new ArrayList<>();
    Object retryOn = map.get("retry_on");
    if (retryOn instanceof String s) {
      on.add(s);
    } else if (retryOn instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof String s)) {
          throw new InvalidInputException(
              "retry.retry_on", retryOn, "expected exception class names (strings)");
        }
        on.add(s);
      }
    } else if (retryOn != null) {
      throw new InvalidInputException(
          "retry.retry_on", retryOn, "expected exception class names (strings)");
    }
    return new RetryPolicy(
        n.intValue(),
        delay,
        backoff,
        maxDelay,
        bool("retry.jitter", map.get("jitter")),
        on,
        bool("retry.keep_slot", map.get("keep_slot")));
  }

  private static boolean bool(String key, Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new InvalidInputException(key, value, "expected true or false");
  }

  private static Duration duration(String key, Object value, Duration absent) {
    if (value == null) {
      return absent;
    }
    if (value instanceof Duration d) {
      return d;
    }
    if (value instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() > 0) {
      return Duration.ofNanos(Math.round(n.doubleValue() * 1e9));
    }
    throw new InvalidInputException(key, value, "expected a positive number of seconds");
  }
}
