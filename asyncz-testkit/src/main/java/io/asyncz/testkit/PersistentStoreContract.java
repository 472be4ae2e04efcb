package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.AsynczException;
import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.RecordCorrupter.Hostile;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of a store that keeps tasks outside the JVM, on top of {@link StoreContract}: tasks
 * survive a new store instance (a restart) and the scheduler then handles the runs it missed
 * exactly as it does without a restart, with the same events; a record that cannot be read (bytes
 * that are not a task, a newer format version, a record encrypted with another key) is quarantined
 * with its exact bytes, reported once, never read again, and can be listed, restored and discarded;
 * nothing else is lost.
 *
 * <p>Besides {@link #createStore()}, a store's test supplies {@link #reopen} (another instance over
 * the same storage, optionally encrypting with a key) and {@link #writeRaw} (bytes put where the
 * store keeps a record, past the store, as a corrupt or foreign record would be found).
 */
public abstract class PersistentStoreContract extends StoreContract {
  /** Bytes that are no task record at all. */
  protected static final byte[] GARBAGE = "not a task {".getBytes(StandardCharsets.UTF_8);

  private final List<TaskStore> opened = new ArrayList<>();

  /** Creates the contract. */
  protected PersistentStoreContract() {}

  /**
   * A new, not started instance over the storage of the store under test.
   *
   * @param key the key records are written with and read with, or {@code null} for plain records
   * @param oldKeys further keys records are read with (a key rotation); only given with a key
   * @throws Exception when the store cannot be made
   */
  protected abstract TaskStore reopen(String key, String... oldKeys) throws Exception;

  /**
   * A new, not started instance over the storage of the store under test, with plain records of at
   * most {@code maxRecordSize} bytes (the stores' {@code max_record_size}).
   *
   * @throws Exception when the store cannot be made
   */
  protected abstract TaskStore reopenWithMaxRecordSize(int maxRecordSize) throws Exception;

  /**
   * Puts {@code raw} where the store under test keeps the record of task {@code id}, with {@code
   * nextRunTime} in its run-time index ({@code null}: none), without going through the store.
   *
   * @throws Exception when writing fails
   */
  protected abstract void writeRaw(String id, Instant nextRunTime, byte[] raw) throws Exception;

  /**
   * The bytes the store under test keeps as the record of task {@code id}, read past the store, or
   * {@code null} when it keeps none.
   *
   * @throws Exception when reading fails
   */
  protected abstract byte[] readRaw(String id) throws Exception;

  /** {@link #reopen} started with the contract's context; shut down after the test. */
  protected final TaskStore open(String key, String... oldKeys) throws Exception {
    TaskStore store = reopen(key, oldKeys);
    store.start(context(), ALIAS);
    opened.add(store);
    return store;
  }

  /** {@link #reopenWithMaxRecordSize} started with the contract's context; shut down after. */
  protected final TaskStore openWithMaxRecordSize(int maxRecordSize) throws Exception {
    TaskStore store = reopenWithMaxRecordSize(maxRecordSize);
    store.start(context(), ALIAS);
    opened.add(store);
    return store;
  }

  @AfterEach
  final void shutDownOpened() {
    for (TaskStore store : opened) {
      store.shutdown();
    }
    opened.clear();
  }

  private List<TaskQuarantinedEvent> quarantineEvents() {
    return context().events().stream()
        .filter(TaskQuarantinedEvent.class::isInstance)
        .map(TaskQuarantinedEvent.class::cast)
        .toList();
  }

  private static String version99(String id) {
    return "{\"format\":\"asyncz.task\",\"version\":99,\"id\":\"" + id + "\",\"future\":true}";
  }

  // ------------------------------------------------------------------ restart

  @Test
  void saysItKeepsItsTasksOutsideTheJvm() {
    // The scheduler then refuses, at add(), a task that the store could not write or read back.
    assertThat(store().persistent()).isTrue();
  }

  @Test
  void tasksSurviveANewInstance() throws Exception {
    Task a = task("a", T0.plusSeconds(60));
    Task paused = task("paused", null);
    store().addTask(a);
    store().addTask(paused);

    TaskStore again = open(null);

    assertThat(again.allTasks()).containsExactly(a, paused);
    assertThat(again.nextRunTime()).contains(T0.plusSeconds(60));
  }

  @Test
  void concurrentAddsOfOneIdFromSeveralInstancesLetExactlyOneWin() throws Exception {
    int clients = 8;
    List<TaskStore> stores = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      stores.add(open(null));
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      for (int round = 0; round < 10; round++) {
        String id = "race-" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          TaskStore client = stores.get(i);
          Task task = task(id, T0.plusSeconds(i));
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    try {
                      client.addTask(task);
                      return true;
                    } catch (ConflictIdException taken) {
                      return false;
                    }
                  }));
        }
        go.countDown();
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          if (results.get(i).get(30, TimeUnit.SECONDS)) {
            winners.add(i);
          }
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        assertThat(store().lookupTask(id)).contains(task(id, T0.plusSeconds(winners.get(0))));
        assertThat(ids(store().allTasks())).filteredOn(id::equals).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void restartHandlesMissedRunsByGraceAndCoalesceWithTheSameEventsAsTheEngine() throws Exception {
    List<String> withoutRestart = missedRunsOver(new MemoryStore(), null);
    List<String> withRestart = missedRunsOver(reopen(null), reopen(null));

    assertThat(withoutRestart)
        .contains(
            "TASK_MISSED[coalesce-30s @2026-01-15T10:12:00Z]",
            "TASK_EXECUTED[every-run @2026-01-15T10:03:00Z]",
            "TASK_EXECUTED[every-run @2026-01-15T10:12:00Z]",
            "TASK_MISSED[some-runs @2026-01-15T10:10:00Z]",
            "TASK_EXECUTED[some-runs @2026-01-15T10:11:00Z]",
            "TASK_EXECUTED[cron-coalesced @2026-01-15T10:10:00Z]",
            "TASK_MISSED[once @2026-01-15T10:05:00Z]",
            "TASK_REMOVED[once @contract]",
            "next paused null");
    assertThat(withRestart).containsExactlyElementsOf(withoutRestart);
  }

  /**
   * Runs tasks for two minutes, then nothing for ten and a bit (the scheduler stopped and started
   * on {@code second} when given, else just idle), then one round: the events of that round and the
   * tasks' next run times after it.
   */
  private List<String> missedRunsOver(TaskStore first, TaskStore second) {
    MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
    ManualScheduler before = scheduler(clock, first);
    before.start();
    IntervalTrigger minute =
        IntervalTrigger.builder().minutes(1).startAt(T0.plus(Duration.ofMinutes(1))).build();
    before
        .task(REFERENCE)
        .id("coalesce-30s")
        .trigger(minute)
        .mistriggerGraceTime(Duration.ofSeconds(30))
        .store(ALIAS)
        .add();
    before
        .task(REFERENCE)
        .id("every-run")
        .trigger(minute)
        .coalesce(false)
        .noGraceLimit()
        .store(ALIAS)
        .add();
    before
        .task(REFERENCE)
        .id("some-runs")
        .trigger(minute)
        .coalesce(false)
        .mistriggerGraceTime(Duration.ofSeconds(150))
        .store(ALIAS)
        .add();
    before
        .task(REFERENCE)
        .id("cron-coalesced")
        .trigger(CronTrigger.fromCrontab("*/5 * * * *", ZoneOffset.UTC))
        .mistriggerGraceTime(Duration.ofMinutes(20))
        .store(ALIAS)
        .add();
    before
        .task(REFERENCE)
        .id("once")
        .trigger(DateTrigger.at(T0.plus(Duration.ofMinutes(5))))
        .store(ALIAS)
        .add();
    before.task(REFERENCE).id("paused").trigger(minute).paused().store(ALIAS).add();
    before.advanceTo(T0.plus(Duration.ofMinutes(2)));

    ManualScheduler after = before;
    if (second != null) {
      before.shutdown(false);
      after = scheduler(clock, second);
    }
    clock.set(T0.plus(Duration.ofMinutes(12)).plusSeconds(45));
    List<String> seen = new ArrayList<>();
    after.addListener(
        event -> {
          if (!(event instanceof SchedulerEvent.Lifecycle)) {
            seen.add(event.toString());
          }
        });
    if (second != null) {
      after.start();
    }
    after.runDue();
    for (Task task : after.getTasks(null)) {
      seen.add("next " + task.id() + " " + task.nextRunTime().orElse(null));
    }
    after.shutdown(false);
    return seen;
  }

  private static ManualScheduler scheduler(MutableClock clock, TaskStore store) {
    return ManualScheduler.with(
        Scheduler.builder().registry(registry()).timezone(ZoneOffset.UTC).store(ALIAS, store),
        clock);
  }

  @Test
  void aSchedulerOnThisStoreRunsEachRunOnceWhileTheStoreRefusesWritesAndCatchesUpAfter()
      throws Exception {
    // The scheduler and this backend together, with writes refused as by a read-only replica: the
    // runs whose next run time could not be stored are never submitted again, and once the store
    // takes writes again their schedule is written and they go on.
    MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
    FaultyStore faulty = FaultyStore.wrap(reopen(null));
    AtomicInteger runs = new AtomicInteger();
    TaskRegistry counting =
        new TaskRegistry()
            .register(REFERENCE, (args, kwargs) -> runs.incrementAndGet())
            .register(OTHER_REFERENCE, (args, kwargs) -> null);
    ManualScheduler scheduler =
        ManualScheduler.with(
            Scheduler.builder()
                .registry(counting)
                .timezone(ZoneOffset.UTC)
                .storeRetryInterval(Duration.ofSeconds(10))
                .store(ALIAS, faulty),
            clock);
    scheduler.start();
    try {
      scheduler
          .task(REFERENCE)
          .id("every-second")
          .trigger(IntervalTrigger.builder().seconds(1).startAt(T0.plusSeconds(1)).build())
          .coalesce(false)
          .noGraceLimit()
          .store(ALIAS)
          .add();
      faulty.fail(FaultyStore.WRITES);

      scheduler.advance(Duration.ofSeconds(5)); // a runaway loop fails after a million rounds

      assertThat(runs).hasValue(1);
      assertThat(store().lookupTask("every-second").flatMap(Task::nextRunTime))
          .contains(T0.plusSeconds(1)); // nothing was written

      faulty.heal();
      scheduler.advance(
          Duration.ofSeconds(10)); // the retry writes the held schedule, runs catch up

      assertThat(runs).hasValue(15); // every run time from T0+1 to T0+15, each once
      assertThat(store().lookupTask("every-second").flatMap(Task::nextRunTime))
          .contains(T0.plusSeconds(16));
    } finally {
      scheduler.shutdown(false);
    }
  }

  /**
   * One-shot tasks added to this store from three threads while a scheduler on it runs them: each
   * runs exactly once, none lost and none twice, whether added one at a time or in a batch, due
   * now, due a moment ago or due a few milliseconds later. On a persistent store every add is
   * stored first, and the adding thread and the loop thread race for the due ones.
   */
  @ParameterizedTest(name = "{0} executor")
  @ValueSource(strings = {"pool", "inline"})
  void oneShotTasksAddedFromSeveralThreadsToARunningSchedulerRunExactlyOnce(String executor)
      throws Exception {
    int threads = 3;
    int perThread = 120;
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    CountDownLatch allRan = new CountDownLatch(threads * perThread);
    TaskRegistry counting =
        registry()
            .register(
                "contract.count",
                (args, kwargs) -> {
                  String key = (String) args.get(0);
                  if (runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() == 1) {
                    allRan.countDown();
                  }
                  return null;
                });
    Scheduler scheduler =
        Scheduler.builder()
            .registry(counting)
            .executor(
                "default", executor.equals("pool") ? new PoolExecutor(4) : new InlineExecutor())
            .store(ALIAS, reopen(null))
            .build();
    scheduler.start();
    ExecutorService adders = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> added = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String prefix = "t" + t + "-";
        added.add(adders.submit(() -> addOneShotTasks(scheduler, prefix, perThread)));
      }
      for (Future<?> f : added) {
        f.get(120, TimeUnit.SECONDS);
      }
      assertThat(allRan.await(120, TimeUnit.SECONDS))
          .as("every task ran; %d had not", allRan.getCount())
          .isTrue();
    } finally {
      adders.shutdownNow();
      scheduler.shutdown(true);
    }
    assertThat(runs).hasSize(threads * perThread);
    assertThat(runs.entrySet())
        .filteredOn(e -> e.getValue().get() != 1)
        .as("tasks that did not run exactly once")
        .isEmpty();
    assertThat(store().allTasks()).as("one-shot tasks left in the store").isEmpty();
  }

  /**
   * {@code count} tasks of {@code contract.count}, each with its own key, added four ways; no grace
   * limit, since a run started more than the default second late on a loaded machine is missed, as
   * the seed says (a helper's run saw 7 of 360 on SQLite at load 4–5), which is not a loss.
   */
  private static void addOneShotTasks(Scheduler scheduler, String prefix, int count) {
    int batch = 10;
    for (int i = 0; i < count; i += batch) {
      int first = i;
      Instant now = scheduler.clock().instant();
      switch (i / batch % 4) {
        case 0 -> {
          for (int n = 0; n < batch; n++) {
            scheduler
                .task("contract.count")
                .args(prefix + (first + n))
                .store(ALIAS)
                .noGraceLimit()
                .add();
          }
        }
        case 1 ->
            scheduler.addAll(
                b -> {
                  for (int n = 0; n < batch; n++) {
                    b.task("contract.count")
                        .args(prefix + (first + n))
                        .store(ALIAS)
                        .noGraceLimit()
                        .add();
                  }
                });
        case 2 -> {
          for (int n = 0; n < batch; n++) {
            scheduler
                .task("contract.count")
                .args(prefix + (first + n))
                .trigger(DateTrigger.at(now.plusMillis(n % 5)))
                .store(ALIAS)
                .noGraceLimit()
                .add();
          }
        }
        default -> {
          for (int n = 0; n < batch; n++) {
            scheduler
                .task("contract.count")
                .args(prefix + (first + n))
                .trigger(DateTrigger.at(now.minusMillis(1)))
                .store(ALIAS)
                .noGraceLimit()
                .add();
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ quarantine

  @Test
  void anUnreadableRecordIsQuarantinedWithItsBytesAndReportedOnce() throws Exception {
    store().addTask(task("a", T0));
    store().addTask(task("c", T0.plusSeconds(2)));
    writeRaw("b", T0.plusSeconds(1), GARBAGE);

    assertThat(ids(store().dueTasks(T0.plusSeconds(10)))).containsExactly("a", "c");

    List<QuarantinedRecord> quarantined = store().quarantinedRecords();
    assertThat(quarantined).hasSize(1);
    QuarantinedRecord b = quarantined.get(0);
    assertThat(b.taskId()).isEqualTo("b");
    assertThat(b.raw()).isEqualTo(GARBAGE);
    assertThat(b.reason()).isEqualTo("MALFORMED");
    assertThat(b.detail()).contains("'b'");
    assertThat(b.quarantinedAt()).isEqualTo(T0);
    assertThat(quarantineEvents())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskId()).isEqualTo("b");
              assertThat(e.store()).isEqualTo(ALIAS);
              assertThat(e.reason()).isEqualTo("MALFORMED");
            });

    // Out of the schedule: not read again, not in the way of the others.
    assertThat(ids(store().dueTasks(T0.plusSeconds(10)))).containsExactly("a", "c");
    assertThat(ids(store().allTasks())).containsExactly("a", "c");
    assertThat(store().lookupTask("b")).isEmpty();
    assertThat(store().nextRunTime()).contains(T0);
    assertThat(quarantineEvents()).hasSize(1);
  }

  @Test
  void unreadableRecordsAmongTheEarliestDoNotShortenABatch() throws Exception {
    for (int i = 0; i < 20; i++) {
      writeRaw("bad-" + i, T0.minusSeconds(1), GARBAGE);
    }
    for (int i = 0; i < 300; i++) {
      store().addTask(task(String.format("good-%03d", i), T0.plusMillis(i)));
    }

    List<Task> due = store().dueTasks(T0.plusSeconds(1), 256);

    assertThat(due).hasSize(256);
    assertThat(due.get(0).id()).isEqualTo("good-000");
    assertThat(due.get(255).id()).isEqualTo("good-255");
    assertThat(store().quarantinedRecords()).hasSize(20);
    assertThat(store().dueTasks(T0.plusSeconds(1), 256)).containsExactlyElementsOf(due);
  }

  /** Every way a store reads records, each checking what the read gives back. */
  protected static List<Consumer<TaskStore>> readPaths() {
    return List.of(
        s -> assertThat(s.lookupTask("bad")).isEmpty(),
        s -> assertThat(ids(s.dueTasks(T0.plusSeconds(10)))).containsExactly("good"),
        s -> assertThat(ids(s.dueTasks(T0.plusSeconds(10), 1))).containsExactly("good"),
        s -> assertThat(s.nextRunTime()).contains(T0.plusSeconds(5)),
        s -> assertThat(ids(s.allTasks())).containsExactly("good", "paused"),
        s -> {
          s.removeAllTasks();
          assertThat(s.allTasks()).isEmpty();
        });
  }

  @ParameterizedTest
  @MethodSource("readPaths")
  void everyReadQuarantinesAnUnreadableRecordOnceWithItsBytes(Consumer<TaskStore> read)
      throws Exception {
    store().addTask(task("good", T0.plusSeconds(5)));
    store().addTask(task("paused", null));
    writeRaw("bad", T0, GARBAGE);

    read.accept(store());
    read.accept(store());

    assertThat(store().quarantinedRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.taskId()).isEqualTo("bad");
              assertThat(r.raw()).isEqualTo(GARBAGE);
              assertThat(r.reason()).isEqualTo("MALFORMED");
              assertThat(r.quarantinedAt()).isEqualTo(T0);
            });
    assertThat(quarantineEvents())
        .singleElement()
        .satisfies(e -> assertThat(e.taskId()).isEqualTo("bad"));
    assertThat(store().lookupTask("bad")).isEmpty();
  }

  @Test
  void eachReadPathQuarantines() throws Exception {
    writeRaw("by-lookup", T0, GARBAGE);
    writeRaw("by-next-run-time", T0, GARBAGE);
    writeRaw("by-all-tasks", null, GARBAGE);

    assertThat(store().lookupTask("by-lookup")).isEmpty();
    assertThat(store().nextRunTime()).isEmpty();
    assertThat(store().allTasks()).isEmpty();

    assertThat(store().quarantinedRecords())
        .extracting(QuarantinedRecord::taskId)
        .containsExactlyInAnyOrder("by-lookup", "by-next-run-time", "by-all-tasks");
    assertThat(quarantineEvents()).hasSize(3);
  }

  @Test
  void aNewerFormatVersionIsQuarantinedNotMisread() throws Exception {
    writeRaw("v", T0, version99("v").getBytes(StandardCharsets.UTF_8));

    assertThat(store().dueTasks(T0)).isEmpty();

    QuarantinedRecord v = store().quarantinedRecords().get(0);
    assertThat(v.reason()).isEqualTo("UNSUPPORTED_VERSION");
    assertThat(v.detail()).contains("99");
    assertThat(new String(v.raw(), StandardCharsets.UTF_8)).isEqualTo(version99("v"));
  }

  @Test
  void aRecordOfAnotherKeyIsQuarantinedAndRestoredOnceThatKeyIsListedAsOld() throws Exception {
    Task secret = task("secret", T0).toBuilder().args(List.of("s3cr3t")).build();
    open("key-one").addTask(secret);

    TaskStore rotated = open("key-two");
    assertThat(rotated.lookupTask("secret")).isEmpty();
    assertThat(rotated.quarantinedRecords())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("UNDECRYPTABLE"));
    assertThatThrownBy(() -> rotated.restoreQuarantined("secret"))
        .isInstanceOf(AsynczException.class)
        .hasMessageContaining("secret")
        .hasMessageContaining("UNDECRYPTABLE");

    TaskStore withOldKey = open("key-two", "key-one");
    assertThat(withOldKey.restoreQuarantined("secret")).isEqualTo(secret);
    assertThat(withOldKey.quarantinedRecords()).isEmpty();
    // Restored records are written again with the current key.
    assertThat(open("key-two").lookupTask("secret")).contains(secret);
  }

  @Test
  void aPlainStoreQuarantinesAnEncryptedRecord() throws Exception {
    open("key-one").addTask(task("sealed", T0));

    assertThat(store().lookupTask("sealed")).isEmpty();
    assertThat(store().quarantinedRecords())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("UNDECRYPTABLE"));
  }

  @Test
  void anEncryptedStoreReadsItsOwnRecordsAndThePlainOnesWrittenBeforeAKeyWasSet() throws Exception {
    Task plain = task("plain", T0);
    store().addTask(plain);
    TaskStore sealed = open("key-one");
    Task a = task("a", T0).toBuilder().kwargs(Map.of("to", "ops@example.com")).build();
    sealed.addTask(a);
    sealed.updateTask(a.withNextRunTime(T0.plusSeconds(5)));

    assertThat(sealed.lookupTask("a")).contains(a.withNextRunTime(T0.plusSeconds(5)));
    assertThat(open("key-one").allTasks())
        .containsExactly(plain, a.withNextRunTime(T0.plusSeconds(5)));
    assertThat(quarantineEvents()).isEmpty();
  }

  @Test
  void restoringARecordThatIsStillUnreadableFailsAndKeepsIt() throws Exception {
    writeRaw("b", T0, GARBAGE);
    store().dueTasks(T0);

    assertThatThrownBy(() -> store().restoreQuarantined("b"))
        .isInstanceOf(AsynczException.class)
        .hasMessageContaining("'b'")
        .hasMessageContaining("MALFORMED");
    assertThat(store().quarantinedRecords()).extracting(QuarantinedRecord::taskId).contains("b");
    assertThat(store().lookupTask("b")).isEmpty();
  }

  @Test
  void restoringOverATakenIdConflictsAndKeepsTheRecord() throws Exception {
    Task original = task("x", T0);
    open("key-one").addTask(original);
    store().dueTasks(T0); // quarantined: the plain store cannot open it
    Task replacement = task("x", T0.plusSeconds(9));
    store().addTask(replacement);

    TaskStore withKey = open("key-one");
    assertThatThrownBy(() -> withKey.restoreQuarantined("x"))
        .isInstanceOf(ConflictIdException.class);
    assertThat(withKey.quarantinedRecords()).hasSize(1);
    assertThat(withKey.lookupTask("x")).contains(replacement);

    withKey.deleteTask("x");
    assertThat(withKey.restoreQuarantined("x")).isEqualTo(original);
    assertThat(open("key-one").lookupTask("x")).contains(original);
  }

  @Test
  void theSameIdQuarantinedTwiceKeepsBothAndRestoreTakesTheNewest() throws Exception {
    writeRaw("twice", T0, GARBAGE);
    store().dueTasks(T0);
    context().mutableClock().advance(Duration.ofSeconds(1));
    open("key-one").addTask(task("twice", T0.plusSeconds(3)));
    store().dueTasks(T0.plusSeconds(5));

    List<QuarantinedRecord> both = store().quarantinedRecords();
    assertThat(both)
        .extracting(QuarantinedRecord::reason)
        .containsExactly("MALFORMED", "UNDECRYPTABLE");
    assertThat(both.get(0).quarantinedAt()).isBefore(both.get(1).quarantinedAt());

    assertThat(open("key-one").restoreQuarantined("twice"))
        .isEqualTo(task("twice", T0.plusSeconds(3)));
    assertThat(store().quarantinedRecords())
        .singleElement()
        .satisfies(r -> assertThat(r.raw()).isEqualTo(GARBAGE));
  }

  @Test
  void discardDeletesOnlyThatIdForGood() throws Exception {
    writeRaw("gone", T0, GARBAGE);
    writeRaw("kept", T0, GARBAGE);
    store().dueTasks(T0);

    store().discardQuarantined("gone");

    assertThat(store().quarantinedRecords())
        .extracting(QuarantinedRecord::taskId)
        .containsExactly("kept");
    assertThatThrownBy(() -> store().discardQuarantined("gone"))
        .isInstanceOf(TaskLookupException.class);
    assertThatThrownBy(() -> store().restoreQuarantined("never"))
        .isInstanceOf(TaskLookupException.class);
  }

  // ------------------------------------------------------------------ hostile records

  @Test
  void theCorruptersValidRecordReadsAsTheContractsTask() throws Exception {
    writeRaw("control", T0, RecordCorrupter.valid("control", T0));

    assertThat(store().lookupTask("control")).contains(task("control", T0));
    assertThat(store().quarantinedRecords()).isEmpty();
  }

  /** Every way a store reads records, each checking what the read gives back beside the hostile. */
  static Stream<Arguments> hostileReadPaths() {
    Consumer<TaskStore> lookup =
        s -> {
          for (Hostile h : hostileRecords()) {
            assertThat(s.lookupTask(h.id())).as(h.kind()).isEmpty();
          }
          assertThat(s.lookupTask("good")).contains(task("good", T0.plusSeconds(5)));
        };
    Consumer<TaskStore> due =
        s -> assertThat(ids(s.dueTasks(T0.plusSeconds(10)))).containsExactly("good", "control");
    Consumer<TaskStore> dueLimited =
        s -> assertThat(ids(s.dueTasks(T0.plusSeconds(10), 1))).containsExactly("good");
    Consumer<TaskStore> next = s -> assertThat(s.nextRunTime()).contains(T0.plusSeconds(5));
    Consumer<TaskStore> all =
        s -> assertThat(ids(s.allTasks())).containsExactly("good", "control", "paused");
    Consumer<TaskStore> removeAll =
        s -> {
          s.removeAllTasks();
          assertThat(s.allTasks()).isEmpty();
        };
    return Stream.of(
        Arguments.of("lookupTask", lookup),
        Arguments.of("dueTasks", due),
        Arguments.of("dueTasks with a limit", dueLimited),
        Arguments.of("nextRunTime", next),
        Arguments.of("allTasks", all),
        Arguments.of("removeAllTasks", removeAll));
  }

  private static List<Hostile> hostileRecords() {
    return RecordCorrupter.catalogue("bad-", T0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileReadPaths")
  void everyHostileRecordIsQuarantinedAloneUnderItsIdWithItsExactBytes(
      String path, Consumer<TaskStore> read) throws Exception {
    List<Hostile> hostile = hostileRecords();
    for (Hostile h : hostile) {
      writeRaw(h.id(), T0, h.raw());
    }
    store().addTask(task("good", T0.plusSeconds(5)));
    store().addTask(task("paused", null));
    writeRaw("control", T0.plusSeconds(6), RecordCorrupter.valid("control", T0.plusSeconds(6)));

    read.accept(store());
    read.accept(store());

    Map<String, QuarantinedRecord> quarantined = new HashMap<>();
    for (QuarantinedRecord r : store().quarantinedRecords()) {
      assertThat(quarantined.put(r.taskId(), r)).as("a second record of %s", r.taskId()).isNull();
    }
    assertThat(quarantined.keySet())
        .containsExactlyInAnyOrderElementsOf(hostile.stream().map(Hostile::id).toList());
    for (Hostile h : hostile) {
      QuarantinedRecord r = quarantined.get(h.id());
      assertThat(r.raw()).as("the bytes of %s", h.kind()).isEqualTo(h.raw());
      assertThat(r.reason()).as("the reason of %s: %s", h.kind(), r.detail()).isIn(h.reasons());
      assertThat(r.quarantinedAt()).isEqualTo(T0);
    }
    assertThat(quarantineEvents()).hasSize(hostile.size());
  }

  @Test
  void hostileRecordsNeitherStopTheOtherTasksNorTheScheduler() throws Exception {
    List<Hostile> hostile = hostileRecords();
    for (Hostile h : hostile) {
      writeRaw(h.id(), T0, h.raw());
    }
    MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
    ManualScheduler scheduler = scheduler(clock, reopen(null));
    List<String> seen = new ArrayList<>();
    scheduler.addListener(event -> seen.add(event.toString()));
    scheduler.start();
    IntervalTrigger minute = IntervalTrigger.builder().minutes(1).startAt(T0).build();
    scheduler.task(REFERENCE).id("every-minute").trigger(minute).store(ALIAS).add();
    scheduler
        .task(REFERENCE)
        .id("once")
        .trigger(DateTrigger.at(T0.plusSeconds(30)))
        .store(ALIAS)
        .add();

    scheduler.advanceTo(T0.plusSeconds(150));

    assertThat(seen)
        .filteredOn(e -> e.startsWith("TASK_EXECUTED"))
        .containsExactly(
            "TASK_EXECUTED[every-minute @2026-01-15T10:00:00Z]",
            "TASK_EXECUTED[once @2026-01-15T10:00:30Z]",
            "TASK_EXECUTED[every-minute @2026-01-15T10:01:00Z]",
            "TASK_EXECUTED[every-minute @2026-01-15T10:02:00Z]");
    assertThat(seen).filteredOn(e -> e.startsWith("TASK_QUARANTINED")).hasSize(hostile.size());
    assertThat(scheduler.quarantinedRecords().get(ALIAS)).hasSize(hostile.size());
    scheduler.shutdown(false);
  }

  // ------------------------------------------------------------------ record sizes

  /** The default maximum record size of every persistent store, 1 MiB. */
  private static final int DEFAULT_MAX = 1 << 20;

  private static Task withArgument(String id, Instant next, int characters) {
    return task(id, next).toBuilder().args(List.of("x".repeat(characters))).build();
  }

  @Test
  void aTaskWhoseRecordIsOverTheMaximumSizeIsRefusedAndNothingIsWritten() throws Exception {
    Task small = task("small", T0);
    store().addTask(small);
    Task big = withArgument("big", T0, DEFAULT_MAX + 1);

    assertThatThrownBy(() -> store().addTask(big))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"big\"")
        .hasMessageMatching("(?s).*\"1048\\d{3} bytes\".*")
        .hasMessageContaining("max_record_size (1048576 bytes)");
    assertThat(readRaw("big")).isNull();
    assertThatThrownBy(() -> store().updateTask(withArgument("small", T0, DEFAULT_MAX + 1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"small\"");
    assertThat(store().lookupTask("small")).contains(small);
    List<Task> batch = List.of(task("a", T0), big, task("c", T0));
    assertThatThrownBy(() -> store().addTasks(batch)).isInstanceOf(InvalidInputException.class);
    assertThat(ids(store().allTasks())).containsExactly("small");
    assertThat(readRaw("a")).isNull();

    Task justUnder = withArgument("just-under", T0, DEFAULT_MAX - 1000);
    store().addTask(justUnder);
    assertThat(store().lookupTask("just-under")).contains(justUnder);
  }

  @Test
  void theMaximumRecordSizeIsAStoreSetting() throws Exception {
    TaskStore limited = openWithMaxRecordSize(2048);

    assertThatThrownBy(() -> limited.addTask(withArgument("big", T0, 3000)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_record_size (2048 bytes)");
    limited.addTask(withArgument("fits", T0, 1000));
    assertThat(ids(limited.allTasks())).containsExactly("fits");
  }

  @ParameterizedTest
  @MethodSource("readPaths")
  void aRecordOverTheReadLimitIsQuarantinedAsTooLargeWithoutBeingRead(Consumer<TaskStore> read)
      throws Exception {
    TaskStore limited = openWithMaxRecordSize(1024); // reads records of up to 16 KiB
    limited.addTask(task("good", T0.plusSeconds(5)));
    limited.addTask(task("paused", null));
    // A valid record, which would read if it were read at all.
    byte[] huge = RecordCorrupter.huge("bad", T0, 20_000);
    writeRaw("bad", T0, huge);

    read.accept(limited);
    read.accept(limited);

    assertThat(limited.quarantinedRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.taskId()).isEqualTo("bad");
              assertThat(r.reason()).isEqualTo("TOO_LARGE");
              assertThat(r.raw()).isEqualTo(huge);
              assertThat(r.detail())
                  .contains(huge.length + " bytes")
                  .contains("16384 bytes")
                  .contains("max_record_size");
            });
    assertThat(quarantineEvents())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("TOO_LARGE"));
    // Raising the limit brings it back.
    Task restored = open(null).restoreQuarantined("bad");
    assertThat(restored).isEqualTo(task("bad", T0).toBuilder().args(restored.args()).build());
    assertThat(restored.args()).singleElement().asString().matches("x{19000,}");
  }

  @Test
  void aStoredRecordOverALoweredLimitStillReadsAndAdvances() throws Exception {
    Task stored = withArgument("stored", T0, 4000);
    store().addTask(stored);
    TaskStore lowered = openWithMaxRecordSize(1024);

    assertThat(lowered.lookupTask("stored")).contains(stored);
    lowered.advanceTasks(List.of(stored.withNextRunTime(T0.plusSeconds(60))), List.of());

    assertThat(lowered.lookupTask("stored")).contains(stored.withNextRunTime(T0.plusSeconds(60)));
    assertThat(ids(lowered.dueTasks(T0.plusSeconds(60)))).containsExactly("stored");
    assertThatThrownBy(() -> lowered.updateTask(stored)).isInstanceOf(InvalidInputException.class);
    assertThat(lowered.quarantinedRecords()).isEmpty();
  }

  // ------------------------------------------------------------------ quarantine by the scheduler

  @Test
  void quarantineTaskKeepsTheStoredBytesExactlyAndLeavesTheEventToTheScheduler() throws Exception {
    TaskStore sealed = open("key-one");
    Task stored = task("bad", T0).toBuilder().args(List.of("s3cr3t")).build();
    sealed.addTask(stored);
    sealed.addTask(task("good", T0.plusSeconds(1)));
    byte[] raw = readRaw("bad");

    assertThat(sealed.quarantineTask("bad", "TRIGGER_ERROR", "stepping failed: boom")).isTrue();

    assertThat(readRaw("bad")).isNull();
    assertThat(quarantineEvents()).isEmpty();
    TaskStore again = open("key-one");
    assertThat(ids(again.dueTasks(T0.plusSeconds(5)))).containsExactly("good");
    assertThat(again.quarantinedRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.taskId()).isEqualTo("bad");
              assertThat(r.raw()).isEqualTo(raw);
              assertThat(r.reason()).isEqualTo("TRIGGER_ERROR");
              assertThat(r.detail()).isEqualTo("stepping failed: boom");
              assertThat(r.quarantinedAt()).isEqualTo(T0);
            });
    assertThat(again.restoreQuarantined("bad")).isEqualTo(stored);
    assertThat(again.quarantinedRecords()).isEmpty();
  }

  @Test
  void quarantineTaskTwiceKeepsOneRecordPerMove() throws Exception {
    store().addTask(task("twice", T0));
    assertThat(store().quarantineTask("twice", "UNKNOWN_EXECUTOR", "no executor 'gpu'")).isTrue();
    assertThat(store().quarantineTask("twice", "UNKNOWN_EXECUTOR", "again")).isFalse();
    context().mutableClock().advance(Duration.ofSeconds(1));
    store().addTask(task("twice", T0.plusSeconds(7)));
    assertThat(store().quarantineTask("twice", "TRIGGER_ERROR", "boom")).isTrue();

    assertThat(store().quarantinedRecords())
        .extracting(QuarantinedRecord::reason)
        .containsExactly("UNKNOWN_EXECUTOR", "TRIGGER_ERROR");
    assertThat(store().restoreQuarantined("twice")).isEqualTo(task("twice", T0.plusSeconds(7)));
    assertThat(store().quarantinedRecords())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("UNKNOWN_EXECUTOR"));
  }

  @Test
  void removeAllTasksKeepsTheQuarantine() throws Exception {
    store().addTask(task("a", T0));
    writeRaw("b", T0, GARBAGE);
    store().dueTasks(T0);

    store().removeAllTasks();

    assertThat(store().allTasks()).isEmpty();
    assertThat(store().quarantinedRecords())
        .extracting(QuarantinedRecord::taskId)
        .containsExactly("b");
  }

  @Test
  void hostileIdsAreQuarantinedAndRestoredUnderTheirOwnId() throws Exception {
    // Hostile to file names and SQL, yet valid task ids (a line break no longer is one).
    List<String> hostile =
        List.of("../x", "..", "a/b", "..\\x", "it's \"quoted\"", "x'; DROP TABLE t; --");
    for (String id : hostile) {
      writeRaw(id, T0, GARBAGE);
    }
    store().addTask(task("x", T0));

    assertThat(ids(store().dueTasks(T0))).containsExactly("x");
    assertThat(store().quarantinedRecords())
        .extracting(QuarantinedRecord::taskId)
        .containsExactlyInAnyOrderElementsOf(hostile);

    Function<String, Task> good = id -> task(id, T0.plusSeconds(1));
    TaskStore other = open("key-one");
    for (String id : hostile) {
      store().discardQuarantined(id);
      other.addTask(good.apply(id));
    }
    store().dueTasks(T0.plusSeconds(1)); // all quarantined again: the plain store has no key
    for (String id : hostile) {
      assertThat(other.restoreQuarantined(id)).isEqualTo(good.apply(id));
    }
    assertThat(ids(other.allTasks())).hasSize(hostile.size() + 1).contains("x");
  }
}
