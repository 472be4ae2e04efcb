package io.asyncz.benchmarks.store;

import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.DateTrigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory store against its baseline ({@link OldMemoryStore}, the store before the dense
 * layout), side by side: {@code store=new} is {@link MemoryStore}, {@code store=old} the baseline.
 * Ids are random UUID strings, run times random within a day, each task with its own {@link
 * DateTrigger}; tasks are built before the trial.
 *
 * <ul>
 *   <li>{@code add}: 1,000,000 tasks added to an empty store (ms per 1M);
 *   <li>{@code lookup}: one lookup of a random stored id in a store of 1,000,000 (ns);
 *   <li>{@code drainFinished}: 200,000 tasks due now taken as the loop takes them, {@code
 *       dueTasks(now, 256)} then {@code advanceTasks} that finishes them all (one-shot tasks),
 *       until none is due (ms per 200k);
 *   <li>{@code drainAdvanced}: the same, each task advanced by a day instead (a periodic task).
 * </ul>
 *
 * <p>Run: {@code java -jar asyncz-benchmarks/target/benchmarks.jar MemoryStoreBenchmark}. The bytes
 * each store keeps per task and the G1 refinement work its adds cause are measured by {@link
 * MemoryStoreFootprint}.
 */
@State(Scope.Benchmark)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class MemoryStoreBenchmark {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final TaskFunction NOOP = (args, kwargs) -> null;
  private static final int ADDS = 1_000_000;
  private static final int DRAIN = 200_000;
  private static final int BATCH = 256;

  /** Which store: {@code new} ({@link MemoryStore}) or {@code old} ({@link OldMemoryStore}). */
  @Param({"old", "new"})
  public String store;

  private Task[] tasks;
  private Task[] dueNow;

  static TaskStore newStore(String which) {
    return switch (which) {
      case "new" -> new MemoryStore();
      case "old" -> new OldMemoryStore();
      default -> throw new IllegalArgumentException("store: expected old or new, got " + which);
    };
  }

  /**
   * {@code n} date tasks with random UUID ids, due at random microseconds within {@code spreadMs}
   * after {@code from}.
   */
  static Task[] tasks(int n, long seed, Instant from, long spreadMs) {
    SplittableRandom random = new SplittableRandom(seed);
    Task[] tasks = new Task[n];
    for (int i = 0; i < n; i++) {
      String id = new UUID(random.nextLong(), random.nextLong()).toString();
      Instant due = from.plusNanos(random.nextLong(spreadMs * 1_000) * 1_000);
      tasks[i] =
          Task.builder(id)
              .function(NOOP, null)
              .trigger(DateTrigger.at(due))
              .nextRunTime(due)
              .build();
    }
    return tasks;
  }

  /** Builds the tasks. */
  @Setup(Level.Trial)
  public void buildTasks() {
    tasks = tasks(ADDS, 2026, T0, 86_400_000L);
    dueNow = tasks(DRAIN, 2027, T0.minusSeconds(3_600), 3_600_000L);
  }

  /** A store holding the 1,000,000 tasks, and the random order lookups read them in. */
  @State(Scope.Benchmark)
  public static class Filled {
    TaskStore store;
    int[] probes;
    int next;

    /** Adds the tasks. */
    @Setup(Level.Trial)
    public void fill(MemoryStoreBenchmark b) {
      store = newStore(b.store);
      store.addTasks(List.of(b.tasks));
      SplittableRandom random = new SplittableRandom(17);
      probes = new int[1 << 16];
      for (int i = 0; i < probes.length; i++) {
        probes[i] = random.nextInt(ADDS);
      }
    }
  }

  /** A store of {@value #DRAIN} tasks due now, new for each drain. */
  @State(Scope.Benchmark)
  public static class Due {
    TaskStore store;

    /** Adds the due tasks. */
    @Setup(Level.Iteration)
    public void fill(MemoryStoreBenchmark b) {
      store = newStore(b.store);
      for (Task task : b.dueNow) {
        store.addTask(task);
      }
    }
  }

  /** 1,000,000 tasks added one by one to an empty store. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 8)
  public TaskStore add() {
    TaskStore s = newStore(store);
    for (Task task : tasks) {
      s.addTask(task);
    }
    return s;
  }

  /** One lookup of a random stored id among 1,000,000. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Object lookup(Filled filled) {
    String id = tasks[filled.probes[filled.next++ & (filled.probes.length - 1)]].id();
    return filled.store.lookupTask(id).orElseThrow();
  }

  /** 200,000 due tasks taken 256 at a time and finished, as the loop does with one-shot tasks. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 8)
  public int drainFinished(Due due) {
    int taken = 0;
    while (true) {
      List<Task> batch = due.store.dueTasks(T0, BATCH);
      if (batch.isEmpty()) {
        return check(taken);
      }
      List<String> finished = new ArrayList<>(batch.size());
      for (Task task : batch) {
        finished.add(task.id());
      }
      due.store.advanceTasks(List.of(), finished);
      taken += batch.size();
    }
  }

  /** 200,000 due tasks taken 256 at a time and each moved a day later, as a periodic task is. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 8)
  public int drainAdvanced(Due due) {
    int taken = 0;
    while (true) {
      List<Task> batch = due.store.dueTasks(T0, BATCH);
      if (batch.isEmpty()) {
        return check(taken);
      }
      List<Task> advanced = new ArrayList<>(batch.size());
      for (Task task : batch) {
        advanced.add(task.withNextRunTime(task.nextRunTime().orElseThrow().plusSeconds(86_400)));
      }
      due.store.advanceTasks(advanced, List.of());
      taken += batch.size();
    }
  }

  private static int check(int taken) {
    if (taken != DRAIN) {
      throw new IllegalStateException("drained " + taken + " of " + DRAIN);
    }
    return taken;
  }
}
