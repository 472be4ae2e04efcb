package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.AndTrigger;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.OrTrigger;
import io.asyncz.trigger.ShutdownTrigger;
import io.asyncz.trigger.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of {@link TaskStore}, as one JUnit test class: every store's test extends it and
 * supplies only {@link #createStore()} (and, if the store leaves something behind, {@link
 * #cleanUp}).
 *
 * <p>It checks each operation of the store SPI, that tasks with every trigger kind, arguments and
 * options come back equal, and that long seeded random sequences of operations give the same
 * results as {@link MemoryStore}, the reference model. A failing sequence names its seed.
 *
 * <p>Every task carries a textual reference ({@value #REFERENCE} or {@value #OTHER_REFERENCE}) that
 * the {@link TestStoreContext} given to {@link TaskStore#start} resolves, so persistent stores can
 * write and read them.
 *
 * <pre>{@code
 * class FileStoreContractTest extends StoreContract {
 *   @TempDir Path dir;
 *
 *   @Override
 *   protected TaskStore createStore() {
 *     return new FileStore(dir);
 *   }
 * }
 * }</pre>
 */
public abstract class StoreContract {
  /** The reference of the function most contract tasks run. */
  public static final String REFERENCE = "contract.noop";

  /** A second reference, so that stores are seen to keep each task's own. */
  public static final String OTHER_REFERENCE = "contract.report";

  /** The store alias the contract starts the store under. */
  public static final String ALIAS = "contract";

  /** The instant the contract's clock starts at. */
  protected static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  private TaskStore store;
  private TestStoreContext context;

  /** Creates the contract. */
  protected StoreContract() {}

  /**
   * A new, empty store for one test; the contract starts it and shuts it down.
   *
   * @throws Exception when the store cannot be made
   */
  protected abstract TaskStore createStore() throws Exception;

  /**
   * Removes what the store left behind after a test, once it is shut down; by default nothing.
   *
   * @throws Exception when cleaning up fails
   */
  protected void cleanUp(TaskStore store) throws Exception {}

  /** The registry the contract's tasks resolve through. */
  public static TaskRegistry registry() {
    return new TaskRegistry()
        .register(REFERENCE, TestStoreContext.NOTHING)
        .register(OTHER_REFERENCE, (args, kwargs) -> "report");
  }

  /** The store under test, started. */
  protected final TaskStore store() {
    return store;
  }

  /** The context the store was started with. */
  protected final TestStoreContext context() {
    return context;
  }

  @BeforeEach
  final void startStore() throws Exception {
    context = new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), registry());
    store = createStore();
    store.start(context, ALIAS);
  }

  @AfterEach
  final void stopStore() throws Exception {
    try {
      store.removeAllTasks();
      store.shutdown();
    } finally {
      cleanUp(store);
    }
  }

  /** A task that runs {@value #REFERENCE} at {@code next} ({@code null}: paused). */
  protected static Task task(String id, Instant next) {
    return Task.builder(id)
        .function(TestStoreContext.NOTHING, REFERENCE)
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias(ALIAS)
        .nextRunTime(next)
        .build();
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  /** The ids of {@code tasks}, in order. */
  protected static List<String> ids(List<Task> tasks) {
    return tasks.stream().map(Task::id).toList();
  }

  // ------------------------------------------------------------------ add and lookup

  @Test
  void addedTaskIsLookedUpEqual() {
    Task task = task("a", at(60));
    store.addTask(task);

    assertThat(store.lookupTask("a")).contains(task);
  }

  @Test
  void lookupOfAnUnknownIdIsEmpty() {
    store.addTask(task("a", at(60)));

    assertThat(store.lookupTask("b")).isEmpty();
  }

  @Test
  void addingATakenIdThrowsConflictIdAndKeepsTheStoredTask() {
    Task first = task("a", at(60));
    store.addTask(first);

    assertThatThrownBy(() -> store.addTask(task("a", at(120))))
        .isInstanceOf(ConflictIdException.class);
    assertThat(store.lookupTask("a")).contains(first);
    assertThat(store.allTasks()).containsExactly(first);
  }

  // ------------------------------------------------------------------ update

  @Test
  void updateReplacesTheTaskAndItsPlaceInTheOrder() {
    store.addTask(task("a", at(10)));
    store.addTask(task("b", at(20)));
    Task moved = task("a", at(30)).toBuilder().maxInstances(4).build();

    store.updateTask(moved);

    assertThat(store.lookupTask("a")).contains(moved);
    assertThat(ids(store.allTasks())).containsExactly("b", "a");
    assertThat(store.nextRunTime()).contains(at(20));
  }

  @Test
  void updateCanPauseAndResumeATask() {
    store.addTask(task("a", at(10)));
    store.addTask(task("b", at(20)));

    store.updateTask(task("a", null));
    assertThat(ids(store.allTasks())).containsExactly("b", "a");
    assertThat(store.lookupTask("a").orElseThrow().isPaused()).isTrue();
    assertThat(store.dueTasks(at(100))).extracting(Task::id).containsExactly("b");

    store.updateTask(task("a", at(5)));
    assertThat(ids(store.allTasks())).containsExactly("a", "b");
    assertThat(store.nextRunTime()).contains(at(5));
  }

  @Test
  void pausedTasksAreExactlyTheTasksWithoutANextRunTime() {
    store.addTask(task("a", at(10)));
    store.addTask(task("b", null));
    store.addTask(task("c", at(5)));
    store.addTask(task("d", null));
    store.updateTask(task("c", null));

    assertThat(ids(store.pausedTasks())).containsExactlyInAnyOrder("b", "c", "d");
    store.updateTask(task("b", at(1)));
    assertThat(ids(store.pausedTasks())).containsExactlyInAnyOrder("c", "d");
  }

  @Test
  void updateOfAnUnknownIdThrowsTaskLookup() {
    store.addTask(task("a", at(10)));

    assertThatThrownBy(() -> store.updateTask(task("b", at(10))))
        .isInstanceOf(TaskLookupException.class);
    assertThat(store.lookupTask("b")).isEmpty();
    assertThat(ids(store.allTasks())).containsExactly("a");
  }

  // ------------------------------------------------------------------ delete

  @Test
  void deleteRemovesOnlyThatTask() {
    store.addTask(task("a", at(10)));
    store.addTask(task("b", at(20)));

    store.deleteTask("a");

    assertThat(store.lookupTask("a")).isEmpty();
    assertThat(ids(store.allTasks())).containsExactly("b");
    assertThat(store.nextRunTime()).contains(at(20));
  }

  @Test
  void deleteOfAnUnknownIdThrowsTaskLookup() {
    store.addTask(task("a", at(10)));

    assertThatThrownBy(() -> store.deleteTask("b")).isInstanceOf(TaskLookupException.class);
    assertThat(ids(store.allTasks())).containsExactly("a");
  }

  @Test
  void deletedIdCanBeAddedAgain() {
    store.addTask(task("a", at(10)));
    store.deleteTask("a");
    Task again = task("a", at(99));

    store.addTask(again);

    assertThat(store.lookupTask("a")).contains(again);
  }

  @Test
  void aLimitCutsThroughTasksDueAtTheSameInstantById() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      String id = String.format("t%03d", (i * 7919) % 600); // added out of order
      store.addTask(task(id, at(0)));
    }
    store.addTask(task("early", T0.minusSeconds(1)));
    for (int i = 0; i < 255; i++) {
      expected.add(String.format("t%03d", i));
    }

    List<Task> due = store.dueTasks(at(0), 256);

    assertThat(ids(due)).first().isEqualTo("early");
    assertThat(ids(due).subList(1, 256)).containsExactlyElementsOf(expected);
    assertThat(store.dueTasks(at(0))).hasSize(601);
  }

  @Test
  void addTasksStoresAllOrNoneWhenAnIdIsTaken() {
    Task taken = task("b", at(9));
    store.addTask(taken);
    List<Task> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batch.add(task(String.format("a%03d", i), at(i % 11)));
    }
    batch.add(task("b", at(1)));

    assertThatThrownBy(() -> store.addTasks(batch))
        .isInstanceOf(ConflictIdException.class)
        .hasMessageContaining("'b'");
    assertThat(store.allTasks()).containsExactly(taken);

    batch.remove(batch.size() - 1);
    store.addTasks(batch);
    assertThat(store.allTasks()).hasSize(301);
    assertThat(store.lookupTask("a123")).contains(task("a123", at(123 % 11)));
    assertThat(store.dueTasks(at(0), 1)).extracting(Task::id).containsExactly("a000");
  }

  @Test
  void advanceTasksStoresABatchAndSkipsTasksDeletedMeanwhile() {
    store.addTask(task("a", at(1)));
    store.addTask(task("b", at(2)));
    store.addTask(task("c", at(3)));

    store.advanceTasks(List.of(task("a", at(60)), task("gone", at(5))), List.of("b", "also-gone"));

    assertThat(store.allTasks()).containsExactly(task("c", at(3)), task("a", at(60)));
    assertThat(store.nextRunTime()).contains(at(3));
  }

  @Test
  void advanceTasksFinishesBatchesLargerThanOneStatement() {
    List<String> finished = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      store.addTask(task("t" + i, at(i % 7)));
      if (i != 150) {
        finished.add("t" + i);
      }
    }

    store.advanceTasks(List.of(), finished);

    assertThat(ids(store.allTasks())).containsExactly("t150");
  }

  // ------------------------------------------------------------------ quarantine by the scheduler

  @Test
  void quarantineTaskSetsTheTaskAsideWithItsReason() {
    store.addTask(task("bad", at(1)));
    store.addTask(task("good", at(2)));

    boolean moved = store.quarantineTask("bad", "TRIGGER_ERROR", "stepping failed: boom");

    assertThat(moved).isTrue();
    assertThat(ids(store.allTasks())).containsExactly("good");
    assertThat(store.lookupTask("bad")).isEmpty();
    assertThat(ids(store.dueTasks(at(10)))).containsExactly("good");
    assertThat(store.nextRunTime()).contains(at(2));
    assertThat(store.quarantinedRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.taskId()).isEqualTo("bad");
              assertThat(r.reason()).isEqualTo("TRIGGER_ERROR");
              assertThat(r.detail()).contains("boom");
              assertThat(r.raw()).isNotEmpty();
            });
  }

  @Test
  void quarantineTaskOfAnUnknownIdSaysSoAndChangesNothing() {
    store.addTask(task("a", at(1)));

    assertThat(store.quarantineTask("missing", "UNKNOWN_EXECUTOR", "no executor 'gpu'")).isFalse();
    assertThat(ids(store.allTasks())).containsExactly("a");
    assertThat(store.quarantinedRecords()).isEmpty();
  }

  @Test
  void aTaskQuarantinedByTheSchedulerIsRestoredAsItWas() {
    Task stored = task("bad", at(5));
    store.addTask(stored);
    store.quarantineTask("bad", "UNKNOWN_EXECUTOR", "no executor 'gpu'");

    Task restored = store.restoreQuarantined("bad");

    assertThat(restored).isEqualTo(stored);
    assertThat(store.lookupTask("bad")).contains(stored);
    assertThat(store.quarantinedRecords()).isEmpty();
  }

  @Test
  void aTaskQuarantinedByTheSchedulerIsNotRestoredOverATakenIdAndCanBeDiscarded() {
    store.addTask(task("bad", at(5)));
    store.quarantineTask("bad", "TRIGGER_ERROR", "boom");
    store.addTask(task("bad", at(9)));

    assertThatThrownBy(() -> store.restoreQuarantined("bad"))
        .isInstanceOf(ConflictIdException.class);
    assertThat(store.quarantinedRecords()).hasSize(1);

    store.discardQuarantined("bad");

    assertThat(store.quarantinedRecords()).isEmpty();
    assertThat(store.lookupTask("bad")).contains(task("bad", at(9)));
  }

  @Test
  void removeAllTasksEmptiesTheStore() {
    store.addTask(task("a", at(10)));
    store.addTask(task("b", null));

    store.removeAllTasks();

    assertThat(store.allTasks()).isEmpty();
    assertThat(store.nextRunTime()).isEmpty();
    assertThat(store.dueTasks(at(1_000))).isEmpty();
    assertThat(store.lookupTask("a")).isEmpty();
  }

  // ------------------------------------------------------------------ queries

  @Test
  void emptyStoreHasNoTasksAndNoNextRunTime() {
    assertThat(store.allTasks()).isEmpty();
    assertThat(store.nextRunTime()).isEmpty();
    assertThat(store.dueTasks(at(1_000))).isEmpty();
    assertThat(store.dueTasks(at(1_000), 5)).isEmpty();
  }

  @Test
  void dueTasksAreThoseAtOrBeforeNowEarliestFirstThenById() {
    store.addTask(task("late", at(30)));
    store.addTask(task("b", at(10)));
    store.addTask(task("a", at(10)));
    store.addTask(task("first", at(5)));
    store.addTask(task("paused", null));
    store.addTask(task("exactly-now", at(20)));

    assertThat(ids(store.dueTasks(at(20)))).containsExactly("first", "a", "b", "exactly-now");
    assertThat(store.dueTasks(at(4))).isEmpty();
  }

  @Test
  void dueTasksWithALimitGiveTheEarliest() {
    for (int i = 0; i < 10; i++) {
      store.addTask(task("t" + i, at(100 - i)));
    }
    store.addTask(task("later", at(500)));

    assertThat(ids(store.dueTasks(at(200), 3))).containsExactly("t9", "t8", "t7");
    assertThat(ids(store.dueTasks(at(200), 50))).hasSize(10).doesNotContain("later");
    assertThat(store.dueTasks(at(200), 0)).isEmpty();
    assertThat(ids(store.dueTasks(at(95), 100))).containsExactly("t9", "t8", "t7", "t6", "t5");
  }

  @Test
  void nextRunTimeIsTheEarliestIgnoringPausedTasks() {
    store.addTask(task("paused", null));
    assertThat(store.nextRunTime()).isEmpty();

    store.addTask(task("b", at(50)));
    store.addTask(task("a", at(40)));

    assertThat(store.nextRunTime()).contains(at(40));
  }

  @Test
  void allTasksAreOrderedByNextRunTimeThenIdWithPausedLast() {
    store.addTask(task("p2", null));
    store.addTask(task("c", at(20)));
    store.addTask(task("p1", null));
    store.addTask(task("b", at(10)));
    store.addTask(task("a", at(20)));

    assertThat(ids(store.allTasks())).containsExactly("b", "a", "c", "p1", "p2");
  }

  @Test
  void subSecondRunTimesKeepTheirOrder() {
    store.addTask(task("b", T0.plusMillis(2)));
    store.addTask(task("a", T0.plusMillis(3)));
    store.addTask(task("c", T0.plusMillis(1)));

    assertThat(ids(store.allTasks())).containsExactly("c", "b", "a");
    assertThat(store.lookupTask("a").orElseThrow().nextRunTime()).contains(T0.plusMillis(3));
  }

  // ------------------------------------------------------------------ what survives the store

  /** One trigger of every kind, with their options; a method source for the contract. */
  public static Stream<Trigger> triggers() {
    return Stream.of(
        DateTrigger.at("2026-07-01 12:00:00"),
        DateTrigger.at("2026-07-01T12:00:00.250+02:00"),
        DateTrigger.at("2026-07-01 12:00:00", ZoneId.of("Europe/Berlin")),
        IntervalTrigger.builder().minutes(15).build(), // no start: the scheduler's now + 15 min
        IntervalTrigger.builder()
            .weeks(2)
            .days(3)
            .hours(4)
            .minutes(5)
            .interval(Duration.ofMillis(6_500))
            .startAt("2026-01-01 00:00:00")
            .endAt("2027-01-01 00:00:00")
            .timezone("America/New_York")
            .jitter(Duration.ofMillis(1_500))
            .build(),
        CronTrigger.builder().hour("5").build(),
        CronTrigger.builder()
            .year("2026-2030/2")
            .month("jan-mar,dec")
            .day("last fri,15")
            .dayOfWeek("mon-fri")
            .hour("*/2")
            .minute("0,30")
            .second(0)
            .startAt("2026-02-01T00:00:00Z")
            .endAt("2030-12-31 23:59:59")
            .timezone("Australia/Lord_Howe")
            .jitter(Duration.ofSeconds(30))
            .build(),
        CronTrigger.fromCrontab("0 9 L-2 * 1-5", ZoneId.of("Africa/Cairo")),
        AndTrigger.of(
            List.of(
                CronTrigger.builder().day(13).build(), CronTrigger.builder().dayOfWeek(4).build()),
            Duration.ofSeconds(5)),
        OrTrigger.of(
            CronTrigger.fromCrontab("@daily"),
            AndTrigger.of(IntervalTrigger.builder().hours(1).startAt(T0).build())),
        ShutdownTrigger.instance());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("triggers")
  void taskWithEveryTriggerKindComesBackEqual(Trigger trigger) {
    Task task = task("t", at(60)).toBuilder().trigger(trigger).build();
    store.addTask(task);

    Task stored = store.lookupTask("t").orElseThrow();

    assertThat(stored).isEqualTo(task);
    assertThat(stored.trigger()).isEqualTo(trigger).hasToString(trigger.toString());
    assertThat(store.allTasks()).containsExactly(task);
  }

  @Test
  void argumentsAndOptionsComeBackEqual() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("list", List.of(1, "two", 3.5, false));
    nested.put("none", null);
    nested.put("map", Map.of("k", "v"));
    Task task =
        Task.builder("full")
            .function((args, kwargs) -> null, OTHER_REFERENCE)
            .name("Quarterly report 'Q1' \"draft\" ünïcödé")
            .trigger(CronTrigger.fromCrontab("0 3 * * *"))
            .args(Arrays.asList("a", 42, -7, 7_000_000_000L, 2.25, true, null, List.of("x", 1)))
            .kwargs(nested)
            .executor("pool")
            .storeAlias(ALIAS)
            .mistriggerGraceTime(Duration.ofMillis(1_500))
            .coalesce(false)
            .maxInstances(3)
            .nextRunTime(at(3_600))
            .build();
    store.addTask(task);

    Task stored = store.lookupTask("full").orElseThrow();

    assertThat(stored).isEqualTo(task);
    assertThat(stored.args()).isEqualTo(task.args());
    assertThat(stored.kwargs()).isEqualTo(task.kwargs());
    assertThat(stored.reference()).contains(OTHER_REFERENCE);
    assertThat(stored.name()).isEqualTo(task.name());
    assertThat(stored.function()).isNotNull();
  }

  @Test
  void taskWithoutGraceTimeComesBackWithoutOne() {
    Task task = task("no-grace", at(10)).toBuilder().mistriggerGraceTime(null).build();
    store.addTask(task);

    assertThat(store.lookupTask("no-grace").orElseThrow().mistriggerGraceTime()).isEmpty();
  }

  @Test
  void idsWithUnusualCharactersAreKeptApart() {
    List<String> ids =
        List.of(
            "a b", "a/b", "a\\b", "a:b", "a'b", "a\"b", "ä€😀", "a.b", "A", "a", "x".repeat(190));
    for (int i = 0; i < ids.size(); i++) {
      store.addTask(task(ids.get(i), at(i)));
    }

    for (int i = 0; i < ids.size(); i++) {
      assertThat(store.lookupTask(ids.get(i))).contains(task(ids.get(i), at(i)));
    }
    assertThat(ids(store.allTasks())).containsExactlyElementsOf(ids);
  }

  // ------------------------------------------------------------------ against the reference model

  /** Operations per random sequence. */
  protected int randomOperations() {
    return 400;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 2L, 3L, 20260115L, 0x5EEDL})
  void randomOperationsAgreeWithTheMemoryStore(long seed) {
    try {
      agreeWithMemoryStore(seed, randomOperations());
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("Store disagrees with MemoryStore for seed " + seed + ": " + e, e);
    }
  }

  private void agreeWithMemoryStore(long seed, int operations) {
    Random random = new Random(seed);
    MemoryStore model = new MemoryStore();
    List<Trigger> triggers = triggers().toList();
    for (int step = 0; step < operations; step++) {
      String id = "task-" + random.nextInt(24);
      int op = random.nextInt(100);
      String what;
      if (op < 35) {
        Task task = randomTask(random, id, triggers);
        what = "add " + task;
        same(
            step, what, () -> run(() -> model.addTask(task)), () -> run(() -> store.addTask(task)));
      } else if (op < 60) {
        Task task = randomTask(random, id, triggers);
        what = "update " + task;
        same(
            step,
            what,
            () -> run(() -> model.updateTask(task)),
            () -> run(() -> store.updateTask(task)));
      } else if (op < 75) {
        what = "delete " + id;
        same(
            step,
            what,
            () -> run(() -> model.deleteTask(id)),
            () -> run(() -> store.deleteTask(id)));
      } else if (op < 90) {
        what = "lookup " + id;
        same(step, what, () -> model.lookupTask(id), () -> store.lookupTask(id));
      } else if (op < 99) {
        Instant now = randomTime(random);
        int limit = random.nextInt(6);
        what = "due at " + now + " limit " + limit;
        same(step, what, () -> model.dueTasks(now), () -> store.dueTasks(now));
        same(step, what, () -> model.dueTasks(now, limit), () -> store.dueTasks(now, limit));
      } else {
        what = "remove all";
        model.removeAllTasks();
        store.removeAllTasks();
      }
      same(step, what + " then all tasks", model::allTasks, store::allTasks);
      same(step, what + " then next run time", model::nextRunTime, store::nextRunTime);
    }
  }

  private static Task randomTask(Random random, String id, List<Trigger> triggers) {
    Task.Builder b =
        Task.builder(id)
            .function(TestStoreContext.NOTHING, random.nextBoolean() ? REFERENCE : OTHER_REFERENCE)
            .trigger(triggers.get(random.nextInt(triggers.size())))
            .storeAlias(ALIAS)
            .coalesce(random.nextBoolean())
            .maxInstances(1 + random.nextInt(3))
            .nextRunTime(random.nextInt(6) == 0 ? null : randomTime(random));
    if (random.nextBoolean()) {
      b.args(List.of(random.nextInt(1000), "s" + random.nextInt(10)));
    }
    if (random.nextInt(3) == 0) {
      b.kwargs(Map.of("k" + random.nextInt(3), random.nextBoolean()));
    }
    if (random.nextInt(4) == 0) {
      b.mistriggerGraceTime(null);
    }
    return b.build();
  }

  /** Run times on a coarse grid, so that ties (broken by id) are common. */
  private static Instant randomTime(Random random) {
    return T0.plusSeconds(random.nextInt(40) * 15L).plusMillis(random.nextInt(2) * 250L);
  }

  /** An operation's outcome: its result, or the type of exception it threw. */
  private static Object run(Runnable action) {
    try {
      action.run();
      return "ok";
    } catch (ConflictIdException | TaskLookupException e) {
      return e.getClass().getSimpleName();
    }
  }

  private static void same(int step, String what, Supplier<?> model, Supplier<?> actual) {
    Object expected = model.get();
    Object got = actual.get();
    assertThat(got).as("step %d: %s", step, what).isEqualTo(expected);
  }
}
