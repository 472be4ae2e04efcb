package io.asyncz.spring;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Builds the JDBC stores that use the application's {@code DataSource}; only loaded when such a
 * store is configured, so that the starter runs without {@code asyncz-jdbc} otherwise.
 */
final class ApplicationDataSourceStores {
  private static final Set<String> TYPES = Set.of("jdbc", "sqlalchemy");
  private static final Set<String> OPTIONS =
      Set.of(
          "type",
          AsynczProperties.USE_APPLICATION_DATASOURCE,
          "table",
          TaskRecords.MAX_RECORD_SIZE_OPTION,
          "statement_timeout");

  private ApplicationDataSourceStores() {}

  /**
   * A store on {@code dataSource} (which the application owns and closes) from the options of
   * {@code asyncz.stores.<alias>}.
   *
   * @throws InvalidInputException naming the key, for a type other than jdbc, an option that the
   *     DataSource makes meaningless ({@code url}, {@code username}...), or a bad value
   */
  static TaskStore create(String alias, Map<String, Object> options, DataSource dataSource) {
    String base = AsynczProperties.PREFIX + "stores." + alias + ".";
    PluginOptions given =
        PluginOptions.of(new LinkedHashMap<>(options), base)
            .requireOnly(
                OPTIONS,
                "a store with "
                    + AsynczProperties.USE_APPLICATION_DATASOURCE
                    + " (the application's DataSource gives the connection)");
    String type = given.string("type", null);
    if (type == null || !TYPES.contains(type.strip())) {
      throw new InvalidInputException(
          given.key("type"),
          type,
          "is not jdbc; "
              + base
              + AsynczProperties.USE_APPLICATION_DATASOURCE
              + " is for a jdbc store only");
    }
    String table = given.string("table", JdbcStore.DEFAULT_TABLE);
    Duration statementTimeout =
        given.seconds("statement_timeout", JdbcStore.Timeouts.DEFAULTS.statement());
    return new JdbcStore(dataSource, table, TaskRecords.fromOptions(given), statementTimeout);
  }
}
