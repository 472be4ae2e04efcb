package io.asyncz.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.TaskLookupException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.testkit.ForwardingStore;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AsynczMetrics#timeStore}: each store operation the scheduler makes is timed under the
 * alias the store was added with, split by outcome, on the registry's clock.
 */
@Timeout(30)
class TimedStoreTest {
  private static final Instant T = Instant.parse("2026-03-02T08:00:00Z");

  private final MockClock meterClock = new MockClock();
  private final SimpleMeterRegistry registry =
      new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);
  private final MutableClock clock = MutableClock.at(T);

  /** A memory store whose writes take 5 ms of the registry's clock, and reads of due tasks 1 ms. */
  private final TaskStore slow =
      new ForwardingStore(new MemoryStore()) {
        @Override
        public void addTask(Task task) {
          meterClock.add(Duration.ofMillis(5));
          super.addTask(task);
        }

        @Override
        public List<Task> dueTasks(Instant now, int limit) {
          meterClock.add(Duration.ofMillis(1));
          return super.dueTasks(now, limit);
        }
      };

  private Timer timer(String operation, String outcome) {
    return registry
        .get(AsynczMetrics.STORE_OPERATION)
        .tags("store", "db", "operation", operation, "outcome", outcome)
        .timer();
  }

  @Test
  void storeOperationsAreTimedByAliasOperationAndOutcome() {
    ManualScheduler scheduler =
        ManualScheduler.with(
            Scheduler.builder().store("db", AsynczMetrics.timeStore(slow, registry)), clock);
    scheduler.start();
    try {
      scheduler.task(() -> {}).id("a").store("db").at(T.plusSeconds(1)).add();
      scheduler.task(() -> {}).id("b").store("db").at(T.plusSeconds(1)).add();
      scheduler.advance(Duration.ofSeconds(1));

      Timer adds = timer("add_task", "success");
      assertThat(adds.count()).isEqualTo(2);
      assertThat(adds.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(10);
      assertThat(timer("due_tasks", "success").totalTime(TimeUnit.MILLISECONDS))
          .isEqualTo(timer("due_tasks", "success").count());
      assertThat(timer("due_tasks", "success").count()).isPositive();

      assertThatThrownBy(() -> scheduler.lookupStore("db").deleteTask("nope"))
          .isInstanceOf(TaskLookupException.class);
      assertThat(timer("delete_task", "error").count()).isEqualTo(1);
      assertThat(timer("delete_task", "success").count()).isZero();
    } finally {
      scheduler.shutdown();
    }
  }

  @Test
  void theWrappedStoreKeepsWhatItSaysOfItself() {
    TaskStore persistent =
        new ForwardingStore(new MemoryStore()) {
          @Override
          public boolean persistent() {
            return true;
          }
        };
    assertThat(AsynczMetrics.timeStore(persistent, registry).persistent()).isTrue();
    assertThat(AsynczMetrics.timeStore(new MemoryStore(), registry).persistent()).isFalse();
  }
}
