package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.MaxInstancesException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.ExecutorContext;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerInfo;
import io.asyncz.scheduler.TaskQuery;
import io.asyncz.task.Task;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Eight threads add, update, pause, resume, run and delete tasks while interval tasks fire on a
 * thread scheduler with a pool executor. Each thread owns its tasks, so the final state is known;
 * it also touches its neighbour's tasks, which may be gone (the only exception allowed). No
 * scheduled run time of a task is handed to the executor twice.
 */
@Timeout(120)
class ConcurrentOperationsTest {
  private static final int THREADS = 8;
  private static final int TASKS_PER_THREAD = 25;
  private static final long WAIT_SECONDS = 30;

  /** Submissions in one global order with deletions, to check nothing runs after its deletion. */
  private final AtomicLong sequence = new AtomicLong();

  private final Map<String, List<Long>> submitted = new ConcurrentHashMap<>();

  /** Every scheduled run handed over, as "id at run time": none may be handed over twice. */
  private final Set<String> runTimesHandedOver = ConcurrentHashMap.newKeySet();

  private final Queue<String> handedOverTwice = new ConcurrentLinkedQueue<>();

  /** Hands runs to a pool executor, recording when (in {@link #sequence}) each was handed over. */
  private final class RecordingExecutor implements TaskExecutor {
    private final PoolExecutor pool = new PoolExecutor(4);

    @Override
    public void start(ExecutorContext context, String alias) {
      pool.start(context, alias);
    }

    @Override
    public void shutdown(boolean wait) {
      pool.shutdown(wait);
    }

    @Override
    public void submit(Task task, List<Instant> runTimes) {
      pool.submit(task, runTimes);
      submitted
          .computeIfAbsent(task.id(), id -> new CopyOnWriteArrayList<>())
          .add(sequence.incrementAndGet());
      for (Instant runTime : runTimes) {
        if (!runTimesHandedOver.add(task.id() + " at " + runTime)) {
          handedOverTwice.add(task.id() + " at " + runTime);
        }
      }
    }

    @Override
    public int runningInstances(String taskId) {
      return pool.runningInstances(taskId);
    }
  }

  @RepeatedTest(value = 3, name = "random seed 20260115 + {currentRepetition}")
  void concurrentChangesLeaveTheStoreConsistentAndDeletedTasksNeverRunAgain(
      RepetitionInfo repetition) throws Exception {
    long seed = 20260115L + repetition.getCurrentRepetition();
    Scheduler scheduler = Scheduler.builder().executor("default", new RecordingExecutor()).build();
    Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    Map<String, Long> deletedAt = new ConcurrentHashMap<>();
    Set<String> added = ConcurrentHashMap.newKeySet();
    Map<String, Boolean> expectPaused = new ConcurrentHashMap<>();
    AtomicLong executed = new AtomicLong();
    CountDownLatch warmedUp = new CountDownLatch(20);
    scheduler.addListener(
        e -> {
          executed.incrementAndGet();
          warmedUp.countDown();
        },
        Events.TASK_EXECUTED);
    scheduler.addListener(
        e -> unexpected.add(((TaskExecutionEvent) e).exception()), Events.TASK_ERROR);

    ExecutorService workers = Executors.newFixedThreadPool(THREADS);
    try (scheduler) {
      scheduler.start();
      for (int b = 0; b < 4; b++) {
        scheduler
            .task(() -> null)
            .id("background-" + b)
            .trigger(IntervalTrigger.builder().interval(Duration.ofMillis(5)).build())
            .add();
      }
      assertThat(warmedUp.await(WAIT_SECONDS, TimeUnit.SECONDS))
          .as("the background tasks fire")
          .isTrue();

      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < THREADS; w++) {
        int worker = w;
        done.add(
            workers.submit(
                () -> {
                  go.await();
                  work(
                      scheduler,
                      worker,
                      new Random(seed * 31 + worker),
                      added,
                      deletedAt,
                      expectPaused,
                      unexpected);
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(WAIT_SECONDS, TimeUnit.SECONDS);
      }

      // The loop is still alive after the storm: background tasks keep firing.
      long before = executed.get();
      CountDownLatch stillFiring = new CountDownLatch(10);
      scheduler.addListener(e -> stillFiring.countDown(), Events.TASK_EXECUTED);
      assertThat(stillFiring.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(executed.get()).isGreaterThan(before);

      Map<String, Task> stored =
          scheduler.getTasks().stream()
              .filter(t -> !t.id().startsWith("background-"))
              .collect(Collectors.toMap(Task::id, t -> t));
      Set<String> expected = new HashSet<>(added);
      expected.removeAll(deletedAt.keySet());
      assertThat(stored.keySet()).isEqualTo(expected);
      for (Task task : stored.values()) {
        assertThat(task.isPaused())
            .as("paused: %s", task.id())
            .isEqualTo(expectPaused.get(task.id()));
        assertThat(task.isPending()).isFalse();
      }
      SchedulerInfo info = scheduler.info();
      assertThat(info.taskCount()).isEqualTo(expected.size() + 4);
      assertThat(info.scheduledTaskCount() + info.pausedTaskCount() + info.pendingTaskCount())
          .isEqualTo(info.taskCount());
      assertThat(scheduler.getTaskInfos(TaskQuery.all())).hasSize(expected.size() + 4);
    } finally {
      workers.shutdownNow();
      assertThat(workers.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(unexpected).isEmpty();
    assertThat(handedOverTwice).as("scheduled runs handed over twice").isEmpty();
    assertThat(runTimesHandedOver).isNotEmpty();
    for (Map.Entry<String, Long> deletion : deletedAt.entrySet()) {
      assertThat(submitted.getOrDefault(deletion.getKey(), List.of()))
          .as(
              "runs of %s handed over after its deletion at %d",
              deletion.getKey(), deletion.getValue())
          .allSatisfy(s -> assertThat(s).isLessThan(deletion.getValue()));
    }
    assertThat(executed.get()).isPositive();
  }

  /** One worker's bounded script: its own tasks through their life, its neighbour's touched. */
  private void work(
      Scheduler scheduler,
      int worker,
      Random random,
      Set<String> added,
      Map<String, Long> deletedAt,
      Map<String, Boolean> expectPaused,
      Queue<Throwable> unexpected) {
    int neighbour = (worker + 1) % THREADS;
    Map<String, Boolean> mine = new HashMap<>();
    for (int i = 0; i < TASKS_PER_THREAD; i++) {
      String id = "w" + worker + "-" + i;
      try {
        scheduler
            .task(() -> null)
            .id(id)
            .trigger(
                IntervalTrigger.builder()
                    .interval(Duration.ofMillis(2 + random.nextInt(10)))
                    .build())
            .add();
        added.add(id);
        mine.put(id, false);
        expectPaused.put(id, false);
        for (int step = 0; step < 6; step++) {
          String target = "w" + worker + "-" + random.nextInt(i + 1);
          String other = "w" + neighbour + "-" + random.nextInt(TASKS_PER_THREAD);
          try {
            switch (random.nextInt(7)) {
              case 0 -> {
                if (mine.containsKey(target)) {
                  scheduler.pauseTask(target, null);
                  expectPaused.put(target, true);
                }
              }
              case 1 -> {
                if (mine.containsKey(target)) {
                  scheduler.resumeTask(target, null);
                  expectPaused.put(target, false);
                }
              }
              case 2 -> {
                if (mine.remove(target) != null) {
                  scheduler.deleteTask(target, null);
                  deletedAt.put(target, sequence.incrementAndGet());
                }
              }
              case 3 -> scheduler.updateTask(other, null, Map.of("name", "touched by " + worker));
              case 4 -> scheduler.getTask(other);
              case 5 -> scheduler.getTaskInfos(TaskQuery.all().withText("w" + neighbour));
              // Without force: a forced run of a paused task would schedule it again (the seed's
              // run_task), and this thread does not own the neighbour's paused state.
              default -> scheduler.runTask(other, null, false, true);
            }
          } catch (TaskLookupException | MaxInstancesException expected) {
            // The neighbour deleted its task, or it is running right now.
          }
        }
      } catch (RuntimeException e) {
        unexpected.add(e);
      }
    }
  }
}
