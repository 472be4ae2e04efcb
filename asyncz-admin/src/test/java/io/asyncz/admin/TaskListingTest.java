package io.asyncz.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import io.asyncz.scheduler.SchedulerState;
import io.asyncz.scheduler.TaskBuilder;
import io.asyncz.scheduler.TaskQuery;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskInfo;
import io.asyncz.testkit.ForwardingStore;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.CronTrigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The task listing's index agrees with the core's own search and sort ({@link
 * Scheduler#getTaskInfos}, which reads every store each time) after every change, whichever path
 * made it: the operations (the API), the scheduler itself, its loop running tasks, or another
 * process writing a shared persistent store.
 */
class TaskListingTest {
  private static final Instant START = Instant.parse("2026-12-07T01:00:00Z");
  private static final List<TaskFilter> FILTERS =
      List.of(
          new TaskFilter(null, null, null, null, null, "next_run_time", false, 1, 200),
          new TaskFilter(null, null, null, null, null, "next_run_time", true, 1, 200),
          new TaskFilter(null, null, null, null, null, "name", true, 2, 7),
          new TaskFilter(null, null, null, null, null, "function", false, 1, 200),
          new TaskFilter(null, null, null, null, null, "function", true, 1, 200),
          new TaskFilter(null, null, null, null, null, "state", false, 1, 200),
          new TaskFilter(null, null, null, null, null, "store", true, 1, 200),
          new TaskFilter(null, null, null, null, null, "trigger", false, 1, 200),
          new TaskFilter(null, null, null, null, null, "executor", false, 1, 200),
          new TaskFilter("REPORT", null, null, null, null, "id", false, 1, 200),
          new TaskFilter("interval", null, null, null, null, "id", false, 1, 200),
          new TaskFilter("paused", null, null, null, null, "name", false, 1, 200),
          new TaskFilter(null, "paused", null, null, null, "id", false, 1, 200),
          new TaskFilter(null, "scheduled", "other", null, null, "id", false, 1, 200),
          new TaskFilter(null, null, null, "default", "cron", "id", true, 1, 200),
          new TaskFilter(null, null, null, null, "DateTrigger", "id", false, 1, 200));

  private final MutableClock clock = MutableClock.at(START);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private ManualScheduler scheduler(SchedulerSettings.Builder settings) {
    ManualScheduler s = ManualScheduler.with(settings.timezone(ZoneOffset.UTC), clock);
    s.registry().register("jobs.count", (TaskFunction) (args, kwargs) -> "counted");
    s.registry().register("jobs.archive", (TaskFunction) (args, kwargs) -> "archived");
    s.start();
    toClose.add(
        () -> {
          if (s.state() != SchedulerState.STOPPED) {
            s.shutdown();
          }
        });
    return s;
  }

  private SchedulerOperations ops(Scheduler s, Duration maxAge) {
    SchedulerOperations ops = SchedulerOperations.builder(s).listingMaxAge(maxAge).build();
    toClose.add(ops);
    return ops;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void staysExactAfterEveryChangeFromTheApiTheSchedulerAndItsLoop(long seed) {
    ManualScheduler s = scheduler(Scheduler.builder().store("other", new MemoryStore()));
    SchedulerOperations ops = ops(s, Duration.ofHours(1)).as("alice");
    Random random = new Random(seed);
    for (int i = 0; i < 12; i++) {
      createDirectly(s, random, "task-" + i);
    }
    assertExact(s, ops, "after the first adds");
    for (int step = 0; step < 150; step++) {
      String id = "task-" + random.nextInt(16);
      boolean exists = s.getTask(id).isPresent();
      int action = random.nextInt(14);
      String what = "seed " + seed + ", step " + step + ": action " + action + " on " + id;
      try {
        switch (action) {
          case 0 -> {
            if (!exists) {
              Map<String, Object> spec = new LinkedHashMap<>();
              spec.put("id", id);
              spec.put("name", "Report " + random.nextInt(50));
              spec.put("function", random.nextBoolean() ? "jobs.count" : "jobs.archive");
              spec.put("trigger", Map.of("every", (1 + random.nextInt(90)) + "m"));
              spec.put("store", random.nextBoolean() ? "default" : "other");
              ops.createTask(spec);
            }
          }
          case 1 -> {
            if (!exists) {
              createDirectly(s, random, id);
            }
          }
          case 2 -> ops.pauseTask(id);
          case 3 -> s.pauseTask(id, null);
          case 4 -> ops.resumeTask(id);
          case 5 -> s.resumeTask(id, null);
          case 6 -> ops.updateTask(id, Map.of("name", "cleanup " + random.nextInt(50)), false);
          case 7 -> s.updateTask(id, null, Map.of("name", "Sync " + random.nextInt(50)));
          case 8 ->
              ops.updateTask(
                  id, Map.of("store", random.nextBoolean() ? "default" : "other"), false);
          case 9 -> {
            if (random.nextBoolean()) {
              ops.removeTask(id);
            } else {
              s.deleteTask(id, null);
            }
          }
          case 10 -> ops.runTask(id);
          case 11 -> s.advance(Duration.ofMinutes(1 + random.nextInt(120)));
          case 12 -> ops.bulk("pause", List.of(id, "task-" + random.nextInt(16)));
          default ->
              s.rescheduleTask(
                  id, null, CronTrigger.fromCrontab(random.nextInt(60) + " * * * *", s.timezone()));
        }
      } catch (RuntimeException refused) {
        // A task that is not there, or a change refused: the listing must still be exact.
      }
      assertExact(s, ops, what);
    }
  }

  private static void createDirectly(Scheduler s, Random random, String id) {
    TaskBuilder b =
        s.task(random.nextBoolean() ? "jobs.count" : "jobs.archive")
            .id(id)
            .name((random.nextBoolean() ? "report " : "Backup ") + random.nextInt(50))
            .store(random.nextBoolean() ? "default" : "other");
    switch (random.nextInt(3)) {
      case 0 -> b.cron(random.nextInt(60) + " " + random.nextInt(24) + " * * *");
      case 1 -> b.every(Duration.ofMinutes(1 + random.nextInt(90)));
      default -> b.at(s.clock().instant().plus(Duration.ofMinutes(1 + random.nextInt(300))));
    }
    if (random.nextInt(4) == 0) {
      b.paused();
    }
    b.add();
  }

  @Test
  void showsWhatAnotherProcessWroteIntoAPersistentStoreOnceItsCopyIsOlderThanTheMaxAge() {
    MemoryStore shared = new MemoryStore();
    ManualScheduler here =
        scheduler(Scheduler.builder().store("default", new PersistentStore(shared)));
    ManualScheduler elsewhere =
        scheduler(Scheduler.builder().store("default", new PersistentStore(shared)));
    SchedulerOperations ops = ops(here, Duration.ofSeconds(1));
    here.task("jobs.count").id("here").name("made here").every(Duration.ofMinutes(5)).add();
    assertExact(here, ops, "before the other process writes");

    elsewhere.task("jobs.count").id("there-1").name("made there").cron("0 3 * * *").add();
    elsewhere.task("jobs.archive").id("there-2").every(Duration.ofMinutes(7)).add();
    clock.advance(Duration.ofSeconds(1));
    assertExact(here, ops, "a second after the other process added two tasks");
    assertThat(ops.listTasks(TaskFilter.ALL).total()).isEqualTo(3);

    elsewhere.pauseTask("there-1", null);
    elsewhere.updateTask("there-2", null, Map.of("name", "renamed there"));
    elsewhere.deleteTask("here", null);
    clock.advance(Duration.ofSeconds(1));
    assertExact(here, ops, "a second after the other process paused, renamed and removed");

    // What this process changes shows at once, without waiting for the copy to age.
    ops.resumeTask("there-1");
    here.task("jobs.count").id("here-2").every(Duration.ofMinutes(3)).add();
    assertExact(here, ops, "right after this process resumed and added");

    // With no max age, every listing reads the persistent store again.
    SchedulerOperations always = ops(here, Duration.ZERO);
    always.listTasks(TaskFilter.ALL);
    elsewhere.deleteTask("there-2", null);
    assertExact(here, always, "right after the other process removed, with no max age");
  }

  @Test
  void aListingReadsNoStoreWholeAgainUntilTheStoresChangeWholesale() {
    MemoryStore memory = new MemoryStore();
    AtomicInteger wholeReads = new AtomicInteger();
    ForwardingStore counted =
        new ForwardingStore(memory) {
          @Override
          public List<Task> allTasks() {
            wholeReads.incrementAndGet();
            return super.allTasks();
          }
        };
    ManualScheduler s = scheduler(Scheduler.builder().store("default", counted));
    SchedulerOperations ops = ops(s, SchedulerOperations.DEFAULT_LISTING_MAX_AGE);
    for (int i = 0; i < 20; i++) {
      s.task("jobs.count").id("task-" + i).every(Duration.ofMinutes(1 + i)).add();
    }
    ops.listTasks(TaskFilter.ALL);
    int afterFirst = wholeReads.get();

    ops.listTasks(filter("q", "task-1"));
    ops.pauseTask("task-3");
    ops.updateTask("task-4", Map.of("name", "renamed"), false);
    s.advance(Duration.ofMinutes(10));
    ops.listTasks(filter("sort", "name"));
    assertThat(wholeReads.get()).isEqualTo(afterFirst);
    assertExact(s, ops, "after changes read one task at a time");

    s.removeAllTasks(null);
    s.task("jobs.count").id("after").every(Duration.ofMinutes(1)).add();
    assertExact(s, ops, "after every task was removed");
    assertThat(wholeReads.get()).isGreaterThan(afterFirst);
  }

  @Test
  void aStoppedSchedulersPendingTasksAreListed() {
    ManualScheduler s = scheduler(Scheduler.builder());
    SchedulerOperations ops = ops(s, SchedulerOperations.DEFAULT_LISTING_MAX_AGE);
    s.task("jobs.count").id("running").every(Duration.ofMinutes(1)).add();
    ops.listTasks(TaskFilter.ALL);
    s.shutdown();
    s.task("jobs.count").id("pending").every(Duration.ofMinutes(2)).add();
    assertExact(s, ops, "stopped, with a task pending start");
    assertThat(ops.listTasks(TaskFilter.ALL).tasks()).extracting(TaskView::id).contains("pending");
    s.start();
    assertExact(s, ops, "after a restart");
  }

  private static TaskFilter filter(String key, String value) {
    return TaskFilter.fromParameters(Map.of(key, value));
  }

  /** Every filter's page, checked against the core's listing and each task read afresh. */
  private static void assertExact(Scheduler s, SchedulerOperations ops, String when) {
    for (TaskFilter f : FILTERS) {
      if (f.store() != null && !s.info().stores().contains(f.store())) {
        continue;
      }
      List<TaskInfo> expected = reference(s, f);
      TaskPage page = ops.listTasks(f);
      int from = Math.min((f.page() - 1) * f.size(), expected.size());
      int to = Math.min(from + f.size(), expected.size());
      List<TaskView> fresh = new ArrayList<>();
      for (TaskInfo t : expected.subList(from, to)) {
        fresh.add(ops.view(s.getTask(t.id(), t.storeAlias()).orElseThrow()));
      }
      assertThat(page.total()).as("%s: total of %s", when, f).isEqualTo(expected.size());
      assertThat(page.tasks()).as("%s: page of %s", when, f).isEqualTo(fresh);
    }
  }

  /** The listing as the core's query gives it, which reads every task each time. */
  private static List<TaskInfo> reference(Scheduler s, TaskFilter f) {
    String sortKey =
        switch (f.sort()) {
          case "state" -> "schedule_state";
          case "function" -> "id";
          default -> f.sort();
        };
    List<TaskInfo> all =
        new ArrayList<>(
            s.getTaskInfos(
                TaskQuery.all()
                    .withStore(f.store())
                    .withScheduleState(f.state())
                    .withExecutor(f.executor())
                    .withTrigger(f.trigger())
                    .withText(f.q())
                    .sortedBy(sortKey, f.descending())));
    if (f.sort().equals("function")) {
      Comparator<TaskInfo> byFunction =
          Comparator.comparing(
              t -> t.callableReference() != null ? t.callableReference() : t.callableName());
      all.sort(f.descending() ? byFunction.reversed() : byFunction);
    }
    return all;
  }

  /** A memory store that says it is persistent, as a database shared by two processes is. */
  private static final class PersistentStore extends ForwardingStore {
    PersistentStore(MemoryStore shared) {
      super(shared);
    }

    @Override
    public boolean persistent() {
      return true;
    }
  }
}
