package io.asyncz.jdbc;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.StoreFactory;
import io.asyncz.store.TaskStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Registers the {@code jdbc} store alias and its seed name {@code sqlalchemy}: options {@code url}
 * (required, a JDBC URL or a SQLAlchemy URL for PostgreSQL, MySQL, MariaDB or SQLite), {@code
 * username}, {@code password}, {@code table} (default {@value JdbcStore#DEFAULT_TABLE}), {@code
 * max_record_size} (bytes, default 1 MiB; see {@link TaskRecords}), and the timeouts {@code
 * connect_timeout} (5 s), {@code validation_timeout} (2 s, or half the connect timeout when that is
 * shorter), {@code statement_timeout} (10 s) and {@code idle_transaction_timeout} (how long a
 * transaction may wait for its next statement before the database ends it; the statement timeout
 * unless given, 0 for no limit: see {@link JdbcStore.Timeouts#idleTransaction()}), each in seconds
 * or as an ISO-8601 duration, and {@code pooled} (default true; false opens a connection for each
 * operation instead of a HikariCP pool, for a store that serves one short command: see {@link
 * JdbcStore#pooled()}). The {@code sqlalchemy} alias also takes the seed's {@code SQLAlchemyStore}
 * names: {@code database} for {@code url} and {@code tablename} for {@code table}. Records are
 * encrypted when {@code ASYNCZ_STORE_ENCRYPTION_KEY} is set.
 */
public final class JdbcStoreFactory implements StoreFactory {
  private static final Set<String> OPTIONS =
      Set.of(
          "url",
          "username",
          "password",
          "table",
          TaskRecords.MAX_RECORD_SIZE_OPTION,
          "connect_timeout",
          "validation_timeout",
          "statement_timeout",
          "idle_transaction_timeout",
          "pooled");

  // The seed's names, and its pickle_protocol, which is refused with a message of its own rather
  // than as an unknown option.
  private static final Set<String> SEED_OPTIONS =
      Set.of("database", "tablename", "pickle_protocol");

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public JdbcStoreFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of("jdbc", "sqlalchemy");
  }

  @Override
  public Set<String> options(String alias) {
    if (!"sqlalchemy".equals(alias)) {
      return OPTIONS;
    }
    Set<String> all = new HashSet<>(OPTIONS);
    all.addAll(SEED_OPTIONS);
    return Set.copyOf(all);
  }

  @Override
  public TaskStore create(String alias, PluginOptions options) {
    if (options.raw("pickle_protocol").isPresent()) {
      throw new InvalidInputException(
          options.key("pickle_protocol"),
          options.raw("pickle_protocol").get(),
          "is a pickle setting of the seed's SQLAlchemyStore; records here are versioned JSON,"
              + " never pickled, so remove this option");
    }
    String urlOption = oneOf(options, "url", "database");
    String value = options.string(urlOption, null);
    if (value == null) {
      throw new InvalidInputException(
          options.key("url"),
          null,
          "is missing; the "
              + alias
              + " store needs a JDBC URL (jdbc:postgresql://host/db)"
              + ("sqlalchemy".equals(alias)
                  ? " or a SQLAlchemy URL (postgresql+psycopg://user:pw@host/db), as "
                      + options.key("url")
                      + " or "
                      + options.key("database")
                  : " or a SQLAlchemy URL (postgresql+psycopg://user:pw@host/db)"));
    }
    SqlAlchemyUrls.Target target = SqlAlchemyUrls.toJdbc(options.key(urlOption), value);
    String tableOption = oneOf(options, "table", "tablename");
    String table =
        SqlNames.checkTable(
            options.key(tableOption), options.string(tableOption, JdbcStore.DEFAULT_TABLE));
    return new JdbcStore(
        target.url(),
        credential(options, "username", urlOption, target.username()),
        credential(options, "password", urlOption, target.password()),
        table,
        TaskRecords.fromOptions(options),
        timeouts(options),
        options.bool("pooled", true));
  }

  /** Which of two names of one option is given; refuses both. */
  private static String oneOf(PluginOptions options, String name, String seedName) {
    if (options.raw(name).isPresent() && options.raw(seedName).isPresent()) {
      throw new InvalidInputException(
          options.key(seedName),
          options.raw(seedName).get(),
          "is given together with "
              + options.key(name)
              + ", which is the same option; expected one of them");
    }
    return options.raw(seedName).isPresent() ? seedName : name;
  }

  /** A user or password given as an option or in the URL, not both. */
  private static String credential(
      PluginOptions options, String name, String urlOption, String fromUrl) {
    String given = options.string(name, null);
    if (given != null && fromUrl != null) {
      throw new InvalidInputException(
          options.key(name),
          "password".equals(name) ? "***" : given,
          "is given twice, here and in " + options.key(urlOption) + "; expected it once");
    }
    return given != null ? given : fromUrl;
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
    Duration idle = statement;
    if (options.raw("idle_transaction_timeout").isPresent()) {
      idle = options.seconds("idle_transaction_timeout", statement);
      String problem = IdleTransactions.problem(idle);
      if (problem != null) {
        throw new InvalidInputException(
            options.key("idle_transaction_timeout"),
            options.raw("idle_transaction_timeout").get(),
            problem);
      }
    }
    return new JdbcStore.Timeouts(connect, validation, statement, idle);
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
