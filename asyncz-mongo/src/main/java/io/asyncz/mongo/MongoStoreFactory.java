package io.asyncz.mongo;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.StoreFactory;
import io.asyncz.store.TaskStore;
import java.time.Duration;
import java.util.Set;

/**
 * Registers the {@code mongo} and {@code mongodb} store aliases: options {@code uri} (default
 * {@code mongodb://localhost:27017}), {@code database} ({@code asyncz}), {@code collection} ({@code
 * tasks}), {@code quarantine_collection} ({@code <collection>_quarantine}), {@code max_record_size}
 * (bytes, default 1 MiB; see {@link TaskRecords}), and the timeouts {@code connect_timeout} (5 s),
 * {@code socket_timeout} (10 s) and {@code server_selection_timeout} (5 s), in seconds or as
 * ISO-8601 durations. Records are encrypted when {@code ASYNCZ_STORE_ENCRYPTION_KEY} is set.
 */
public final class MongoStoreFactory implements StoreFactory {
  private static final Set<String> OPTIONS =
      Set.of(
          "uri",
          "database",
          "collection",
          "quarantine_collection",
          TaskRecords.MAX_RECORD_SIZE_OPTION,
          "connect_timeout",
          "socket_timeout",
          "server_selection_timeout");

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public MongoStoreFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of("mongo", "mongodb");
  }

  @Override
  public Set<String> options(String alias) {
    return OPTIONS;
  }

  @Override
  public TaskStore create(String alias, PluginOptions options) {
    String uri = options.string("uri", MongoStore.DEFAULT_URI);
    MongoStore.connectionString(options.key("uri"), uri);
    String database =
        MongoStore.requireDatabase(
            options.key("database"), options.string("database", MongoStore.DEFAULT_DATABASE));
    String collection =
        MongoStore.requireCollection(
            options.key("collection"), options.string("collection", MongoStore.DEFAULT_COLLECTION));
    String quarantine =
        MongoStore.requireQuarantine(
            options.key("quarantine_collection"),
            options.string("quarantine_collection", MongoStore.defaultQuarantine(collection)),
            collection);
    MongoStore.Timeouts defaults = MongoStore.Timeouts.DEFAULTS;
    return MongoStore.connect(
        uri,
        database,
        collection,
        quarantine,
        TaskRecords.fromOptions(options),
        new MongoStore.Timeouts(
            timeout(options, "connect_timeout", defaults.connect()),
            timeout(options, "socket_timeout", defaults.socket()),
            timeout(options, "server_selection_timeout", defaults.serverSelection())));
  }

  private static Duration timeout(PluginOptions options, String name, Duration defaultValue) {
    Duration value = options.seconds(name, defaultValue);
    String problem = MongoStore.Timeouts.problem(value);
    if (problem != null) {
      throw new InvalidInputException(options.key(name), options.raw(name).orElse(value), problem);
    }
    return value;
  }
}
