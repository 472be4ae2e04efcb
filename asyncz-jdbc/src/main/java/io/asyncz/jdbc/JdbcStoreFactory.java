package io.asyncz.jdbc;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.StoreFactory;
import io.asyncz.store.TaskStore;
import java.util.Set;

/**
 * Registers the {@code jdbc} store alias and its seed name {@code sqlalchemy}: options {@code url}
 * (required, a JDBC URL), {@code username}, {@code password}, {@code table} (default {@value
 * JdbcStore#DEFAULT_TABLE}) and {@code max_record_size} (bytes, default 1 MiB; see {@link
 * TaskRecords}). Records are encrypted when {@code ASYNCZ_STORE_ENCRYPTION_KEY} is set.
 */
public final class JdbcStoreFactory implements StoreFactory {
  private static final Set<String> OPTIONS =
      Set.of("url", "username", "password", "table", TaskRecords.MAX_RECORD_SIZE_OPTION);

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
    String table = options.string("table", JdbcStore.DEFAULT_TABLE);
    try {
      JdbcStore.checkTable(table);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          options.key("table"),
          table,
          "is not a plain SQL identifier; expected a letter or '_' followed by up to 47 letters,"
              + " digits or '_'");
    }
    TaskRecords records = TaskRecords.fromOptions(options);
    return new JdbcStore(
        url, options.string("username", null), options.string("password", null), table, records);
  }
}
