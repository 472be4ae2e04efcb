package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Events;
import io.asyncz.executor.AsyncExecutor;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.trigger.DateTrigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One-shot tasks added from several threads, while the scheduler's loop is busy running the ones
 * added before, each run exactly once: none lost, none run twice. Every way a due task is handed
 * over is taken (run by {@code add()} without being stored, stored then run by {@code add()}, run
 * by the loop; one at a time and in batches; due now and due a few milliseconds later), on each
 * kind of executor, with and without a {@code TASK_ADDED} listener (which makes every add take the
 * stored path). A task added while due once ran twice here (see {@link AddRaceTest}).
 */
class ExactlyOnceTest {
  private static final int THREADS = 3;
  private static final int TASKS_PER_THREAD = 3_000;
  private static final int BATCH = 25;

  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  @ParameterizedTest(name = "{0} executor, TASK_ADDED listener: {1}")
  @CsvSource({
    "pool, false",
    "pool, true",
    "inline, false",
    "inline, true",
    "async, false",
    "async, true"
  })
  void everyOneShotTaskAddedFromManyThreadsRunsExactlyOnce(String executor, boolean listener)
      throws Exception {
    Scheduler scheduler = Scheduler.builder().executor("default", executor(executor).get()).build();
    if (listener) {
      scheduler.addListener(event -> {}, Events.TASK_ADDED);
    }
    int total = THREADS * TASKS_PER_THREAD;
    CountDownLatch allRan = new CountDownLatch(total);
    scheduler.start();
    ExecutorService adders = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(adders.submit(() -> addTasks(scheduler, thread, allRan)));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(allRan.await(60, TimeUnit.SECONDS))
          .as("every task ran; %d had not", allRan.getCount())
          .isTrue();
    } finally {
      adders.shutdownNow();
      scheduler.shutdown(true);
    }
    assertThat(runs).hasSize(total);
    assertThat(runs.entrySet())
        .filteredOn(e -> e.getValue().get() != 1)
        .as("tasks that did not run exactly once")
        .isEmpty();
    assertThat(scheduler.getTasks()).as("one-shot tasks left in the store").isEmpty();
  }

  /**
   * A thread's tasks, each its own lambda with a generated id, in four ways of adding them. No
   * grace limit: on a loaded machine a run may start more than the default second late, and is then
   * missed, as the seed says, which is not what this test is about.
   */
  private void addTasks(Scheduler scheduler, int thread, CountDownLatch allRan) {
    int i = 0;
    while (i < TASKS_PER_THREAD) {
      switch (i / BATCH % 4) {
        case 0 -> { // due now, one at a time
          for (int n = 0; n < BATCH; n++, i++) {
            scheduler.task(runOnce("t" + thread + "-" + i, allRan)).noGraceLimit().add();
          }
        }
        case 1 -> { // due now, in one batch
          int first = i;
          scheduler.addAll(
              batch -> {
                for (int n = 0; n < BATCH; n++) {
                  batch
                      .task(runOnce("t" + thread + "-" + (first + n), allRan))
                      .noGraceLimit()
                      .add();
                }
              });
          i += BATCH;
        }
        case 2 -> { // due within a few milliseconds: some due by the time they are stored
          Instant now = scheduler.clock().instant();
          for (int n = 0; n < BATCH; n++, i++) {
            scheduler
                .task(runOnce("t" + thread + "-" + i, allRan))
                .trigger(DateTrigger.at(now.plusMillis(n % 5)))
                .noGraceLimit()
                .add();
          }
        }
        default -> { // due a moment ago
          Instant past = scheduler.clock().instant().minusMillis(1);
          for (int n = 0; n < BATCH; n++, i++) {
            scheduler
                .task(runOnce("t" + thread + "-" + i, allRan))
                .trigger(DateTrigger.at(past))
                .noGraceLimit()
                .add();
          }
        }
      }
    }
  }

  private Runnable runOnce(String key, CountDownLatch allRan) {
    return () -> {
      if (runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() == 1) {
        allRan.countDown();
      }
    };
  }

  private static Supplier<TaskExecutor> executor(String kind) {
    return switch (kind) {
      case "pool" -> () -> new PoolExecutor(4);
      case "inline" -> InlineExecutor::new;
      case "async" -> AsyncExecutor::new;
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
