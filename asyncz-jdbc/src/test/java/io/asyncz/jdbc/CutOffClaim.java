package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.ClusteredStore.Decision;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.FaultProxy;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.DateTrigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A node cut off from the database in the middle of a claim (its host unreachable: no socket
 * closed, packets just stop), for the JDBC cluster tests on PostgreSQL and MariaDB: the rows its
 * claim locked must not stay out of every other node's reach until the server's TCP keepalive.
 */
final class CutOffClaim {
  /** How long the other node may take to run the cut-off claim's tasks. */
  static final Duration BOUND = Duration.ofSeconds(30);

  private static final int TASKS = 3;

  private CutOffClaim() {}

  /**
   * Node A ({@code cutOff}, on {@code proxy}) locks the due rows of three tasks in a claim and is
   * blackholed while its transaction is open; node B, a scheduler on {@code direct}, must run the
   * three within {@link #BOUND}. A's claim, once its network heals, must have committed nothing.
   */
  static void assertTheOtherNodeRunsTheLockedTasksInTime(
      FaultProxy proxy, JdbcStore cutOff, TaskStore direct) throws Exception {
    Set<String> ran = ConcurrentHashMap.newKeySet();
    CountDownLatch allRan = new CountDownLatch(TASKS);
    TaskFunction mark =
        (args, kwargs) -> {
          if (ran.add((String) args.get(0))) {
            allRan.countDown();
          }
          return null;
        };
    TaskRegistry registry = new TaskRegistry().register("mark", mark);
    cutOff.start(new TestStoreContext(MutableClock.at(Instant.EPOCH), registry), "default");
    ThreadScheduler other = null;
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Object> claimOutcome = new AtomicReference<>();
    Thread claim = null;
    try {
      cutOff.joinCluster(new ClusteredStore.Node("a", "host-a", 1, Instant.EPOCH, "test"));
      Instant due = Clock.systemUTC().instant().minusSeconds(1);
      for (int i = 0; i < TASKS; i++) {
        cutOff.addTask(
            Task.builder("locked-" + i)
                .function(mark, "mark")
                .args(List.of("locked-" + i))
                .trigger(DateTrigger.at(due))
                .nextRunTime(due)
                .mistriggerGraceTime(null)
                .storeAlias("default")
                .build());
      }
      // A's real claim, held between its lock-and-read and its writes: the rows stay locked.
      claim =
          new Thread(
              () -> {
                try {
                  claimOutcome.set(
                      cutOff.claimDue(
                          "a",
                          Clock.systemUTC().instant(),
                          256,
                          (task, running) -> {
                            locked.countDown();
                            try {
                              release.await();
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                            return new Decision(null, List.of(task.nextRunTimeOrNull()), false);
                          }));
                } catch (RuntimeException e) {
                  claimOutcome.set(e);
                }
              },
              "cut-off-claim");
      claim.start();
      assertThat(locked.await(30, TimeUnit.SECONDS)).as("A's claim read its rows").isTrue();
      proxy.blackhole();

      other =
          Scheduler.builder()
              .registry(registry)
              .identity("b")
              .cluster(
                  ClusterSettings.DEFAULTS
                      .withPollInterval(Duration.ofMillis(100))
                      .withHeartbeatInterval(Duration.ofMillis(200)))
              .storeRetryInterval(Duration.ofMillis(200))
              .heartbeatStaleAfter(Duration.ofSeconds(3))
              .store("default", direct)
              .build();
      other.start();
      assertThat(allRan.await(BOUND.toSeconds(), TimeUnit.SECONDS))
          .as(
              "tasks run by node B within %s while node A, cut off, held them in an open claim:"
                  + " %s",
              BOUND, ran)
          .isTrue();
    } finally {
      release.countDown();
      proxy.pass();
      if (claim != null) {
        claim.join(TimeUnit.SECONDS.toMillis(30));
      }
      if (other != null) {
        other.shutdown(Duration.ofSeconds(5));
      }
      cutOff.shutdown();
    }
    // The server ended A's transaction: its late writes and commit found no session.
    assertThat(claimOutcome.get()).isInstanceOf(JdbcStore.StoreException.class);
    assertThat(ran).hasSize(TASKS);
  }
}
