package io.asyncz.benchmarks;

import io.asyncz.benchmarks.CronCase.Impl;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that the four implementations of every {@link CronCase} give the same fire times before
 * they are measured, so the benchmark compares like with like.
 *
 * <p>One difference is known and accepted: on the spring-forward day 2026-03-08 in New York, 02:30
 * does not exist; we fire it at 03:30 EDT (2026-03-08T07:30:00Z, our documented policy: a daily job
 * is never skipped), while Spring, Quartz and cron-utils skip that day. Any other difference fails
 * the check.
 *
 * <p>Run: {@code java -cp asyncz-benchmarks/target/benchmarks.jar
 * io.asyncz.benchmarks.CronNextCheck}
 */
public final class CronNextCheck {
  /** Steps compared per case: the same as the walk benchmark. */
  public static final int STEPS = CronNextBenchmark.WALK_STEPS;

  /** Our fire time for 02:30 on New York's spring-forward day, which the peers skip. */
  public static final Instant OURS_ONLY_DST = Instant.parse("2026-03-08T07:30:00Z");

  private CronNextCheck() {}

  /**
   * The walks of all four implementations for one case.
   *
   * @throws IllegalStateException if a peer differs from ours, except by the known DST day
   */
  public static Map<Impl, List<Instant>> check(CronCase c) {
    Map<Impl, List<Instant>> walks = new EnumMap<>(Impl.class);
    for (Impl impl : Impl.values()) {
      walks.put(impl, c.walk(impl, STEPS));
    }
    List<Instant> ours = walks.get(Impl.OURS);
    if (ours.size() != STEPS) {
      throw new IllegalStateException(c + ": ours gave " + ours.size() + " of " + STEPS);
    }
    List<Instant> expected = ours;
    if (c == CronCase.DST_NEW_YORK_0230) {
      if (!ours.contains(OURS_ONLY_DST)) {
        throw new IllegalStateException(c + ": ours lacks " + OURS_ONLY_DST + ": " + ours);
      }
      expected = new ArrayList<>(ours);
      expected.remove(OURS_ONLY_DST);
    }
    for (Impl impl : Impl.values()) {
      if (impl == Impl.OURS) {
        continue;
      }
      List<Instant> peer = walks.get(impl);
      int n = Math.min(expected.size(), peer.size());
      for (int i = 0; i < n; i++) {
        if (!peer.get(i).equals(expected.get(i))) {
          throw new IllegalStateException(
              c
                  + ": "
                  + impl
                  + " step "
                  + (i + 1)
                  + " gives "
                  + peer.get(i)
                  + ", ours (less the known DST day) "
                  + expected.get(i));
        }
      }
      if (peer.size() < expected.size()) {
        throw new IllegalStateException(c + ": " + impl + " gave " + peer.size() + " times");
      }
    }
    return walks;
  }

  /** Prints every case's first fire time per implementation, and checks the walks. */
  public static void main(String[] args) {
    int failures = 0;
    for (CronCase c : CronCase.values()) {
      try {
        Map<Impl, List<Instant>> walks = check(c);
        StringBuilder line = new StringBuilder(String.format("%-18s OK  ", c));
        for (Map.Entry<Impl, List<Instant>> e : walks.entrySet()) {
          line.append(String.format(" %s=%s", e.getKey(), e.getValue().get(0)));
        }
        System.out.println(line);
      } catch (RuntimeException e) {
        failures++;
        System.out.println(String.format("%-18s FAIL %s", c, e.getMessage()));
      }
    }
    if (failures > 0) {
      System.exit(1);
    }
  }
}
