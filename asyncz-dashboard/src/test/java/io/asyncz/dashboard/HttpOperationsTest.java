package io.asyncz.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.admin.AdminJson;
import io.asyncz.admin.BulkResult;
import io.asyncz.admin.HttpOperations;
import io.asyncz.admin.Operations;
import io.asyncz.admin.RemoteOperationException;
import io.asyncz.admin.TaskFilter;
import io.asyncz.admin.TaskView;
import io.asyncz.history.RunQuery;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpOperations} against the API answers what {@link io.asyncz.admin.SchedulerOperations}
 * answers in-process, and refuses with the same exceptions and messages.
 */
class HttpOperationsTest {
  private final ApiFixture api = new ApiFixture();
  private final Operations remote =
      new HttpOperations(api.dashboard.url(), ApiFixture.OPERATOR_TOKEN, Duration.ofSeconds(30));

  @AfterEach
  void stop() {
    api.close();
  }

  /** The API's JSON of a value: numbers read back from JSON may have other Java types. */
  private static String json(Object value) {
    return AdminJson.text(value);
  }

  @Test
  void everyOperationAnswersAsInProcess() {
    TaskView a = remote.createTask(api.spec("a", "10m"));
    assertThat(json(a)).isEqualTo(json(api.ops.getTask("a")));
    remote.createTask(
        Map.of("id", "b", "function", "jobs.count", "trigger", Map.of("cron", "0 * * * *")));

    assertThat(json(remote.getTask("a"))).isEqualTo(json(api.ops.getTask("a")));
    assertThat(json(remote.listTasks(TaskFilter.ALL)))
        .isEqualTo(json(api.ops.listTasks(TaskFilter.ALL)));
    assertThat(remote.info().counts().total()).isEqualTo(2);
    assertThat(remote.instances()).hasSize(1);
    assertThat(json(remote.doctor())).isEqualTo(json(api.ops.doctor()));
    assertThat(json(remote.previewTask("b", 3))).isEqualTo(json(api.ops.previewTask("b", 3)));
    assertThat(json(remote.previewSpec(Map.of("crontab", "*/5 * * * *"), 2)))
        .isEqualTo(json(api.ops.previewSpec(Map.of("crontab", "*/5 * * * *"), 2)));
    assertThat(json(remote.timeline(24, 10))).isEqualTo(json(api.ops.timeline(24, 10)));

    assertThat(remote.updateTask("a", Map.of("name", "A"), true).applied()).isFalse();
    assertThat(remote.updateTask("a", Map.of("name", "A"), false).after().name()).isEqualTo("A");
    assertThat(remote.runTask("a").submitted()).isTrue();
    assertThat(api.runs.get()).isEqualTo(1);
    assertThat(remote.pauseTask("a").paused()).isTrue();
    assertThat(remote.resumeTask("a")).get().extracting(TaskView::paused).isEqualTo(false);
    BulkResult bulk = remote.bulk("pause", List.of("a", "ghost"));
    assertThat(bulk.results()).extracting(BulkResult.Item::ok).containsExactly(true, false);
    assertThat(bulk.results().get(1).error().code()).isEqualTo("not_found");

    assertThat(json(remote.recentEvents(5))).isEqualTo(json(api.ops.recentEvents(5)));
    assertThat(remote.audit(3))
        .extracting(e -> e.user() + " " + e.action())
        .containsExactly("ci pause", "ci resume", "ci pause"); // newest first
    assertThat(remote.runs(RunQuery.ALL).runs()).isEmpty();
    assertThat(remote.findRun("nope")).isEmpty();
    assertThat(remote.quarantine()).isEmpty();

    remote.removeTask("a");
    assertThat(api.scheduler.getTask("a")).isEmpty();
  }

  @Test
  void refusalsComeBackAsTheInProcessExceptions() {
    remote.createTask(api.spec("a", "10m"));
    Map<String, Object> bad =
        Map.of("function", "jobs.count", "trigger", Map.of("every", "3 parsecs"));
    String local = null;
    try {
      api.ops.createTask(bad);
    } catch (InvalidInputException e) {
      local = e.getMessage();
    }
    assertThatThrownBy(() -> remote.createTask(bad))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(local);
    assertThatThrownBy(() -> remote.getTask("ghost"))
        .isInstanceOf(TaskLookupException.class)
        .hasMessageContaining("ghost");
    assertThatThrownBy(() -> remote.createTask(api.spec("a", "1m")))
        .isInstanceOf(ConflictIdException.class);
    Operations viewer =
        new HttpOperations(api.dashboard.url(), ApiFixture.VIEWER_TOKEN, Duration.ofSeconds(30));
    assertThatThrownBy(() -> viewer.pauseTask("a"))
        .isInstanceOf(RemoteOperationException.class)
        .hasMessageContaining("403");
    assertThatThrownBy(() -> new HttpOperations(URI.create("ftp://x"), "t", Duration.ofSeconds(1)))
        .isInstanceOf(InvalidInputException.class);
  }
}
