package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunOrder;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunRetention;
import io.asyncz.history.RunStatus;
import io.asyncz.run.RunIds;
import io.asyncz.store.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link RunHistory}, as one JUnit test class: every store's test extends it and
 * supplies only {@link #createStore()} (the memory history's test overrides {@link #open}).
 *
 * <p>It checks saving and replacing by run id, finding, the query filters (task, status, time
 * range), paging with a cursor across many pages without gaps or repeats, retention by count and by
 * age, and concurrent saves.
 */
public abstract class RunHistoryContract {
  /** The instant the contract's clock starts at. */
  protected static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  /** The retention most tests use: enough never to drop a run. */
  protected static final RunRetention ROOMY = new RunRetention(10_000, Duration.ofDays(30));

  private MutableClock clock;
  private TestStoreContext context;
  private TaskStore store;
  private RunHistory history;

  /** Creates the contract. */
  protected RunHistoryContract() {}

  /**
   * A new, empty store for one test, whose {@link TaskStore#runHistory} the contract reads; the
   * contract starts it and shuts it down. {@code null} for a test that overrides {@link #open}.
   */
  protected abstract TaskStore createStore() throws Exception;

  /** Removes what the store left behind after a test, once it is shut down; by default nothing. */
  protected void cleanUp(TaskStore store) throws Exception {}

  /** The history under test, with {@code retention}, judging age on {@code clock}. */
  protected RunHistory open(RunRetention retention, MutableClock clock) {
    return store
        .runHistory(retention)
        .orElseThrow(() -> new AssertionError(store + " keeps no run history"));
  }

  /** The contract's clock. */
  protected final MutableClock clock() {
    return clock;
  }

  @BeforeEach
  final void openHistory() throws Exception {
    clock = MutableClock.at(T0, ZoneOffset.UTC);
    context = new TestStoreContext(clock, StoreContract.registry());
    store = createStore();
    if (store != null) {
      store.start(context, StoreContract.ALIAS);
    }
    history = open(ROOMY, clock);
  }

  @AfterEach
  final void closeHistory() throws Exception {
    if (store != null) {
      store.shutdown();
      cleanUp(store);
    }
  }

  // ------------------------------------------------------------------ records

  /** A finished run of {@code task} that started at {@code start}. */
  protected static RunRecord run(String task, Instant start, RunStatus status) {
    return new RunRecord(
        RunIds.next(start.toEpochMilli()),
        task,
        "name of " + task,
        StoreContract.ALIAS,
        "default",
        status,
        "scheduled",
        1,
        start.minusMillis(3),
        start,
        status.ended() && status != RunStatus.MISSED && status != RunStatus.SKIPPED
            ? start.plusMillis(250)
            : null,
        "node-1",
        status == RunStatus.SUCCEEDED ? "42" : null,
        status == RunStatus.FAILED ? "java.lang.IllegalStateException" : null,
        status == RunStatus.FAILED ? "broken" : null,
        status == RunStatus.FAILED
            ? "java.lang.IllegalStateException: broken\n\tat x.y(Z.java:1)"
            : null,
        null);
  }

  private static RunRecord withStatus(RunRecord r, RunStatus status, Instant end, String result) {
    return new RunRecord(
        r.runId(),
        r.taskId(),
        r.taskName(),
        r.store(),
        r.executor(),
        status,
        r.source(),
        r.attempt(),
        r.scheduledAt(),
        r.startedAt(),
        end,
        r.node(),
        result,
        r.errorType(),
        r.errorMessage(),
        r.stackTrace(),
        r.log());
  }

  private List<RunRecord> all(RunQuery query) {
    List<RunRecord> runs = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    RunPage page = history.query(query);
    runs.addAll(page.runs());
    while (page.next() != null) {
      assertThat(cursors.add(page.next())).as("cursor repeated: %s", page.next()).isTrue();
      page = history.query(query.after(page.next()));
      runs.addAll(page.runs());
    }
    return runs;
  }

  // ------------------------------------------------------------------ saving and finding

  @Test
  void keepsEveryFieldOfARecord() {
    String trace =
        "java.lang.RuntimeException: ünïcödé ✓ \"quoted\"\n" + "\tat a.b(C.java:1)\n".repeat(500);
    RunRecord failed =
        new RunRecord(
            RunIds.next(T0.toEpochMilli()),
            "billing.remind",
            "Remind ✓",
            StoreContract.ALIAS,
            "pool",
            RunStatus.FAILED,
            "manual",
            2,
            T0.minusSeconds(1),
            T0,
            T0.plusMillis(1234),
            "node-7",
            null,
            "java.lang.RuntimeException",
            "ünïcödé ✓ \"quoted\"",
            trace,
            "a log line\nanother");
    history.save(failed);

    assertThat(history.find(failed.runId())).contains(failed);
    assertThat(history.query(RunQuery.ALL).runs()).containsExactly(failed);
  }

  @Test
  void keepsARunningRecordWithItsNulls() {
    RunRecord running = run("a", T0, RunStatus.RUNNING);
    history.save(running);

    assertThat(history.find(running.runId())).contains(running);
  }

  @Test
  void aRunSavedAgainReplacesItsRecord() {
    RunRecord running = run("a", T0, RunStatus.RUNNING);
    history.save(running);
    RunRecord done = withStatus(running, RunStatus.SUCCEEDED, T0.plusSeconds(2), "done");
    history.save(done);

    assertThat(history.find(running.runId())).contains(done);
    assertThat(history.query(RunQuery.ALL).runs()).containsExactly(done);
  }

  @Test
  void saveAllWritesABatchAndTheLaterRecordOfARunWins() {
    RunRecord a = run("a", T0, RunStatus.RUNNING);
    RunRecord b = run("b", T0.plusSeconds(1), RunStatus.MISSED);
    RunRecord aDone = withStatus(a, RunStatus.FAILED, T0.plusSeconds(5), null);
    history.saveAll(List.of(a, b, aDone));

    assertThat(history.query(RunQuery.ALL).runs()).containsExactly(b, aDone);
  }

  @Test
  void findsNothingForAnUnknownRun() {
    assertThat(history.find(RunIds.next(T0.toEpochMilli()))).isEmpty();
  }

  // ------------------------------------------------------------------ queries

  @Test
  void givesRunsNewestFirstAndFiltersByTaskStatusAndTime() {
    RunRecord a1 = run("a", T0, RunStatus.SUCCEEDED);
    RunRecord b1 = run("b", T0.plusSeconds(10), RunStatus.FAILED);
    RunRecord a2 = run("a", T0.plusSeconds(20), RunStatus.MISSED);
    RunRecord a3 = run("a", T0.plusSeconds(30), RunStatus.SKIPPED);
    RunRecord b2 = run("b", T0.plusSeconds(40), RunStatus.RUNNING);
    history.saveAll(List.of(a1, b1, a2, a3, b2));

    assertThat(history.query(RunQuery.ALL).runs()).containsExactly(b2, a3, a2, b1, a1);
    assertThat(history.query(RunQuery.forTask("a", 50)).runs()).containsExactly(a3, a2, a1);
    assertThat(
            history
                .query(
                    new RunQuery(
                        null, Set.of(RunStatus.FAILED, RunStatus.MISSED), null, null, 50, null))
                .runs())
        .containsExactly(a2, b1);
    assertThat(
            history
                .query(
                    new RunQuery(null, Set.of(), T0.plusSeconds(10), T0.plusSeconds(30), 50, null))
                .runs())
        .as("from is inclusive, to exclusive")
        .containsExactly(a2, b1);
    assertThat(
            history.query(new RunQuery("b", Set.of(RunStatus.RUNNING), T0, null, 50, null)).runs())
        .containsExactly(b2);
    assertThat(history.query(RunQuery.forTask("nobody", 50)).runs()).isEmpty();
  }

  @Test
  void aPageOfExactlyTheLimitHasNoNextWhenNothingFollows() {
    history.saveAll(
        List.of(
            run("a", T0, RunStatus.SUCCEEDED), run("a", T0.plusSeconds(1), RunStatus.SUCCEEDED)));

    RunPage page = history.query(RunQuery.forTask("a", 2));
    assertThat(page.runs()).hasSize(2);
    assertThat(page.next()).isNull();
  }

  @Test
  void pagesThroughManyRunsWithoutGapsOrRepeats() {
    Random random = new Random(12);
    List<RunRecord> saved = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // Several runs share a millisecond: the run id orders them.
      Instant start = T0.plusMillis(random.nextInt(120) * 1000L);
      RunStatus status = RunStatus.values()[random.nextInt(5)];
      saved.add(run("task-" + random.nextInt(6), start, status));
    }
    for (int i = 0; i < saved.size(); i += 50) {
      history.saveAll(saved.subList(i, i + 50));
    }
    List<RunRecord> expected = new ArrayList<>(saved);
    expected.sort(RunOrder.NEWEST_FIRST);

    assertThat(all(new RunQuery(null, Set.of(), null, null, 7, null)))
        .containsExactlyElementsOf(expected);
    RunQuery filtered =
        new RunQuery(
            "task-2",
            Set.of(RunStatus.SUCCEEDED, RunStatus.FAILED),
            T0.plusSeconds(10),
            T0.plusSeconds(100),
            3,
            null);
    assertThat(all(filtered))
        .containsExactlyElementsOf(expected.stream().filter(filtered::matches).toList());
  }

  @Test
  void aCursorOfARunThisHistoryDoesNotHoldPlacesByItsTime() {
    RunRecord older = run("a", T0, RunStatus.SUCCEEDED);
    RunRecord newer = run("a", T0.plusSeconds(10), RunStatus.SUCCEEDED);
    history.saveAll(List.of(older, newer));
    String foreign = RunIds.next(T0.plusSeconds(5).toEpochMilli());

    assertThat(history.query(RunQuery.ALL.after(foreign)).runs()).containsExactly(older);
  }

  @Test
  void refusesACursorThatIsNoRunId() {
    assertThatThrownBy(() -> history.query(RunQuery.ALL.after("not a cursor")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"not a cursor\"");
  }

  // ------------------------------------------------------------------ retention

  @Test
  void keepsTheNewestRunsOfEachTask() {
    RunHistory three = open(new RunRetention(3, Duration.ofDays(30)), clock);
    List<RunRecord> a = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RunRecord r = run("a", T0.plusSeconds(i), RunStatus.SUCCEEDED);
      a.add(r);
      three.save(r);
    }
    RunRecord b1 = run("b", T0, RunStatus.FAILED);
    RunRecord b2 = run("b", T0.plusSeconds(1), RunStatus.SUCCEEDED);
    three.saveAll(List.of(b1, b2));

    assertThat(three.query(RunQuery.forTask("a", 50)).runs())
        .containsExactly(a.get(9), a.get(8), a.get(7));
    assertThat(three.query(RunQuery.forTask("b", 50)).runs()).containsExactly(b2, b1);
    assertThat(three.find(a.get(0).runId())).isEmpty();
  }

  @Test
  void forgetsRunsOlderThanTheMaximumAge() {
    RunHistory hour = open(new RunRetention(100, Duration.ofHours(1)), clock);
    RunRecord old = run("a", T0, RunStatus.SUCCEEDED);
    RunRecord otherOld = run("b", T0.plusSeconds(1), RunStatus.SUCCEEDED);
    hour.saveAll(List.of(old, otherOld));
    clock.advance(Duration.ofMinutes(90));
    RunRecord fresh = run("a", clock.instant(), RunStatus.SUCCEEDED);
    hour.save(fresh);
    hour.pruneExpired();

    assertThat(hour.query(RunQuery.ALL).runs()).containsExactly(fresh);
    assertThat(hour.find(old.runId())).isEmpty();
    assertThat(hour.find(otherOld.runId())).isEmpty();
  }

  // ------------------------------------------------------------------ concurrency

  @Test
  void keepsEveryRecordSavedConcurrently() throws Exception {
    int threads = 4;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<RunRecord>>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  List<RunRecord> mine = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    RunRecord running =
                        run("t" + (i % 3), T0.plusMillis(thread * 1000L + i), RunStatus.RUNNING);
                    history.save(running);
                    RunRecord done =
                        withStatus(running, RunStatus.SUCCEEDED, T0.plusSeconds(9), "ok");
                    history.save(done);
                    mine.add(done);
                  }
                  return mine;
                }));
      }
      go.countDown();
      List<RunRecord> saved = new ArrayList<>();
      for (Future<List<RunRecord>> f : futures) {
        saved.addAll(f.get(60, TimeUnit.SECONDS));
      }
      saved.sort(RunOrder.NEWEST_FIRST);

      assertThat(all(new RunQuery(null, Set.of(), null, null, 100, null)))
          .containsExactlyElementsOf(saved);
    } finally {
      pool.shutdownNow();
    }
  }
}
