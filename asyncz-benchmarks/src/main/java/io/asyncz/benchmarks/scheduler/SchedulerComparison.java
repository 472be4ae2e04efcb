package io.asyncz.benchmarks.scheduler;

import io.asyncz.benchmarks.Report;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Runs Asyncz and its peers through whole scenarios in one JVM and prints the medians over several
 * repetitions as Markdown tables, with Asyncz's ratios to each peer and to the goals. Two sets of
 * scenarios run, both every time unless narrowed:
 *
 * <p><b>The harness path</b> (the first comparison): one shared {@link Runnable} for all tasks, due
 * times on a clock that reads {@link System#nanoTime()}, Asyncz without a grace limit.
 *
 * <ol>
 *   <li><b>Drain</b> ({@code drain}): {@code drain.tasks} no-op one-shot tasks, all due now. The
 *       time runs from the first schedule call to the end of the last run, so scheduling is
 *       included; the time the schedule calls took alone is printed beside it.
 *   <li><b>Lateness</b> ({@code late}): {@code late.tasks} tasks at seeded random whole
 *       milliseconds over {@code late.window.ms}, all scheduled before the first is due. Each run
 *       notes {@link System#nanoTime()} first thing; lateness is that minus the due time on the
 *       same clock. Negative lateness is an early run.
 *   <li><b>Memory</b> ({@code mem}): {@code mem.tasks} tasks due at seeded random times between one
 *       hour and a day away. The time to schedule them all, and the heap they retain: the median
 *       used heap over {@code mem.gc.samples} {@link System#gc()} calls after, minus the same
 *       before.
 * </ol>
 *
 * <p><b>The user's path</b> ({@code user-drain}, {@code user-late}, {@code user-mem}, {@code
 * before-start}): each task its own lambda, generated ids, the system clock; see {@link
 * UserPathComparison}.
 *
 * <p>Every scheduler gets two worker threads. Contenders run one at a time, in an order rotated
 * each repetition. Settings are system properties: {@code reps} (5), {@code warmup.tasks}, {@code
 * drain.tasks}, {@code late.tasks}, {@code late.window.ms}, {@code mem.tasks}, {@code
 * mem.gc.samples}, {@code start.sizes}, {@code seed}, {@code scenarios} (all of {@link #SCENARIOS})
 * and {@code contenders} (all of {@link UserPaths#KEYS}; the harness path runs the first four).
 */
public final class SchedulerComparison {
  /** The scenarios, in the order they run. */
  static final List<String> SCENARIOS =
      List.of("drain", "late", "mem", "user-drain", "user-late", "user-mem", "before-start");

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  /**
   * What a run measures, read from system properties.
   *
   * @param reps repetitions of each measurement
   * @param warmupTasks tasks of each contender's drain warm-up
   * @param drainTasks tasks of a drain
   * @param lateTasks tasks of a lateness measurement
   * @param lateWindowMs the window over which their due times spread
   * @param memTasks tasks of a memory measurement
   * @param gcSamples {@link System#gc()} calls whose median used heap is taken
   * @param seed the seed of the random due times
   * @param startSizes the sizes of the adding-before-start scenario, ascending
   * @param scenarios some of {@link #SCENARIOS}
   * @param contenders some of {@link UserPaths#KEYS}
   */
  record Settings(
      int reps,
      int warmupTasks,
      int drainTasks,
      int lateTasks,
      int lateWindowMs,
      int memTasks,
      int gcSamples,
      long seed,
      List<Integer> startSizes,
      Set<String> scenarios,
      List<String> contenders) {

    /** Reads the settings through {@code property} (e.g. {@code System::getProperty}). */
    static Settings parse(UnaryOperator<String> property) {
      String seed = property.apply("seed");
      long seedValue;
      try {
        seedValue = seed == null ? 20_260_101L : Long.parseLong(seed.strip().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Invalid seed: \"" + seed + "\"; expected a whole number", e);
      }
      String sizes = property.apply("start.sizes");
      List<Integer> startSizes = new ArrayList<>();
      for (String size : (sizes == null ? "25000,50000,100000" : sizes).split(",", -1)) {
        startSizes.add(positive("start.sizes", size));
      }
      Collections.sort(startSizes);
      return new Settings(
          positive(property, "reps", 5),
          positive(property, "warmup.tasks", 50_000),
          positive(property, "drain.tasks", 200_000),
          positive(property, "late.tasks", 2_000),
          positive(property, "late.window.ms", 10_000),
          positive(property, "mem.tasks", 1_000_000),
          positive(property, "mem.gc.samples", 3),
          seedValue,
          List.copyOf(startSizes),
          Set.copyOf(choose(property, "scenarios", SCENARIOS)),
          choose(property, "contenders", UserPaths.KEYS));
    }

    private static int positive(UnaryOperator<String> property, String key, int fallback) {
      String text = property.apply(key);
      return text == null ? fallback : positive(key, text);
    }

    private static int positive(String key, String text) {
      try {
        int value = Integer.parseInt(text.strip().replace("_", ""));
        if (value > 0) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "Invalid " + key + ": \"" + text + "\"; expected a whole number of 1 or more");
    }

    private static List<String> choose(
        UnaryOperator<String> property, String key, List<String> known) {
      String text = property.apply(key);
      if (text == null) {
        return known;
      }
      List<String> chosen = new ArrayList<>();
      for (String part : text.split(",")) {
        String name = part.strip();
        if (!known.contains(name)) {
          throw new IllegalArgumentException(
              "Invalid " + key + ": \"" + name + "\"; expected some of " + known);
        }
        if (!chosen.contains(name)) {
          chosen.add(name);
        }
      }
      return List.copyOf(chosen);
    }
  }

  private final NanoClock clock = NanoClock.anchored();
  private final Settings settings;
  private final int reps;
  private final int warmupTasks;
  private final int drainTasks;
  private final int lateTasks;
  private final int lateWindowMs;
  private final int memTasks;
  private final long seed;
  private final Set<String> scenarios;
  private final List<Contender> contenders;
  private final UserPathComparison userPath;

  private SchedulerComparison(Settings settings) {
    this.settings = settings;
    this.reps = settings.reps();
    this.warmupTasks = settings.warmupTasks();
    this.drainTasks = settings.drainTasks();
    this.lateTasks = settings.lateTasks();
    this.lateWindowMs = settings.lateWindowMs();
    this.memTasks = settings.memTasks();
    this.seed = settings.seed();
    this.scenarios = settings.scenarios();
    this.contenders = harnessContenders(settings.contenders());
    this.userPath =
        new UserPathComparison(
            settings,
            settings.contenders().stream().map(UserPaths::of).collect(Collectors.toList()));
  }

  /** Runs the scenarios chosen by the system properties and prints the tables. */
  public static void main(String[] args) throws Exception {
    new SchedulerComparison(Settings.parse(System::getProperty)).run();
  }

  /** The harness-path contenders among {@code keys}: the JDK, Spring, Quartz and Asyncz. */
  static List<Contender> harnessContenders(List<String> keys) {
    List<Contender> chosen = new ArrayList<>();
    for (String key : keys) {
      switch (key) {
        case "jdk":
          chosen.add(new JdkContender());
          break;
        case "spring":
          chosen.add(new SpringContender());
          break;
        case "quartz":
          chosen.add(new QuartzContender());
          break;
        case "asyncz":
          chosen.add(new AsynczContender());
          break;
        default:
          // The Asyncz variants (addAll, cron, interval) run on the user's path only.
      }
    }
    return chosen;
  }

  private void run() throws Exception {
    printSetup();
    Map<String, Map<String, List<Double>>> drain = new LinkedHashMap<>();
    Map<String, Map<String, List<Double>>> late = new LinkedHashMap<>();
    Map<String, Map<String, List<Double>>> mem = new LinkedHashMap<>();
    if (scenarios.contains("drain")) {
      progress("drain: warm-up, %,d tasks each; %s", warmupTasks, Report.load());
      for (Contender c : contenders) {
        drain(c, warmupTasks);
      }
      for (int rep = 0; rep < reps; rep++) {
        for (Contender c : rotated(rep)) {
          record(drain, c.name(), drain(c, drainTasks));
        }
      }
    }
    if (scenarios.contains("late")) {
      progress(
          "late: warm-up, %,d tasks each over %,d ms; %s",
          lateTasks / 4, lateWindowMs / 10, Report.load());
      for (Contender c : contenders) {
        lateness(c, seed - 1, lateTasks / 4, lateWindowMs / 10);
      }
      for (int rep = 0; rep < reps; rep++) {
        for (Contender c : rotated(rep)) {
          record(late, c.name(), lateness(c, seed + rep, lateTasks, lateWindowMs));
        }
      }
    }
    if (scenarios.contains("mem")) {
      progress("mem: %s", Report.load());
      long[] offsets = memoryOffsets();
      for (int rep = 0; rep < reps; rep++) {
        for (Contender c : rotated(rep)) {
          record(mem, c.name(), memory(c, offsets));
        }
      }
    }
    userPath.run();
    progress("done; %s", Report.load());
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "## Results (medians of %d repetitions, %s)%n%n",
        reps,
        Instant.now().toString().substring(0, 10));
    if (!drain.isEmpty() || !late.isEmpty() || !mem.isEmpty()) {
      System.out.println("The harness path: one shared Runnable, a nanoTime clock.");
      System.out.println();
    }
    if (!drain.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "### 1. Drain %,d no-op tasks due now (scheduling included)%n%n",
          drainTasks);
      Report.table("scheduler", drain);
      ratios(drain, "exec/s", true);
      goal(drain, "exec/s", "Quartz RAM", 5.0, true, "(1) exec/s >= 5x Quartz");
      goal(drain, "exec/s", "JDK STPE", 0.5, true, "(1) exec/s >= 0.5x JDK");
    }
    if (!late.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "### 2. Lateness of %,d tasks at random times over %,d ms (ms; negative = early)%n%n",
          lateTasks,
          lateWindowMs);
      Report.table("scheduler", late);
      ratios(late, "p99 ms", false);
      goal(late, "p99 ms", "Spring TPTS", 1.0, false, "(2) p99 no worse than Spring");
    }
    if (!mem.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "### 3. %,d tasks due within a day: add time and retained heap%n%n",
          memTasks);
      Report.table("scheduler", mem);
      ratios(mem, "B/task", false);
      ratios(mem, "add s", false);
      absoluteGoal(mem, "B/task", 256, "(3) retained <= 256 B/task");
      absoluteGoal(mem, "s per 1M", 1.0, "(3) 1M added in <= 1 s");
    }
    if (userPath.hasResults()) {
      System.out.println(
          "The user's path: a lambda per task, generated ids, the system clock, due times random"
              + " within a day.");
      System.out.println();
      userPath.print(4);
    }
    System.out.printf(Locale.ROOT, "%nTotal %.0f s%n", Report.elapsedSeconds());
  }

  // ------------------------------------------------------------------ scenarios

  private Map<String, Double> drain(Contender c, int tasks) throws Exception {
    System.gc();
    c.start(clock);
    Completion completion = new Completion(tasks);
    Runnable task = completion::ran;
    long t0 = System.nanoTime();
    for (int i = 0; i < tasks; i++) {
      c.scheduleNoop(t0, i, task);
    }
    long scheduled = System.nanoTime();
    boolean done = completion.await(120, TimeUnit.SECONDS);
    long end = completion.lastNanos();
    c.stop();
    Map<String, Double> m = new LinkedHashMap<>();
    if (!done) {
      progress(
          "drain  %-12s did not finish in 120 s: %,d runs left", c.name(), completion.remaining());
      m.put("exec/s", Double.NaN);
      m.put("total s", Double.NaN);
    } else {
      m.put("exec/s", tasks / ((end - t0) / 1e9));
      m.put("total s", (end - t0) / 1e9);
    }
    m.put("schedule s", (scheduled - t0) / 1e9);
    progress(
        "drain  %-12s %,9d tasks: %,12.0f exec/s, total %.3f s, scheduling %.3f s",
        c.name(), tasks, m.get("exec/s"), m.get("total s"), m.get("schedule s"));
    return m;
  }

  private Map<String, Double> lateness(Contender c, long repSeed, int tasks, int windowMs)
      throws Exception {
    Random random = new Random(repSeed);
    int[] offsetMs = new int[tasks];
    for (int i = 0; i < tasks; i++) {
      offsetMs[i] = random.nextInt(windowMs);
    }
    System.gc();
    c.start(clock);
    Probes probes = new Probes(tasks);
    // Due times fall on whole milliseconds, so Quartz's Date holds them exactly.
    long base = clock.nanoTimeOfEpochMillis(clock.toEpochMillisCeil(System.nanoTime()) + 500);
    long[] due = new long[tasks];
    for (int i = 0; i < tasks; i++) {
      due[i] = base + offsetMs[i] * 1_000_000L;
      c.scheduleProbe(due[i], i, probes);
    }
    long scheduledBy = System.nanoTime();
    if (scheduledBy > base) {
      progress(
          "late   %-12s warning: scheduling ended %.1f ms after the first due time",
          c.name(), (scheduledBy - base) / 1e6);
    }
    boolean done = probes.completion().await(windowMs + 60_000L, TimeUnit.MILLISECONDS);
    c.stop();
    Map<String, Double> m = latenessStats(probes, due);
    int early = m.get("early runs").intValue();
    int ran = tasks - m.get("missing").intValue();
    progress(
        "late   %-12s %,6d tasks: p50 %.3f ms, p99 %.3f ms, max %.3f ms, min %.3f ms, early %d%s",
        c.name(),
        tasks,
        m.get("p50 ms"),
        m.get("p99 ms"),
        m.get("max ms"),
        m.get("min ms"),
        early,
        done ? "" : ", NOT ALL RAN: " + (tasks - ran) + " missing");
    return m;
  }

  /**
   * The lateness of the probe runs against their due times ({@link System#nanoTime()} readings):
   * p50, p99, max and min in milliseconds, the early runs and the runs missing.
   */
  static Map<String, Double> latenessStats(Probes probes, long[] due) {
    int tasks = due.length;
    double[] late = new double[tasks];
    int ran = 0;
    int early = 0;
    for (int i = 0; i < tasks; i++) {
      if (probes.started(i) == 0) {
        continue;
      }
      double ms = (probes.started(i) - due[i]) / 1e6;
      late[ran++] = ms;
      if (ms < 0) {
        early++;
      }
    }
    late = Arrays.copyOf(late, ran);
    Arrays.sort(late);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("p50 ms", percentile(late, 0.50));
    m.put("p99 ms", percentile(late, 0.99));
    m.put("max ms", late.length == 0 ? Double.NaN : late[late.length - 1]);
    m.put("min ms", late.length == 0 ? Double.NaN : late[0]);
    m.put("early runs", (double) early);
    m.put("missing", (double) (tasks - ran));
    return m;
  }

  private long[] memoryOffsets() {
    Random random = new Random(seed);
    long[] offsets = new long[memTasks];
    long hour = TimeUnit.HOURS.toMillis(1);
    long day = TimeUnit.DAYS.toMillis(1);
    for (int i = 0; i < memTasks; i++) {
      offsets[i] = (hour + (long) (random.nextDouble() * (day - hour))) * 1_000_000L;
    }
    return offsets;
  }

  private Map<String, Double> memory(Contender c, long[] offsets) throws Exception {
    c.start(clock);
    Completion never = new Completion(Integer.MAX_VALUE);
    Runnable task = never::ran;
    long before = usedHeapAfterGc(settings.gcSamples());
    long t0 = System.nanoTime();
    for (int i = 0; i < offsets.length; i++) {
      c.scheduleNoop(t0 + offsets[i], i, task);
    }
    long t1 = System.nanoTime();
    long after = usedHeapAfterGc(settings.gcSamples());
    c.stop();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("add s", (t1 - t0) / 1e9);
    m.put("adds/s", offsets.length / ((t1 - t0) / 1e9));
    m.put("s per 1M", (t1 - t0) / 1e9 * 1e6 / offsets.length);
    m.put("B/task", (after - before) / (double) offsets.length);
    progress(
        "mem    %-12s %,9d tasks: added in %.3f s, retained %.1f B/task (%.1f MiB)",
        c.name(), offsets.length, m.get("add s"), m.get("B/task"), (after - before) / 1048576.0);
    System.gc();
    return m;
  }

  /** The median used heap over {@code gcSamples} {@link System#gc()} calls. */
  static long usedHeapAfterGc(int gcSamples) {
    long[] used = new long[gcSamples];
    for (int i = 0; i < gcSamples; i++) {
      System.gc();
      used[i] = MEMORY.getHeapMemoryUsage().getUsed();
    }
    Arrays.sort(used);
    return used[gcSamples / 2];
  }

  // ------------------------------------------------------------------ reporting

  private List<Contender> rotated(int rep) {
    List<Contender> order = new ArrayList<>(contenders);
    Collections.rotate(order, -rep);
    return order;
  }

  /** Adds one repetition's {@code values} to row {@code row} of {@code results}. */
  static void record(
      Map<String, Map<String, List<Double>>> results, String row, Map<String, Double> values) {
    Map<String, List<Double>> byMetric = results.computeIfAbsent(row, k -> new LinkedHashMap<>());
    values.forEach((k, v) -> byMetric.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
  }

  private static void ratios(
      Map<String, Map<String, List<Double>>> results, String metric, boolean higherIsBetter) {
    Map<String, List<Double>> ours = results.get("Asyncz");
    if (ours == null) {
      return;
    }
    double our = Report.median(ours.get(metric));
    String line =
        results.entrySet().stream()
            .filter(e -> !e.getKey().equals("Asyncz"))
            .map(
                e ->
                    String.format(
                        Locale.ROOT,
                        "%s %.2fx",
                        e.getKey(),
                        our / Report.median(e.getValue().get(metric))))
            .collect(Collectors.joining(", "));
    System.out.printf(
        Locale.ROOT,
        "Asyncz %s / peer's (%s is better): %s%n%n",
        metric,
        higherIsBetter ? "higher" : "lower",
        line);
  }

  private static void goal(
      Map<String, Map<String, List<Double>>> results,
      String metric,
      String peer,
      double factor,
      boolean higherIsBetter,
      String label) {
    Map<String, List<Double>> ours = results.get("Asyncz");
    Map<String, List<Double>> theirs = results.get(peer);
    if (ours == null || theirs == null) {
      return;
    }
    double ratio = Report.median(ours.get(metric)) / Report.median(theirs.get(metric));
    boolean met = higherIsBetter ? ratio >= factor : ratio <= factor;
    System.out.printf(
        Locale.ROOT,
        "Goal %s: Asyncz/%s = %.2f -> %s%n%n",
        label,
        peer,
        ratio,
        met ? "MET" : "MISSED");
  }

  private static void absoluteGoal(
      Map<String, Map<String, List<Double>>> results, String metric, double limit, String label) {
    Map<String, List<Double>> ours = results.get("Asyncz");
    if (ours == null) {
      return;
    }
    double value = Report.median(ours.get(metric));
    System.out.printf(
        Locale.ROOT,
        "Goal %s: Asyncz %s -> %s%n%n",
        label,
        Report.format(value),
        value <= limit ? "MET" : "MISSED");
  }

  private void printSetup() {
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "SchedulerComparison: %s %s (%s), %d processors, max heap %,d MiB, GC %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.vendor"),
        rt.availableProcessors(),
        rt.maxMemory() / 1048576,
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", ")));
    System.out.printf(
        Locale.ROOT,
        "reps=%d warmup.tasks=%,d drain.tasks=%,d late.tasks=%,d late.window.ms=%,d"
            + " mem.tasks=%,d mem.gc.samples=%d start.sizes=%s seed=%d scenarios=%s"
            + " contenders=%s%n",
        reps,
        warmupTasks,
        drainTasks,
        lateTasks,
        lateWindowMs,
        memTasks,
        settings.gcSamples(),
        settings.startSizes(),
        seed,
        SCENARIOS.stream().filter(scenarios::contains).collect(Collectors.toList()),
        settings.contenders());
  }

  private static void progress(String format, Object... args) {
    Report.progress(format, args);
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
