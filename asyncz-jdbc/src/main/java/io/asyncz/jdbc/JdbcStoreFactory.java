package io.asyncz.jdbc;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.StoreFactory;
import io.asyncz.store.TaskStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Registers the {@code jdbc} store alias and its seed name {@code sqlalchemy}: options {@code url}
 * (required, a JDBC URL), {@code username}, {@code password}, {@code table} (default {@value
 * JdbcStore#DEFAULT_TABLE}), and the timeouts {@code connect_timeout} (5 s), {@code
 * validation_timeout} (2 s, or half the connect timeout when that is shorter) and {@code
 * statement_timeout} (10 s), each in seconds or as an ISO-8601 duration. Records are encrypted when
 * {@code ASYNCZ_STORE_ENCRYPTION_KEY} is set.
 */
public final class JdbcStoreFactory implements StoreFactory {
  private static final Set<String> OPTIONS =
      Set.of(
          "url",
          "username",
          "password",
          "table",
          "connect_timeout",
          "validation_timeout",
          "statement_timeout");

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public JdbcStoreFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of("jdbc", "sqlalchemy");
  }

  @Override
  public Set<String> options(String alias) {
    return OPTIONS;
  }

  @Override
  public TaskStore create(String alias, PluginOptions options) {
    String url = options.string("url", null);
    if (url == null || !url.startsWith("jdbc:")) {
      throw new InvalidInputException(
          options.key("url"),
          url,
          url == null
              ? "is missing; the jdbc store needs a JDBC URL"
              : "is not a JDBC URL; expected something like jdbc:postgresql://host/db");
    }
    String table =
        SqlNames.checkTable(options.key("table"), options.string("table", JdbcStore.DEFAULT_TABLE));
    return new JdbcStore(
        url,
        options.string("username", null),
        options.string("password", null),
        table,
        TaskRecords.fromEnvironment(List.of()),
        timeouts(options));
  }

  /** The timeout options, each checked and named as the user wrote it. */
  static JdbcStore.Timeouts timeouts(PluginOptions options) {
    JdbcStore.Timeouts defaults = JdbcStore.Timeouts.DEFAULTS;
    Duration connect =
        timeout(options, "connect_timeout", defaults.connect(), JdbcConnections.MIN_POOL_TIMEOUT);
    Duration statement = timeout(options, "statement_timeout", defaults.statement(), Duration.ZERO);
    Duration validation =
        options.raw("validation_timeout").isPresent()
            ? timeout(options, "validation_timeout", null, JdbcConnections.MIN_POOL_TIMEOUT)
            : JdbcStore.Timeouts.validationFor(connect);
    if (validation.compareTo(connect) > 0) {
      throw new InvalidInputException(
          options.key("validation_timeout"),
          options.raw("validation_timeout").orElse(validation),
          "is longer than "
              + options.key("connect_timeout")
              + " ("
              + connect
              + "); expected at most the connect timeout, which includes it");
    }
    return new JdbcStore.Timeouts(connect, validation, statement);
  }

  private static Duration timeout(
      PluginOptions options, String name, Duration defaultValue, Duration min) {
    Duration value = options.seconds(name, defaultValue);
    String problem = JdbcConnections.timeoutProblem(value, min);
    if (problem != null) {
      // Quote the value as the user wrote it, not as the Duration it became.
      throw new InvalidInputException(options.key(name), options.raw(name).orElse(value), problem);
    }
    return value;
  }
}
