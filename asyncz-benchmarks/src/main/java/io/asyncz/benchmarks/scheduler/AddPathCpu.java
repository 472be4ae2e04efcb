package io.asyncz.benchmarks.scheduler;

import io.asyncz.benchmarks.Report;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where the CPU of the user-path adds goes, thread by thread: {@code tasks} date tasks due within a
 * day added to a fresh started scheduler ({@link UserPaths}), {@code rounds} times, each round
 * printing per add the wall time, the bytes the adding thread allocated, the garbage collectors'
 * pause time, and the CPU time of every group of threads (the adding thread, G1's refinement and
 * worker threads, the compilers) read from {@code /proc/self/task} before and after the adds. The
 * refinement threads' CPU is the cost of writes into old-generation arrays, which a profile of the
 * adding thread alone does not show. Linux only.
 *
 * <pre>
 * java -Xms8g -Xmx8g -cp asyncz-benchmarks/target/benchmarks.jar \
 *   io.asyncz.benchmarks.scheduler.AddPathCpu
 * </pre>
 *
 * System properties: {@code -Dcontender=asyncz} (a key of {@link UserPaths#KEYS}), {@code
 * -Dtasks=1000000}, {@code -Drounds=4} (the first is mostly warm-up), {@code -Dseed}.
 */
public final class AddPathCpu {
  /** Clock ticks per second of {@code /proc/<pid>/task/<tid>/stat}: USER_HZ, 100 on Linux. */
  private static final double TICKS_PER_SECOND = 100;

  private AddPathCpu() {}

  /** Runs the rounds and prints a line for each. */
  public static void main(String[] args) throws Exception {
    String key = System.getProperty("contender", "asyncz");
    int tasks = Integer.getInteger("tasks", 1_000_000);
    int rounds = Integer.getInteger("rounds", 4);
    long[] offsetMs =
        UserPathComparison.offsetsWithinADay(tasks, Long.getLong("seed", 20_260_101L));
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Work never = index -> {};
    for (int round = 0; round < rounds; round++) {
      UserPathContender c = UserPaths.of(key);
      c.start();
      System.gc();
      Map<String, Long> cpuBefore = cpuTicksByThreadGroup();
      long gcBefore = gcMillis();
      long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
      Instant base = Instant.now();
      long t0 = System.nanoTime();
      c.addAllAt(tasks, i -> base.plusMillis(offsetMs[i]), never);
      long t1 = System.nanoTime();
      long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
      long gc = gcMillis() - gcBefore;
      Map<String, Long> cpuAfter = cpuTicksByThreadGroup();
      String cpu =
          cpuAfter.entrySet().stream()
              .filter(e -> e.getValue() > cpuBefore.getOrDefault(e.getKey(), 0L))
              .map(
                  e ->
                      String.format(
                          Locale.ROOT,
                          "%s %.0f",
                          e.getKey(),
                          (e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L))
                              / TICKS_PER_SECOND
                              * 1e9
                              / tasks))
              .collect(Collectors.joining(", "));
      Report.progress(
          "%s round %d, %,d adds: wall %.0f ns, allocated %.0f B, GC pauses %.0f ns per add;"
              + " CPU ns per add by thread: %s; %s",
          c.name(),
          round,
          tasks,
          (t1 - t0) / (double) tasks,
          allocated / (double) tasks,
          gc * 1e6 / tasks,
          cpu,
          Report.load());
      c.stop();
    }
  }

  /** CPU clock ticks (user + system) of this process's threads, summed by name without number. */
  private static Map<String, Long> cpuTicksByThreadGroup() throws IOException {
    Map<String, Long> ticks = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          String stat = Files.readString(task.resolve("stat"));
          // Fields after the parenthesized name: state is field 3, utime 14 and stime 15.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          // The main thread keeps the launcher's name; the JVM names the threads it starts.
          String group = name.equals("java") ? "main" : name.replaceAll("#?\\d+$", "");
          ticks.merge(group, used, Long::sum);
        } catch (NoSuchFileException threadEnded) {
          // A thread that ended between the listing and the read has nothing more to count.
        }
      }
    }
    return ticks;
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime)
        .sum();
  }
}
