package io.asyncz.redis;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.StoreFactory;
import io.asyncz.store.TaskStore;
import java.time.Duration;
import java.util.Set;

/**
 * Registers the {@code redis} store alias: options {@code host} (default {@code localhost}), {@code
 * port} (6379), {@code database} (0), {@code password} (none), {@code tasks_key} ({@code
 * asyncz.tasks}), {@code run_times_key} ({@code asyncz.run_times}), {@code quarantine_key} ({@code
 * <tasks_key>.quarantine}), {@code max_record_size} (bytes, default 1 MiB; see {@link
 * TaskRecords}), and the timeouts {@code connect_timeout} (5 s) and {@code socket_timeout} (10 s),
 * in seconds or as ISO-8601 durations. Records are encrypted when {@code
 * ASYNCZ_STORE_ENCRYPTION_KEY} is set.
 */
public final class RedisStoreFactory implements StoreFactory {
  private static final Set<String> OPTIONS =
      Set.of(
          "host",
          "port",
          "database",
          "password",
          "tasks_key",
          "run_times_key",
          "quarantine_key",
          TaskRecords.MAX_RECORD_SIZE_OPTION,
          "connect_timeout",
          "socket_timeout");

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
    String host = options.string("host", "localhost");
    if (host == null || host.isBlank()) {
      throw new InvalidInputException(
          options.key("host"), host, "is empty; expected a host name or address");
    }
    int port = options.integer("port", 6379);
    if (port < 1 || port > 65535) {
      throw new InvalidInputException(
          options.key("port"), port, "is not a port; expected 1 to 65535");
    }
    int database = options.integer("database", 0);
    if (database < 0) {
      throw new InvalidInputException(
          options.key("database"), database, "is negative; expected 0 or more");
    }
    String tasksKey = options.string("tasks_key", RedisStore.DEFAULT_TASKS_KEY);
    String runTimesKey = options.string("run_times_key", RedisStore.DEFAULT_RUN_TIMES_KEY);
    if (tasksKey.equals(runTimesKey)) {
      throw new InvalidInputException(
          options.key("run_times_key"),
          runTimesKey,
          "is the same key as " + options.key("tasks_key") + "; expected two distinct keys");
    }
    String quarantineKey =
        options.string("quarantine_key", RedisStore.defaultQuarantineKey(tasksKey));
    if (quarantineKey.equals(tasksKey) || quarantineKey.equals(runTimesKey)) {
      throw new InvalidInputException(
          options.key("quarantine_key"),
          quarantineKey,
          "is the same key as "
              + options.key("tasks_key")
              + " or "
              + options.key("run_times_key")
              + "; expected three distinct keys");
    }
    TaskRecords records = TaskRecords.fromOptions(options);
    return RedisStore.connect(
        host,
        port,
        database,
        options.string("password", null),
        tasksKey,
        runTimesKey,
        quarantineKey,
        records,
        new RedisStore.Timeouts(
            timeout(options, "connect_timeout", RedisStore.Timeouts.DEFAULTS.connect()),
            timeout(options, "socket_timeout", RedisStore.Timeouts.DEFAULTS.socket())));
  }

  private static Duration timeout(PluginOptions options, String name, Duration defaultValue) {
    Duration value = options.seconds(name, defaultValue);
    String problem = RedisStore.Timeouts.problem(value);
    if (problem != null) {
      throw new InvalidInputException(options.key(name), options.raw(name).orElse(value), problem);
    }
    return value;
  }
}
