package io.asyncz.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mongo aliases take the maximum record size. */
class MongoRecordSizeTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @Test
  void theMongoAliasesTakeAMaximumRecordSize() throws Exception {
    try (StandInMongo server = StandInMongo.start()) {
      TaskStore store =
          TaskStores.create(
              "mongodb",
              Map.of("uri", server.uri(), "collection", "sized", "max_record_size", "2048"));
      store.start(
          new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry()),
          "default");
      try {
        Task big =
            Task.builder("big")
                .function((args, kwargs) -> null, StoreContract.REFERENCE)
                .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
                .args(List.of("x".repeat(3000)))
                .build();
        assertThatThrownBy(() -> store.addTask(big))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("max_record_size (2048 bytes)");
        assertThat(store.allTasks()).isEmpty();
      } finally {
        store.shutdown();
      }
    }
    assertThatThrownBy(() -> TaskStores.create("mongo", Map.of("max_record_size", 1 << 30)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_record_size")
        .hasMessageContaining("64 MiB");
  }
}
