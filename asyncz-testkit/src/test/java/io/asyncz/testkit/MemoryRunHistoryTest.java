package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.history.MemoryRunHistory;
import io.asyncz.history.RunOrder;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunRetention;
import io.asyncz.history.RunStatus;
import io.asyncz.run.RunIds;
import io.asyncz.run.RunInfo;
import io.asyncz.task.Task;
import io.asyncz.trigger.DateTrigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What the memory history does beyond the {@link RunHistoryContract}: the recorder's start-and-end
 * path, the reclaiming of removed runs (many runs of few tasks, many one-shot tasks that age out),
 * and run ids that are not ULIDs beside ones that are.
 */
class MemoryRunHistoryTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

  private final MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);

  private static RunRecord running(String runId, String taskId, Instant start) {
    return record(runId, taskId, "job", RunStatus.RUNNING, 1, start, start, null);
  }

  /** A record on the default store and the pool executor of node-1, with no detail. */
  private static RunRecord record(
      String runId,
      String taskId,
      String taskName,
      RunStatus status,
      int attempt,
      Instant scheduled,
      Instant start,
      Instant end) {
    return new RunRecord(
        runId,
        taskId,
        taskName,
        "default",
        "pool",
        status,
        "scheduled",
        attempt,
        scheduled,
        start,
        end,
        "node-1",
        null,
        null,
        null,
        null,
        null);
  }

  private static RunRecord ended(RunRecord start, RunStatus status, String result) {
    return new RunRecord(
        start.runId(),
        start.taskId(),
        start.taskName(),
        start.store(),
        start.executor(),
        status,
        start.source(),
        start.attempt(),
        start.scheduledAt(),
        start.startedAt(),
        start.startedAt().plusMillis(5),
        start.node(),
        result,
        status == RunStatus.FAILED ? "java.lang.IllegalStateException" : null,
        status == RunStatus.FAILED ? "boom" : null,
        null,
        null);
  }

  @Test
  void aRunStartedThroughTheRecorderPathEndsInPlaceAndIsFoundById() {
    MemoryRunHistory history = new MemoryRunHistory(RunRetention.DEFAULT, clock);
    List<RunRecord> ends = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Instant start = T0.plusMillis(i);
      RunRecord begin = running(RunIds.next(start.toEpochMilli()), "task-" + (i % 7), start);
      long handle = history.saveStart(begin);
      RunRecord end = ended(begin, i % 10 == 0 ? RunStatus.FAILED : RunStatus.SUCCEEDED, "r" + i);
      history.saveEnd(handle, end);
      ends.add(end);
    }

    assertThat(history.size()).isEqualTo(7 * 100); // the default keeps 100 runs per task
    RunRecord last = ends.get(999);
    assertThat(history.find(last.runId())).contains(last);
    assertThat(history.find(ends.get(0).runId())).isEmpty(); // beyond its task's newest 100
    assertThat(history.query(RunQuery.forTask("task-3", 2)).runs())
        .containsExactly(ends.get(997), ends.get(990));
    RunQuery failed = new RunQuery(null, Set.of(RunStatus.FAILED), null, null, 3, null);
    assertThat(history.query(failed).runs())
        .containsExactly(ends.get(990), ends.get(980), ends.get(970));
  }

  /** A record of the second attempt of task "report" at T0, as the recorder makes it. */
  private static RunRecord nightlyReport(
      String runId, RunStatus status, Instant start, Instant end) {
    return record(runId, "report", "nightly report", status, 2, T0, start, end);
  }

  @Test
  void aRunSavedFromItsRunInfoReadsAsTheRecordsTheRecorderWouldMakeOfIt() {
    MemoryRunHistory history = new MemoryRunHistory(RunRetention.DEFAULT, clock);
    Task task =
        Task.builder("report")
            .function((args, kwargs) -> null, null)
            .name("nightly report")
            .trigger(DateTrigger.at(T0))
            .build();
    Instant startedAt = T0.plusNanos(7_654_321); // kept to the millisecond, as a run id's time
    Instant kept = T0.plusMillis(7);
    RunInfo run =
        new RunInfo(
            RunIds.next(startedAt.toEpochMilli()),
            task,
            "pool",
            T0,
            startedAt,
            TaskSubmissionEvent.Source.SCHEDULED,
            2,
            "node-1");

    long handle = history.saveStart(run);
    assertThat(history.find(run.runId()))
        .contains(nightlyReport(run.runId(), RunStatus.RUNNING, kept, null));

    Instant endedAt = kept.plusMillis(40);
    assertThat(history.saveEnd(handle, run, RunStatus.SUCCEEDED, endedAt)).isTrue();
    RunRecord ended = nightlyReport(run.runId(), RunStatus.SUCCEEDED, kept, endedAt);
    assertThat(history.find(run.runId())).contains(ended);
    assertThat(history.query(RunQuery.forTask("report", 5)).runs()).containsExactly(ended);
    // A handle that does not point at the run is refused, for the caller to save a whole record.
    assertThat(history.saveEnd(handle + 1, run, RunStatus.FAILED, endedAt)).isFalse();
    assertThat(history.saveEnd(-1, run, RunStatus.FAILED, endedAt)).isFalse();
    assertThat(history.find(run.runId())).contains(ended);
  }

  /** A run of task {@code taskId} started at {@code start}, on node-1's pool. */
  private static RunInfo runOf(String taskId, Instant start) {
    Task task =
        Task.builder(taskId)
            .function((args, kwargs) -> null, null)
            .name("job")
            .trigger(DateTrigger.at(T0))
            .build();
    return new RunInfo(
        RunIds.next(start.toEpochMilli()),
        task,
        "pool",
        start,
        start,
        TaskSubmissionEvent.Source.SCHEDULED,
        1,
        "node-1");
  }

  @Test
  void anEndThatComesAfterItsStartWasFiledIsSavedOnceInPlaceOrByItsWholeRecord() {
    MemoryRunHistory history = new MemoryRunHistory(RunRetention.DEFAULT, clock);
    RunInfo slow = runOf("slow", T0);
    long slowHandle = history.saveStart(slow);
    RunInfo slower = runOf("slower", T0.plusMillis(1));
    long slowerHandle = history.saveStart(slower);
    // Many short runs on this thread meanwhile: the two starts are filed with the first batch,
    // and the batches after it move on.
    for (int i = 0; i < 1000; i++) {
      RunInfo quick = runOf("quick-" + (i % 10), T0.plusMillis(2 + i));
      long handle = history.saveStart(quick);
      assertThat(history.saveEnd(handle, quick, RunStatus.SUCCEEDED, T0.plusMillis(3 + i)))
          .isTrue();
    }
    // A read meanwhile files what is staged: the two long runs are there, running.
    assertThat(history.find(slow.runId()).map(RunRecord::status)).contains(RunStatus.RUNNING);

    // The end of a run whose start was filed batches ago is not taken in place: the caller saves
    // its whole record, which replaces the start, as once the recorder does.
    Instant end = T0.plusSeconds(5);
    assertThat(history.saveEnd(slowHandle, slow, RunStatus.SUCCEEDED, end)).isFalse();
    RunRecord slowEnded = record(slow.runId(), "slow", "job", RunStatus.SUCCEEDED, 1, T0, T0, end);
    history.saveEnd(slowHandle, slowEnded);
    RunRecord slowerFailed =
        new RunRecord(
            slower.runId(),
            "slower",
            "job",
            "default",
            "pool",
            RunStatus.FAILED,
            "scheduled",
            1,
            T0.plusMillis(1),
            T0.plusMillis(1),
            end,
            "node-1",
            null,
            "java.lang.IllegalStateException",
            "boom",
            null,
            null);
    history.saveEnd(slowerHandle, slowerFailed);

    assertThat(history.size()).isEqualTo(2 + 10 * 100);
    assertThat(history.query(RunQuery.forTask("slow", 10)).runs()).containsExactly(slowEnded);
    assertThat(history.query(RunQuery.forTask("slower", 10)).runs()).containsExactly(slowerFailed);
    assertThat(history.query(RunQuery.forTask("quick-3", 1000)).runs())
        .hasSize(100)
        .allMatch(r -> r.status() == RunStatus.SUCCEEDED && r.endedAt() != null);
  }

  @Test
  void runsStartedAndEndedOnSeveralThreadsWhileAnotherReadsAreEachKeptOnceEnded() throws Exception {
    MemoryRunHistory history =
        new MemoryRunHistory(new RunRetention(1_000_000, Duration.ofDays(1)), clock);
    int threads = 4;
    int each = 3_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch go = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        writers.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < each; i++) {
                    RunInfo run = runOf("task-" + (i % 50), T0.plusMillis(thread * 10_000L + i));
                    long handle = history.saveStart(run);
                    if (!history.saveEnd(handle, run, RunStatus.SUCCEEDED, T0.plusSeconds(60))) {
                      history.saveEnd(
                          handle,
                          record(
                              run.runId(),
                              run.taskId(),
                              "job",
                              RunStatus.SUCCEEDED,
                              1,
                              run.startedAt(),
                              run.startedAt(),
                              T0.plusSeconds(60)));
                    }
                  }
                  return null;
                }));
      }
      Future<Integer> reader =
          pool.submit(
              () -> {
                go.await();
                int reads = 0;
                while (writing.get()) {
                  history.query(RunQuery.forTask("task-7", 5)); // files every staged run
                  reads++;
                }
                return reads;
              });
      go.countDown();
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();

      assertThat(history.size()).isEqualTo(threads * each);
      List<RunRecord> all =
          history.query(new RunQuery(null, Set.of(), null, null, 1000, null)).runs();
      assertThat(all).allMatch(r -> r.status() == RunStatus.SUCCEEDED);
      assertThat(history.query(RunQuery.forTask("task-7", 1000)).runs())
          .hasSize(threads * each / 50)
          .allMatch(r -> r.status() == RunStatus.SUCCEEDED)
          .doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anEndWhoseHandleWasMovedByACompactionIsStillSaved() {
    MemoryRunHistory history = new MemoryRunHistory(new RunRetention(1, Duration.ofDays(1)), clock);
    Instant later = T0.plusSeconds(3600);
    RunRecord open = running(RunIds.next(later.toEpochMilli()), "long", later);
    long handle = history.saveStart(open);
    // Older runs of the same task, each dropped at once (one run kept per task): enough removed
    // rows to compact the task's stripe, which moves the open run's row meanwhile.
    for (int i = 1; i <= 20_000; i++) {
      Instant start = T0.plusMillis(i);
      history.save(
          ended(
              running(RunIds.next(start.toEpochMilli()), "long", start),
              RunStatus.SUCCEEDED,
              null));
    }
    RunRecord close = ended(open, RunStatus.SUCCEEDED, "done");
    history.saveEnd(handle, close);

    assertThat(history.size()).isEqualTo(1);
    assertThat(history.find(open.runId())).contains(close);
    assertThat(history.query(RunQuery.forTask("long", 10)).runs()).containsExactly(close);
  }

  @Test
  void keepsTheNewestRunsOfATaskThroughManyCompactions() {
    MemoryRunHistory history = new MemoryRunHistory(new RunRetention(3, Duration.ofDays(1)), clock);
    List<RunRecord> a = new ArrayList<>();
    List<RunRecord> b = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      Instant start = T0.plusMillis(i);
      RunRecord run =
          ended(
              running(RunIds.next(start.toEpochMilli()), i % 2 == 0 ? "a" : "b", start),
              RunStatus.SUCCEEDED,
              null);
      history.save(run);
      (i % 2 == 0 ? a : b).add(run);
    }

    assertThat(history.size()).isEqualTo(6);
    assertThat(history.query(RunQuery.forTask("a", 10)).runs())
        .containsExactly(a.get(24_999), a.get(24_998), a.get(24_997));
    assertThat(history.query(new RunQuery(null, Set.of(), null, null, 10, null)).runs())
        .containsExactly(
            b.get(24_999),
            a.get(24_999),
            b.get(24_998),
            a.get(24_998),
            b.get(24_997),
            a.get(24_997));
  }

  @Test
  void runsOfOneShotTasksLeaveMemoryOnceTheyAreOlderThanTheMaximumAge() {
    MemoryRunHistory history =
        new MemoryRunHistory(new RunRetention(100, Duration.ofHours(1)), clock);
    for (int i = 0; i < 10_000; i++) {
      Instant start = T0.plusMillis(i);
      history.save(
          ended(
              running(RunIds.next(start.toEpochMilli()), "once-" + i, start),
              RunStatus.SUCCEEDED,
              null));
    }
    assertThat(history.size()).isEqualTo(10_000);

    clock.advance(Duration.ofMinutes(61));
    Instant now = clock.instant();
    RunRecord fresh =
        ended(running(RunIds.next(now.toEpochMilli()), "later", now), RunStatus.SUCCEEDED, null);
    history.save(fresh);

    assertThat(history.size()).isEqualTo(1); // the old runs are gone, not only hidden
    assertThat(history.query(RunQuery.ALL).runs()).containsExactly(fresh);
  }

  @Test
  void runIdsThatAreNotUlidsAreKeptFoundReplacedAndOrdered() {
    MemoryRunHistory history = new MemoryRunHistory(RunRetention.DEFAULT, clock);
    RunRecord ulid =
        ended(running(RunIds.next(T0.toEpochMilli()), "t", T0), RunStatus.SUCCEEDED, null);
    RunRecord lower = running("run-b", "t", T0); // same start: ordered by id text
    RunRecord other = running("zz-imported", "u", T0.plusSeconds(1));
    history.saveAll(List.of(ulid, lower, other));
    RunRecord lowerEnded = ended(lower, RunStatus.FAILED, null);
    history.save(lowerEnded);

    assertThat(history.find("run-b")).contains(lowerEnded);
    List<RunRecord> expected = new ArrayList<>(List.of(ulid, lowerEnded, other));
    expected.sort(RunOrder.NEWEST_FIRST);
    assertThat(history.query(RunQuery.ALL).runs()).containsExactlyElementsOf(expected);
    RunPage first = history.query(new RunQuery(null, Set.of(), null, null, 1, null));
    RunPage second = history.query(new RunQuery(null, Set.of(), null, null, 1, first.next()));
    assertThat(second.runs()).containsExactly(expected.get(1));
  }

  @Test
  void findsRunsSavedOutOfStartOrderWhenQueryingEveryTask() {
    MemoryRunHistory history = new MemoryRunHistory(RunRetention.DEFAULT, clock);
    List<RunRecord> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      // Every tenth record is saved late, ten seconds older than its neighbours.
      Instant start = i % 10 == 0 ? T0.plusSeconds(i - 10L) : T0.plusSeconds(i);
      RunRecord run =
          ended(
              running(RunIds.next(start.toEpochMilli()), "t" + (i % 13), start),
              RunStatus.SUCCEEDED,
              null);
      history.save(run);
      all.add(run);
    }
    all.sort(RunOrder.NEWEST_FIRST);

    List<RunRecord> paged = new ArrayList<>();
    RunQuery query = new RunQuery(null, Set.of(), null, null, 7, null);
    for (RunPage page = history.query(query); ; page = history.query(query.after(page.next()))) {
      paged.addAll(page.runs());
      if (page.next() == null) {
        break;
      }
    }
    assertThat(paged).containsExactlyElementsOf(all);
  }

  @Test
  void startsSavedFasterThanTheyAreFiledUnderTheirTasksAreReadAsIfFiledAtOnce() {
    // The recorder path files a start under its task later, in a batch: whatever a reader asks
    // meanwhile, and whenever ends arrive, the answers are those of a history that filed each
    // start at once, retention included.
    MemoryRunHistory history =
        new MemoryRunHistory(new RunRetention(3, Duration.ofHours(1)), clock);
    List<RunRecord> repeated = new ArrayList<>();
    List<Long> handles = new ArrayList<>();
    List<RunRecord> starts = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      Instant start = T0.plusMillis(i);
      // Some ids are long, more characters than a batch holds on average.
      String task =
          i % 100 == 0
              ? "every-100th"
              : i % 1000 == 7 ? "long-" + "x".repeat(300) + i : "once-" + i;
      RunRecord begin = running(RunIds.next(start.toEpochMilli()), task, start);
      starts.add(begin);
      handles.add(history.saveStart(begin));
      if (i % 100 == 0) {
        repeated.add(begin);
      }
      if (i == 2_500) {
        // A read in the middle of a batch sees the starts so far, the repeated task's newest 3.
        assertThat(history.query(RunQuery.forTask("every-100th", 10)).runs())
            .containsExactly(repeated.get(25), repeated.get(24), repeated.get(23));
        assertThat(history.find(begin.runId())).contains(begin);
      }
    }
    // Ends arrive after their starts were filed (and some of their runs dropped by retention).
    List<RunRecord> ends = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      RunRecord end = ended(starts.get(i), RunStatus.SUCCEEDED, "r" + i);
      history.saveEnd(handles.get(i), end);
      ends.add(end);
    }

    assertThat(history.size()).isEqualTo(19_800 + 3);
    assertThat(history.query(RunQuery.forTask("every-100th", 10)).runs())
        .containsExactly(ends.get(19_900), ends.get(19_800), ends.get(19_700));
    assertThat(history.find(ends.get(19_999).runId())).contains(ends.get(19_999));
    assertThat(history.find(ends.get(0).runId())).isEmpty(); // dropped for its task's newest 3
    assertThat(history.query(RunQuery.forTask("once-4097", 1)).runs())
        .containsExactly(ends.get(4_097));
    assertThat(history.query(RunQuery.forTask("long-" + "x".repeat(300) + 15_007, 1)).runs())
        .containsExactly(ends.get(15_007));
    assertThat(history.query(new RunQuery(null, Set.of(), null, null, 2, null)).runs())
        .containsExactly(ends.get(19_999), ends.get(19_998));

    // Starts not yet filed age out like the others.
    clock.advance(Duration.ofMinutes(120));
    Instant now = clock.instant();
    RunRecord late = running(RunIds.next(now.toEpochMilli()), "later", now);
    history.saveStart(late);
    assertThat(history.size()).isEqualTo(1);
    assertThat(history.query(RunQuery.ALL).runs()).containsExactly(late);
  }
}
