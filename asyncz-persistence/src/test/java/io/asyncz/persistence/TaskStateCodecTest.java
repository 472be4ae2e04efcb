package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.testkit.StoreContract;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.ShutdownTrigger;
import io.asyncz.trigger.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskStateCodecTest {
  private static final Instant NOW = Instant.parse("2026-01-15T10:17:23Z");
  private final TaskStateCodec codec = new TaskStateCodec();

  /** Every trigger kind the store contract uses, and two more that only the codec cares about. */
  static Stream<Trigger> triggers() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    return Stream.concat(
        StoreContract.triggers(),
        Stream.of(
            DateTrigger.now(clock),
            IntervalTrigger.builder()
                .interval(Duration.ofNanos(1_000_000_001))
                .clock(clock)
                .build(),
            CronTrigger.builder().week("*").dayOfWeek("mon-fri").hour(9).build()));
  }

  private static Task.Builder task(String id, Trigger trigger) {
    return Task.builder(id).function(Contexts.REPORT, "report").trigger(trigger);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("triggers")
  void roundTripGivesAnEqualTaskForEveryTriggerKind(Trigger trigger) {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("list", List.of(1, "two", 3.5, false));
    nested.put("none", null);
    Task task =
        task("t-" + trigger.alias(), trigger)
            .name("Nightly report")
            .args(Arrays.asList("a", 42, 7_000_000_000L, 2.25, true, null, List.of("x", 1)))
            .kwargs(Map.of("to", "ops@example.com", "options", nested))
            .executor("pool")
            .storeAlias("files")
            .mistriggerGraceTime(Duration.ofMillis(1_500))
            .coalesce(false)
            .maxInstances(3)
            .nextRunTime(Instant.parse("2026-03-01T12:00:00.123456789Z"))
            .build();

    Task decoded = codec.decode(codec.encode(task), Contexts.context());

    assertThat(decoded).isEqualTo(task);
    assertThat(decoded.trigger()).isEqualTo(trigger).hasToString(trigger.toString());
    assertThat(decoded.function()).isSameAs(Contexts.REPORT);
  }

  @Test
  void pausedTaskWithoutGraceAndWithStaticReferenceRoundTrips() {
    Task task =
        Task.builder("paused")
            .function((a, k) -> null, "io.asyncz.persistence.jobs.Jobs::noArguments")
            .trigger(CronTrigger.fromCrontab("@hourly"))
            .mistriggerGraceTime(null)
            .build();

    Task decoded = codec.decode(codec.encode(task), Contexts.context());

    assertThat(decoded).isEqualTo(task);
    assertThat(decoded.isPaused()).isTrue();
    assertThat(decoded.mistriggerGraceTime()).isEmpty();
    assertThat(decoded.name()).isEqualTo(decoded.function().displayName());
  }

  @Test
  void documentIsVersionedJsonWithReadableFields() {
    Task task =
        task("doc", CronTrigger.fromCrontab("0 3 * * *"))
            .mistriggerGraceTime(Duration.ofSeconds(30))
            .nextRunTime(Instant.parse("2026-01-16T03:00:00Z"))
            .build();
    String json = new String(codec.encode(task), StandardCharsets.UTF_8);

    assertThat(json)
        .startsWith("{\"format\":\"asyncz.task\",\"version\":1,\"id\":\"doc\",\"name\":null,")
        .contains("\"reference\":\"report\"")
        .contains("\"trigger\":{\"alias\":\"cron\",\"fields\":{\"crontab\":\"0 3 * * *\"}}")
        .contains("\"mistrigger_grace_time\":30,")
        .endsWith("\"next_run_time\":\"2026-01-16T03:00:00Z\"}");
  }

  @Test
  void taskWithoutReferenceIsRefusedOnEncode() {
    Task task =
        Task.builder("lambda")
            .function(TaskFunction.of(() -> {}), null)
            .trigger(CronTrigger.fromCrontab("@daily"))
            .build();

    assertThatThrownBy(() -> codec.encode(task))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("task 'lambda'")
        .hasMessageContaining("has no textual reference; persistent stores need one");
  }

  @Test
  void argumentThatIsNotJsonIsRefusedOnEncode() {
    Task task = task("odd", ShutdownTrigger.instance()).args(List.of(new Object() {})).build();

    assertThatThrownBy(() -> codec.encode(task))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("args of task 'odd'")
        .hasMessageContaining("is not a JSON value");
  }

  @Test
  void javaTimeArgumentsAreWrittenAsIsoStrings() {
    Task task =
        task("time", ShutdownTrigger.instance())
            .args(List.of(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMinutes(5)))
            .build();

    Task decoded = codec.decode(codec.encode(task), Contexts.context());

    assertThat(decoded.args()).containsExactly("2026-01-01T00:00:00Z", "PT5M");
  }

  @Test
  void newerVersionIsRefusedNotMisread() {
    String doc = json().replace("\"version\":1", "\"version\":3");

    assertThatThrownBy(() -> decode(doc))
        .isInstanceOf(UnsupportedTaskFormatException.class)
        .hasMessage(
            "Stored record of task 'job-1' cannot be read (UNSUPPORTED_VERSION): format version 3"
                + " is newer than the versions this code reads (up to 2); upgrade Asyncz to read it")
        .satisfies(
            e -> {
              UnsupportedTaskFormatException u = (UnsupportedTaskFormatException) e;
              assertThat(u.version()).isEqualTo(3);
              assertThat(u.taskId()).contains("job-1");
              assertThat(u.reason()).isEqualTo(Reason.UNSUPPORTED_VERSION);
            });
  }

  @Test
  void newerVersionWithUnknownFieldsIsStillReportedAsNewerVersion() {
    String doc = json().replace("\"version\":1", "\"version\":7,\"priority\":3");

    assertThatThrownBy(() -> decode(doc)).isInstanceOf(UnsupportedTaskFormatException.class);
  }

  @Test
  void corruptJsonIsRefusedNamingTheTaskId() {
    String doc = json().substring(0, 60);

    assertThatThrownBy(() -> decode(doc))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageStartingWith(
            "Stored record of task 'job-1' cannot be read (MALFORMED): not valid JSON")
        .extracting(e -> ((CorruptTaskRecordException) e).reason())
        .isEqualTo(Reason.MALFORMED);
  }

  @Test
  void wrongFormatUnknownFieldAndWrongTypesAreRefused() {
    assertThatThrownBy(() -> decode(json().replace("asyncz.task", "other")))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("\"format\" is \"other\"; expected \"asyncz.task\"");
    assertThatThrownBy(() -> decode(json().replace("\"coalesce\"", "\"colesce\"")))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("unknown field \"colesce\" for version 1");
    assertThatThrownBy(
            () -> decode(json().replace("\"max_instances\":1", "\"max_instances\":\"1\"")))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("\"max_instances\" is \"1\"; expected a whole number");
    assertThatThrownBy(() -> decode(json().replace("\"max_instances\":1", "\"max_instances\":0")))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("max_instances");
    assertThatThrownBy(() -> decode("[1,2]"))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> decode(json() + "{}"))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(
            () -> decode(json().replace("\"id\":\"job-1\"", "\"id\":\"job-1\",\"id\":\"x\"")))
        .isInstanceOf(CorruptTaskRecordException.class);
  }

  @Test
  void unresolvableReferenceIsRefusedWithItsOwnReason() {
    String doc = json().replace("\"report\"", "\"java.lang.Runtime::exit\"");

    assertThatThrownBy(() -> decode(doc))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("task 'job-1'")
        .hasMessageContaining("outside the allowed packages")
        .extracting(e -> ((CorruptTaskRecordException) e).reason())
        .isEqualTo(Reason.UNRESOLVABLE_REFERENCE);
  }

  @Test
  void invalidTriggerIsRefusedWithItsOwnReason() {
    String doc = json().replace("\"crontab\":\"@daily\"", "\"hour\":\"99\"");

    assertThatThrownBy(() -> decode(doc))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("Invalid cron field 'hour': \"99\" is out of range 0-23")
        .extracting(e -> ((CorruptTaskRecordException) e).reason())
        .isEqualTo(Reason.INVALID_TRIGGER);
  }

  @Test
  void peekIdReadsTheIdOfAParsableDocument() {
    assertThat(TaskStateCodec.peekId(json().getBytes(StandardCharsets.UTF_8))).contains("job-1");
    assertThat(TaskStateCodec.peekId("nonsense".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  private String json() {
    Task task = task("job-1", CronTrigger.fromCrontab("@daily")).build();
    String doc = new String(codec.encode(task), StandardCharsets.UTF_8);
    assertThat(doc).contains("\"version\":1");
    return doc;
  }

  private Task decode(String doc) {
    return codec.decode(doc.getBytes(StandardCharsets.UTF_8), Contexts.context());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "2026-03-01T12:00:00Z",
        "2026-03-01T12:00:00.1Z",
        "2026-03-01T12:00:00.123Z",
        "2026-03-01T12:00:00.123456Z",
        "2026-03-01T12:00:00.123456789Z",
        "2026-03-01T12:00:00.00001Z",
        "2024-02-29T23:59:59.999999999Z",
        "0000-01-01T00:00:00Z",
        "1969-12-31T23:59:59.5Z",
        "9999-12-31T23:59:59Z",
        "+10000-01-01T00:00:00Z",
        "2026-03-01t12:00:00z",
        "2026-03-01T12:00:00+01:00",
        "2016-12-31T23:59:60Z",
        "2026-03-01T12:00Z",
        "2025-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-03-01T24:00:00Z",
        "2026-03-01T12:60:00Z",
        "2026-03-01T12:00:00.Z",
        "2026-03-01T12:00:00.1234567890Z",
        "2026-03-01T12:00:0xZ",
        "2026-03-01 12:00:00Z",
        "-001-03-01T12:00:00Z"
      })
  void instantsAreReadExactlyAsInstantParseReadsThem(String text) {
    Instant expected;
    try {
      expected = Instant.parse(text);
    } catch (DateTimeParseException e) {
      assertThatThrownBy(() -> TaskStateCodec.parseInstant(text))
          .isInstanceOf(DateTimeParseException.class);
      return;
    }
    assertThat(TaskStateCodec.parseInstant(text)).isEqualTo(expected);
  }
}
