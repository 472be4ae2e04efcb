package io.asyncz.benchmarks.process;

import io.asyncz.benchmarks.Report;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.ExecutorContext;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.executor.TaskExecutors;
import io.asyncz.process.ProcessPoolExecutor;
import io.asyncz.task.Task;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The process pool's cost beside the core's pool executor, on the same trivial task ({@link #noop},
 * by reference): the time from {@code submit} to the run's {@code TASK_EXECUTED} event, one run at
 * a time, with warm workers (median and p99 per repetition, the two executors interleaved), and the
 * time a new worker takes to start (the first run of a fresh pool, minus nothing: what a user
 * waits).
 *
 * <pre>
 * ./mvnw -B -q -pl asyncz-benchmarks -am package -DskipTests
 * java -cp asyncz-benchmarks/target/benchmarks.jar io.asyncz.benchmarks.process.ProcessPoolOverhead
 * </pre>
 *
 * <p>Arguments (all optional): repetitions (default 5), runs per repetition (default 2000), worker
 * starts (default 10).
 */
public final class ProcessPoolOverhead {
  private static final String NOOP = ProcessPoolOverhead.class.getName() + "::noop";

  private ProcessPoolOverhead() {}

  /** The task both executors run: nothing, so that what is measured is the executor. */
  public static Object noop() {
    return null;
  }

  /** Runs the comparison and prints Markdown tables. */
  public static void main(String[] args) throws Exception {
    int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int starts = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Report.progress(
        "ProcessPoolOverhead: %d repetitions x %d runs, %d worker starts; %s",
        repetitions, runs, starts, Report.load());

    TaskRegistry registry =
        new TaskRegistry().allowPackage(ProcessPoolOverhead.class.getPackageName());
    Task task =
        Task.builder("noop")
            .function(registry.resolve(NOOP), NOOP)
            .trigger(DateTrigger.at(Instant.parse("2026-01-01T00:00:00Z")))
            .build();

    Events threadEvents = new Events();
    TaskExecutor threads = TaskExecutors.pool(1);
    threads.start(threadEvents, "threadpool");
    Events processEvents = new Events();
    TaskExecutor processes =
        ProcessPoolExecutor.builder()
            .maxWorkers(1)
            .allowPackage(ProcessPoolOverhead.class.getPackageName())
            .build();
    processes.start(processEvents, "processpool");

    // Warm-up: class loading and JIT in both JVMs, so that the repetitions measure steady state.
    measure(threads, threadEvents, task, runs);
    measure(processes, processEvents, task, runs);

    Map<String, Map<String, List<Double>>> table = new LinkedHashMap<>();
    for (int r = 1; r <= repetitions; r++) {
      // Interleaved, so that a busier minute of the shared machine falls on both.
      record(table, "threadpool (core)", measure(threads, threadEvents, task, runs));
      record(table, "processpool (warm worker)", measure(processes, processEvents, task, runs));
      Report.progress("repetition %d of %d done; %s", r, repetitions, Report.load());
    }
    threads.shutdown(true);
    processes.shutdown(true);
    System.out.println();
    System.out.println("Per run, submit to TASK_EXECUTED, one run at a time (µs):");
    System.out.println();
    Report.table("executor", table);

    List<Double> startMillis = new ArrayList<>();
    for (int i = 0; i < starts; i++) {
      Events events = new Events();
      TaskExecutor fresh =
          ProcessPoolExecutor.builder()
              .maxWorkers(1)
              .allowPackage(ProcessPoolOverhead.class.getPackageName())
              .build();
      fresh.start(events, "processpool");
      long t0 = System.nanoTime();
      fresh.submit(task, List.of(events.clock().instant()));
      events.awaitExecuted();
      startMillis.add((System.nanoTime() - t0) / 1e6);
      fresh.shutdown(true);
    }
    double[] sorted = startMillis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Worker start (first run of a fresh pool: JVM start, handshake, run), %d starts: median"
            + " %.0f ms, min %.0f ms, max %.0f ms%n",
        sorted.length,
        percentile(sorted, 0.5),
        sorted[0],
        sorted[sorted.length - 1]);
    Report.progress("done; %s", Report.load());
  }

  private static void record(
      Map<String, Map<String, List<Double>>> table, String row, double[] micros) {
    Map<String, List<Double>> metrics = table.computeIfAbsent(row, k -> new LinkedHashMap<>());
    metrics.computeIfAbsent("median µs", k -> new ArrayList<>()).add(percentile(micros, 0.5));
    metrics.computeIfAbsent("p99 µs", k -> new ArrayList<>()).add(percentile(micros, 0.99));
  }

  /** The submit-to-event times of {@code runs} runs, one after the other, in µs, sorted. */
  private static double[] measure(TaskExecutor executor, Events events, Task task, int runs)
      throws InterruptedException {
    double[] micros = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      executor.submit(task, List.of(events.clock().instant()));
      events.awaitExecuted();
      micros[i] = (System.nanoTime() - t0) / 1e3;
    }
    Arrays.sort(micros);
    return micros;
  }

  private static double percentile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  /** A context that counts nothing (one run at a time) and hands each event to the waiting run. */
  private static final class Events implements ExecutorContext {
    private final BlockingQueue<TaskExecutionEvent> queue = new LinkedBlockingQueue<>();

    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public void dispatch(SchedulerEvent event) {
      queue.add((TaskExecutionEvent) event);
    }

    @Override
    public boolean tryAcquireInstance(String taskId, int maxInstances) {
      return true;
    }

    @Override
    public void releaseInstance(String taskId) {}

    void awaitExecuted() throws InterruptedException {
      TaskExecutionEvent event = queue.poll(2, TimeUnit.MINUTES);
      if (event == null || !event.succeeded()) {
        throw new IllegalStateException(
            "the run did not succeed: " + (event == null ? "no event" : event.exception()));
      }
    }
  }
}
