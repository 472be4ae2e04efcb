package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.admin.SchedulerOperations;
import io.asyncz.dashboard.Dashboard;
import io.asyncz.dashboard.DashboardOptions;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.TaskFunction;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task commands with {@code --url}: against a dashboard in this JVM, and in a service. */
class RemoteCommandsTest {
  private static final String TOKEN = "remote-token-0123456789abcdef";

  @TempDir Path dir;

  private Cli.Result cli(String url, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", url, "--token", TOKEN));
    return new Cli(dir).clock(Clock.systemUTC()).run(all.toArray(String[]::new));
  }

  @Test
  void taskCommandsTalkToTheApiAndTheServiceAuditsThem() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    try (Scheduler scheduler = Scheduler.create()) {
      scheduler
          .registry()
          .register(
              "jobs.ping",
              (TaskFunction)
                  (args, kwargs) -> {
                    ran.countDown();
                    return "pong";
                  });
      scheduler.start();
      try (SchedulerOperations ops = SchedulerOperations.builder(scheduler).build();
          Dashboard dashboard =
              Dashboard.serve(ops, DashboardOptions.builder().port(0).token(TOKEN).build())) {
        String url = dashboard.url().toString();

        Cli.Result added =
            cli(url, "add", "jobs.ping", "--every", "1h", "--id", "ping", "--name", "Ping");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("Added task 'ping' (Ping, interval[1:00:00]");
        assertThat(scheduler.getTask("ping")).isPresent();

        Cli.Result list = cli(url, "list", "--json");
        assertThat(list.out()).contains("\"id\" : \"ping\"", "\"trigger_type\" : \"interval\"");

        assertThat(cli(url, "pause", "ping").out()).contains("Paused task 'ping'");
        assertThat(scheduler.getTask("ping").orElseThrow().isPaused()).isTrue();
        assertThat(cli(url, "resume", "ping").out()).contains("Resumed task 'ping'");

        Cli.Result dry = cli(url, "update", "ping", "--cron", "0 4 * * *", "--dry-run");
        assertThat(dry.out()).contains("trigger: interval[1:00:00] -> cron[", "Dry run");
        assertThat(scheduler.getTask("ping").orElseThrow().trigger().alias()).isEqualTo("interval");
        assertThat(cli(url, "update", "ping", "--max-instances", "3", "--yes").out())
            .contains("max_instances: 1 -> 3", "Updated task 'ping'");
        assertThat(scheduler.getTask("ping").orElseThrow().maxInstances()).isEqualTo(3);

        assertThat(cli(url, "inspect", "ping").out()).contains("max_instances:", "3");
        assertThat(cli(url, "run", "ping").out()).contains("handed to the service");
        assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();

        Cli.Result missing = cli(url, "pause", "ghost");
        assertThat(missing.code()).isEqualTo(3);
        Cli.Result bad = cli(url, "add", "jobs.ping", "--every", "3 parsecs");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("\"3 parsecs\"");
        Cli.Result taken = cli(url, "add", "jobs.ping", "--every", "1m", "--id", "ping");
        assertThat(taken.code()).isEqualTo(4);

        assertThat(cli(url, "remove", "ping", "--yes").out()).contains("Removed task 'ping'");
        assertThat(scheduler.getTask("ping")).isEmpty();
        assertThat(ops.audit(20))
            .extracting(e -> e.user() + " " + e.action() + " " + e.outcome())
            .contains("token remove ok", "token run ok", "token update ok", "token create ok");

        Cli.Result wrongToken =
            new Cli(dir).run("list", "--url", url, "--token", "wrong-token-0123456789abc");
        assertThat(wrongToken.code()).isEqualTo(1);
        assertThat(wrongToken.err()).contains("401", "Not logged in");
        assertThat(new Cli(dir).run("list", "--url", url).code()).isEqualTo(2);
      }
    }
  }

  private static RunRecord run(
      String runId, String task, RunStatus status, int startSecond, String result) {
    Instant scheduled = Instant.parse("2030-01-15T10:00:00Z").plusSeconds(startSecond);
    return new RunRecord(
        runId,
        task,
        task,
        "default",
        "default",
        status,
        "scheduled",
        1,
        scheduled,
        scheduled.plusMillis(250),
        scheduled.plusMillis(1_500),
        "node-1",
        status == RunStatus.SUCCEEDED ? result : null,
        status == RunStatus.FAILED ? "IllegalStateException" : null,
        status == RunStatus.FAILED ? result : null,
        null,
        null);
  }

  @Test
  void historyReadsTheServiceRunsThroughTheApi() throws Exception {
    try (Scheduler scheduler = Scheduler.builder().runHistory(true).build()) {
      scheduler.start(true);
      scheduler.runHistory().save(run("r1", "ping", RunStatus.SUCCEEDED, 1, "pong"));
      scheduler.runHistory().save(run("r2", "backup", RunStatus.FAILED, 2, "disk full"));
      scheduler.runHistory().save(run("r3", "ping", RunStatus.SUCCEEDED, 3, "pong again"));
      try (SchedulerOperations ops = SchedulerOperations.builder(scheduler).build();
          Dashboard dashboard =
              Dashboard.serve(ops, DashboardOptions.builder().port(0).token(TOKEN).build())) {
        String url = dashboard.url().toString();

        Cli.Result table = cli(url, "history");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out())
            .isEqualTo(
                String.join(
                    "\n",
                    "STARTED                  TASK    STATUS     SOURCE     DURATION  LATE    RESULT",
                    "2030-01-15T10:00:03.250  ping    succeeded  scheduled  1.250s    0.250s  pong again",
                    "2030-01-15T10:00:02.250  backup  failed     scheduled  1.250s    0.250s "
                        + " IllegalStateException: disk full",
                    "2030-01-15T10:00:01.250  ping    succeeded  scheduled  1.250s    0.250s  pong",
                    ""));

        Cli.Result ping = cli(url, "history", "ping", "--limit", "1", "--json");
        assertThat(ping.code()).as(ping.err()).isZero();
        assertThat(ping.out())
            .contains("\"run_id\" : \"r3\"", "\"duration\" : 1.25", "\"result\" : \"pong again\"")
            .doesNotContain("\"r1\"", "\"r2\"")
            .containsPattern("\"next\" : \"[^\"]+\"");

        Cli.Result failed = cli(url, "history", "--status", "failed");
        assertThat(failed.out()).contains("backup").doesNotContain("ping");
        Cli.Result bad = cli(url, "history", "--status", "done");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("\"done\"");
      }
    }
  }

  @Test
  void startServesTheDashboardAndPrintsItsAddressAndToken() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.asyncz.cli.Main");
    command.addAll(List.of("start", "--store", "memory", "--dashboard", "127.0.0.1:0"));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("ASYNCZ_RUN_DIR", dir.resolve("run").toString());
    Process service = builder.redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  seen.add(line);
                  lines.add(line);
                }
              } catch (java.io.IOException ignored) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      String url = null;
      String token = null;
      while (url == null || token == null) {
        String line = lines.poll(60, TimeUnit.SECONDS);
        assertThat(line).as("service output so far: %s", seen).isNotNull();
        if (line.startsWith("Dashboard: ")) {
          url = line.substring("Dashboard: ".length()).strip();
        } else if (line.startsWith("Dashboard token: ")) {
          token = line.substring("Dashboard token: ".length()).strip();
        }
      }
      assertThat(url).startsWith("http://127.0.0.1:");
      Cli.Result added =
          new Cli(dir)
              .run("add", "echo", "--every", "1h", "--id", "hello", "--url", url, "--token", token);
      assertThat(added.code()).as(added.err()).isZero();
      Cli.Result list = new Cli(dir).run("list", "--url", url, "--token", token);
      assertThat(list.out()).contains("hello");
      assertThat(new Cli(dir).run("list", "--url", url, "--token", token + "x").code())
          .isEqualTo(1);
    } finally {
      service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
