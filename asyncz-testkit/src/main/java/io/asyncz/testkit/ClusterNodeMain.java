package io.asyncz.testkit;

import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.TaskStores;
import io.asyncz.task.TaskRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One node process of {@link ClusterChaos}: two schedulers in cluster mode, one on the store of the
 * tasks under {@code on_node_failure: report} and one on the store of those under {@code rerun}
 * (the policy is set per scheduler), each a node of its own cluster. Every run writes its start to
 * the {@link ChaosJournal} before its work and its end after it, before the function returns; the
 * {@code TASK_MISSED} and {@code TASK_INTERRUPTED} events are written there too. The process runs
 * until its standard input closes, then shuts its schedulers down and exits 0; {@link ClusterChaos}
 * kills it with SIGKILL before that, again and again.
 *
 * <p>Arguments: the life's name (unique per process started), the journal's JDBC URL, the store
 * alias, {@code heartbeat_stale_after} in milliseconds, the longest work of a run in milliseconds,
 * then the stores' options as {@code report.key=value} and {@code rerun.key=value}.
 */
public final class ClusterNodeMain {
  /** The reference the tasks' function is registered under. */
  static final String FUNCTION = "chaos.work";

  private static final ThreadLocal<RunInfo> CURRENT = new ThreadLocal<>();

  private ClusterNodeMain() {}

  /** Runs the node; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    String life = args[0];
    ChaosJournal journal = ChaosJournal.open(args[1], life);
    String alias = args[2];
    Duration staleAfter = Duration.ofMillis(Long.parseLong(args[3]));
    int workMillis = Integer.parseInt(args[4]);
    Map<NodeFailurePolicy, Map<String, Object>> options = new LinkedHashMap<>();
    for (int i = 5; i < args.length; i++) {
      int dot = args[i].indexOf('.');
      int eq = args[i].indexOf('=');
      options
          .computeIfAbsent(
              NodeFailurePolicy.parse("policy", args[i].substring(0, dot)),
              p -> new LinkedHashMap<>())
          .put(args[i].substring(dot + 1, eq), args[i].substring(eq + 1));
    }
    PrintStream out = System.out;
    List<ThreadScheduler> schedulers = new ArrayList<>();
    Random random = new Random(life.hashCode());
    for (Map.Entry<NodeFailurePolicy, Map<String, Object>> e : options.entrySet()) {
      Clock clock = Clock.systemUTC();
      TaskRegistry registry =
          new TaskRegistry()
              .register(FUNCTION, (a, k) -> work(journal, clock, randomWork(random, workMillis)));
      ThreadScheduler scheduler =
          Scheduler.builder()
              .clock(clock)
              .registry(registry)
              .identity(life + "-" + e.getKey().label())
              .cluster(
                  ClusterSettings.DEFAULTS
                      .withPollInterval(Duration.ofMillis(250))
                      .withHeartbeatInterval(Duration.ofMillis(500))
                      .withOnNodeFailure(e.getKey()))
              .heartbeatStaleAfter(staleAfter)
              .storeRetryInterval(Duration.ofMillis(200))
              .store(Scheduler.DEFAULT, TaskStores.create(alias, e.getValue()))
              .build();
      // On the thread that runs the function, right before it: the run's scheduled time.
      scheduler.observeRuns(
          run -> {
            CURRENT.set(run);
            return RunObservation.NONE;
          });
      scheduler.addListener(
          event -> {
            TaskExecutionEvent x = (TaskExecutionEvent) event;
            ChaosJournal.Kind kind =
                x.code() == Events.TASK_MISSED
                    ? ChaosJournal.Kind.MISSED
                    : ChaosJournal.Kind.INTERRUPTED;
            try {
              journal.write(kind, x.taskId(), x.scheduledRunTime(), clock.instant());
            } catch (SQLException ex) {
              ex.printStackTrace(out);
            }
          },
          Events.TASK_MISSED | Events.TASK_INTERRUPTED);
      schedulers.add(scheduler);
    }
    for (ThreadScheduler scheduler : schedulers) {
      scheduler.start();
    }
    out.println("READY " + life);
    out.flush();
    drain(System.in);
    out.println("STOPPING " + life);
    for (ThreadScheduler scheduler : schedulers) {
      scheduler.shutdown(Duration.ofSeconds(10));
    }
    journal.close();
    out.println("STOPPED " + life);
    System.exit(0);
  }

  private static synchronized int randomWork(Random random, int workMillis) {
    return random.nextInt(workMillis + 1);
  }

  /**
   * The function of every task: records its start, works (waits) for {@code millis}, records its
   * end; the records commit before it returns.
   */
  private static Object work(ChaosJournal journal, Clock clock, int millis) throws Exception {
    RunInfo run = CURRENT.get();
    if (run == null) {
      throw new IllegalStateException("no run observed on this thread");
    }
    String token =
        journal.write(ChaosJournal.Kind.RUN, run.taskId(), run.scheduledRunTime(), clock.instant());
    // The run's work: long enough that kills land in the middle of runs.
    new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
    journal.ended(token, clock.instant());
    return null;
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // Nothing is sent; the end of the stream is the signal to stop.
    }
  }
}
