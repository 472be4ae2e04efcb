package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.PendingRetry;
import io.asyncz.task.RetryPolicy;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retry policies, timeouts and pending retries are stored with the task (format version 2); a task
 * without them is still written as version 1, which nodes of the previous version read. A retry
 * pending at a restart runs after it, once.
 */
class RetryRecordTest {
  private static final Instant T0 = Instant.parse("2031-05-04T09:00:00Z");

  private final TaskStateCodec codec = new TaskStateCodec();

  @Test
  void aTaskWithoutRetriesOrTimeoutIsStillVersionOne() {
    Task plain =
        Task.builder("plain")
            .function(Contexts.REPORT, "report")
            .trigger(IntervalTrigger.every(Duration.ofMinutes(5)))
            .build();
    assertThat(new String(codec.encode(plain), StandardCharsets.UTF_8)).contains("\"version\":1");
  }

  @Test
  void retriesTimeoutAndAPendingRetryRoundTripAsVersionTwo() {
    Task task =
        Task.builder("sync")
            .function(Contexts.REPORT, "report")
            .trigger(IntervalTrigger.every(Duration.ofMinutes(5)))
            .retryPolicy(
                RetryPolicy.exponential(4, Duration.ofMillis(1500), Duration.ofMinutes(2))
                    .withJitter()
                    .retryOn(java.io.IOException.class)
                    .keepingSlot())
            .timeout(Duration.ofSeconds(90))
            .pendingRetry(
                new PendingRetry(T0, 2, T0.plusSeconds(2), T0.plus(Duration.ofMinutes(5))))
            .nextRunTime(T0.plusSeconds(2))
            .build();

    byte[] record = codec.encode(task);
    String text = new String(record, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("\"version\":2")
        .contains("\"timeout\":90")
        .contains("\"pending_retry\":{\"run_time\":\"2031-05-04T09:00:00Z\",\"attempt\":2");
    Task decoded = codec.decode(record, Contexts.context());
    assertThat(decoded.retryPolicy()).isEqualTo(task.retryPolicy());
    assertThat(decoded.timeout()).contains(Duration.ofSeconds(90));
    assertThat(decoded.pendingRetry()).isEqualTo(task.pendingRetry());
    assertThat(decoded.nextRunTime()).contains(T0.plusSeconds(2));
  }

  @Test
  void aTasksOwnNodeFailurePolicyRoundTripsAndABadOneIsRefusedQuotingIt() {
    Task task =
        Task.builder("settle")
            .function(Contexts.REPORT, "report")
            .trigger(IntervalTrigger.every(Duration.ofMinutes(5)))
            .onNodeFailure(ClusterSettings.NodeFailurePolicy.RERUN)
            .build();

    byte[] record = codec.encode(task);
    assertThat(new String(record, StandardCharsets.UTF_8))
        .contains("\"version\":2")
        .contains("\"on_node_failure\":\"rerun\"");
    assertThat(codec.decode(record, Contexts.context()).onNodeFailure())
        .contains(ClusterSettings.NodeFailurePolicy.RERUN);

    String bad =
        new String(record, StandardCharsets.UTF_8)
            .replace("\"on_node_failure\":\"rerun\"", "\"on_node_failure\":\"retry\"");
    assertThatThrownBy(() -> codec.decode(bad.getBytes(StandardCharsets.UTF_8), Contexts.context()))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("on_node_failure")
        .hasMessageContaining("retry")
        .hasMessageContaining("expected report or rerun");
  }

  @Test
  void aVersionOneRecordWithAVersionTwoFieldIsRefusedAsMalformed() {
    String record =
        "{\"format\":\"asyncz.task\",\"version\":1,\"id\":\"x\",\"name\":null,"
            + "\"reference\":\"report\",\"args\":[],\"kwargs\":{},\"trigger\":{\"alias\":"
            + "\"interval\",\"fields\":{\"minutes\":5}},\"executor\":\"default\","
            + "\"store\":\"default\",\"mistrigger_grace_time\":1,\"coalesce\":true,"
            + "\"max_instances\":1,\"next_run_time\":null,\"timeout\":5}";
    assertThatThrownBy(
            () -> codec.decode(record.getBytes(StandardCharsets.UTF_8), Contexts.context()))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("unknown field \"timeout\" for version 1");
  }

  @Test
  void aBadRetryPolicyInARecordIsRefusedNamingTheOption() {
    String record =
        "{\"format\":\"asyncz.task\",\"version\":2,\"id\":\"x\",\"name\":null,"
            + "\"reference\":\"report\",\"args\":[],\"kwargs\":{},\"trigger\":{\"alias\":"
            + "\"interval\",\"fields\":{\"minutes\":5}},\"executor\":\"default\","
            + "\"store\":\"default\",\"mistrigger_grace_time\":1,\"coalesce\":true,"
            + "\"max_instances\":1,\"next_run_time\":null,\"retry\":{\"max_retries\":0}}";
    assertThatThrownBy(
            () -> codec.decode(record.getBytes(StandardCharsets.UTF_8), Contexts.context()))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("retry.max_retries")
        .hasMessageContaining("0");
  }

  /** The retry of the only run of a one-shot task, pending at a restart, runs after it once. */
  @Test
  void aRetryPendingAtARestartRunsAfterItOnce(@TempDir Path directory) {
    MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
    List<String> calls = new ArrayList<>();
    TaskFunction flaky =
        (args, kwargs) -> {
          calls.add(clock.instant().toString());
          if (calls.size() == 1) {
            throw new IllegalStateException("first attempt fails");
          }
          return "ok";
        };
    ManualScheduler before = scheduler(directory, clock, flaky);
    before.start();
    before
        .task("jobs.flaky")
        .id("export")
        .trigger(DateTrigger.at(T0.plusSeconds(60)))
        .retry(RetryPolicy.fixed(3, Duration.ofMinutes(5)))
        .store("files")
        .add();
    before.advance(Duration.ofSeconds(60));
    before.shutdown(false);

    ManualScheduler after = scheduler(directory, clock, flaky);
    after.start();
    assertThat(after.getTask("export").orElseThrow().pendingRetry())
        .map(PendingRetry::attempt)
        .contains(2);
    after.advance(Duration.ofHours(1));
    after.shutdown(false);
    ManualScheduler third = scheduler(directory, clock, flaky);
    third.start();
    third.advance(Duration.ofHours(1));
    third.shutdown(false);

    assertThat(calls).containsExactly("2031-05-04T09:01:00Z", "2031-05-04T09:06:00Z");
  }

  private static ManualScheduler scheduler(Path directory, MutableClock clock, TaskFunction fn) {
    return ManualScheduler.with(
        Scheduler.builder()
            .registry(new TaskRegistry().register("jobs.flaky", fn))
            .timezone(ZoneOffset.UTC)
            .store("files", new FileStore(directory)),
        clock);
  }
}
