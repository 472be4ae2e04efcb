package io.asyncz.redis;

import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.StoreFactory;
import io.asyncz.store.TaskStore;
import java.util.List;
import java.util.Set;

/**
 * Registers the {@code redis} store alias: options {@code host} (default {@code localhost}), {@code
 * port} (6379), {@code database} (0), {@code password} (none), {@code tasks_key} ({@code
 * asyncz.tasks}) and {@code run_times_key} ({@code asyncz.run_times}). Records are encrypted when
 * {@code ASYNCZ_STORE_ENCRYPTION_KEY} is set.
 */
public final class RedisStoreFactory implements StoreFactory {
  private static final Set<String> OPTIONS =
      Set.of("host", "port", "database", "password", "tasks_key", "run_times_key");

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public RedisStoreFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of("redis");
  }

  @Override
  public Set<String> options(String alias) {
    return OPTIONS;
  }

  @Override
  public TaskStore create(String alias, PluginOptions options) {
    return RedisStore.connect(
        options.string("host", "localhost"),
        options.integer("port", 6379),
        options.integer("database", 0),
        options.string("password", null),
        options.string("tasks_key", RedisStore.DEFAULT_TASKS_KEY),
        options.string("run_times_key", RedisStore.DEFAULT_RUN_TIMES_KEY),
        TaskRecords.fromEnvironment(List.of()));
  }
}
