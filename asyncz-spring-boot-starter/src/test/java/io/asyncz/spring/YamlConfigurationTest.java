package io.asyncz.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.jdbc.JdbcStore;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.TaskDefaults;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** The asyncz section of an application.yml: nested maps, lists and every kind of key. */
class YamlConfigurationTest {

  @Test
  void readsEveryKindOfKeyFromYaml() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AsynczAutoConfiguration.class))
        .withBean(DataSource.class, YamlConfigurationTest::h2)
        .withInitializer(
            context -> {
              for (PropertySource<?> source : yaml("asyncz-test.yml")) {
                context.getEnvironment().getPropertySources().addFirst(source);
              }
            })
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Scheduler scheduler = context.getBean(Scheduler.class);
              assertThat(scheduler.timezone()).isEqualTo(ZoneId.of("America/New_York"));
              assertThat(scheduler.taskDefaults()).isEqualTo(new TaskDefaults(null, false, 2));
              assertThat(scheduler.info().storeRetryInterval()).isEqualTo(Duration.ofSeconds(15));
              assertThat(scheduler.info().executors()).containsExactly("default", "io");
              assertThat(scheduler.lookupStore("db")).isInstanceOf(JdbcStore.class);
              assertThat(((JdbcStore) scheduler.lookupStore("db")).table()).isEqualTo("yaml_jobs");
              assertThat(scheduler.registry().allowedPackages())
                  .containsExactly("com.example.jobs", "com.example.reports");
              assertThat(context.getBean(AsynczLifecycle.class)).isNotNull();
              assertThat(context.getBean(AsynczProperties.class).shutdownTimeout())
                  .isEqualTo(Duration.ofSeconds(5));
            });
  }

  private static Iterable<PropertySource<?>> yaml(String name) {
    try {
      return new YamlPropertySourceLoader().load(name, new ClassPathResource(name));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:yaml;DB_CLOSE_DELAY=-1");
    return ds;
  }
}
