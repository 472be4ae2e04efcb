package io.asyncz.benchmarks.scheduler;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that reads {@link System#nanoTime()} from an anchor taken on the wall clock, so that
 * an instant handed to a scheduler and a start time measured inside a task are on one time line.
 */
final class NanoClock extends Clock {
  private final long anchorEpochNanos;
  private final long anchorNanoTime;

  private NanoClock(long anchorEpochNanos, long anchorNanoTime) {
    this.anchorEpochNanos = anchorEpochNanos;
    this.anchorNanoTime = anchorNanoTime;
  }

  /**
   * Anchors a clock on the wall clock: of many paired readings it keeps the one taken in the
   * shortest bracket, so the anchor is off by well under a microsecond more than the wall clock's
   * own resolution.
   */
  static NanoClock anchored() {
    long bestBracket = Long.MAX_VALUE;
    long bestEpoch = 0;
    long bestNano = 0;
    for (int i = 0; i < 2_000; i++) {
      long before = System.nanoTime();
      Instant wall = Instant.now();
      long after = System.nanoTime();
      if (after - before < bestBracket) {
        bestBracket = after - before;
        bestEpoch = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        bestNano = before + (after - before) / 2;
      }
    }
    return new NanoClock(bestEpoch, bestNano);
  }

  /** The instant at a {@link System#nanoTime()} reading. */
  Instant toInstant(long nanoTime) {
    return Instant.ofEpochSecond(0, anchorEpochNanos + (nanoTime - anchorNanoTime));
  }

  /** The epoch millisecond at a {@link System#nanoTime()} reading, rounded up. */
  long toEpochMillisCeil(long nanoTime) {
    return Math.floorDiv(anchorEpochNanos + (nanoTime - anchorNanoTime) + 999_999, 1_000_000);
  }

  /** The {@link System#nanoTime()} reading at an epoch millisecond. */
  long nanoTimeOfEpochMillis(long epochMillis) {
    return anchorNanoTime + (epochMillis * 1_000_000 - anchorEpochNanos);
  }

  @Override
  public Instant instant() {
    return toInstant(System.nanoTime());
  }

  @Override
  public long millis() {
    return Math.floorDiv(anchorEpochNanos + (System.nanoTime() - anchorNanoTime), 1_000_000);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new UnsupportedOperationException("NanoClock reads UTC only");
  }
}
