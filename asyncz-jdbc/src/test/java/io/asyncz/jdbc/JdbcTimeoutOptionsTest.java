package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JDBC store's timeouts: options, defaults, checks, and what reaches the pool and driver. */
class JdbcTimeoutOptionsTest {
  @TempDir Path dir;

  private String url() {
    return "jdbc:sqlite:" + dir.resolve("t.db");
  }

  private JdbcStore.Timeouts fromOptions(Map<String, ?> options) {
    Map<String, Object> all = new HashMap<>(options);
    all.put("url", url());
    return ((JdbcStore) TaskStores.create("jdbc", all)).timeouts().orElseThrow();
  }

  @Test
  void withoutOptionsTheDefaultsApply() {
    assertThat(fromOptions(Map.of())).isEqualTo(JdbcStore.Timeouts.DEFAULTS);
    assertThat(JdbcStore.Timeouts.DEFAULTS)
        .isEqualTo(
            new JdbcStore.Timeouts(
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(10)));
    JdbcStore store = new JdbcStore(url(), null, null, "t", TaskRecords.plain());
    assertThat(store.timeouts()).contains(JdbcStore.Timeouts.DEFAULTS);
    assertThat(store.statementTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(store.idleTransactionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(JdbcStore.Timeouts.DEFAULTS.idleTransaction()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void theIdleTransactionTimeoutFollowsTheStatementTimeoutUnlessGivenAndZeroTurnsItOff() {
    assertThat(fromOptions(Map.of("statement_timeout", 30)).idleTransaction())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(fromOptions(Map.of("idle_transaction_timeout", "PT1M")).idleTransaction())
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(fromOptions(Map.of("idle_transaction_timeout", 0)).idleTransaction()).isZero();
    assertThat(
            JdbcStore.Timeouts.of(Duration.ofSeconds(1), Duration.ofSeconds(3)).idleTransaction())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(JdbcStore.Timeouts.DEFAULTS.withIdleTransaction(Duration.ZERO).idleTransaction())
        .isZero();
    assertThat(
            new JdbcStore(new JdbcDataSource(), "t", TaskRecords.plain(), Duration.ofMillis(1200))
                .idleTransactionTimeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(
            new JdbcStore(
                    new JdbcDataSource(),
                    "t",
                    TaskRecords.plain(),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(20))
                .idleTransactionTimeout())
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void timeoutsAreSecondsOrIsoDurationsTypedOrText() {
    assertThat(
            fromOptions(
                Map.of(
                    "connect_timeout", "1.5",
                    "validation_timeout", 1,
                    "statement_timeout", "PT30S")))
        .isEqualTo(
            new JdbcStore.Timeouts(
                Duration.ofMillis(1500), Duration.ofSeconds(1), Duration.ofSeconds(30)));
    assertThat(fromOptions(Map.of("connect_timeout", 3)).connect())
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void theValidationTimeoutFollowsAShortConnectTimeoutUnlessGiven() {
    assertThat(fromOptions(Map.of("connect_timeout", 1)).validation())
        .isEqualTo(Duration.ofMillis(500));
    assertThat(fromOptions(Map.of("connect_timeout", 0.3)).validation())
        .isEqualTo(Duration.ofMillis(250));
    assertThat(fromOptions(Map.of("connect_timeout", 60)).validation())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(JdbcStore.Timeouts.of(Duration.ofSeconds(1), Duration.ofSeconds(3)))
        .isEqualTo(
            new JdbcStore.Timeouts(
                Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(3)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "connect_timeout    | soon  | \"soon\" is not a number of seconds",
        "connect_timeout    | 0     | \"0\" is not a positive duration",
        "statement_timeout  | -1    | \"-1\" is not a positive duration",
        "statement_timeout  | PT-5S | \"PT-5S\" is not a positive duration",
        "connect_timeout    | 0.1   | \"0.1\" is shorter than 250 ms",
        "validation_timeout | 0.2   | \"0.2\" is shorter than 250 ms",
        "statement_timeout  | P2D   | \"P2D\" is longer than 24 hours",
        "validation_timeout | 6     | \"6\" is longer than asyncz.stores.s.connect_timeout (PT5S)",
        "idle_transaction_timeout | -1  | \"-1\" is negative; expected 0 (no limit)",
        "idle_transaction_timeout | 0.5 | \"0.5\" is shorter than 1 s",
        "idle_transaction_timeout | P2D | \"P2D\" is longer than 24 hours",
        "idle_transaction_timeout | later | \"later\" is not a number of seconds",
      })
  void badTimeoutsAreRefusedNamingTheKeyAndQuotingTheValue(
      String option, String value, String message) {
    PluginOptions options =
        PluginOptions.of(Map.of("url", url(), option, value), "asyncz.stores.s.");
    assertThatThrownBy(() -> TaskStores.create("jdbc", options, "asyncz.stores.s.type"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.stores.s." + option)
        .hasMessageContaining(message);
  }

  @Test
  void theConstructorsCheckTheirTimeoutsToo() {
    assertThatThrownBy(
            () ->
                new JdbcStore.Timeouts(
                    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("validation_timeout")
        .hasMessageContaining("PT2S");
    assertThatThrownBy(() -> JdbcStore.Timeouts.of(Duration.ofMillis(100), Duration.ofSeconds(1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("connect_timeout")
        .hasMessageContaining("PT0.1S");
    assertThatThrownBy(() -> JdbcStore.Timeouts.of(Duration.ofSeconds(1), Duration.ZERO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("statement_timeout");
    assertThatThrownBy(
            () -> new JdbcStore(new JdbcDataSource(), "t", TaskRecords.plain(), Duration.ZERO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("statement_timeout");
    assertThatThrownBy(
            () -> JdbcStore.Timeouts.DEFAULTS.withIdleTransaction(Duration.ofMillis(500)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("idle_transaction_timeout")
        .hasMessageContaining("PT0.5S");
    assertThatThrownBy(
            () ->
                new JdbcStore(
                    new JdbcDataSource(),
                    "t",
                    TaskRecords.plain(),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(-5)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("idle_transaction_timeout")
        .hasMessageContaining("is negative");
  }

  @Test
  void theStatementTimeoutIsRoundedUpToWholeSeconds() {
    JdbcStore store =
        new JdbcStore(new JdbcDataSource(), "t", TaskRecords.plain(), Duration.ofMillis(1200));
    assertThat(store.statementTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void postgresqlGetsConnectLoginCancelAndSocketTimeoutsInSeconds() {
    HikariConfig config = new HikariConfig();
    JdbcConnections.configure(
        config,
        "jdbc:postgresql://db/app",
        new JdbcStore.Timeouts(
            Duration.ofMillis(1500), Duration.ofMillis(700), Duration.ofSeconds(10)));
    assertThat(config.getConnectionTimeout()).isEqualTo(1500);
    assertThat(config.getValidationTimeout()).isEqualTo(700);
    assertThat(config.getDataSourceProperties())
        .containsEntry("connectTimeout", "2")
        .containsEntry("loginTimeout", "2")
        .containsEntry("cancelSignalTimeout", "2")
        .containsEntry("socketTimeout", "12");
  }

  @Test
  void mariadbAndMysqlGetConnectAndSocketTimeoutsInMilliseconds() {
    for (String url : new String[] {"jdbc:mariadb://db/app", "jdbc:mysql://db/app"}) {
      HikariConfig config = new HikariConfig();
      JdbcConnections.configure(config, url, JdbcStore.Timeouts.DEFAULTS);
      assertThat(config.getDataSourceProperties())
          .containsEntry("connectTimeout", "5000")
          .containsEntry("socketTimeout", "12000")
          .hasSize(2);
    }
  }

  @Test
  void aDriverTimeoutTheUrlSetsIsLeftToTheUrl() {
    HikariConfig config = new HikariConfig();
    JdbcConnections.configure(
        config, "jdbc:postgresql://db/app?user=x&SocketTimeout=60", JdbcStore.Timeouts.DEFAULTS);
    assertThat(config.getDataSourceProperties())
        .doesNotContainKey("socketTimeout")
        .containsEntry("connectTimeout", "5");
  }

  @Test
  void inProcessDatabasesGetOnlyThePoolTimeouts() {
    HikariConfig config = new HikariConfig();
    JdbcConnections.configure(config, url(), JdbcStore.Timeouts.DEFAULTS);
    assertThat(config.getDataSourceProperties()).isEmpty();
    assertThat(config.getConnectionTimeout()).isEqualTo(5000);
  }
}
