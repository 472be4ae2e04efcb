package io.asyncz.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.JedisPooled;

/** The Redis store's timeouts: options, defaults and checks. */
class RedisTimeoutOptionsTest {
  private static RedisStore.Timeouts fromOptions(Map<String, ?> options) {
    TaskStore store = TaskStores.create("redis", options);
    try {
      return ((RedisStore) store).timeouts().orElseThrow();
    } finally {
      store.shutdown();
    }
  }

  @Test
  void withoutOptionsTheDefaultsApply() {
    assertThat(fromOptions(Map.of()))
        .isEqualTo(RedisStore.Timeouts.DEFAULTS)
        .isEqualTo(new RedisStore.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)));
  }

  @Test
  void timeoutsAreSecondsOrIsoDurationsTypedOrText() {
    assertThat(fromOptions(Map.of("connect_timeout", "0.5", "socket_timeout", "PT1M")))
        .isEqualTo(new RedisStore.Timeouts(Duration.ofMillis(500), Duration.ofMinutes(1)));
    assertThat(fromOptions(Map.of("socket_timeout", 3)).socket()).isEqualTo(Duration.ofSeconds(3));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "connect_timeout | soon  | \"soon\" is not a number of seconds",
        "connect_timeout | 0     | \"0\" is not a positive duration",
        "socket_timeout  | -1    | \"-1\" is not a positive duration",
        "socket_timeout  | P2D   | \"P2D\" is longer than 24 hours",
      })
  void badTimeoutsAreRefusedNamingTheKeyAndQuotingTheValue(
      String option, String value, String message) {
    PluginOptions options = PluginOptions.of(Map.of(option, value), "asyncz.stores.r.");
    assertThatThrownBy(() -> TaskStores.create("redis", options, "asyncz.stores.r.type"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.r." + option)
        .hasMessageContaining(message);
  }

  @Test
  void theRecordChecksItsTimeoutsToo() {
    assertThatThrownBy(() -> new RedisStore.Timeouts(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("connect_timeout")
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> new RedisStore.Timeouts(Duration.ofSeconds(1), null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("socket_timeout");
  }

  @Test
  void aStoreOnACallersClientHasNoTimeoutsOfItsOwn() {
    try (JedisPooled client = new JedisPooled("127.0.0.1", 1)) {
      assertThat(new RedisStore(client, "t", "r", TaskRecords.plain()).timeouts()).isEmpty();
    }
  }
}
