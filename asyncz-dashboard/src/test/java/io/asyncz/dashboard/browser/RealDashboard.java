package io.asyncz.dashboard.browser;

import io.asyncz.admin.SchedulerOperations;
import io.asyncz.dashboard.Dashboard;
import io.asyncz.dashboard.DashboardOptions;
import io.asyncz.dashboard.Role;
import io.asyncz.task.TaskFunction;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The real dashboard (API, security and static pages) on a free loopback port, over a manually
 * stepped scheduler on virtual time, with sample tasks, two runs (one failed) and two users: an
 * operator and a viewer.
 */
final class RealDashboard implements AutoCloseable {
  static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  static final String OPERATOR = "admin";
  static final String VIEWER = "viewer";
  static final String PASSWORD = "correct horse";

  final MutableClock clock = MutableClock.at(NOW);
  final ManualScheduler scheduler = ManualScheduler.on(clock);
  final MemoryRunHistory history = new MemoryRunHistory();
  final SchedulerOperations ops;
  private final Dashboard dashboard;

  RealDashboard() {
    TaskFunction ok = (args, kwargs) -> "ok";
    scheduler.registry().register("jobs.report", ok);
    scheduler.registry().register("jobs.cleanup", ok);
    scheduler.registry().register("jobs.sync", ok);
    scheduler.registry().register("jobs.rotate", ok);
    scheduler.registry().register("jobs.echo", (args, kwargs) -> args.isEmpty() ? "" : args.get(0));
    scheduler.registry().register("jobs.batch", ok);
    scheduler.registry().register("jobs.mail", ok);
    scheduler
        .registry()
        .register(
            "jobs.backup",
            (args, kwargs) -> {
              throw new UncheckedIOException(
                  new IOException("Connection refused: db.internal:5432"));
            });
    scheduler.observeRuns(history);
    scheduler.start();
    ops = SchedulerOperations.builder(scheduler).history(history).build();
    task("send-report", "Send the daily report", "jobs.report", "0 7 * * 1-5");
    task("cleanup-tmp", "Clean temporary files", "jobs.cleanup", "*/15 * * * *");
    task("sync-users", "Synchronise users", "jobs.sync", "0 * * * *");
    task("backup-db", "Back up the database", "jobs.backup", "30 2 * * *");
    task("rotate-keys", "Rotate API keys", "jobs.rotate", "0 3 1 * *");
    Map<String, Object> heartbeat = new LinkedHashMap<>();
    heartbeat.put("id", "heartbeat");
    heartbeat.put("name", "Heartbeat");
    heartbeat.put("function", "jobs.echo");
    heartbeat.put("args", List.of("hello"));
    heartbeat.put("trigger", Map.of("every", "30s"));
    ops.createTask(heartbeat);
    for (int i = 1; i <= 24; i++) {
      ops.createTask(
          Map.of(
              "id",
              String.format("batch-%02d", i),
              "name",
              "Batch " + i,
              "function",
              "jobs.batch",
              "trigger",
              Map.of("every", i + "m")));
    }
    ops.pauseTask("rotate-keys");
    ops.runTask("sync-users");
    ops.runTask("backup-db");
    String salt = BCrypt.gensalt(4); // the lowest cost: fast for tests
    dashboard =
        Dashboard.serve(
            ops,
            DashboardOptions.builder()
                .port(0)
                .user(OPERATOR, BCrypt.hashpw(PASSWORD, salt), Role.OPERATOR)
                .user(VIEWER, BCrypt.hashpw(PASSWORD, salt), Role.VIEWER)
                .build());
  }

  private void task(String id, String name, String function, String crontab) {
    ops.createTask(Map.of("id", id, "name", name, "function", function, "crontab", crontab));
  }

  /** The dashboard's address, ending in a slash. */
  URI uri() {
    return dashboard.url();
  }

  /**
   * Sets a task's record aside in the store's quarantine, as a store does with a record it cannot
   * read; before anything is listed, as a store does it on its own (it sends no event).
   */
  void quarantine(String id, String detail) {
    scheduler.lookupStore("default").quarantineTask(id, "unreadable", detail);
  }

  /** The state of a task as the scheduler holds it. */
  String stateOf(String id) {
    return ops.getTask(id).state();
  }

  /** A task's trigger as its description says it. */
  String triggerOf(String id) {
    return ops.getTask(id).trigger().description();
  }

  /** The id of the newest run of a task. */
  String lastRunOf(String id) {
    return ops.runs(io.asyncz.history.RunQuery.forTask(id, 1)).runs().get(0).runId();
  }

  @Override
  public void close() {
    dashboard.close();
    ops.close();
    scheduler.shutdown();
  }
}
