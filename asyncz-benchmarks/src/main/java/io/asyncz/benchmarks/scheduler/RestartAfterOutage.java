package io.asyncz.benchmarks.scheduler;

import io.asyncz.benchmarks.Report;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A restart after a year's downtime (issue 9, item 4): a scheduler starts on a store of 10,000
 * tasks that fire every second and whose next run times are a year old, and settles them all: every
 * missed run older than the grace time is skipped (the seed would list every one of the 315 billion
 * missed runs first), the rest run once. Meanwhile another thread keeps adding tasks: the longest
 * {@code add()} shows the loop never holds the store for long.
 *
 * <p>Scenarios: {@code interval} (an every-second interval trigger, {@code coalesce=false}: the
 * missed runs are skipped in one step) and {@code cron} (an every-second cron trigger, {@code
 * coalesce=true}: the last missed run is found without stepping). Reported per repetition: the time
 * from {@code start()} until every outage task has a next run time in the future, the runs it made
 * (the last runs of each task within the 1 s grace time; the rest are missed), and the adds made
 * meanwhile with the longest of them.
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
    ThreadScheduler scheduler = Scheduler.builder().store(Scheduler.DEFAULT, store).build();
    CountDownLatch settled = new CountDownLatch(1);
    long started = System.nanoTime();
    scheduler.start();
    // While the backlog settles, another thread adds a task every millisecond: the longest add()
    // shows how
    // long the loop ever holds the store (it releases it between batches of 256 due tasks).
    long[] longestAdd = {0};
    long[] adds = {0};
    Thread adder =
        new Thread(
            () -> {
              while (settled.getCount() > 0) {
                long t0 = System.nanoTime();
                scheduler
                    .task(work)
                    .id("probe-" + adds[0]++)
                    .trigger(DateTrigger.at(now.plusSeconds(3600)))
                    .add();
                longestAdd[0] = Math.max(longestAdd[0], System.nanoTime() - t0);
                LockSupport.parkNanos(1_000_000); // a probe, one add a millisecond, not a load
              }
            });
    adder.start();
    // Settled when no task is due at the start time any more: each outage task then has a next
    // run time after the outage.
    while (!store.dueTasks(now, 1).isEmpty()) {
      Thread.onSpinWait();
      if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(10)) {
        break;
      }
    }
    boolean finished = store.dueTasks(now, 1).isEmpty();
    double seconds = (System.nanoTime() - started) / 1e9;
    settled.countDown();
    adder.join();
    scheduler.shutdown(true);
    Map<String, Double> r = new LinkedHashMap<>();
    r.put("settle s", finished ? seconds : Double.NaN);
    r.put("runs", (double) runs.get());
    r.put("adds during settle", (double) adds[0]);
    r.put("longest add ms", longestAdd[0] / 1e6);
    return r;
  }
}
