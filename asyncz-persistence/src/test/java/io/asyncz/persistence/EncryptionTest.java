package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import io.asyncz.task.Task;
import io.asyncz.trigger.CronTrigger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptionTest {
  private static final byte[] PLAIN =
      "{\"format\":\"asyncz.task\",\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void encryptedRecordDecryptsWithTheSameKeyAndId() {
    Encryption enc = Encryption.withKey("s3cret");
    byte[] record = enc.encrypt("a", PLAIN);

    assertThat(Encryption.isEncrypted(record)).isTrue();
    assertThat(Encryption.isEncrypted(PLAIN)).isFalse();
    assertThat(new String(record, StandardCharsets.ISO_8859_1)).doesNotContain("asyncz.task");
    assertThat(enc.decrypt("a", record)).isEqualTo(PLAIN);
    assertThat(enc.open("a", record)).isEqualTo(PLAIN);
    assertThat(enc.open("a", PLAIN)).isEqualTo(PLAIN);
  }

  @Test
  void everyRecordHasItsOwnNonce() {
    Encryption enc = Encryption.withKey("s3cret");

    assertThat(enc.encrypt("a", PLAIN)).isNotEqualTo(enc.encrypt("a", PLAIN));
  }

  @Test
  void encryptedTaskDocumentRoundTrips() {
    TaskStateCodec codec = new TaskStateCodec();
    Task task =
        Task.builder("job")
            .function(Contexts.REPORT, "report")
            .trigger(CronTrigger.fromCrontab("@daily"))
            .args(List.of("x"))
            .build();
    Encryption enc = Encryption.withKey("k");

    byte[] stored = enc.encrypt("job", codec.encode(task));

    assertThat(codec.decode(enc.decrypt("job", stored), Contexts.context())).isEqualTo(task);
  }

  @Test
  void rotatedKeyStillReadsRecordsWrittenWithTheOldOne() {
    byte[] old = Encryption.withKey("old-key").encrypt("a", PLAIN);
    Encryption rotated = Encryption.withKey("new-key", "older-key", "old-key");

    assertThat(rotated.decrypt("a", old)).isEqualTo(PLAIN);
    byte[] rewritten = rotated.encrypt("a", PLAIN);
    assertThatThrownBy(() -> Encryption.withKey("old-key").decrypt("a", rewritten))
        .isInstanceOf(CorruptTaskRecordException.class);
  }

  @Test
  void wrongKeyIsRefusedNamingTheKeyId() {
    byte[] record = Encryption.withKey("one").encrypt("a", PLAIN);

    assertThatThrownBy(() -> Encryption.withKey("two").decrypt("a", record))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageStartingWith(
            "Stored record of task 'a' cannot be read (UNDECRYPTABLE): it was encrypted with a key"
                + " that is not configured (key id ")
        .hasMessageNotContaining("one")
        .extracting(e -> ((CorruptTaskRecordException) e).reason())
        .isEqualTo(Reason.UNDECRYPTABLE);
  }

  @Test
  void tamperedRecordIsRefused() {
    Encryption enc = Encryption.withKey("k");
    byte[] record = enc.encrypt("a", PLAIN);
    for (int i = 21; i < record.length; i++) {
      byte[] tampered = record.clone();
      tampered[i] ^= 1;
      assertThatThrownBy(() -> enc.decrypt("a", tampered))
          .isInstanceOf(CorruptTaskRecordException.class)
          .hasMessageContaining("authentication failed");
    }
    byte[] truncated = java.util.Arrays.copyOf(record, 30);
    assertThatThrownBy(() -> enc.decrypt("a", truncated))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void recordMovedToAnotherIdIsRefused() {
    Encryption enc = Encryption.withKey("k");
    byte[] record = enc.encrypt("a", PLAIN);

    assertThatThrownBy(() -> enc.decrypt("b", record))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("task 'b'")
        .hasMessageContaining("belongs to another task id");
  }

  @Test
  void plainRecordIsNotTakenForCiphertext() {
    assertThatThrownBy(() -> Encryption.withKey("k").decrypt("a", PLAIN))
        .isInstanceOf(CorruptTaskRecordException.class)
        .hasMessageContaining("not in the encrypted format");
  }

  @Test
  void keyComesFromTheEnvironmentVariable() {
    byte[] record = Encryption.withKey("from-env").encrypt("a", PLAIN);

    assertThat(Encryption.fromEnvironment(Map.of(), List.of())).isEmpty();
    assertThat(Encryption.fromEnvironment(Map.of("ASYNCZ_STORE_ENCRYPTION_KEY", " "), List.of()))
        .isEmpty();
    Encryption enc =
        Encryption.fromEnvironment(Map.of("ASYNCZ_STORE_ENCRYPTION_KEY", "from-env"), List.of())
            .orElseThrow();
    assertThat(enc.decrypt("a", record)).isEqualTo(PLAIN);
  }

  @Test
  void blankKeyIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> Encryption.withKey("  "))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid encryption key: \"<hidden>\" is blank; expected a secret string");
  }
}
