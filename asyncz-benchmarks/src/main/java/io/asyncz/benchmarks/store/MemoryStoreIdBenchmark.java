package io.asyncz.benchmarks.store;

import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.DateTrigger;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pass of a {@link MemoryStore} over a set of ids: every task added, looked up once and
 * deleted, on a new store. {@code uuid}: 1,000,000 random UUIDs (what generated ids look like);
 * {@code counting}: 1,000,000 ids {@code task-0}, {@code task-1}, ...; {@code colliding}: 32,768
 * ids made of 15 blocks of {@code "Aa"} or {@code "BB"}, which all share one {@link
 * String#hashCode}, as a hash-flooding attack sends them. Tasks are built before the trial; one
 * operation is one pass.
 *
 * <p>Run: {@code java -jar asyncz-benchmarks/target/benchmarks.jar MemoryStoreIdBenchmark}; divide
 * by the number of ids for the cost per task (add + lookup + delete).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class MemoryStoreIdBenchmark {
  private static final TaskFunction NOOP = (args, kwargs) -> null;
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  /** Which ids. */
  @Param({"uuid", "counting", "colliding"})
  public String ids;

  private Task[] tasks;

  /** Builds the tasks, their run times spread over a day. */
  @Setup
  public void setup() {
    SplittableRandom random = new SplittableRandom(2026);
    String[] names =
        switch (ids) {
          case "uuid" -> {
            String[] n = new String[1_000_000];
            for (int i = 0; i < n.length; i++) {
              n[i] = new UUID(random.nextLong(), random.nextLong()).toString();
            }
            yield n;
          }
          case "counting" -> {
            String[] n = new String[1_000_000];
            for (int i = 0; i < n.length; i++) {
              n[i] = "task-" + i;
            }
            yield n;
          }
          case "colliding" -> colliding(15);
          default -> throw new IllegalArgumentException(ids);
        };
    tasks = new Task[names.length];
    for (int i = 0; i < names.length; i++) {
      Instant due = T0.plusMillis(random.nextLong(86_400_000L));
      tasks[i] = Task.builder(names[i]).function(NOOP, null).trigger(DateTrigger.at(due)).build();
      tasks[i] = tasks[i].withNextRunTime(due);
    }
  }

  /** The 2^blocks ids of {@code blocks} blocks "Aa" or "BB": one hash code for all. */
  static String[] colliding(int blocks) {
    String[] ids = new String[1 << blocks];
    for (int bits = 0; bits < ids.length; bits++) {
      StringBuilder id = new StringBuilder(2 * blocks);
      for (int b = 0; b < blocks; b++) {
        id.append((bits >>> b & 1) == 0 ? "Aa" : "BB");
      }
      ids[bits] = id.toString();
    }
    return ids;
  }

  /** Adds every task to a new store, looks each up, deletes each. */
  @Benchmark
  public int addLookupDelete() {
    MemoryStore store = new MemoryStore();
    for (Task task : tasks) {
      store.addTask(task);
    }
    int found = 0;
    for (Task task : tasks) {
      if (store.lookupTask(task.id()).isPresent()) {
        found++;
      }
    }
    for (Task task : tasks) {
      store.deleteTask(task.id());
    }
    if (found != tasks.length || store.size() != 0) {
      throw new IllegalStateException("found " + found + " of " + tasks.length);
    }
    return found;
  }
}
