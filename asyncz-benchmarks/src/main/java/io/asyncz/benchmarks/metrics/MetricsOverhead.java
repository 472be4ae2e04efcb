package io.asyncz.benchmarks.metrics;

import io.asyncz.benchmarks.Report;
import io.asyncz.benchmarks.scheduler.Completion;
import io.asyncz.event.Events;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.micrometer.AsynczMetrics;
import io.asyncz.micrometer.AsynczObservations;
import io.asyncz.run.RunObservation;
import io.asyncz.scheduler.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The cost of metrics and observations on the engine drain: {@code tasks} tasks due now, each its
 * own lambda (as {@code SchedulerComparison}'s user path adds them), on the thread scheduler with a
 * pool executor of two threads; the time runs from the first add to the end of the last run. Three
 * variants, a fresh scheduler each time, interleaved in an order rotated each repetition:
 *
 * <ul>
 *   <li>{@code off}: no binding;
 *   <li>{@code metrics}: {@link AsynczMetrics#bind} on a {@link SimpleMeterRegistry};
 *   <li>{@code metrics + observation}: that, and {@link AsynczObservations#bind} on an {@link
 *       ObservationRegistry} whose {@link DefaultMeterObservationHandler} times each observation in
 *       the same registry (what Spring Boot sets up);
 *   <li>{@code no-op run observer} and {@code no-op submission listener}: what the two seams the
 *       binding uses cost by themselves (the core's share of the overhead);
 *   <li>{@code run history} and {@code metrics + run history}: the scheduler built with {@code
 *       runHistory(true)} (memory history), alone and with the metrics binding: the "both
 *       on".
 * </ul>
 *
 * <p>It prints the medians and, per variant, the median over repetitions of its time divided by the
 * {@code off} time of the same repetition. Settings are system properties: {@code tasks} (100,000),
 * {@code reps} (9), {@code warmup.tasks} (50,000: one drain of each variant first), {@code
 * warmup.reps} (5: then that many untimed rounds of every variant at {@code tasks}; the JIT is
 * still compiling the recording paths through the first few, which the first runs of this benchmark
 * measured as overhead), {@code work.micros} (0: what each task does, in microseconds of busy CPU,
 * to see the overhead next to tasks that do something), {@code executor} ({@code pool}, the pool of
 * {@code pool.threads} threads, 2 unless set; or {@code inline}, which runs each task on the thread
 * that adds it: one thread does everything, so the overhead is the recording's cost per run alone,
 * without the pool's hand-offs and without the threshold where the two workers fall behind the
 * adding thread), {@code registry} ({@code simple}, a {@link SimpleMeterRegistry}; or {@code
 * prometheus}, the {@link PrometheusMeterRegistry} that a service scraped by Prometheus runs).
 */
public final class MetricsOverhead {
  private static final String OFF = "off";
  private static final String METRICS = "metrics";
  private static final String BOTH = "metrics + observation";
  private static final String NOOP_OBSERVER = "no-op run observer";
  private static final String NOOP_LISTENER = "no-op submission listener";
  private static final String HISTORY = "run history";
  private static final String METRICS_HISTORY = "metrics + run history";
  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final long WORK_NANOS = Long.getLong("work.micros", 0) * 1000;
  private static final String EXECUTOR = System.getProperty("executor", "pool");
  private static final String REGISTRY = System.getProperty("registry", "simple");
  private static final int POOL_THREADS = Integer.getInteger("pool.threads", 2);
  private static final List<String> ALL =
      List.of(OFF, METRICS, BOTH, NOOP_OBSERVER, NOOP_LISTENER, HISTORY, METRICS_HISTORY);

  private MetricsOverhead() {}

  /** Runs the drains and prints the table. */
  public static void main(String[] args) throws Exception {
    int tasks = Integer.getInteger("tasks", 100_000);
    int reps = Integer.getInteger("reps", 9);
    int warmup = Integer.getInteger("warmup.tasks", 50_000);
    List<String> variants = variants(System.getProperty("variants"));
    Report.progress(
        "metrics overhead: %,d tasks of %d µs of work, %s executor, %s registry, %d repetitions;"
            + " %s",
        tasks, WORK_NANOS / 1000, EXECUTOR, REGISTRY, reps, Report.load());
    for (String variant : variants) {
      drain(variant, warmup);
    }
    int warmupReps = Integer.getInteger("warmup.reps", 5);
    for (int rep = 0; rep < warmupReps; rep++) {
      for (int i = 0; i < variants.size(); i++) {
        drain(variants.get((i + rep) % variants.size()), tasks);
      }
      Report.progress("warm-up round %d of %d done; %s", rep + 1, warmupReps, Report.load());
    }
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    Map<String, List<Double>> ratios = new LinkedHashMap<>();
    Map<String, List<Double>> cpuSeconds = new LinkedHashMap<>();
    Map<String, List<Double>> cpuRatios = new LinkedHashMap<>();
    for (String variant : variants) {
      seconds.put(variant, new ArrayList<>());
      ratios.put(variant, new ArrayList<>());
      cpuSeconds.put(variant, new ArrayList<>());
      cpuRatios.put(variant, new ArrayList<>());
    }
    for (int rep = 0; rep < reps; rep++) {
      Map<String, double[]> thisRep = new LinkedHashMap<>();
      for (int i = 0; i < variants.size(); i++) {
        String variant = variants.get((i + rep) % variants.size());
        double[] m = drain(variant, tasks);
        thisRep.put(variant, m);
        seconds.get(variant).add(m[0]);
        cpuSeconds.get(variant).add(m[1]);
        Report.progress(
            "rep %d %-26s %.3f s, CPU %.3f s; %s", rep + 1, variant, m[0], m[1], Report.load());
      }
      for (String variant : variants) {
        ratios.get(variant).add(thisRep.get(variant)[0] / thisRep.get(OFF)[0]);
        cpuRatios.get(variant).add(thisRep.get(variant)[1] / thisRep.get(OFF)[1]);
      }
    }
    Map<String, Map<String, List<Double>>> table = new LinkedHashMap<>();
    for (String variant : variants) {
      Map<String, List<Double>> row = new LinkedHashMap<>();
      row.put("drain s", seconds.get(variant));
      List<Double> perSecond = new ArrayList<>();
      for (double s : seconds.get(variant)) {
        perSecond.add(tasks / s);
      }
      row.put("runs/s", perSecond);
      row.put("time / off (same rep)", ratios.get(variant));
      row.put("CPU s", cpuSeconds.get(variant));
      row.put("CPU / off (same rep)", cpuRatios.get(variant));
      table.put(variant, row);
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Drain of %,d tasks due now, each %d µs of work, %s executor, %s registry, %d"
            + " repetitions%n%n",
        tasks,
        WORK_NANOS / 1000,
        EXECUTOR,
        REGISTRY,
        reps);
    Report.table("variant", table);
    for (String variant : variants) {
      if (variant.equals(OFF)) {
        continue;
      }
      System.out.printf(
          Locale.ROOT,
          "%s: time %+.1f %%, CPU %+.1f %% against off (goal: under 10 %%)%n",
          variant,
          (Report.median(ratios.get(variant)) - 1) * 100,
          (Report.median(cpuRatios.get(variant)) - 1) * 100);
    }
  }

  /** The variants named (by their index in the table's order, 0 being off), or all of them. */
  private static List<String> variants(String names) {
    if (names == null) {
      return ALL;
    }
    List<String> chosen = new ArrayList<>(List.of(OFF));
    for (String part : names.split(",")) {
      String name = ALL.get(Integer.parseInt(part.strip()));
      if (!chosen.contains(name)) {
        chosen.add(name);
      }
    }
    return List.copyOf(chosen);
  }

  /**
   * One drain of {@code tasks} tasks with the variant's bindings; returns its seconds and the CPU
   * seconds the process used meanwhile (every thread, the JIT's and the GC's too).
   */
  private static double[] drain(String variant, int tasks) throws Exception {
    System.gc();
    boolean history = variant.equals(HISTORY) || variant.equals(METRICS_HISTORY);
    Scheduler scheduler =
        Scheduler.builder().executor("default", executor()).runHistory(history).build();
    MeterRegistry meters = registry();
    if (variant.equals(METRICS) || variant.equals(BOTH) || variant.equals(METRICS_HISTORY)) {
      AsynczMetrics.bind(scheduler, meters);
    }
    if (variant.equals(BOTH)) {
      ObservationRegistry observations = ObservationRegistry.create();
      observations
          .observationConfig()
          .observationHandler(new DefaultMeterObservationHandler(meters));
      AsynczObservations.bind(scheduler, observations);
    }
    if (variant.equals(NOOP_OBSERVER)) {
      scheduler.observeRuns(run -> RunObservation.NONE);
    }
    if (variant.equals(NOOP_LISTENER)) {
      scheduler.addListener(event -> {}, Events.TASK_SUBMITTED | Events.TASK_MAX_INSTANCES);
    }
    scheduler.start();
    Completion completion = new Completion(tasks);
    IntConsumer work =
        WORK_NANOS == 0
            ? index -> completion.ran()
            : index -> {
              busy(WORK_NANOS);
              completion.ran();
            };
    try {
      long cpu0 = CPU.getProcessCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < tasks; i++) {
        int index = i;
        scheduler.task(() -> work.accept(index)).add();
      }
      if (!completion.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            variant + ": " + completion.remaining() + " runs had not ended after 120 s");
      }
      double s = (completion.lastNanos() - t0) / 1e9;
      double cpu = (CPU.getProcessCpuTime() - cpu0) / 1e9;
      if (variant.equals(METRICS) || variant.equals(BOTH) || variant.equals(METRICS_HISTORY)) {
        check(variant, meters, tasks);
      }
      return new double[] {s, cpu};
    } finally {
      scheduler.shutdown(false);
    }
  }

  /** The registry the metrics go to: {@code simple} (the default) or {@code prometheus}. */
  static MeterRegistry registry() {
    return switch (REGISTRY) {
      case "simple" -> new SimpleMeterRegistry();
      case "prometheus" -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      default ->
          throw new IllegalArgumentException(
              "registry must be simple or prometheus, got '" + REGISTRY + "'");
    };
  }

  private static TaskExecutor executor() {
    return switch (EXECUTOR) {
      case "pool" -> new PoolExecutor(POOL_THREADS);
      case "inline" -> new InlineExecutor();
      default ->
          throw new IllegalArgumentException(
              "executor must be pool or inline, got '" + EXECUTOR + "'");
    };
  }

  /** Spins for {@code nanos}: a task that keeps a CPU busy, as a small computation would. */
  private static void busy(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  /** The metrics saw every run: a drain that recorded nothing would measure nothing. */
  private static void check(String variant, MeterRegistry meters, int tasks) {
    double started =
        meters.get(AsynczMetrics.LATENESS).timers().stream().mapToLong(t -> t.count()).sum();
    if (started != tasks) {
      throw new IllegalStateException(
          variant + ": the lateness timer counted " + started + " runs, expected " + tasks);
    }
  }
}
