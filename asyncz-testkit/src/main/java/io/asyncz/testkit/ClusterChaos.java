package io.asyncz.testkit;

import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Three scheduler processes in cluster mode on one store, one of them killed with SIGKILL every 15
 * to 20 seconds and started again, then a check of every run they recorded: the chaos test of
 * cluster mode ({@link ClusterChaosContract}) and its long soak ({@code ClusterSoak} in the
 * benchmarks), on any clustered store.
 *
 * <p>Each node process ({@link ClusterNodeMain}) runs two schedulers: one on the store of the tasks
 * under {@code on_node_failure: report}, one on the store of those under {@code rerun}. This
 * process adds interval tasks (1 to 5 s) to both stores before the nodes start and one-shot tasks
 * while they run, straight into the stores; the runs record themselves in a {@link ChaosJournal}.
 * At the end of the chaos (the cutoff) the kills stop, the run waits until every scheduled time up
 * to the cutoff is accounted for (or a deadline passes), stops the nodes and checks the journal
 * ({@link ChaosChecker}). Each node process's output goes to a file of its own in the log
 * directory.
 */
public final class ClusterChaos {
  private static final int NODES = 3;
  private static final int INTERVAL_TASKS = 6;
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);
  private static final TaskRegistry REGISTRY =
      new TaskRegistry().register(ClusterNodeMain.FUNCTION, TestStoreContext.NOTHING);

  /**
   * What to run.
   *
   * @param storeAlias the alias the nodes create their stores by, e.g. {@code jdbc}
   * @param stores the options of the store of each policy's tasks (two stores that do not share
   *     tasks, e.g. two tables)
   * @param journalUrl the JDBC URL of the database the runs are recorded in
   * @param length how long the chaos lasts (kills and one-shot tasks)
   * @param staleAfter the nodes' {@code heartbeat_stale_after}
   * @param workMillis the longest work of a run, in milliseconds
   * @param seed the seed of the kills, tasks and work times
   * @param logDirectory where each node process's output goes
   */
  public record Settings(
      String storeAlias,
      Map<NodeFailurePolicy, Map<String, String>> stores,
      String journalUrl,
      Duration length,
      Duration staleAfter,
      int workMillis,
      long seed,
      Path logDirectory) {
    /** Checks the fields. */
    public Settings {
      Objects.requireNonNull(storeAlias, "storeAlias");
      stores = Map.copyOf(stores);
      Objects.requireNonNull(journalUrl, "journalUrl");
      Objects.requireNonNull(length, "length");
      Objects.requireNonNull(staleAfter, "staleAfter");
      Objects.requireNonNull(logDirectory, "logDirectory");
      if (!stores.keySet().equals(Set.of(NodeFailurePolicy.values()))) {
        throw new IllegalArgumentException("a store per policy is needed, got " + stores.keySet());
      }
    }
  }

  /**
   * What a run found.
   *
   * @param offences every broken promise, one per line with its records; empty when all held
   * @param summary the counts of the run (kills, runs, reruns, reports), for a log line
   */
  public record Result(List<String> offences, String summary) {}

  private final Settings settings;
  private final Clock clock = Clock.systemUTC();
  private final Random random;
  private final Map<NodeFailurePolicy, TaskStore> stores = new EnumMap<>(NodeFailurePolicy.class);
  private final Map<String, ChaosChecker.Planned> tasks = new ConcurrentHashMap<>();
  private final Map<String, Instant> killed = new LinkedHashMap<>();
  private final Process[] nodes = new Process[NODES];
  private final String[] lives = new String[NODES];
  private final Set<Process> expectedExits = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<String> unexpectedExit = new CompletableFuture<>();
  private int started;

  private ClusterChaos(Settings settings) {
    this.settings = settings;
    this.random = new Random(settings.seed());
  }

  /**
   * Runs the chaos and checks it.
   *
   * @throws AssertionError when a node process ends by itself or cannot be killed; broken promises
   *     of the cluster are in the result instead
   */
  public static Result run(Settings settings) throws Exception {
    ClusterChaos chaos = new ClusterChaos(settings);
    try {
      return chaos.run();
    } finally {
      try {
        chaos.stopNodes();
      } finally {
        chaos.closeStores();
      }
    }
  }

  private Result run() throws Exception {
    Files.createDirectories(settings.logDirectory());
    ChaosJournal.create(settings.journalUrl());
    for (NodeFailurePolicy policy : NodeFailurePolicy.values()) {
      TaskStore store =
          TaskStores.create(
              settings.storeAlias(), new LinkedHashMap<>(settings.stores().get(policy)));
      store.start(
          new TestStoreContext(MutableClock.at(clock.instant(), ZoneOffset.UTC), REGISTRY),
          "default");
      stores.put(policy, store);
      if (!store.allTasks().isEmpty()) {
        throw new IllegalStateException(
            "The " + policy.label() + " store is not empty: the chaos run needs empty stores");
      }
    }
    Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
    Instant cutoff = start.plus(settings.length());
    Instant horizon = cutoff.plus(Duration.ofMinutes(2));
    for (NodeFailurePolicy policy : NodeFailurePolicy.values()) {
      for (int i = 0; i < INTERVAL_TASKS; i++) {
        Duration interval = Duration.ofMillis(1000 + 1000L * random.nextInt(5));
        Instant first = start.plusMillis(random.nextInt(1000));
        IntervalTrigger trigger =
            IntervalTrigger.builder().interval(interval).startAt(first).build();
        addTask(policy, policy.label() + "-every-" + i, trigger, first, horizon, true);
      }
    }
    for (int i = 0; i < NODES; i++) {
      startNode(i);
    }
    Instant nextKill = start.plusSeconds(15 + random.nextInt(6));
    Instant nextOnce = start;
    int onceCount = 0;
    for (Instant now = clock.instant(); now.isBefore(cutoff); now = clock.instant()) {
      if (!now.isBefore(nextOnce)) {
        NodeFailurePolicy policy = NodeFailurePolicy.values()[onceCount % 2];
        Instant at = now.truncatedTo(ChronoUnit.MILLIS).plusMillis(1000 + random.nextInt(3000));
        if (!at.isAfter(cutoff)) {
          addTask(
              policy,
              policy.label() + "-once-" + onceCount++,
              DateTrigger.at(at),
              at,
              horizon,
              false);
        }
        nextOnce = now.plusMillis(500 + random.nextInt(1000));
      }
      if (!now.isBefore(nextKill)) {
        int victim = random.nextInt(NODES);
        kill(victim);
        startNode(victim);
        nextKill = now.plusSeconds(15).plusMillis(random.nextInt(5001));
      }
      Instant wake = nextOnce.isBefore(nextKill) ? nextOnce : nextKill;
      await(Duration.between(now, wake.isBefore(cutoff) ? wake : cutoff));
    }
    // Settling: the last kill's runs are resolved once its heartbeat is stale.
    ChaosChecker checker = new ChaosChecker(tasks, killed, cutoff);
    Instant settled = clock.instant().plus(settings.staleAfter().multipliedBy(4)).plusSeconds(30);
    List<String> unaccounted = checker.unaccounted(ChaosJournal.readAll(settings.journalUrl()));
    while (!unaccounted.isEmpty() && clock.instant().isBefore(settled)) {
      await(Duration.ofMillis(500));
      unaccounted = checker.unaccounted(ChaosJournal.readAll(settings.journalUrl()));
    }
    stopNodes();
    List<ChaosJournal.Entry> journal = ChaosJournal.readAll(settings.journalUrl());
    Map<NodeFailurePolicy, Set<String>> stored = new EnumMap<>(NodeFailurePolicy.class);
    for (Map.Entry<NodeFailurePolicy, TaskStore> e : stores.entrySet()) {
      Set<String> ids = new HashSet<>();
      for (Task task : e.getValue().allTasks()) {
        ids.add(task.id());
      }
      stored.put(e.getKey(), ids);
    }
    List<String> offences = checker.check(journal, stored);
    return new Result(offences, summary(journal, cutoff));
  }

  private void addTask(
      NodeFailurePolicy policy,
      String id,
      Trigger trigger,
      Instant first,
      Instant horizon,
      boolean recurring) {
    Task task =
        Task.builder(id)
            .name(id)
            .function(TestStoreContext.NOTHING, ClusterNodeMain.FUNCTION)
            .trigger(trigger)
            .storeAlias("default")
            .coalesce(false)
            .maxInstances(10)
            .mistriggerGraceTime(GRACE)
            .nextRunTime(first)
            .build();
    TreeSet<Instant> times = new TreeSet<>();
    for (Instant t = first; t != null && !t.isAfter(horizon); ) {
      times.add(t);
      t = trigger.nextFireTime(ZoneOffset.UTC, t, t).orElse(null);
    }
    tasks.put(id, new ChaosChecker.Planned(id, policy, times, recurring));
    stores.get(policy).addTask(task);
  }

  private void startNode(int slot) throws IOException {
    String life = "n" + slot + "-" + started++;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m"));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(ClusterNodeMain.class.getName());
    command.add(life);
    command.add(settings.journalUrl());
    command.add(settings.storeAlias());
    command.add(Long.toString(settings.staleAfter().toMillis()));
    command.add(Integer.toString(settings.workMillis()));
    for (Map.Entry<NodeFailurePolicy, Map<String, String>> e : settings.stores().entrySet()) {
      e.getValue().forEach((k, v) -> command.add(e.getKey().label() + "." + k + "=" + v));
    }
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log(life).toFile())
            .start();
    process
        .onExit()
        .thenAccept(
            p -> {
              if (!expectedExits.contains(p)) {
                unexpectedExit.complete(
                    "Node "
                        + life
                        + " exited by itself with "
                        + p.exitValue()
                        + "; see "
                        + log(life));
              }
            });
    nodes[slot] = process;
    lives[slot] = life;
  }

  private Path log(String life) {
    return settings.logDirectory().resolve(life + ".log");
  }

  private void kill(int slot) throws Exception {
    Process process = nodes[slot];
    expectedExits.add(process);
    // SIGKILL: no shutdown hook, no finally block, no last heartbeat or end of run is written.
    if (!process.toHandle().destroyForcibly()) {
      throw new AssertionError("Node " + lives[slot] + " could not be killed");
    }
    if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("Node " + lives[slot] + " did not die of SIGKILL");
    }
    if (process.exitValue() != 128 + 9) {
      throw new AssertionError(
          "Node " + lives[slot] + " exited with " + process.exitValue() + ", not of SIGKILL (137)");
    }
    killed.put(lives[slot], clock.instant());
  }

  /** Waits {@code time}, or fails at once when a node process ends by itself. */
  private void await(Duration time) throws Exception {
    if (time.isNegative() || time.isZero()) {
      return;
    }
    try {
      String exit = unexpectedExit.get(time.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError(exit);
    } catch (TimeoutException expected) {
      // Nothing happened meanwhile: the usual case.
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }

  /** Stops every node that runs: closing its input is its signal. */
  private void stopNodes() throws Exception {
    List<String> unclean = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      Process process = nodes[i];
      if (process != null && process.isAlive()) {
        expectedExits.add(process);
        process.getOutputStream().close();
      }
    }
    for (int i = 0; i < NODES; i++) {
      Process process = nodes[i];
      if (process == null) {
        continue;
      }
      if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        unclean.add(lives[i] + " did not stop in " + STOP_WAIT);
      } else if (process.exitValue() != 0 && !killed.containsKey(lives[i])) {
        unclean.add(lives[i] + " exited with " + process.exitValue());
      }
      nodes[i] = null;
    }
    if (!unclean.isEmpty()) {
      throw new AssertionError(
          "Nodes did not stop cleanly: " + unclean + "; see " + settings.logDirectory());
    }
  }

  private void closeStores() {
    for (TaskStore store : stores.values()) {
      store.shutdown();
    }
    stores.clear();
  }

  private String summary(List<ChaosJournal.Entry> journal, Instant cutoff) {
    int runs = 0;
    int missed = 0;
    int interrupted = 0;
    Set<String> seen = new HashSet<>();
    int again = 0;
    for (ChaosJournal.Entry e : journal) {
      switch (e.kind()) {
        case RUN -> {
          runs++;
          if (!seen.add(e.taskId() + "@" + e.runTime())) {
            again++;
          }
        }
        case MISSED -> missed++;
        case INTERRUPTED -> interrupted++;
      }
    }
    return String.format(
        "seed %d, %s of chaos up to %s, %d kills (%s), %d tasks, %d runs (%d run again after a"
            + " kill), %d reported interrupted, %d missed; logs in %s",
        settings.seed(),
        settings.length(),
        cutoff,
        killed.size(),
        String.join(", ", killed.keySet()),
        tasks.size(),
        runs,
        again,
        interrupted,
        missed,
        settings.logDirectory().toAbsolutePath());
  }
}
