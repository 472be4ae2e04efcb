package io.asyncz.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Mongo store's timeouts: options, defaults, checks, and what reaches the driver. */
class MongoTimeoutOptionsTest {
  private static MongoStore.Timeouts fromOptions(Map<String, ?> options) {
    TaskStore store = TaskStores.create("mongo", options);
    try {
      return ((MongoStore) store).timeouts().orElseThrow();
    } finally {
      store.shutdown();
    }
  }

  @Test
  void withoutOptionsTheDefaultsApply() {
    assertThat(fromOptions(Map.of()))
        .isEqualTo(MongoStore.Timeouts.DEFAULTS)
        .isEqualTo(
            new MongoStore.Timeouts(
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5)));
  }

  @Test
  void timeoutsAreSecondsOrIsoDurationsTypedOrText() {
    assertThat(
            fromOptions(
                Map.of(
                    "connect_timeout", "0.5",
                    "socket_timeout", "PT1M",
                    "server_selection_timeout", 20)))
        .isEqualTo(
            new MongoStore.Timeouts(
                Duration.ofMillis(500), Duration.ofMinutes(1), Duration.ofSeconds(20)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "connect_timeout          | soon     | \"soon\" is not a number of seconds",
        "socket_timeout           | 0        | \"0\" is not a positive duration",
        "server_selection_timeout | -1       | \"-1\" is not a positive duration",
        "socket_timeout           | 0.0001   | \"0.0001\" is shorter than 1 ms",
        "connect_timeout          | P2D      | \"P2D\" is longer than 24 hours",
      })
  void badTimeoutsAreRefusedNamingTheKeyAndQuotingTheValue(
      String option, String value, String message) {
    PluginOptions options = PluginOptions.of(Map.of(option, value), "asyncz.stores.m.");
    assertThatThrownBy(() -> TaskStores.create("mongodb", options, "asyncz.stores.m.type"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.m." + option)
        .hasMessageContaining(message);
  }

  @Test
  void theRecordChecksItsTimeoutsToo() {
    assertThatThrownBy(
            () ->
                new MongoStore.Timeouts(
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(-2)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("server_selection_timeout")
        .hasMessageContaining("PT-2S");
  }

  @Test
  void theDriverGetsEveryTimeout() {
    MongoClientSettings settings =
        MongoStore.settings(
            new ConnectionString("mongodb://db:27017"),
            new MongoStore.Timeouts(
                Duration.ofSeconds(2), Duration.ofSeconds(7), Duration.ofSeconds(3)));
    assertThat(settings.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS))
        .isEqualTo(2000);
    assertThat(settings.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS)).isEqualTo(7000);
    assertThat(settings.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS))
        .isEqualTo(3000);
    assertThat(settings.getConnectionPoolSettings().getMaxWaitTime(TimeUnit.MILLISECONDS))
        .isEqualTo(2000);
  }

  @Test
  void aTimeoutTheConnectionStringSetsIsLeftToIt() {
    MongoClientSettings settings =
        MongoStore.settings(
            new ConnectionString(
                "mongodb://db:27017/?socketTimeoutMS=60000&serverSelectionTimeoutMS=30000"),
            MongoStore.Timeouts.DEFAULTS);
    assertThat(settings.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS)).isEqualTo(60000);
    assertThat(settings.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS))
        .isEqualTo(30000);
    assertThat(settings.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS))
        .isEqualTo(5000);
  }
}
