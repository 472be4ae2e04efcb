package io.asyncz.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import io.asyncz.task.TaskFunction;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerOperationsTest {
  private static final Instant START = Instant.parse("2026-12-07T01:00:00Z");

  private final MutableClock clock = MutableClock.at(START);
  private final AtomicInteger runs = new AtomicInteger();
  private ManualScheduler scheduler;
  private SchedulerOperations ops;

  @BeforeEach
  void start() {
    scheduler = ManualScheduler.on(clock);
    scheduler
        .registry()
        .register(
            "jobs.count",
            (TaskFunction)
                (args, kwargs) -> {
                  runs.incrementAndGet();
                  return "counted";
                });
    scheduler.start();
    ops = SchedulerOperations.builder(scheduler).build().as("alice");
  }

  @AfterEach
  void stop() {
    ops.close();
    scheduler.shutdown();
  }

  private static Map<String, Object> spec(String id, Object trigger) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("id", id);
    spec.put("function", "jobs.count");
    spec.put("trigger", trigger);
    return spec;
  }

  private void addMany() {
    ops.createTask(spec("backup", Map.of("cron", "0 3 * * *")));
    ops.createTask(spec("report", Map.of("every", "10m")));
    ops.createTask(spec("cleanup", Map.of("type", "interval", "hours", 2)));
    ops.createTask(spec("once", Map.of("at", "2026-12-08T00:00:00Z")));
  }

  @Test
  void createsTaskFromSpecWithEveryTriggerForm() {
    Map<String, Object> s = spec("nightly", Map.of("type", "cron", "hour", "5"));
    s.put("name", "Nightly");
    s.put("args", List.of(1, "a"));
    s.put("options", Map.of("max_instances", 3, "coalesce", false, "mistrigger_grace_time", 30));

    TaskView t = ops.createTask(s);

    assertThat(t.id()).isEqualTo("nightly");
    assertThat(t.name()).isEqualTo("Nightly");
    assertThat(t.function()).isEqualTo("jobs.count");
    assertThat(t.trigger().type()).isEqualTo("cron");
    assertThat(t.trigger().options()).containsEntry("hour", "5");
    assertThat(t.args()).containsExactly(1, "a");
    assertThat(t.maxInstances()).isEqualTo(3);
    assertThat(t.coalesce()).isFalse();
    assertThat(t.mistriggerGraceTime()).isEqualTo(30.0);
    assertThat(t.nextRunTime()).isEqualTo(Instant.parse("2026-12-07T05:00:00Z"));
    TaskView unnamed = ops.createTask(Map.of("function", "jobs.count", "crontab", "*/5 * * * *"));
    assertThat(unnamed.state()).isEqualTo("scheduled");
    assertThat(unnamed.name()).isEqualTo("jobs.count"); // not the lambda's class name
  }

  @Test
  void refusesBadSpecsNamingTheFieldAndQuotingTheValue() {
    assertThatThrownBy(() -> ops.createTask(spec("x", Map.of("every", "3 parsecs"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"3 parsecs\"");
    assertThatThrownBy(() -> ops.createTask(spec("x", Map.of("type", "cron", "hour", "25"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("25")
        .satisfies(e -> assertThat(((InvalidInputException) e).argument()).startsWith("trigger"));
    Map<String, Object> unknown = spec("x", Map.of("every", "1m"));
    unknown.put("colour", "red");
    assertThatThrownBy(() -> ops.createTask(unknown))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"colour\"");
    assertThatThrownBy(() -> ops.createTask(Map.of("id", "x", "trigger", Map.of("every", "1m"))))
        .hasMessageContaining("function");
    Map<String, Object> badExecutor = spec("x", Map.of("every", "1m"));
    badExecutor.put("executor", "nope");
    assertThatThrownBy(() -> ops.createTask(badExecutor)).hasMessageContaining("\"nope\"");
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void takenIdIsConflict() {
    ops.createTask(spec("a", Map.of("every", "1m")));
    assertThatThrownBy(() -> ops.createTask(spec("a", Map.of("every", "2m"))))
        .isInstanceOf(ConflictIdException.class);
    assertThat(ops.getTask("a").trigger().description()).contains("0:01:00");
  }

  @Test
  void listsWithSearchFiltersSortAndPaging() {
    addMany();
    ops.pauseTask("cleanup");

    TaskPage byId = ops.listTasks(new TaskFilter(null, null, null, null, null, "id", false, 1, 2));
    assertThat(byId.total()).isEqualTo(4);
    assertThat(byId.tasks()).extracting(TaskView::id).containsExactly("backup", "cleanup");
    TaskPage second =
        ops.listTasks(new TaskFilter(null, null, null, null, null, "id", false, 2, 2));
    assertThat(second.tasks()).extracting(TaskView::id).containsExactly("once", "report");

    assertThat(ops.listTasks(filter("q", "back")).tasks())
        .extracting(TaskView::id)
        .containsExactly("backup");
    assertThat(ops.listTasks(filter("q", "interval")).tasks())
        .extracting(TaskView::id)
        .containsExactlyInAnyOrder("report", "cleanup");
    assertThat(ops.listTasks(filter("state", "paused")).tasks())
        .extracting(TaskView::id)
        .containsExactly("cleanup");
    assertThat(ops.listTasks(filter("trigger", "date")).tasks())
        .extracting(TaskView::id)
        .containsExactly("once");
    assertThat(
            ops.listTasks(
                    new TaskFilter(null, null, null, null, null, "next_run_time", true, 1, 25))
                .tasks())
        .extracting(TaskView::id)
        .containsExactly("cleanup", "once", "backup", "report"); // paused: no time, first
    assertThat(ops.listTasks(TaskFilter.ALL).tasks().get(0).trigger().options()).isNotEmpty();
  }

  private static TaskFilter filter(String key, String value) {
    return TaskFilter.fromParameters(Map.of(key, value));
  }

  @Test
  void badListParametersAreRefusedWithTheValue() {
    assertThatThrownBy(() -> TaskFilter.fromParameters(Map.of("size", "500")))
        .hasMessageContaining("500");
    assertThatThrownBy(() -> TaskFilter.fromParameters(Map.of("sort", "colour")))
        .hasMessageContaining("\"colour\"");
    assertThatThrownBy(() -> TaskFilter.fromParameters(Map.of("page", "x")))
        .hasMessageContaining("\"x\"");
    assertThatThrownBy(() -> TaskFilter.fromParameters(Map.of("state", "sleeping")))
        .hasMessageContaining("\"sleeping\"");
    assertThatThrownBy(() -> ops.listTasks(filter("store", "elsewhere")))
        .hasMessageContaining("\"elsewhere\"");
  }

  @Test
  void dryRunShowsTheDiffAndChangesNothing() {
    ops.createTask(spec("report", Map.of("every", "10m")));
    TaskView before = ops.getTask("report");

    UpdateResult r =
        ops.updateTask(
            "report", Map.of("trigger", Map.of("cron", "0 6 * * *"), "name", "Morning"), true);

    assertThat(r.applied()).isFalse();
    assertThat(r.diff())
        .extracting(FieldChange::field)
        .contains("name", "trigger", "next_run_time");
    assertThat(r.after().nextRunTime()).isEqualTo(Instant.parse("2026-12-07T06:00:00Z"));
    assertThat(ops.getTask("report")).isEqualTo(before);
    assertThat(ops.audit(1).get(0).after()).isNull();
  }

  @Test
  void updateAppliesTheDiffItShows() {
    ops.createTask(spec("report", Map.of("every", "10m")));

    UpdateResult dry =
        ops.updateTask(
            "report", Map.of("trigger", Map.of("cron", "0 6 * * *"), "max_instances", 2), true);
    UpdateResult r =
        ops.updateTask(
            "report", Map.of("trigger", Map.of("cron", "0 6 * * *"), "max_instances", 2), false);

    assertThat(r.applied()).isTrue();
    assertThat(r.diff()).isEqualTo(dry.diff());
    assertThat(r.after()).isEqualTo(ops.getTask("report"));
    assertThat(ops.getTask("report").maxInstances()).isEqualTo(2);
    assertThat(ops.getTask("report").trigger().type()).isEqualTo("cron");
  }

  @Test
  void badUpdateChangesNothing() {
    ops.createTask(spec("report", Map.of("every", "10m")));
    TaskView before = ops.getTask("report");

    assertThatThrownBy(
            () -> ops.updateTask("report", Map.of("name", "n", "max_instances", 0), false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_instances");
    assertThatThrownBy(() -> ops.updateTask("report", Map.of(), false))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ops.updateTask("nope", Map.of("name", "n"), false))
        .isInstanceOf(TaskLookupException.class);

    assertThat(ops.getTask("report")).isEqualTo(before);
  }

  @Test
  void runPauseResumeRemoveAndBulk() {
    addMany();

    ops.runTask("report");
    assertThat(runs.get()).isEqualTo(1);
    assertThat(ops.pauseTask("report").paused()).isTrue();
    assertThat(ops.resumeTask("report")).get().extracting(TaskView::paused).isEqualTo(false);
    ops.removeTask("once");
    assertThatThrownBy(() -> ops.getTask("once")).isInstanceOf(TaskLookupException.class);

    BulkResult bulk = ops.bulk("pause", List.of("backup", "missing", "cleanup"));
    assertThat(bulk.results()).extracting(BulkResult.Item::ok).containsExactly(true, false, true);
    assertThat(bulk.results().get(1).error().status()).isEqualTo(404);
    assertThat(ops.getTask("backup").paused()).isTrue();
    assertThatThrownBy(() -> ops.bulk("explode", List.of("backup")))
        .hasMessageContaining("\"explode\"");
  }

  @Test
  void everyStateChangeIsAuditedWithWhoWhatBeforeAfterAndOutcome(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (SchedulerOperations audited =
        SchedulerOperations.builder(scheduler).audit(AuditLog.appendingTo(file, 10)).build()) {
      SchedulerOperations bob = audited.as("bob");
      bob.createTask(spec("a", Map.of("every", "1m")));
      bob.pauseTask("a");
      assertThatThrownBy(() -> bob.pauseTask("ghost")).isInstanceOf(TaskLookupException.class);
      assertThatThrownBy(() -> bob.createTask(spec("a", Map.of("every", "1m"))))
          .isInstanceOf(ConflictIdException.class);

      List<AuditEntry> entries = bob.audit(10);
      assertThat(entries)
          .extracting(AuditEntry::action)
          .containsExactly("create", "pause", "create");
      AuditEntry pause = entries.get(1);
      assertThat(pause.user()).isEqualTo("bob");
      assertThat(pause.target()).isEqualTo("a");
      assertThat(((TaskView) pause.before()).paused()).isFalse();
      assertThat(((TaskView) pause.after()).paused()).isTrue();
      assertThat(entries.get(0).outcome()).isEqualTo("failed");
      assertThat(entries.get(0).error()).contains("a");
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1))
        .contains("\"user\":\"bob\"", "\"action\":\"pause\"", "\"paused\":true");
  }

  @Test
  void auditAndEventsAreBounded() {
    AuditLog log = AuditLog.inMemory(2);
    for (int i = 0; i < 5; i++) {
      log.record(new AuditEntry(START, "u", "a" + i, "t", null, null, "ok", null));
    }
    assertThat(log.recent(10)).extracting(AuditEntry::action).containsExactly("a4", "a3");

    try (SchedulerOperations small =
        SchedulerOperations.builder(scheduler).eventCapacity(3).build()) {
      for (int i = 0; i < 5; i++) {
        ops.createTask(spec("t" + i, Map.of("every", "1m")));
      }
      assertThat(small.recentEvents(10)).hasSize(3);
      assertThat(small.recentEvents(10).get(2).taskId()).isEqualTo("t4");
    }
  }

  @Test
  void subscribersSeeEventsAsTheyHappen() throws Exception {
    List<EventView> seen = new ArrayList<>();
    try (AutoCloseable sub = ops.events().subscribe(seen::add)) {
      ops.createTask(spec("a", Map.of("every", "1m")));
      clock.advance(Duration.ofMinutes(1));
      scheduler.runDue();
    }
    assertThat(seen).extracting(EventView::event).contains("TASK_ADDED", "TASK_EXECUTED");
    EventView executed =
        seen.stream().filter(e -> e.event().equals("TASK_EXECUTED")).findFirst().orElseThrow();
    assertThat(executed.taskId()).isEqualTo("a");
    assertThat(executed.detail()).containsEntry("return_value", "counted");
  }

  @Test
  void previewsTasksAndSpecsNotYetCreated() {
    ops.createTask(spec("a", Map.of("cron", "0 * * * *")));

    assertThat(ops.previewTask("a", 3).runTimes())
        .containsExactly(
            Instant.parse("2026-12-07T01:00:00Z"),
            Instant.parse("2026-12-07T02:00:00Z"),
            Instant.parse("2026-12-07T03:00:00Z"));
    PreviewView spec = ops.previewSpec(Map.of("trigger", Map.of("every", "30m")), 2);
    assertThat(spec.runTimes())
        .containsExactly(
            Instant.parse("2026-12-07T01:30:00Z"), Instant.parse("2026-12-07T02:00:00Z"));
    assertThat(spec.exhausted()).isFalse();
    PreviewView once = ops.previewSpec(Map.of("trigger", Map.of("at", "2026-12-08T00:00:00Z")), 5);
    assertThat(once.runTimes()).hasSize(1);
    assertThat(once.exhausted()).isTrue();
    assertThatThrownBy(() -> ops.previewSpec(Map.of("crontab", "99 * * * *"), 5))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).argument()).isEqualTo("crontab"));
    assertThatThrownBy(() -> ops.previewTask("a", 51)).hasMessageContaining("51");
    assertThat(scheduler.getTasks()).hasSize(1);
  }

  @Test
  void timelineMergesRunsInTimeOrderWithinTheHorizon() {
    ops.createTask(spec("hourly", Map.of("cron", "0 * * * *")));
    ops.createTask(spec("half", Map.of("every", "30m")));
    ops.createTask(spec("tomorrow", Map.of("at", "2026-12-09T00:00:00Z")));

    Timeline t = ops.timeline(2, 100);

    assertThat(t.entries())
        .extracting(Timeline.Entry::taskId)
        .containsExactly("hourly", "half", "half", "hourly", "half", "half", "hourly");
    assertThat(t.entries())
        .isSortedAccordingTo(java.util.Comparator.comparing(Timeline.Entry::runTime));
    assertThat(ops.timeline(24, 3).entries()).hasSize(3);
  }

  @Test
  void runsComeFromTheHistoryItIsGiven() {
    RunRecord record =
        new RunRecord(
            "01J0000000000000000000000A",
            "a",
            "a",
            "default",
            "default",
            RunStatus.SUCCEEDED,
            "manual",
            1,
            START,
            START,
            START.plusMillis(1500),
            "node",
            "ok",
            null,
            null,
            null,
            null);
    RunHistory history =
        new RunHistory() {
          @Override
          public void save(RunRecord r) {}

          @Override
          public Optional<RunRecord> find(String runId) {
            return runId.equals(record.runId()) ? Optional.of(record) : Optional.empty();
          }

          @Override
          public RunPage query(RunQuery q) {
            return new RunPage(q.matches(record) ? List.of(record) : List.of(), null);
          }
        };
    try (SchedulerOperations withHistory =
        SchedulerOperations.builder(scheduler).history(history).build()) {
      RunList list = withHistory.runs(RunQuery.forTask("a", 10));
      assertThat(list.runs()).hasSize(1);
      assertThat(list.runs().get(0).durationMs()).isEqualTo(1500L);
      assertThat(list.runs().get(0).status()).isEqualTo("succeeded");
      // A client of the API (asyncz history --url) gets the record back from the view.
      assertThat(list.runs().get(0).toRecord()).isEqualTo(record);
      assertThat(withHistory.runs(RunQuery.forTask("b", 10)).runs()).isEmpty();
      assertThat(withHistory.findRun(record.runId())).isPresent();
    }
    assertThat(ops.runs(RunQuery.ALL).runs()).isEmpty();
  }

  @Test
  void viewsRoundTripThroughTheApiJson() throws Exception {
    TaskView t = ops.createTask(spec("a", Map.of("cron", "0 3 * * *")));
    String text = AdminJson.text(t);
    assertThat(text).contains("\"next_run_time\":\"2026-12-07T03:00:00Z\"", "\"max_instances\":1");
    assertThat(AdminJson.mapper().readValue(text, TaskView.class)).isEqualTo(t);
    UpdateResult r = ops.updateTask("a", Map.of("name", "b"), true);
    assertThat(AdminJson.mapper().readValue(AdminJson.text(r), UpdateResult.class).diff())
        .isEqualTo(r.diff());
  }

  @Test
  void errorsMapToStableStatusesAndBack() {
    OperationError bad =
        OperationError.of(
            new InvalidInputException("trigger", "every 3 parsecs", "is not a trigger"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.value()).isEqualTo("every 3 parsecs");
    assertThat(bad.expected()).isEqualTo("is not a trigger");
    assertThat(bad.toException()).hasMessage(bad.message());
    assertThat(OperationError.of(new TaskLookupException("x")).toException())
        .isInstanceOf(TaskLookupException.class);
    assertThat(OperationError.of(new ConflictIdException("x")).status()).isEqualTo(409);
    assertThat(OperationError.of(new IllegalStateException("secret")).message())
        .doesNotContain("secret");
  }

  @Test
  void quarantineUnknownStoreIsRefused() {
    assertThatThrownBy(() -> ops.restoreQuarantined("nowhere", "a"))
        .hasMessageContaining("\"nowhere\"");
    assertThat(ops.quarantine()).isEmpty();
    assertThat(ops.doctor()).extracting(DoctorCheck::check).contains("scheduler", "store default");
  }
}
