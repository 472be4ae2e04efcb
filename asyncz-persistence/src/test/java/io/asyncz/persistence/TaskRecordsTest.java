package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import io.asyncz.task.Task;
import io.asyncz.trigger.CronTrigger;
import java.nio.charset.StandardCharsets;
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
}
