package io.asyncz.benchmarks.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.asyncz.InvalidInputException;
import io.asyncz.benchmarks.Report;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.jdbc.PostgresServer;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fail-over of cluster mode after a SIGKILL, on one embedded PostgreSQL 18: a victim node in a
 * child JVM ({@link FailoverVictim}) claims {@code runs} runs that never end; once they all run, a
 * survivor node in this JVM starts at a random moment of a heartbeat period and joins, and the
 * victim is killed with {@code Process.destroyForcibly()} (SIGKILL) at a random moment of its
 * heartbeat period. Measured from the kill: until the survivor has resolved every one of the
 * victim's runs ({@code report}: its {@code TASK_INTERRUPTED} events; {@code rerun}: the runs
 * started again on it), until the victim's last heartbeat is stale on the database's clock, and
 * until the victim's sessions have left {@code pg_stat_activity}. Every repetition checks that each
 * of the victim's runs was resolved exactly once, by its policy's way only, and that no run is left
 * in flight; it throws otherwise.
 *
 * <p>The in-JVM fail-over of {@link ClusterDrainComparison} closes the dying node's pool instead;
 * this one leaves the connections to the kernel, as a crash does.
 *
 * <p>System properties: {@code runs} in flight on the victim (8), {@code reps} per policy (5, the
 * policies interleaved), heartbeat 200 ms and {@code heartbeat_stale_after} 3 s; {@code
 * default.samples} (0) adds that many samples of {@code report} with the defaults (5 s, 30 s: about
 * 40 s each); {@code seed} (random, printed) fixes the survivor's start and the kill moments.
 */
public final class ClusterFailoverProcesses {
  /** The short settings' heartbeat interval, as the cluster tests use. */
  static final Duration SHORT_HEARTBEAT = Duration.ofMillis(200);

  /** The short settings' {@code heartbeat_stale_after}, as the cluster tests use. */
  static final Duration SHORT_STALE_AFTER = Duration.ofSeconds(3);

  /** The defaults' {@code heartbeat_stale_after}. */
  static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration START_WAIT = Duration.ofMinutes(2);

  private ClusterFailoverProcesses() {}

  /**
   * One fail-over.
   *
   * @param resolvedMillis from the kill to the survivor's last resolution of a victim's run
   * @param staleMillis from the kill to the moment the victim's last heartbeat became older than
   *     {@code heartbeat_stale_after} (on the database's clock): the earliest a take-over may
   *     start; NaN when the victim had no heartbeat row at its kill (it was taken for dead before)
   * @param sessionsGoneMillis from the kill to the victim's last session leaving {@code
   *     pg_stat_activity}
   * @param interrupted per task id, how often the survivor reported its run interrupted
   * @param reruns per task id, how often the survivor started its run again
   * @param early how many of the resolutions came before the kill: the survivor took the victim for
   *     dead while it lived (a pause longer than {@code heartbeat_stale_after}, on a loaded
   *     machine), which makes the sample's times meaningless but not its check
   */
  record Sample(
      double resolvedMillis,
      double staleMillis,
      double sessionsGoneMillis,
      Map<String, Integer> interrupted,
      Map<String, Integer> reruns,
      int early) {}

  /** Runs the fail-overs and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int runs = count("runs", 8, 1);
    int reps = count("reps", 5, 1);
    int defaultSamples = count("default.samples", 0, 0);
    long seed = Long.getLong("seed", System.nanoTime());
    Random random = new Random(seed);
    System.out.printf(
        Locale.ROOT,
        "Machine: %d CPUs, Java %s, %s %s; %d runs in flight on the victim, %d repetitions per"
            + " policy, %d with the defaults, seed %d; %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        runs,
        reps,
        defaultSamples,
        seed,
        Report.load());
    Map<String, List<Sample>> results = new LinkedHashMap<>();
    Map<String, Duration[]> settingsOf = new LinkedHashMap<>();
    try (PostgresServer server = PostgresServer.start()) {
      NodeFailurePolicy[] policies = NodeFailurePolicy.values();
      for (NodeFailurePolicy policy : policies) {
        createDatabase(server, "fo_" + policy.label());
      }
      for (int rep = 0; rep < reps; rep++) {
        for (int k = 0; k < policies.length; k++) {
          NodeFailurePolicy policy = policies[(k + rep) % policies.length];
          Sample s =
              sample(
                  server,
                  "fo_" + policy.label(),
                  "victim-" + rep,
                  runs,
                  SHORT_HEARTBEAT,
                  SHORT_STALE_AFTER,
                  policy,
                  random);
          String row = row(policy, SHORT_HEARTBEAT, SHORT_STALE_AFTER);
          results.computeIfAbsent(row, r -> new ArrayList<>()).add(s);
          settingsOf.put(row, new Duration[] {SHORT_HEARTBEAT, SHORT_STALE_AFTER});
        }
      }
      if (defaultSamples > 0) {
        createDatabase(server, "fo_defaults");
        Duration beat = ClusterSettings.DEFAULT_HEARTBEAT_INTERVAL;
        String row = row(NodeFailurePolicy.REPORT, beat, DEFAULT_STALE_AFTER);
        settingsOf.put(row, new Duration[] {beat, DEFAULT_STALE_AFTER});
        for (int i = 0; i < defaultSamples; i++) {
          Sample s =
              sample(
                  server,
                  "fo_defaults",
                  "victim-d" + i,
                  runs,
                  beat,
                  DEFAULT_STALE_AFTER,
                  NodeFailurePolicy.REPORT,
                  random);
          results.computeIfAbsent(row, r -> new ArrayList<>()).add(s);
        }
      }
    }
    System.out.println();
    System.out.println(
        "| fail-over of "
            + runs
            + " runs in flight, victim process SIGKILLed | samples | median ms |"
            + " smallest–largest ms | bound ms | after its heartbeat went stale, median"
            + " (smallest–largest) ms | its sessions gone, median (largest) ms |");
    System.out.println("|---|---:|---:|---:|---|---:|---:|");
    results.forEach(
        (row, samples) -> {
          List<Double> ms = samples.stream().map(Sample::resolvedMillis).toList();
          List<Double> gone = samples.stream().map(Sample::sessionsGoneMillis).toList();
          List<Double> late =
              samples.stream().map(x -> x.resolvedMillis() - x.staleMillis()).toList();
          Duration[] s = settingsOf.get(row);
          System.out.printf(
              Locale.ROOT,
              "| %s | %d | %s | %s–%s | %s–%s | %s (%s–%s) | %s (%s) |%n",
              row,
              samples.size(),
              Report.format(Report.median(ms)),
              Report.format(Report.min(ms)),
              Report.format(Report.max(ms)),
              Report.format(s[1].minus(s[0]).toMillis()),
              Report.format(s[1].plus(s[0]).toMillis()),
              Report.format(Report.median(late)),
              Report.format(Report.min(late)),
              Report.format(Report.max(late)),
              Report.format(Report.median(gone)),
              Report.format(Report.max(gone)));
        });
    System.out.println();
    long early = results.values().stream().flatMap(List::stream).filter(x -> x.early() > 0).count();
    if (early > 0) {
      System.out.println(
          "WARNING: in "
              + early
              + " samples the survivor resolved runs before the kill (it took the victim for dead"
              + " while it lived): their times are not fail-over times.");
    }
    System.out.println(
        "Every run of every victim was resolved exactly once (checked per repetition); "
            + Report.load());
  }

  private static String row(NodeFailurePolicy policy, Duration beat, Duration stale) {
    return String.format(
        Locale.ROOT,
        "%s, heartbeat %d ms, stale after %d ms",
        policy.label(),
        beat.toMillis(),
        stale.toMillis());
  }

  /** The property {@code name} as a whole number of at least {@code least}, or its default. */
  static int count(String name, int fallback, int least) {
    String value = System.getProperty(name);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= least) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Refused below with the expectation.
    }
    throw new InvalidInputException(name, value, "a whole number of at least " + least);
  }

  /** Creates the database {@code name} on {@code server}. */
  static void createDatabase(PostgresServer server, String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(server.url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
  }

  /** The cluster settings of both nodes: the benchmarks' 100 ms poll, the given heartbeat. */
  static ClusterSettings settings(Duration heartbeat, NodeFailurePolicy policy) {
    return ClusterSettings.DEFAULTS
        .withHeartbeatInterval(heartbeat)
        .withPollInterval(POLL)
        .withOnNodeFailure(policy);
  }

  /**
   * One fail-over in {@code database} (created, empty of tasks): starts the victim {@code victim}
   * in a child JVM with {@code runs} runs, the survivor here once they run, kills the victim at a
   * random moment of its heartbeat period and waits until the survivor has resolved every run.
   *
   * @throws IllegalStateException when a run is lost, resolved twice or the wrong way, left in
   *     flight, or the victim does not start or die as it should
   */
  static Sample sample(
      PostgresServer server,
      String database,
      String victim,
      int runs,
      Duration heartbeat,
      Duration staleAfter,
      NodeFailurePolicy policy,
      Random random)
      throws Exception {
    String url = server.url(database);
    String prefix = victim + "-run-";
    Set<String> ids = new TreeSet<>();
    for (int r = 0; r < runs; r++) {
      ids.add(prefix + r);
    }
    Map<String, Integer> interrupted = new ConcurrentHashMap<>();
    Map<String, Integer> reruns = new ConcurrentHashMap<>();
    CountDownLatch resolved = new CountDownLatch(runs);
    AtomicLong lastResolved = new AtomicLong();
    AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicInteger early = new AtomicInteger();
    TaskRegistry registry =
        new TaskRegistry()
            .register(
                FailoverVictim.FUNCTION,
                (a, k) -> {
                  reruns.merge(String.valueOf(a.get(0)), 1, Integer::sum);
                  resolvedAt(lastResolved, killedAt, early);
                  resolved.countDown();
                  return null;
                });
    Path err = Files.createTempFile("asyncz-failover-" + victim, ".err");
    Process process = null;
    ThreadScheduler survivor = null;
    HikariDataSource pool = null;
    try (Connection monitor = DriverManager.getConnection(url)) {
      process = startVictim(url, victim, runs, heartbeat, staleAfter, policy, prefix, err);
      Set<String> started = awaitRunning(process, err);
      if (!started.equals(ids)) {
        throw new IllegalStateException(
            victim + " started the runs " + started + ", not " + ids + ": " + tail(err));
      }
      // The survivor looks for stale nodes once per heartbeat of its own, so its phase against the
      // victim's decides how long after the staleness it looks: started right after the victim's
      // runs, that phase would be the same in every sample; a random start spreads it.
      pause(random.nextInt((int) heartbeat.toMillis()));
      pool = pool(url, 8);
      survivor =
          Scheduler.builder()
              .registry(registry)
              .identity("survivor-of-" + victim)
              .cluster(settings(heartbeat, policy))
              .heartbeatStaleAfter(staleAfter)
              .executor("default", new PoolExecutor(runs))
              .store("default", new JdbcStore(pool, JdbcStore.DEFAULT_TABLE, TaskRecords.plain()))
              .build();
      survivor.addListener(
          e -> {
            interrupted.merge(((TaskExecutionEvent) e).taskId(), 1, Integer::sum);
            resolvedAt(lastResolved, killedAt, early);
            resolved.countDown();
          },
          Events.TASK_INTERRUPTED);
      survivor.start();
      long joinBy = System.nanoTime() + START_WAIT.toNanos();
      while (survivor.instances().size() < 2) {
        if (System.nanoTime() > joinBy) {
          throw new IllegalStateException("the survivor of " + victim + " did not see it");
        }
        pause(20);
      }
      if (sessions(monitor, victim) == 0) {
        throw new IllegalStateException(victim + " has no session in pg_stat_activity");
      }
      // A random moment of the victim's heartbeat period.
      pause(random.nextInt((int) heartbeat.toMillis()));
      long kill = System.nanoTime();
      killedAt.set(kill);
      process.destroyForcibly();
      double staleMillis = staleAfter.toMillis() - heartbeatAge(monitor, victim, kill);
      long goneAt = 0;
      long deadline = kill + staleAfter.multipliedBy(3).plusSeconds(30).toNanos();
      while (resolved.getCount() > 0 && System.nanoTime() < deadline) {
        if (goneAt == 0) {
          if (sessions(monitor, victim) == 0) {
            goneAt = System.nanoTime();
          }
          resolved.await(2, TimeUnit.MILLISECONDS);
        } else {
          resolved.await(100, TimeUnit.MILLISECONDS);
        }
      }
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 128 + 9) {
        throw new IllegalStateException(victim + " did not die of SIGKILL: " + tail(err));
      }
      if (goneAt == 0 && sessions(monitor, victim) == 0) {
        goneAt = System.nanoTime();
      }
      // Time for a second resolution of a run to show, had the survivor taken one over twice.
      pause(heartbeat.multipliedBy(2).plus(POLL).toMillis());
      survivor.shutdown(Duration.ofSeconds(10));
      survivor = null;
      Sample s =
          new Sample(
              resolved.getCount() == 0 ? (lastResolved.get() - kill) / 1e6 : Double.NaN,
              staleMillis,
              goneAt == 0 ? Double.NaN : (goneAt - kill) / 1e6,
              new TreeMap<>(interrupted),
              new TreeMap<>(reruns),
              early.get());
      check(victim, policy, ids, s, inFlight(monitor));
      if (s.early() > 0) {
        Report.progress(
            "WARNING: %s: %d runs resolved before the kill (taken for dead while alive)",
            victim, s.early());
      }
      Report.progress(
          "%s %s (heartbeat %d ms, stale after %d ms): resolved %.0f ms after the kill (its last"
              + " heartbeat stale after %.0f ms), its sessions gone after %.1f ms; %s",
          victim,
          policy.label(),
          heartbeat.toMillis(),
          staleAfter.toMillis(),
          s.resolvedMillis(),
          s.staleMillis(),
          s.sessionsGoneMillis(),
          Report.load());
      return s;
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly().waitFor();
      }
      if (survivor != null) {
        survivor.shutdown(Duration.ZERO);
      }
      if (pool != null) {
        pool.close();
      }
      Files.deleteIfExists(err);
    }
  }

  /**
   * Throws unless each of {@code ids} was resolved exactly once, by {@code policy}'s way and not
   * the other, no other run was resolved, and {@code leftInFlight} is zero.
   */
  static void check(
      String victim, NodeFailurePolicy policy, Set<String> ids, Sample s, int leftInFlight) {
    Map<String, Integer> expected = new TreeMap<>();
    ids.forEach(id -> expected.put(id, 1));
    Map<String, Integer> ours = policy == NodeFailurePolicy.RERUN ? s.reruns() : s.interrupted();
    Map<String, Integer> other = policy == NodeFailurePolicy.RERUN ? s.interrupted() : s.reruns();
    List<String> offences = new ArrayList<>();
    if (!ours.equals(expected)) {
      offences.add(
          (policy == NodeFailurePolicy.RERUN ? "runs started again " : "runs reported interrupted ")
              + ours
              + ", expected each of "
              + ids
              + " once");
    }
    if (!other.isEmpty()) {
      offences.add("resolved the other policy's way too: " + other);
    }
    if (leftInFlight != 0) {
      offences.add(leftInFlight + " runs left in flight");
    }
    if (!offences.isEmpty()) {
      throw new IllegalStateException(
          "Fail-over of " + victim + " under " + policy.label() + ": " + offences);
    }
  }

  private static Process startVictim(
      String url,
      String victim,
      int runs,
      Duration heartbeat,
      Duration staleAfter,
      NodeFailurePolicy policy,
      String prefix,
      Path err)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(FailoverVictim.class.getName());
    command.add(url);
    command.add(victim);
    command.add(Integer.toString(runs));
    command.add(Long.toString(heartbeat.toMillis()));
    command.add(Long.toString(staleAfter.toMillis()));
    command.add(policy.label());
    command.add(prefix);
    return new ProcessBuilder(command).redirectError(err.toFile()).start();
  }

  /**
   * Reads the victim's output until it prints {@link FailoverVictim#RUNNING}, and returns the ids
   * of the runs it started.
   */
  private static Set<String> awaitRunning(Process process, Path err) throws Exception {
    Set<String> started = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> running = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (line.startsWith(FailoverVictim.STARTED)) {
                    started.add(line.substring(FailoverVictim.STARTED.length()));
                  } else if (line.equals(FailoverVictim.RUNNING)) {
                    running.complete(null);
                  }
                }
                running.completeExceptionally(
                    new IllegalStateException("the victim ended its output"));
              } catch (IOException e) {
                running.completeExceptionally(e);
              }
            },
            "failover-victim-output");
    reader.setDaemon(true);
    reader.start();
    try {
      running.get(START_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "The victim did not start its runs (" + e + "): " + tail(err), e);
    }
    return new TreeSet<>(started);
  }

  private static String tail(Path err) {
    try {
      String s = Files.readString(err, StandardCharsets.UTF_8);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no standard error: " + e + ")";
    }
  }

  private static HikariDataSource pool(String url, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(size);
    return new HikariDataSource(config);
  }

  /** The sessions of {@code node} (its {@code application_name}) the server still has. */
  private static int sessions(Connection monitor, String node) throws SQLException {
    try (PreparedStatement ps =
        monitor.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, node);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Notes a resolution now: the last one's time, and whether it came before the kill. */
  private static void resolvedAt(AtomicLong last, AtomicLong killedAt, AtomicInteger early) {
    long now = System.nanoTime();
    last.set(now);
    if (now < killedAt.get()) {
      early.incrementAndGet();
    }
  }

  /**
   * The age in milliseconds, at the nano time {@code at}, of the last heartbeat of the scheduler
   * whose identity is {@code node}, on the database's clock as the nodes read it (the middle of
   * this query's round trip is taken for the moment the database read its clock); NaN when it has
   * no heartbeat row.
   */
  private static double heartbeatAge(Connection monitor, String node, long at) throws SQLException {
    long before = System.nanoTime();
    try (PreparedStatement ps =
        monitor.prepareStatement(
            "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT) - last_seen"
                + " FROM "
                + JdbcStore.DEFAULT_TABLE
                + "_nodes WHERE node LIKE ?")) {
      // The cluster's node id is the scheduler's identity and a suffix of its process.
      ps.setString(1, node + "#%");
      try (ResultSet rs = ps.executeQuery()) {
        long after = System.nanoTime();
        if (!rs.next()) {
          return Double.NaN;
        }
        return rs.getLong(1) / 1e3 - ((before + after) / 2 - at) / 1e6;
      }
    }
  }

  /** The runs in flight left in the store's table, of any node. */
  private static int inFlight(Connection monitor) throws SQLException {
    try (Statement s = monitor.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM " + JdbcStore.DEFAULT_TABLE + "_inflight")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Waits {@code millis} on a latch that nobody opens. */
  private static void pause(long millis) throws InterruptedException {
    new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
  }
}
