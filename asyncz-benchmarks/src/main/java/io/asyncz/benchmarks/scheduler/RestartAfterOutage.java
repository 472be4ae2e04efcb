package io.asyncz.benchmarks.scheduler;

import io.asyncz.benchmarks.Report;
import io.asyncz.event.Events;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A restart after a year's downtime (issue 9, item 4): a scheduler starts on a store of 10,000
 * tasks that fire every second and whose next run times are a year old, and settles them all: every
 * missed run older than the grace time is skipped (the seed would list every one of the 315 billion
 * missed runs first), the rest run once. Meanwhile a healthy task due every 50 ms must keep running
 * on time, which shows the loop is never held for long.
 *
 * <p>Scenarios: {@code interval} (an every-second interval trigger, {@code coalesce=false}: the
 * missed runs are skipped in one step) and {@code cron} (an every-second cron trigger, {@code
 * coalesce=true}: the last missed run is found without stepping). Reported per repetition: the time
 * from {@code start()} until every outage task has a next run time in the future, the runs it made,
 * the retained heap during the settle, and the healthy probe's worst lateness.
 *
 * <pre>
 * java -Xmx1g -cp asyncz-benchmarks/target/benchmarks.jar \
 *   io.asyncz.benchmarks.scheduler.RestartAfterOutage
 * </pre>
 *
 * System properties: {@code -Dtasks=10000}, {@code -Dreps=5}, {@code -Dscenarios=interval,cron}.
 */
public final class RestartAfterOutage {
  private static final Duration DOWNTIME = Duration.ofDays(365);

  private RestartAfterOutage() {}

  /** Runs the scenarios and prints a table. */
  public static void main(String[] args) throws Exception {
    int tasks = Integer.getInteger("tasks", 10_000);
    int reps = Integer.getInteger("reps", 5);
    List<String> scenarios = List.of(System.getProperty("scenarios", "interval,cron").split(","));
    Report.progress(
        "Restart after %s of downtime, %,d tasks, %d repetitions; %s",
        DOWNTIME, tasks, reps, Report.load());
    Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
    for (int rep = 0; rep < reps; rep++) {
      for (String scenario : scenarios) {
        Map<String, Double> r = run(scenario.strip(), tasks);
        Map<String, List<Double>> row =
            results.computeIfAbsent(scenario.strip(), k -> new LinkedHashMap<>());
        r.forEach((k, v) -> row.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        Report.progress("%s rep %d: %s", scenario, rep + 1, r);
      }
    }
    Report.table("scenario", results);
  }

  private static Map<String, Double> run(String scenario, int count) throws Exception {
    Instant now = Instant.now();
    Instant yearAgo = now.minus(DOWNTIME);
    MemoryStore store = new MemoryStore();
    AtomicLong runs = new AtomicLong();
    TaskFunction work = (a, k) -> runs.incrementAndGet();
    for (int i = 0; i < count; i++) {
      Trigger trigger;
      boolean coalesce;
      if (scenario.equals("interval")) {
        trigger = IntervalTrigger.builder().seconds(1).startAt(yearAgo).build();
        coalesce = false;
      } else if (scenario.equals("cron")) {
        trigger = CronTrigger.builder().second("*").timezone(ZoneOffset.UTC).build();
        coalesce = true;
      } else {
        throw new IllegalArgumentException(
            "Unknown scenario '" + scenario + "'; expected interval or cron");
      }
      store.addTask(
          Task.builder("outage-" + i)
              .function(work, null)
              .trigger(trigger)
              .coalesce(coalesce)
              .nextRunTime(yearAgo.plusMillis(i % 1000))
              .build());
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    ThreadScheduler scheduler = Scheduler.builder().store(Scheduler.DEFAULT, store).build();
    List<Long> probeLateness = Collections.synchronizedList(new ArrayList<>());
    long[] peakHeap = {0};
    CountDownLatch settled = new CountDownLatch(1);
    long started = System.nanoTime();
    scheduler.addListener(
        e -> {
          peakHeap[0] = Math.max(peakHeap[0], memory.getHeapMemoryUsage().getUsed());
        },
        Events.TASK_SUBMITTED);
    scheduler.start();
    scheduler
        .task(
            (TaskFunction)
                (a, k) -> {
                  probeLateness.add(System.nanoTime());
                  return null;
                })
        .id("probe")
        .trigger(IntervalTrigger.builder().interval(Duration.ofMillis(50)).build())
        .add();
    Thread watcher =
        new Thread(
            () -> {
              // Settled when no task is due at the start time any more: each outage task then has
              // a next run time after the outage.
              while (!store.dueTasks(now, 1).isEmpty()) {
                Thread.onSpinWait();
              }
              settled.countDown();
            });
    watcher.setDaemon(true);
    watcher.start();
    boolean finished = settled.await(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - started) / 1e9;
    List<Long> probes = List.copyOf(probeLateness);
    scheduler.shutdown(true);
    long worstGap = 0;
    for (int i = 1; i < probes.size(); i++) {
      worstGap = Math.max(worstGap, probes.get(i) - probes.get(i - 1));
    }
    Map<String, Double> r = new LinkedHashMap<>();
    r.put("settle s", finished ? seconds : Double.NaN);
    r.put("runs", (double) runs.get());
    r.put("heap MB", Math.max(0, peakHeap[0] - heapBefore) / 1e6);
    r.put("probe worst gap ms", worstGap / 1e6);
    return r;
  }
}
