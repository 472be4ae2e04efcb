package io.asyncz.spring;

import io.asyncz.InvalidInputException;
import io.asyncz.config.SchedulerConfig;
import io.asyncz.scheduler.SchedulerSettings;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskRegistry;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.util.ClassUtils;

/**
 * Builds the scheduler bean from the properties, the registry and the application's beans: its
 * {@code DataSource} for the stores that ask for it, and its JSON mapper as the scheduler's
 * argument writer.
 */
final class AsynczSchedulerFactory {
  private AsynczSchedulerFactory() {}

  /**
   * The scheduler; {@code json} is the application's JSON mapper, or null for none (an object given
   * as a persistent task's argument is then refused, as the core refuses it).
   */
  static ThreadScheduler create(
      AsynczProperties properties,
      TaskRegistry registry,
      Supplier<DataSource> dataSource,
      JsonArguments json) {
    SchedulerSettings.Builder builder =
        SchedulerConfig.from(properties.schedulerKeys()).builder().registry(registry);
    if (json != null) {
      builder.argumentWriter(json);
    }
    for (Map.Entry<String, Map<String, Object>> store :
        properties.applicationDataSourceStores().entrySet()) {
      String key =
          AsynczProperties.PREFIX
              + "stores."
              + store.getKey()
              + "."
              + AsynczProperties.USE_APPLICATION_DATASOURCE;
      if (!ClassUtils.isPresent(
          "io.asyncz.jdbc.JdbcStore", AsynczSchedulerFactory.class.getClassLoader())) {
        throw new InvalidInputException(
            key, true, "needs io.asyncz:asyncz-jdbc on the class path; add that dependency");
      }
      DataSource source = dataSource.get();
      if (source == null) {
        throw new InvalidInputException(
            key,
            true,
            "asks for the application's DataSource, but the context has none (or several, and none"
                + " of them @Primary)");
      }
      builder.store(
          store.getKey(),
          ApplicationDataSourceStores.create(store.getKey(), store.getValue(), source));
    }
    return builder.build();
  }
}
