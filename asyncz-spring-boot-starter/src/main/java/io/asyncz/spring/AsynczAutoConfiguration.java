package io.asyncz.spring;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.TaskRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of Asyncz for Spring Boot 3.5 and 4: a {@link ThreadScheduler} from the {@code
 * asyncz.*} properties, started and stopped with the context ({@link AsynczLifecycle}), {@link
 * io.asyncz.task.ScheduledTask} methods and bean references registered, and, with the actuator, the
 * {@code asyncz} endpoint and health indicator.
 *
 * <p>Where Boot 3.5 and 4 differ (the health API's package, the JDBC and Jackson
 * auto-configurations' packages), classes are named as text, so that neither generation loads a
 * class of the other.
 */
@AutoConfiguration(
    afterName = {
      // Boot 3.5, then Boot 4: the application's DataSource exists before the scheduler.
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"
    })
@ConditionalOnProperty(
    prefix = "asyncz.spring",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class AsynczAutoConfiguration {

  /** Creates the auto-configuration; Spring calls this. */
  public AsynczAutoConfiguration() {}

  /** The {@code asyncz.*} properties, read and split. */
  @Bean
  @ConditionalOnMissingBean
  public AsynczProperties asynczProperties(ConfigurableEnvironment environment) {
    return AsynczProperties.from(environment);
  }

  /**
   * The registry that stored tasks' references resolve through: the application's class loader, the
   * packages of {@code asyncz.spring.allowed_packages}, and the bean references.
   */
  @Bean
  @ConditionalOnMissingBean
  public TaskRegistry asynczTaskRegistry(AsynczProperties properties, ResourceLoader resources) {
    ClassLoader loader = resources.getClassLoader();
    TaskRegistry registry =
        new TaskRegistry(loader != null ? loader : AsynczAutoConfiguration.class.getClassLoader());
    properties.allowedPackages().forEach(registry::allowPackage);
    return registry;
  }

  /**
   * The scheduler, built from the properties; a bad key or value fails start-up with the key
   * quoted. Its argument writer is the application's {@code ObjectMapper} (Jackson 3, else Jackson
   * 2, as for {@link TaskArguments}), so that an object given as a task's argument is stored as the
   * JSON that mapper writes. The lifecycle, not the bean's destruction, shuts it down.
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(Scheduler.class)
  public ThreadScheduler asyncz(
      AsynczProperties properties,
      TaskRegistry asynczTaskRegistry,
      ObjectProvider<DataSource> dataSource,
      BeanFactory beanFactory) {
    return AsynczSchedulerFactory.create(
        properties, asynczTaskRegistry, dataSource::getIfUnique, JsonArguments.of(beanFactory));
  }

  /** Starts and stops the scheduler with the context. */
  @Bean
  @ConditionalOnMissingBean
  public AsynczLifecycle asynczLifecycle(Scheduler scheduler, AsynczProperties properties) {
    return new AsynczLifecycle(scheduler, properties.autoStartup(), properties.shutdownTimeout());
  }

  /** Registers {@code @ScheduledTask} methods and bean references. */
  @Bean
  public static ScheduledTaskRegistrar asynczScheduledTaskRegistrar() {
    return new ScheduledTaskRegistrar();
  }

  /**
   * Task arguments written by the application's {@code ObjectMapper} (Jackson 3, else Jackson 2),
   * which {@link BeanFunction} methods read theirs with.
   */
  @Bean
  @ConditionalOnMissingBean
  public TaskArguments asynczTaskArguments(BeanFactory beanFactory) {
    return new TaskArguments(JsonArguments.of(beanFactory));
  }

  /** The {@code asyncz} actuator endpoint, when the actuator is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static class EndpointConfiguration {
    /** Nested, so that the actuator's condition class is only loaded where it exists. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(endpoint = AsynczEndpoint.class)
    static class Available {
      @Bean
      @ConditionalOnMissingBean
      AsynczEndpoint asynczEndpoint(Scheduler scheduler) {
        return new AsynczEndpoint(scheduler);
      }
    }
  }

  /**
   * The dashboard, mounted under the application's servlet container at {@code
   * asyncz.spring.dashboard_path} when {@code asyncz-dashboard} is on the class path. Its own login
   * stays on (a token, {@code dashboard_token} or generated and logged); an application with Spring
   * Security guards the path with its filter chain as well, as it does every servlet.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.asyncz.dashboard.DashboardServlet")
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnProperty(prefix = "asyncz.spring", name = "dashboard_path")
  static class DashboardConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "asynczDashboard")
    ServletRegistrationBean<jakarta.servlet.Servlet> asynczDashboard(
        Scheduler scheduler, AsynczProperties properties) {
      return AsynczDashboard.registration(scheduler, properties);
    }
  }

  /**
   * Micrometer metrics of the scheduler's runs, bound to the application's registry when {@code
   * asyncz-micrometer} is on the class path ({@code management.metrics.enable.asyncz=false}, as any
   * meter filter, turns them off).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {"io.asyncz.micrometer.AsynczMetrics", "io.micrometer.core.instrument.MeterRegistry"})
  static class MetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean
    AsynczMetricsBinder asynczMetrics(
        Scheduler scheduler, ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
      return new AsynczMetricsBinder(scheduler, registry);
    }
  }

  /**
   * A Micrometer {@code Observation} around each run, in the application's {@code
   * ObservationRegistry} (which Spring Boot's tracing bridges turn into spans), when {@code
   * asyncz-micrometer} is on the class path, unless {@code asyncz.spring.observations=false}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "io.asyncz.micrometer.AsynczObservations",
        "io.micrometer.observation.ObservationRegistry"
      })
  static class ObservationConfiguration {
    @Bean
    @ConditionalOnMissingBean
    AsynczObservationsBinder asynczObservations(
        Scheduler scheduler,
        ObjectProvider<io.micrometer.observation.ObservationRegistry> registry,
        AsynczProperties properties) {
      return new AsynczObservationsBinder(scheduler, registry, properties.observations());
    }
  }

  /** The health indicator on Boot 3.5 ({@code org.springframework.boot.actuate.health}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnProperty(
      prefix = "management.health.asyncz",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Boot3HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "asynczHealthIndicator")
    Boot3HealthIndicator asynczHealthIndicator(Scheduler scheduler, AsynczProperties properties) {
      return new Boot3HealthIndicator(new AsynczHealth(scheduler, properties.storeAliases()));
    }
  }

  /** The health indicator on Boot 4 ({@code org.springframework.boot.health.contributor}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(
      prefix = "management.health.asyncz",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Boot4HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "asynczHealthIndicator")
    Boot4HealthIndicator asynczHealthIndicator(Scheduler scheduler, AsynczProperties properties) {
      return new Boot4HealthIndicator(new AsynczHealth(scheduler, properties.storeAliases()));
    }
  }
}
