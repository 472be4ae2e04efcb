package io.asyncz.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the whole-scenario comparisons print: progress lines with the time since the run started,
 * the load average, and Markdown tables of medians with the smallest and largest repetition.
 */
public final class Report {
  private static final long START = System.nanoTime();

  private Report() {}

  /** Seconds since this class was loaded, which is about when the run started. */
  public static double elapsedSeconds() {
    return (System.nanoTime() - START) / 1e9;
  }

  /** Prints a progress line prefixed with the seconds since the run started, and flushes. */
  public static void progress(String format, Object... args) {
    System.out.printf(
        Locale.ROOT, "[%6.1f s] %s%n", elapsedSeconds(), String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  /**
   * The machine's load average over the last minute: other processes on a small machine skew every
   * number here, so the run reports how busy the machine was.
   */
  public static String load() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return String.format(
        Locale.ROOT,
        "load average %.2f on %d processors",
        load,
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * Prints one row per entry of {@code results} and one column per metric of the first row: the
   * median, then the smallest and largest repetition in parentheses.
   *
   * @param firstColumn the heading of the row names
   */
  public static void table(String firstColumn, Map<String, Map<String, List<Double>>> results) {
    List<String> metrics = List.copyOf(results.values().iterator().next().keySet());
    StringBuilder head = new StringBuilder("| " + firstColumn + " |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String metric : metrics) {
      head.append(' ').append(metric).append(" |");
      rule.append("---:|");
    }
    System.out.println(head);
    System.out.println(rule);
    for (Map.Entry<String, Map<String, List<Double>>> row : results.entrySet()) {
      StringBuilder line = new StringBuilder("| " + row.getKey() + " |");
      for (String metric : metrics) {
        List<Double> values = row.getValue().get(metric);
        if (values == null) {
          line.append(" – |");
          continue;
        }
        line.append(' ').append(format(median(values)));
        if (values.size() > 1) {
          line.append(" (").append(format(min(values))).append("–").append(format(max(values)));
          line.append(')');
        }
        line.append(" |");
      }
      System.out.println(line);
    }
    System.out.println();
    System.out.println("Median (smallest–largest repetition).");
    System.out.println();
  }

  /** A number with as many digits as its size deserves, grouped by thousands from 10,000. */
  public static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 10_000) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    double a = Math.abs(v);
    if (a >= 10_000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** The median; the mean of the middle two for an even count. */
  public static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The smallest value. */
  public static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  /** The largest value. */
  public static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }
}
