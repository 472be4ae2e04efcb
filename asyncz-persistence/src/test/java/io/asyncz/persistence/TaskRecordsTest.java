package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import io.asyncz.store.StoreContext;
import io.asyncz.task.Task;
import io.asyncz.task.TaskOperations;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.RecordCorrupter;
import io.asyncz.trigger.CronTrigger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TaskRecordsTest {
  private static Task task(String id) {
    return Task.builder(id)
        .function(Contexts.REPORT, "report")
        .trigger(CronTrigger.fromCrontab("@daily"))
        .build();
  }

  @Test
  void plainRecordsAreJsonAndReadBack() {
    TaskRecords records = TaskRecords.plain();
    byte[] record = records.write(task("a"));

    assertThat(new String(record, StandardCharsets.UTF_8))
        .startsWith("{\"format\":\"asyncz.task\"");
    assertThat(records.read("a", record, Contexts.context())).isEqualTo(task("a"));
  }

  @Test
  void encryptedRecordsReadBackAndPlainOnesStillRead() {
    TaskRecords records = TaskRecords.encrypted(Encryption.withKey("k"));
    byte[] sealed = records.write(task("a"));
    byte[] older = TaskRecords.plain().write(task("b"));

    assertThat(Encryption.isEncrypted(sealed)).isTrue();
    assertThat(records.read("a", sealed, Contexts.context())).isEqualTo(task("a"));
    assertThat(records.read("b", older, Contexts.context())).isEqualTo(task("b"));
  }

  @Test
  void encryptedRecordWithoutAKeyIsRefusedSayingSo() {
    byte[] sealed = TaskRecords.encrypted(Encryption.withKey("k")).write(task("a"));

    assertThatThrownBy(() -> TaskRecords.plain().read("a", sealed, Contexts.context()))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("encrypted and no key is configured; set ASYNCZ_STORE_ENCRYPTION_KEY")
        .extracting(e -> ((CorruptTaskRecordException) e).reason())
        .isEqualTo(Reason.UNDECRYPTABLE);
  }

  @Test
  void plainRecordStoredUnderAnotherIdIsRefused() {
    byte[] record = TaskRecords.plain().write(task("a"));

    assertThatThrownBy(() -> TaskRecords.plain().read("b", record, Contexts.context()))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("task 'b'")
        .hasMessageContaining("the document names task 'a'");
  }

  @Test
  void encryptedRecordStoredUnderAnotherIdIsRefused() {
    TaskRecords records = TaskRecords.encrypted(Encryption.withKey("k"));
    byte[] record = records.write(task("a"));

    assertThatThrownBy(() -> records.read("b", record, Contexts.context()))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("belongs to another task id");
  }

  @Test
  void descriptionNeverShowsTheSecret() {
    assertThat(TaskRecords.encrypted(Encryption.withKey("hunter2")).toString())
        .doesNotContain("hunter2")
        .startsWith("TaskRecords[Encryption[AES-256-GCM, key ");
    assertThat(TaskRecords.plain()).hasToString("TaskRecords[plain]");
  }

  // ------------------------------------------------------------------ failures while reading

  private static byte[] withTrigger(String id, String triggerJson) {
    Map<String, Object> doc = RecordCorrupter.document(id, null);
    doc.put("reference", "report");
    doc.put("trigger", new RecordCorrupter.RawJson(triggerJson));
    return RecordCorrupter.json(doc);
  }

  @Test
  void aTriggerThatOverflowsWhenRebuiltIsAnInvalidTriggerNotAnArithmeticException() {
    byte[] record =
        withTrigger("a", "{\"alias\":\"interval\",\"fields\":{\"weeks\":1000000000000000}}");

    assertThatThrownBy(() -> TaskRecords.plain().read("a", record, Contexts.context()))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("task 'a'")
        .extracting(e -> ((CorruptTaskRecordException) e).reason())
        .isEqualTo(Reason.INVALID_TRIGGER);
  }

  @Test
  void whateverFailsWhileReadingIsACorruptRecordNamingTheFailure() {
    StoreContext failing =
        new StoreContext() {
          @Override
          public Clock clock() {
            return Contexts.context().clock();
          }

          @Override
          public ZoneId timezone() {
            return ZoneOffset.UTC;
          }

          @Override
          public TaskRegistry registry() {
            throw new IllegalStateException("the registry is closed");
          }

          @Override
          public TaskOperations operations() {
            return null;
          }

          @Override
          public void dispatch(SchedulerEvent event) {}
        };
    byte[] record = TaskRecords.plain().write(task("a"));

    assertThatThrownBy(() -> TaskRecords.plain().read("a", record, failing))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("task 'a'")
        .hasMessageContaining("IllegalStateException: the registry is closed");
  }

  @Test
  void aRecordNestedTooDeeplyForTheStackIsACorruptRecord() throws Exception {
    // Deep enough to overflow a small stack, shallow enough for the JSON parser's own limit.
    Map<String, Object> doc = RecordCorrupter.document("deep", null);
    doc.put("reference", "report");
    doc.put("args", new RecordCorrupter.RawJson("[".repeat(990) + "]".repeat(990)));
    byte[] record = RecordCorrupter.json(doc);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread small =
        new Thread(
            null,
            () -> {
              try {
                TaskRecords.plain().read("deep", record, Contexts.context());
              } catch (Throwable e) {
                thrown.set(e);
              }
            },
            "small-stack",
            32 * 1024);
    small.start();
    small.join();

    assertThat(thrown.get())
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("task 'deep'")
        .hasMessageContaining("nested too deeply");
  }

  // ------------------------------------------------------------------ record sizes

  @Test
  void theMaximumRecordSizeComesFromTheStoreOptionAndIsChecked() {
    assertThat(TaskRecords.fromOptions(PluginOptions.of(Map.of())).maxRecordSize())
        .isEqualTo(TaskRecords.DEFAULT_MAX_RECORD_SIZE);
    TaskRecords records =
        TaskRecords.fromOptions(
            PluginOptions.of(Map.of("max_record_size", "4096"), "asyncz.stores.default."));
    assertThat(records.maxRecordSize()).isEqualTo(4096);
    assertThat(records.readLimit()).isEqualTo(16 * 4096);

    for (Object bad : List.of(0, 1023, 64 * 1024 * 1024 + 1, "lots", -5)) {
      assertThatThrownBy(
              () ->
                  TaskRecords.fromOptions(
                      PluginOptions.of(Map.of("max_record_size", bad), "asyncz.stores.default.")))
          .as("max_record_size %s", bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("asyncz.stores.default.max_record_size")
          .hasMessageContaining(bad.toString());
    }
  }

  @Test
  void aRecordOverTheLimitIsRefusedNamingTheTaskItsSizeAndTheLimit() {
    TaskRecords records = TaskRecords.plain().withMaxRecordSize(1024);
    Task big = task("big").toBuilder().args(List.of("x".repeat(2000))).build();

    assertThatThrownBy(() -> records.write(big))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("record of task \"big\"")
        .hasMessageMatching("(?s).*\"2\\d{3} bytes\".*")
        .hasMessageContaining("max_record_size (1024 bytes)");
    // A stored task only moving on is not held to it.
    assertThat(records.read("big", records.rewrite(big), Contexts.context())).isEqualTo(big);
  }

  @Test
  void aRecordOverTheReadLimitIsTooLargeToRead() {
    TaskRecords records = TaskRecords.plain().withMaxRecordSize(1024);
    Task big = task("big").toBuilder().args(List.of("x".repeat(17_000))).build();
    byte[] record = TaskRecords.plain().write(big);

    assertThatThrownBy(() -> records.read("big", record, Contexts.context()))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining(record.length + " bytes, over the read limit of 16384 bytes")
        .extracting(e -> ((CorruptTaskRecordException) e).reason())
        .isEqualTo(Reason.TOO_LARGE);
    assertThat(TaskRecords.plain().read("big", record, Contexts.context())).isEqualTo(big);
  }
}
