package io.asyncz.benchmarks.metrics;

import io.asyncz.benchmarks.Report;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What one Micrometer recording costs on its own, for reading {@link MetricsOverhead}: a timer
 * without a histogram, a timer with a percentile histogram (the binding's lateness and duration
 * timers, two per run), and a counter, each recorded {@code records} times in a row on one thread
 * with everything in the cache, the best case. Settings are system properties: {@code records}
 * (5,000,000), {@code rounds} (7; the first is a warm-up), {@code registry} ({@code simple} or
 * {@code prometheus}, as for {@link MetricsOverhead}).
 */
public final class TimerCost {
  private TimerCost() {}

  /** Records in rounds and prints the median nanoseconds per record of each kind. */
  public static void main(String[] args) {
    int records = Integer.getInteger("records", 5_000_000);
    int rounds = Integer.getInteger("rounds", 7);
    MeterRegistry registry = MetricsOverhead.registry();
    Timer plain = Timer.builder("plain").register(registry);
    Timer histogram = Timer.builder("histogram").publishPercentileHistogram().register(registry);
    Counter counter = Counter.builder("counter").register(registry);
    List<Double> plainNs = new ArrayList<>();
    List<Double> histogramNs = new ArrayList<>();
    List<Double> counterNs = new ArrayList<>();
    Report.progress(
        "timer cost: %,d records, %d rounds, %s; %s",
        records, rounds, registry.getClass().getSimpleName(), Report.load());
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < records; i++) {
        plain.record(1_000 + (i & 1023), TimeUnit.NANOSECONDS);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < records; i++) {
        histogram.record(1_000 + (i & 1023), TimeUnit.NANOSECONDS);
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < records; i++) {
        counter.increment();
      }
      long t3 = System.nanoTime();
      if (round > 0) {
        plainNs.add((t1 - t0) / (double) records);
        histogramNs.add((t2 - t1) / (double) records);
        counterNs.add((t3 - t2) / (double) records);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "ns per record, median of %d rounds: timer %.1f, timer with percentile histogram %.1f,"
            + " counter %.1f%n",
        rounds - 1,
        Report.median(plainNs),
        Report.median(histogramNs),
        Report.median(counterNs));
  }
}
