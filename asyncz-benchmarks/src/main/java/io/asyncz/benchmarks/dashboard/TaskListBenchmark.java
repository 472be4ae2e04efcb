package io.asyncz.benchmarks.dashboard;

import io.asyncz.admin.SchedulerOperations;
import io.asyncz.benchmarks.Report;
import io.asyncz.dashboard.Dashboard;
import io.asyncz.dashboard.DashboardOptions;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskFunction;
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

/**
 * The dashboard's task list over 10,000 tasks (issue 12): the time of {@code GET /api/v1/tasks} for
 * the first page of 25 and for two searches, each seen by a client on loopback (so the server time
 * plus the loopback's), with the bytes of each answer; and the delay from a run requested through
 * the API to its {@code TASK_EXECUTED} event on an open Server-Sent Events stream.
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
    Report.progress("Dashboard task list: %,d tasks; %s", tasks, Report.load());
    try (ThreadScheduler scheduler = Scheduler.create()) {
      scheduler.registry().register("bench.noop", (TaskFunction) (a, k) -> null);
      scheduler.start();
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
      scheduler.task("bench.noop").id("probe").every(Duration.ofHours(1)).add();
      try (SchedulerOperations ops = SchedulerOperations.builder(scheduler).build();
          Dashboard dashboard =
              Dashboard.serve(ops, DashboardOptions.builder().port(0).token(TOKEN).build())) {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("first page (25)", "api/v1/tasks?page=1&size=25");
        cases.put("search 'task-0042' (10 hits)", "api/v1/tasks?q=task-0042");
        cases.put("search 'report' (3,334 hits, first page)", "api/v1/tasks?q=report");
        cases.put(
            "page 200 by name, descending", "api/v1/tasks?page=200&size=25&sort=name&order=desc");
        for (Map.Entry<String, String> c : cases.entrySet()) {
          URI uri = dashboard.url().resolve(c.getValue());
          for (int i = 0; i < warmup; i++) {
            get(http, uri);
          }
          List<Double> millis = new ArrayList<>();
          long bytes = 0;
          for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            byte[] body = get(http, uri);
            millis.add((System.nanoTime() - t0) / 1e6);
            bytes = body.length;
          }
          Report.progress(
              "%-45s p50 %s ms, p95 %s ms, max %s ms, %,d bytes",
              c.getKey(),
              Report.format(percentile(millis, 50)),
              Report.format(percentile(millis, 95)),
              Report.format(Report.max(millis)),
              bytes);
        }
        serverTime(ops, warmup, requests);
        liveEvents(http, dashboard, events);
      }
    }
  }

  /**
   * The server's own work for the same pages, without HTTP: the operations layer's listing and its
   * JSON, in this thread.
   */
  private static void serverTime(SchedulerOperations ops, int warmup, int requests) {
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    cases.put("server only: first page (25)", Map.of("page", "1", "size", "25"));
    cases.put("server only: search 'task-0042'", Map.of("q", "task-0042"));
    cases.put("server only: search 'report'", Map.of("q", "report"));
    for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
      io.asyncz.admin.TaskFilter filter = io.asyncz.admin.TaskFilter.fromParameters(c.getValue());
      for (int i = 0; i < warmup; i++) {
        io.asyncz.admin.AdminJson.write(ops.listTasks(filter));
      }
      List<Double> millis = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      java.lang.management.ThreadMXBean threads =
          java.lang.management.ManagementFactory.getThreadMXBean();
      for (int i = 0; i < requests; i++) {
        long t0 = System.nanoTime();
        long c0 = threads.getCurrentThreadCpuTime();
        io.asyncz.admin.AdminJson.write(ops.listTasks(filter));
        cpu.add((threads.getCurrentThreadCpuTime() - c0) / 1e6);
        millis.add((System.nanoTime() - t0) / 1e6);
      }
      // The CPU time is what a quiet machine's wall time would be, near enough: on a loaded
      // machine the wall time mostly measures waiting for a core.
      Report.progress(
          "%-45s p50 %s ms, p95 %s ms, max %s ms; CPU p50 %s ms, p95 %s ms",
          c.getKey(),
          Report.format(percentile(millis, 50)),
          Report.format(percentile(millis, 95)),
          Report.format(Report.max(millis)),
          Report.format(percentile(cpu, 50)),
          Report.format(percentile(cpu, 95)));
    }
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

  private static byte[] get(HttpClient http, URI uri) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN).build();
    HttpResponse<byte[]> response = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(uri + " answered " + response.statusCode());
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
