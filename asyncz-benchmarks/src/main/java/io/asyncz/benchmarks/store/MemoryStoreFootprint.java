package io.asyncz.benchmarks.store;

import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the memory store and its baseline ({@link OldMemoryStore}) cost while {@code tasks}
 * (1,000,000) tasks are added one by one, in one JVM, the two stores interleaved over {@code reps}
 * (5) repetitions: the wall time, the adding thread's CPU time, the CPU time of G1's concurrent
 * refinement threads ({@code G1 Refine#n}, read from {@code /proc/self/task}: these threads process
 * the cards that reference stores into old arrays dirty) and of its GC worker threads, and the heap
 * the store retains per task: the median used heap over {@code gc.samples} (5) {@link System#gc()}
 * calls after the adds, minus the same before (the tasks themselves are built beforehand, so this
 * is the store's own arrays). The tasks are those of {@link MemoryStoreBenchmark}: random UUID ids,
 * run times random within a day, a {@code DateTrigger} each.
 *
 * <p>Run: {@code java -Xms8g -Xmx8g -cp asyncz-benchmarks/target/benchmarks.jar
 * io.asyncz.benchmarks.store.MemoryStoreFootprint}; add {@code -Xlog:gc*:file=gc.log} for G1's own
 * account of the same work. Linux only (the thread times come from {@code /proc}).
 */
public final class MemoryStoreFootprint {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ, 100 on Linux

  private final int count = Integer.getInteger("tasks", 1_000_000);
  private final int reps = Integer.getInteger("reps", 5);
  private final int gcSamples = Integer.getInteger("gc.samples", 5);
  private final List<String> stores = List.of(System.getProperty("stores", "old,new").split(","));

  private MemoryStoreFootprint() {}

  /** Runs the repetitions and prints one line per store and repetition, then the medians. */
  public static void main(String[] args) throws IOException {
    new MemoryStoreFootprint().run();
  }

  private void run() throws IOException {
    long empty = usedHeapAfterGc();
    Task[] tasks = MemoryStoreBenchmark.tasks(count, 2026, MemoryStoreBenchmark.T0, 86_400_000L);
    long built = usedHeapAfterGc();
    System.out.printf(
        Locale.ROOT,
        "%,d tasks built: %.1f B/task (task, id, trigger, run time, and a slot of this array)%n",
        count,
        (built - empty) / (double) count);
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (int rep = 0; rep < reps; rep++) {
      for (int k = 0; k < stores.size(); k++) {
        String which = stores.get((k + rep) % stores.size());
        double[] r = measure(which, tasks);
        results.computeIfAbsent(which, w -> new ArrayList<>()).add(r);
        System.out.printf(
            Locale.ROOT,
            "rep %d %-4s add %7.1f ms  adding thread %7.1f ms  G1 refine %7.1f ms"
                + "  GC workers %7.1f ms  pauses %3.0f (%6.1f ms)  retained %5.1f B/task%n",
            rep,
            which,
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6]);
      }
    }
    System.out.println();
    System.out.println(
        "| store | add ms per 1M | adding thread CPU ms | G1 refine CPU ms | GC workers CPU ms"
            + " | GC pauses | retained B/task |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
      for (int col = 0; col < 7; col++) {
        if (col == 5) {
          continue; // pause time: printed per repetition only
        }
        double[] values = new double[e.getValue().size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = e.getValue().get(i)[col] * (col == 0 ? 1e6 / count : 1);
        }
        Arrays.sort(values);
        row.append(
            String.format(
                Locale.ROOT,
                col == 4 ? " %.0f (%.0f–%.0f) |" : " %.1f (%.1f–%.1f) |",
                values[values.length / 2],
                values[0],
                values[values.length - 1]));
      }
      System.out.println(row);
    }
    System.out.println("Median (smallest–largest) of " + reps + " repetitions.");
  }

  /** Wall ms, adding-thread CPU ms, refine CPU ms, GC workers CPU ms, pauses, pause ms, B/task. */
  private double[] measure(String which, Task[] tasks) throws IOException {
    long before = usedHeapAfterGc();
    long pauses0 = gcCount();
    long pauseMs0 = gcMillis();
    long refine0 = threadCpu("G1 Refine");
    long workers0 = threadCpu("GC Thread");
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    TaskStore store = MemoryStoreBenchmark.newStore(which);
    for (Task task : tasks) {
      store.addTask(task);
    }
    long t1 = System.nanoTime();
    long cpu1 = THREADS.getCurrentThreadCpuTime();
    long refine1 = threadCpu("G1 Refine");
    long workers1 = threadCpu("GC Thread");
    long pauses1 = gcCount();
    long pauseMs1 = gcMillis();
    long after = usedHeapAfterGc();
    if (store.lookupTask(tasks[tasks.length - 1].id()).isEmpty()) {
      throw new IllegalStateException(which + " lost a task");
    }
    return new double[] {
      (t1 - t0) / 1e6,
      (cpu1 - cpu0) / 1e6,
      (refine1 - refine0) / 1e6,
      (workers1 - workers0) / 1e6,
      pauses1 - pauses0,
      pauseMs1 - pauseMs0,
      (after - before) / (double) tasks.length
    };
  }

  private long usedHeapAfterGc() {
    long[] used = new long[gcSamples];
    for (int i = 0; i < gcSamples; i++) {
      System.gc();
      used[i] = MEMORY.getHeapMemoryUsage().getUsed();
    }
    Arrays.sort(used);
    return used[gcSamples / 2];
  }

  private static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += gc.getCollectionCount();
    }
    return n;
  }

  private static long gcMillis() {
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += gc.getCollectionTime();
    }
    return ms;
  }

  /** The CPU time (user + system) of this process's threads whose name starts with a prefix. */
  private static long threadCpu(String prefix) throws IOException {
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path thread : threads) {
        try {
          if (!Files.readString(thread.resolve("comm")).startsWith(prefix)) {
            continue;
          }
          String stat = Files.readString(thread.resolve("stat"));
          // The fields after the parenthesised name: state is the first, utime the 12th.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (java.nio.file.NoSuchFileException gone) {
          // the thread ended meanwhile
        }
      }
    }
    return ticks * NANOS_PER_TICK;
  }

  static {
    // Both stores are loaded before the first measurement, so that neither pays for class loading.
    new MemoryStore();
    new OldMemoryStore();
  }
}
