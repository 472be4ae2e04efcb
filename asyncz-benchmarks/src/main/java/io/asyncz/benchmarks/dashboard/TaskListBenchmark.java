package io.asyncz.benchmarks.dashboard;

import io.asyncz.admin.AdminJson;
import io.asyncz.admin.SchedulerOperations;
import io.asyncz.admin.TaskFilter;
import io.asyncz.admin.TaskPage;
import io.asyncz.admin.TaskView;
import io.asyncz.benchmarks.Report;
import io.asyncz.dashboard.Dashboard;
import io.asyncz.dashboard.DashboardOptions;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.TaskQuery;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskInfo;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The dashboard's task list over 10,000 tasks (issue 12), beside JobRunr's dashboard over 10,000
 * scheduled jobs, in one run:
 *
 * <ul>
 *   <li>over HTTP on loopback, interleaved request by request: our {@code GET /api/v1/tasks} for
 *       the first page of 25, two searches and a deep page, and JobRunr's {@code GET
 *       /api/jobs?state=SCHEDULED} (what its jobs page calls) for its first page of 20 and the same
 *       deep offset; the time a client sees and the bytes of each answer;
 *   <li>the server's own work without HTTP (the listing and its JSON, in this thread), before (the
 *       listing the operations made up to this change, kept here: the core's {@code getTaskInfos}
 *       over every task, then each page task read again) and after (the listing index),
 *       interleaved, with the thread's CPU time; and the index's refresh paths: a listing right
 *       after one task changed, right after a wholesale change (a rebuild), and over a persistent
 *       store (H2 through the JDBC store) read again on every listing;
 *   <li>the delay from a run requested through the API to its {@code TASK_EXECUTED} event on an
 *       open Server-Sent Events stream.
 * </ul>
 *
 * <pre>
 * ./mvnw -B -q -pl asyncz-benchmarks -am package -DskipTests
 * java -Xmx1g -cp asyncz-benchmarks/target/benchmarks.jar \
 *   io.asyncz.benchmarks.dashboard.TaskListBenchmark
 * </pre>
 *
 * System properties: {@code -Dtasks=10000}, {@code -Dwarmup=300}, {@code -Drequests=500}, {@code
 * -Devents=100}.
 */
public final class TaskListBenchmark {
  private static final String TOKEN = "benchmark-token-0123456789abcdef";

  private TaskListBenchmark() {}

  /** Runs the measurements and prints them. */
  public static void main(String[] args) throws Exception {
    int tasks = Integer.getInteger("tasks", 10_000);
    int warmup = Integer.getInteger("warmup", 300);
    int requests = Integer.getInteger("requests", 500);
    int events = Integer.getInteger("events", 100);
    // Both dashboards run on the JDK's HTTP server, which reads this switch once, when the first
    // server starts. Asyncz's dashboard sets it (TCP_NODELAY) unless the application chose; here
    // JobRunr's server starts first, so it is set before both, as an application serving only
    // Asyncz's dashboard gets it. Without it, most responses of both wait about 40 ms for a
    // delayed acknowledgement (-Dsun.net.httpserver.nodelay=false shows that).
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    Report.progress(
        "Dashboard task list: %,d tasks; sun.net.httpserver.nodelay=%s; %s",
        tasks, System.getProperty("sun.net.httpserver.nodelay"), Report.load());
    try (ThreadScheduler scheduler = Scheduler.create();
        JobRunrSide jobrunr = JobRunrSide.start(tasks)) {
      scheduler.registry().register("bench.noop", (TaskFunction) (a, k) -> null);
      scheduler.start();
      addTasks(scheduler, tasks);
      scheduler.task("bench.noop").id("probe").every(Duration.ofHours(1)).add();
      try (SchedulerOperations ops = SchedulerOperations.builder(scheduler).build();
          Dashboard dashboard =
              Dashboard.serve(ops, DashboardOptions.builder().port(0).token(TOKEN).build())) {
        HttpClient http = HttpClient.newHttpClient();
        String ours = "Bearer " + TOKEN;
        List<Case> cases = new ArrayList<>();
        cases.add(
            new Case("Asyncz: first page (25)", dashboard, "api/v1/tasks?page=1&size=25", ours));
        cases.add(
            new Case(
                "Asyncz: search 'task-0042' (10 hits)",
                dashboard,
                "api/v1/tasks?q=task-0042",
                ours));
        cases.add(
            new Case(
                "Asyncz: search 'report' (3,334 hits)", dashboard, "api/v1/tasks?q=report", ours));
        cases.add(
            new Case(
                "Asyncz: page 200 by name, descending",
                dashboard,
                "api/v1/tasks?page=200&size=25&sort=name&order=desc",
                ours));
        cases.add(
            new Case(
                "JobRunr: scheduled, first page (20)",
                jobrunr.url(),
                "api/jobs?state=SCHEDULED&offset=0&limit=20&order=updatedAt:ASC",
                jobrunr.authorization()));
        cases.add(
            new Case(
                "JobRunr: scheduled, offset 4,980 (page 250)",
                jobrunr.url(),
                "api/jobs?state=SCHEDULED&offset=4980&limit=20&order=updatedAt:ASC",
                jobrunr.authorization()));
        overHttp(http, cases, warmup, requests);
        serverTime(scheduler, ops, warmup, requests);
        refreshPaths(scheduler, ops, warmup, requests);
        persistentStore(tasks, Math.max(20, requests / 10));
        liveEvents(http, dashboard, events);
      }
    }
  }

  private static void addTasks(Scheduler scheduler, int tasks) {
    scheduler.addAll(
        batch -> {
          for (int i = 0; i < tasks; i++) {
            String kind = i % 3 == 0 ? "report" : i % 3 == 1 ? "cleanup" : "sync";
            var b =
                batch
                    .task("bench.noop")
                    .id(String.format("task-%05d", i))
                    .name(kind + " " + i)
                    .kwargs(Map.of("customer", "c" + (i % 97)));
            if (i % 2 == 0) {
              b.cron(String.format("%d %d * * *", i % 60, (i / 60) % 24));
            } else {
              b.every(Duration.ofMinutes(5 + i % 55));
            }
            b.add();
          }
        });
  }

  private record Case(String label, URI uri, String authorization) {
    Case(String label, Dashboard dashboard, String path, String authorization) {
      this(label, dashboard.url().resolve(path), authorization);
    }

    Case(String label, URI base, String path, String authorization) {
      this(label, base.resolve(path), authorization);
    }
  }

  /** Every case in turn, request by request, so that the machine's drift falls on all alike. */
  private static void overHttp(HttpClient http, List<Case> cases, int warmup, int requests)
      throws Exception {
    for (int i = 0; i < warmup; i++) {
      for (Case c : cases) {
        get(http, c);
      }
    }
    Map<Case, List<Double>> millis = new LinkedHashMap<>();
    Map<Case, Integer> bytes = new LinkedHashMap<>();
    for (Case c : cases) {
      millis.put(c, new ArrayList<>());
    }
    for (int i = 0; i < requests; i++) {
      for (Case c : cases) {
        long t0 = System.nanoTime();
        byte[] body = get(http, c);
        millis.get(c).add((System.nanoTime() - t0) / 1e6);
        bytes.put(c, body.length);
      }
    }
    for (Case c : cases) {
      List<Double> m = millis.get(c);
      Report.progress(
          "%-48s p50 %s ms, p95 %s ms, max %s ms, %,d bytes",
          c.label(),
          Report.format(percentile(m, 50)),
          Report.format(percentile(m, 95)),
          Report.format(Report.max(m)),
          bytes.get(c));
    }
  }

  /**
   * The server's own work for the same pages, without HTTP: the listing and its JSON, in this
   * thread, before (the old listing) and after (the index), alternating call by call.
   */
  private static void serverTime(
      Scheduler scheduler, SchedulerOperations ops, int warmup, int requests) {
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    cases.put("first page (25)", Map.of("page", "1", "size", "25"));
    cases.put("search 'task-0042'", Map.of("q", "task-0042"));
    cases.put("search 'report'", Map.of("q", "report"));
    cases.put(
        "page 200 by name, descending",
        Map.of("page", "200", "size", "25", "sort", "name", "order", "desc"));
    for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
      TaskFilter filter = TaskFilter.fromParameters(c.getValue());
      Supplier<Object> before = () -> legacyListing(scheduler, ops, filter);
      Supplier<Object> after = () -> ops.listTasks(filter);
      String was = AdminJson.text(before.get());
      String is = AdminJson.text(after.get());
      if (!was.equals(is)) {
        int d = 0;
        while (d < Math.min(was.length(), is.length()) && was.charAt(d) == is.charAt(d)) {
          d++;
        }
        throw new IllegalStateException(
            "the index and the old listing differ for "
                + c.getKey()
                + ":\n"
                + was.substring(Math.max(0, d - 300), Math.min(was.length(), d + 200))
                + "\n"
                + is.substring(Math.max(0, d - 300), Math.min(is.length(), d + 200)));
      }
      Timing old = new Timing();
      Timing indexed = new Timing();
      for (int i = 0; i < warmup + requests; i++) {
        boolean measured = i >= warmup;
        old.time(() -> AdminJson.write(before.get()), measured);
        indexed.time(() -> AdminJson.write(after.get()), measured);
      }
      old.print("server only, before: " + c.getKey());
      indexed.print("server only, after: " + c.getKey());
    }
  }

  /** The index's work when it is not current: one task changed, or a wholesale change. */
  private static void refreshPaths(
      Scheduler scheduler, SchedulerOperations ops, int warmup, int requests) {
    TaskFilter first = TaskFilter.ALL;
    Timing oneChanged = new Timing();
    Timing rebuilt = new Timing();
    for (int i = 0; i < warmup + requests; i++) {
      boolean measured = i >= warmup;
      String id = String.format("task-%05d", (i * 7919) % 10_000);
      ops.updateTask(id, Map.of("name", "renamed " + i), false);
      oneChanged.time(() -> AdminJson.write(ops.listTasks(first)), measured);
      // Pausing the scheduler is a lifecycle event: the index is dropped and read again whole.
      scheduler.pause();
      scheduler.resume();
      rebuilt.time(() -> AdminJson.write(ops.listTasks(first)), measured);
    }
    oneChanged.print("server only, after one task changed");
    rebuilt.print("server only, after a wholesale change");
  }

  /**
   * A persistent store (H2 in memory through the JDBC store), which another process may write: with
   * {@code listingMaxAge(Duration.ZERO)} every listing reads it again, the index's worst case; with
   * the default, once a second.
   */
  private static void persistentStore(int tasks, int requests) throws Exception {
    org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL("jdbc:h2:mem:dashboard-bench;DB_CLOSE_DELAY=-1");
    try (ThreadScheduler scheduler =
        Scheduler.builder()
            .store("default", new JdbcStore(h2, JdbcStore.DEFAULT_TABLE, TaskRecords.plain()))
            .build()) {
      scheduler.registry().register("bench.noop", (TaskFunction) (a, k) -> null);
      scheduler.start();
      addTasks(scheduler, tasks);
      try (SchedulerOperations always =
              SchedulerOperations.builder(scheduler).listingMaxAge(Duration.ZERO).build();
          SchedulerOperations aged =
              SchedulerOperations.builder(scheduler).listingMaxAge(Duration.ofHours(1)).build()) {
        Timing read = new Timing();
        Timing kept = new Timing();
        for (int i = 0; i < 10 + requests; i++) {
          boolean measured = i >= 10;
          read.time(() -> AdminJson.write(always.listTasks(TaskFilter.ALL)), measured);
          kept.time(() -> AdminJson.write(aged.listTasks(TaskFilter.ALL)), measured);
        }
        read.print("H2 store, first page, store read again");
        kept.print("H2 store, first page, copy current");
      }
    }
  }

  /** Wall and thread CPU times of repeated calls. */
  private static final class Timing {
    private static final java.lang.management.ThreadMXBean THREADS =
        java.lang.management.ManagementFactory.getThreadMXBean();
    private final List<Double> wall = new ArrayList<>();
    private final List<Double> cpu = new ArrayList<>();

    void time(Runnable call, boolean measured) {
      long t0 = System.nanoTime();
      long c0 = THREADS.getCurrentThreadCpuTime();
      call.run();
      if (measured) {
        cpu.add((THREADS.getCurrentThreadCpuTime() - c0) / 1e6);
        wall.add((System.nanoTime() - t0) / 1e6);
      }
    }

    void print(String label) {
      // The CPU time is what a quiet machine's wall time would be, near enough: on a loaded
      // machine the wall time mostly measures waiting for a core.
      Report.progress(
          "%-48s p50 %s ms, p95 %s ms, max %s ms; CPU p50 %s ms, p95 %s ms",
          label,
          Report.format(percentile(wall, 50)),
          Report.format(percentile(wall, 95)),
          Report.format(Report.max(wall)),
          Report.format(percentile(cpu, 50)),
          Report.format(percentile(cpu, 95)));
    }
  }

  /**
   * The listing as the operations made it before the index: the core's query over every task,
   * sorted, then the page's tasks read again for their trigger options.
   */
  private static TaskPage legacyListing(
      Scheduler scheduler, SchedulerOperations ops, TaskFilter f) {
    String sortKey =
        switch (f.sort()) {
          case "state" -> "schedule_state";
          case "function" -> "id";
          default -> f.sort();
        };
    List<TaskInfo> all =
        new ArrayList<>(
            scheduler.getTaskInfos(
                TaskQuery.all()
                    .withStore(f.store())
                    .withScheduleState(f.state())
                    .withExecutor(f.executor())
                    .withTrigger(f.trigger())
                    .withText(f.q())
                    .sortedBy(sortKey, f.descending())));
    int from = (int) Math.min((long) (f.page() - 1) * f.size(), all.size());
    int to = Math.min(from + f.size(), all.size());
    List<TaskView> page = new ArrayList<>(to - from);
    for (TaskInfo t : all.subList(from, to)) {
      page.add(ops.view(scheduler.getTask(t.id(), t.storeAlias()).orElseThrow()));
    }
    return new TaskPage(page, all.size(), f.page(), f.size());
  }

  private static void liveEvents(HttpClient http, Dashboard dashboard, int events)
      throws Exception {
    HttpRequest streamRequest =
        HttpRequest.newBuilder(dashboard.url().resolve("api/v1/events/stream"))
            .header("Authorization", "Bearer " + TOKEN)
            .build();
    HttpResponse<InputStream> stream =
        http.send(streamRequest, HttpResponse.BodyHandlers.ofInputStream());
    BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String event = null;
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.startsWith("event: ")) {
                    event = line.substring(7);
                  } else if (line.startsWith("data: ")
                      && "TASK_EXECUTED".equals(event)
                      && line.contains("\"task_id\":\"probe\"")) {
                    arrivals.add(System.nanoTime());
                  }
                }
              } catch (java.io.IOException closed) {
                // the benchmark is over
              }
            },
            "sse-reader");
    reader.setDaemon(true);
    reader.start();
    URI run = dashboard.url().resolve("api/v1/tasks/probe/run");
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < events + 20; i++) {
      long t0 = System.nanoTime();
      HttpRequest post =
          HttpRequest.newBuilder(run)
              .header("Authorization", "Bearer " + TOKEN)
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      http.send(post, HttpResponse.BodyHandlers.discarding());
      Long at = arrivals.poll(10, TimeUnit.SECONDS);
      if (at == null) {
        throw new IllegalStateException("no TASK_EXECUTED event within 10 s");
      }
      if (i >= 20) { // the first runs warm up the path
        millis.add((at - t0) / 1e6);
      }
    }
    Report.progress(
        "%-45s p50 %s ms, p95 %s ms, max %s ms",
        "run requested -> its event on the SSE stream",
        Report.format(percentile(millis, 50)),
        Report.format(percentile(millis, 95)),
        Report.format(Report.max(millis)));
  }

  private static byte[] get(HttpClient http, Case c) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(c.uri()).header("Authorization", c.authorization()).build();
    HttpResponse<byte[]> response = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(c.uri() + " answered " + response.statusCode());
    }
    return response.body();
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
