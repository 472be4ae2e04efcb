package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.asyncz.jdbc.PostgresServer;
import io.asyncz.redis.EmbeddedRedis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code asyncz start} in a child JVM on a SQLite file; the test changes the store through {@link
 * Main}, as a second terminal would, and waits for each effect in the service's output.
 */
class ServiceProcessTest {
  private static final long WAIT_SECONDS = 30;

  @TempDir Path dir;

  private Process service;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

  private void start(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.asyncz.cli.Main");
    command.add("start");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("ASYNCZ_RUN_DIR", dir.resolve("run").toString());
    service = builder.redirectErrorStream(true).start();
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
            },
            "service-output");
    reader.setDaemon(true);
    reader.start();
  }

  private String await(Predicate<String> wanted, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new AssertionError(
            "No line with "
                + what
                + " within "
                + WAIT_SECONDS
                + " s; output:\n"
                + String.join("\n", seen));
      }
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  private String await(String fragment) throws InterruptedException {
    return await(l -> l.contains(fragment), "\"" + fragment + "\"");
  }

  private Cli.Result cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--store");
    all.add("jdbc:sqlite:tasks.db");
    Cli.Result r =
        new Cli(dir)
            .env("ASYNCZ_RUN_DIR", dir.resolve("run").toString())
            .clock(Clock.systemUTC())
            .run(all.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    return r;
  }

  @AfterEach
  void stop() throws Exception {
    if (service != null && service.isAlive()) {
      service.destroyForcibly().waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** The README's first command: the sample configuration, the default store, the dashboard. */
  @Test
  void theReadmesFirstCommandFiresTheSampleTasksAndServesTheDashboard() throws Exception {
    Path sample = Path.of("..", "examples", "asyncz.yaml").toAbsolutePath().normalize();
    assertThat(sample).exists();
    start("--config", sample.toString(), "--dashboard", "127.0.0.1:0");
    String url = await("Dashboard: http://").substring("Dashboard: ".length()).strip();
    String token = await("Dashboard token: ").substring("Dashboard token: ".length()).strip();
    assertThat(token).hasSizeGreaterThanOrEqualTo(20);
    await("Service started with 3 tasks");
    assertThat(await("Task 'heartbeat' ran")).contains("heartbeat: the service is alive");
    assertThat(dir.resolve(".asyncz").resolve("asyncz.db")).exists(); // the embedded default store

    java.net.http.HttpResponse<String> page =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).containsIgnoringCase("asyncz");

    stopsCleanlyOnSigterm();
  }

  @Test
  void seesChangesFromAnotherProcessAndStopsOnSigterm() throws Exception {
    start("--store", "jdbc:sqlite:tasks.db", "--poll", "200ms");
    await("Store 'default': jdbc:sqlite:");
    await("Executor 'default'");
    await("Service started with 0 tasks");

    cli("add", "echo", "--every", "1h", "--id", "later");
    await("Seen task 'later' added");
    cli("pause", "later");
    await("Seen task 'later' paused");
    cli("resume", "later");
    await("Seen task 'later' resumed");
    cli("update", "later", "--cron", "0 4 * * *", "--yes");
    await("Seen task 'later' updated");

    // Due in a second, while the service sleeps until the hourly task: the change check wakes it.
    cli("add", "echo", "--every", "1s", "--id", "soon", "--args", "[\"fired\"]");
    await("Task 'soon' ran");
    cli("remove", "soon", "--yes");
    await("Seen task 'soon' removed");

    // run --in-service makes the hourly task due now: the service, not this process, runs it.
    cli("add", "echo", "--every", "1h", "--id", "manual", "--args", "[\"by the service\"]");
    cli("run", "manual", "--in-service");
    assertThat(await("Task 'manual' ran")).contains("by the service");

    // SIGTERM; Process.destroy() would also close the output this test reads.
    service.toHandle().destroy();
    await("Stopping: waiting up to");
    await("Stopped cleanly");
    assertThat(service.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void runHandsTheTaskToARunningServiceUnlessHere() throws Exception {
    start("--store", "jdbc:sqlite:tasks.db", "--poll", "200ms");
    await("Service started with 0 tasks");
    cli("add", "echo", "--every", "1h", "--id", "manual", "--args", "[\"where\"]");

    Cli.Result handed = cli("run", "manual");
    assertThat(handed.out())
        .contains("A service (pid " + service.pid() + ") runs on store 'default'")
        .doesNotContain("Ran task");
    assertThat(await("Task 'manual' ran")).contains("where");

    assertThat(cli("run", "manual", "--here").out())
        .isEqualTo("Ran task 'manual': returned where\n");

    // Stopped, the service removes its file: run runs the task here again.
    stopsCleanlyOnSigterm();
    assertThat(cli("run", "manual").out()).isEqualTo("Ran task 'manual': returned where\n");
  }

  @Test
  void addsTheConfigurationsTasksAndReportsRunsCutOffAtShutdown() throws Exception {
    Files.writeString(
        dir.resolve("service.yaml"),
        """
        stores:
          default: jdbc:sqlite:tasks.db
        service:
          allow_exec: true
          grace: 500ms
        tasks:
          - id: tick
            function: echo
            args: ["tick"]
            trigger: {every: 1s}
          - id: long
            function: exec
            kwargs: {command: sh, args: ["-c", "echo begun; exec sleep 60"]}
            trigger: {every: 1s}
        """);
    start("--config", "service.yaml");
    await("Task kinds: echo; exec enabled; http disabled");
    await("Task 'tick' ran");
    await("Running task 'long'");

    service.toHandle().destroy();
    String cut = await("runs cut off after");
    assertThat(cut).contains("long=1");
    assertThat(service.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    // Both tasks stay stored for the next start.
    Cli.Result list = cli("list", "--json", "--sort-by", "id");
    assertThat(list.out()).contains("\"id\" : \"long\"").contains("\"id\" : \"tick\"");
  }

  @Test
  void watchAppliesChangesToTheConfigurationsTasks() throws Exception {
    Path config = dir.resolve("watched.yaml");
    String head = "stores:\n  default: jdbc:sqlite:tasks.db\ntasks:\n";
    String hourly = "  - {id: hourly, function: echo, trigger: {every: 1h}}\n";
    Files.writeString(config, head + hourly);
    start("--config", "watched.yaml", "--watch", "--poll", "200ms");
    await("Service started with 1 tasks");

    Files.writeString(
        config,
        head + hourly + "  - {id: fast, function: echo, args: [fast], trigger: {every: 1s}}\n");
    await("Configuration added task 'fast'");
    await("Task 'fast' ran");

    Files.writeString(config, head + "  - {id: hourly, function: echo, trigger: {every: 2h}}\n");
    await("Configuration changed task 'hourly'");
    await("Configuration removed task 'fast'");

    Files.writeString(config, head + "  - {id: hourly, function: nosuch, trigger: {every: 2h}}\n");
    assertThat(await("Configuration task 'hourly' not applied")).contains("\"nosuch\"");
    Cli.Result list = cli("list", "--json");
    assertThat(list.out()).contains("interval[2:00:00]").doesNotContain("\"fast\"");
  }

  @Test
  void onPostgresqlTheServiceHearsCommandsAtOnceWithoutPolling() throws Exception {
    try (PostgresServer postgres = PostgresServer.start()) {
      // Logged once LISTEN is in place, after the scheduler started.
      hearsWithoutPolling(
          postgres.url("postgres"), "listening for change notices", "pause", "paused");
    }
  }

  @Test
  void onRedisTheServiceHearsCommandsAtOnceWithoutPolling() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) {
      // Logged once subscribed, after the scheduler started.
      hearsWithoutPolling(
          "redis://127.0.0.1:" + redis.port() + "/0",
          "listening for change notices",
          "remove",
          "removed");
    }
  }

  @Test
  void onMongodbTheServiceHearsTheChangeStreamWithoutPolling() throws Exception {
    MemoryBackend backend = new MemoryBackend();
    backend.enableOplog(); // the stand-in then sends change streams, as a replica set does
    MongoServer mongo = new MongoServer(backend);
    try {
      InetSocketAddress address = mongo.bind();
      hearsWithoutPolling(
          "mongodb://127.0.0.1:" + address.getPort() + "/asyncz",
          "listening for change notices (change stream)",
          "pause",
          "paused");
    } finally {
      mongo.shutdownNow();
    }
  }

  /**
   * A service on {@code url} that polls hourly, so that only a change notice can make it look
   * within the test: it sees a task another process adds, runs it, and sees the second change
   * ({@code change} of that task, logged as {@code seen}); then it stops cleanly on SIGTERM.
   */
  private void hearsWithoutPolling(String url, String listening, String change, String seen)
      throws Exception {
    start("--store", url, "--poll", "1h");
    await(listening);

    addsAndSeesItRun(url, "heard");
    List<String> second = new ArrayList<>(List.of(change, "heard", "--store", url));
    if (change.equals("remove")) {
      second.add("--yes");
    }
    assertThat(new Cli(dir).run(second.toArray(String[]::new)).code()).isZero();
    await("Seen task 'heard' " + seen);

    stopsCleanlyOnSigterm();
  }

  @Test
  void onMongodbInClusterModeTheClusterHearsTheChangeStreamForTheService() throws Exception {
    MemoryBackend backend = new MemoryBackend();
    backend.enableOplog();
    MongoServer mongo = new MongoServer(backend);
    try {
      String url = "mongodb://127.0.0.1:" + mongo.bind().getPort() + "/asyncz";
      // Hourly polls, the service's and the cluster's: only the change stream brings a new task.
      Files.writeString(
          dir.resolve("cluster.yaml"),
          """
          asyncz:
            cluster:
              enabled: true
              poll_interval: 3600
          service:
            poll_interval: 1h
          """);
      start("--config", "cluster.yaml", "--store", url);
      await("Service started");

      Cli.Result added =
          new Cli(dir)
              .clock(Clock.systemUTC())
              .run("add", "echo", "--every", "1s", "--id", "clustered", "--store", url);
      assertThat(added.code()).as(added.err()).isZero();
      await("Task 'clustered' ran");
      // The stream's one callback is the cluster's: the service did not take it over.
      assertThat(seen).noneMatch(l -> l.contains("listening for change notices"));

      stopsCleanlyOnSigterm();
    } finally {
      mongo.shutdownNow();
    }
  }

  @Test
  void onAMongodbServerWithoutChangeStreamsTheServiceSaysSoAndPollsInstead() throws Exception {
    MongoServer mongo = new MongoServer(new MemoryBackend()); // no oplog: no change streams
    try {
      InetSocketAddress address = mongo.bind();
      String url = "mongodb://127.0.0.1:" + address.getPort() + "/asyncz";
      start("--store", url, "--poll", "1s");
      await("Service started");
      // Logged by the stream's thread, before or after the line above: a real standalone mongod
      // says change notices are off, the stand-in fails the stream (and it is tried again).
      String refused = "Change notices on asyncz.tasks";
      if (seen.stream().noneMatch(l -> l.contains(refused))) {
        await(refused);
      }
      assertThat(seen).noneMatch(l -> l.contains("listening for change notices"));

      addsAndSeesItRun(url, "polled");

      stopsCleanlyOnSigterm();
    } finally {
      mongo.shutdownNow();
    }
  }

  /** Adds an every-second echo task from a second process; the service sees it and runs it. */
  private void addsAndSeesItRun(String url, String id) throws InterruptedException {
    Cli.Result added =
        new Cli(dir)
            .clock(Clock.systemUTC())
            .run("add", "echo", "--every", "1s", "--id", id, "--store", url);
    assertThat(added.code()).as(added.err()).isZero();
    await("Seen task '" + id + "' added");
    await("Task '" + id + "' ran");
  }

  private void stopsCleanlyOnSigterm() throws InterruptedException {
    service.toHandle().destroy();
    await("Stopped cleanly");
    assertThat(service.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }
}
