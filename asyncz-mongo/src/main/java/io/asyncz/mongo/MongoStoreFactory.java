package io.asyncz.mongo;

import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.StoreFactory;
import io.asyncz.store.TaskStore;
import java.util.Set;

/**
 * Registers the {@code mongo} and {@code mongodb} store aliases: options {@code uri} (default
 * {@code mongodb://localhost:27017}), {@code database} ({@code asyncz}), {@code collection} ({@code
 * tasks}), {@code quarantine_collection} ({@code <collection>_quarantine}) and {@code
 * max_record_size} (bytes, default 1 MiB; see {@link TaskRecords}). Records are encrypted when
 * {@code ASYNCZ_STORE_ENCRYPTION_KEY} is set.
 */
public final class MongoStoreFactory implements StoreFactory {
  private static final Set<String> OPTIONS =
      Set.of(
          "uri",
          "database",
          "collection",
          "quarantine_collection",
          TaskRecords.MAX_RECORD_SIZE_OPTION);

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
    TaskRecords records = TaskRecords.fromOptions(options);
    return MongoStore.connect(uri, database, collection, quarantine, records);
  }
}
