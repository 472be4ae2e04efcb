package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import io.asyncz.store.QuarantinedRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuarantinedRecordTest {
  @Test
  void keepsACopyOfTheRawBytesAndTheReason() {
    byte[] raw = {1, 2, 3};
    CorruptTaskRecordException failure =
        new CorruptTaskRecordException("a", Reason.MALFORMED, "broken", null);
    QuarantinedRecord record = failure.quarantined("a", raw, Instant.parse("2026-01-01T00:00:00Z"));
    raw[0] = 9;

    assertThat(record.raw()).containsExactly(1, 2, 3);
    assertThat(record.reason()).isEqualTo("MALFORMED");
    assertThat(record.detail())
        .isEqualTo("Stored record of task 'a' cannot be read (MALFORMED): broken");
    assertThat(record)
        .isEqualTo(
            new QuarantinedRecord(
                "a",
                new byte[] {1, 2, 3},
                "MALFORMED",
                record.detail(),
                Instant.parse("2026-01-01T00:00:00Z")));
    assertThat(record.toString()).contains("task a", "3 bytes", "MALFORMED");
  }
}
