package io.asyncz.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.event.Events;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.ScheduledTask;
import io.asyncz.task.TaskDefaults;
import io.asyncz.task.TaskFunction;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The starter on the Spring Boot generation of the module that runs it: Boot 3.5 in
 * asyncz-spring-boot-starter, Boot 4 in asyncz-spring-boot-starter-boot4-test.
 */
class AsynczAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(AsynczAutoConfiguration.class))
          .withPropertyValues("management.endpoints.web.exposure.include=asyncz,health");

  @Test
  void runsOnTheBootGenerationItsModuleNames() {
    String expected = System.getProperty("test.expected-boot");
    assertThat(expected).as("set by the module's surefire configuration").isNotNull();
    assertThat(SpringBootVersion.getVersion()).isEqualTo(expected);
  }

  @Test
  void isListedAsAnAutoConfiguration() {
    assertThat(
            org.springframework.boot.context.annotation.ImportCandidates.load(
                org.springframework.boot.autoconfigure.AutoConfiguration.class,
                getClass().getClassLoader()))
        .contains(AsynczAutoConfiguration.class.getName());
  }

  @Test
  void configuresNothingWhenDisabled() {
    runner
        .withPropertyValues("asyncz.spring.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Scheduler.class));
  }

  @Test
  void stopsInTheGracefulShutdownPhaseOfTheWebServer() throws Exception {
    String gracefulShutdown =
        SpringBootVersion.getVersion().startsWith("3.")
            ? "org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle"
            : "org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle";
    assertThat(Class.forName(gracefulShutdown).getField("SMART_LIFECYCLE_PHASE").getInt(null))
        .isEqualTo(AsynczLifecycle.PHASE);
    runner.run(
        context ->
            assertThat(context.getBean(AsynczLifecycle.class).getPhase())
                .isEqualTo(org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 1024));
  }

  @Test
  void startsTheSchedulerWithTheContextAndStopsItWithTheContext() {
    Scheduler[] seen = new Scheduler[1];
    runner.run(
        context -> {
          assertThat(context).hasNotFailed().hasSingleBean(ThreadScheduler.class);
          seen[0] = context.getBean(Scheduler.class);
          assertThat(seen[0].isRunning()).isTrue();
          assertThat(seen[0].lookupStore("default")).isNotNull();
        });
    assertThat(seen[0].isRunning()).isFalse();
  }

  @Test
  void bindsEveryKindOfKeyFromTheEnvironment() {
    runner
        .withPropertyValues(
            "asyncz.timezone=Europe/Berlin",
            "asyncz.store_retry_interval=20",
            "asyncz.identity=billing-1",
            "asyncz.task_defaults.mistrigger_grace_time=45",
            "asyncz.task_defaults.coalesce=false",
            "asyncz.task_defaults.max_instances=4",
            "asyncz.executors.default.type=threadpool",
            "asyncz.executors.default.max_workers=3",
            "asyncz.executors.io.type=asyncio",
            "asyncz.stores.default.type=memory",
            "asyncz.stores.extra.type=memory",
            "asyncz.spring.shutdown_timeout=7",
            "asyncz.spring.allowed_packages=com.example.jobs, com.example.more")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Scheduler scheduler = context.getBean(Scheduler.class);
              assertThat(scheduler.timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
              assertThat(scheduler.identity()).isEqualTo("billing-1");
              assertThat(scheduler.taskDefaults())
                  .isEqualTo(new TaskDefaults(Duration.ofSeconds(45), false, 4));
              assertThat(scheduler.info().executors()).containsExactly("default", "io");
              assertThat(scheduler.info().stores()).containsExactly("default", "extra");
              assertThat(scheduler.info().storeRetryInterval()).isEqualTo(Duration.ofSeconds(20));
              assertThat(scheduler.registry().allowedPackages())
                  .containsExactly("com.example.jobs", "com.example.more");
              AsynczProperties properties = context.getBean(AsynczProperties.class);
              assertThat(properties.shutdownTimeout()).isEqualTo(Duration.ofSeconds(7));
            });
  }

  @Test
  void aBadValueFailsStartUpWithTheKeyQuoted() {
    runner
        .withPropertyValues(
            "asyncz.executors.default.type=threadpool", "asyncz.executors.default.max_workers=-3")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("asyncz.executors.default.max_workers"));
  }

  @Test
  void aMisspeltKeyFailsStartUpNamingTheKeyMeant() {
    runner
        .withPropertyValues("asyncz.task_defaults.max_instance=2")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("asyncz.task_defaults.max_instance")
                    .hasMessageContaining("did you mean \"asyncz.task_defaults.max_instances\""));
  }

  @Test
  void aBadStarterSettingFailsStartUpWithTheKeyQuoted() {
    runner
        .withPropertyValues("asyncz.spring.shutdown_timeout=soon")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("asyncz.spring.shutdown_timeout"));
    runner
        .withPropertyValues("asyncz.spring.shutdown_timout=3")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("asyncz.spring.shutdown_timout"));
  }

  @Test
  void scheduledTaskMethodsOfBeansRun() {
    runner
        .withUserConfiguration(ReportsConfiguration.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Reports reports = context.getBean(Reports.class);
              assertThat(reports.ran.await(30, TimeUnit.SECONDS)).isTrue();
              assertThat(context.getBean(Scheduler.class).getTask("hourly")).isPresent();
            });
  }

  @Test
  void scheduledTaskMethodsOfAProxiedBeanRun() {
    runner
        .withBean(ProxiedReports.class)
        .withBean(
            "proxying",
            org.springframework.beans.factory.config.BeanPostProcessor.class,
            ProxyingPostProcessor::new)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ProxiedReports reports = context.getBean(ProxiedReports.class);
              assertThat(org.springframework.aop.support.AopUtils.isCglibProxy(reports)).isTrue();
              // A date task without a date runs once, at start, and is then removed.
              assertThat(ProxiedReports.ran.await(30, TimeUnit.SECONDS)).isTrue();
            });
  }

  @Test
  void aBadScheduledTaskFailsStartUpNamingTheMethod() {
    runner
        .withBean(BadReports.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "@ScheduledTask on " + BadReports.class.getName() + ".nightly()")
                    .hasStackTraceContaining("\"25\" is out of range 0-23"));
  }

  @Test
  void shutdownWaitsForARunningTask() throws Exception {
    Queue<String> order = new ConcurrentLinkedQueue<>();
    SlowJob job = new SlowJob(order);
    runner
        .withBean(SlowJob.class, () -> job)
        .withBean(
            "closing",
            ApplicationListener.class,
            () -> (ApplicationListener<ContextClosedEvent>) e -> job.closing.countDown())
        .run(
            context -> {
              Scheduler scheduler = context.getBean(Scheduler.class);
              scheduler.onEvent(
                  io.asyncz.event.SchedulerEvent.Lifecycle.class,
                  e -> {
                    if (e.code() == Events.SCHEDULER_SHUTDOWN) {
                      order.add("scheduler shut down");
                      job.shutDown.countDown();
                    }
                  });
              assertThat(job.started.await(30, TimeUnit.SECONDS)).isTrue();
            });
    // The run ends by itself once the context closes, unless the scheduler's shutdown completes
    // first, which it must not: it waits for the run.
    assertThat(order).containsExactly("run finished", "scheduler shut down");
  }

  @Test
  void beanReferencesResolveAnnotatedMethodsAndFunctionBeansOnly() {
    runner
        .withUserConfiguration(ReferencesConfiguration.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Scheduler scheduler = context.getBean(Scheduler.class);
              Mailer mailer = context.getBean(Mailer.class);
              scheduler.task("bean:mailer.send").args("weekly", 3).add();
              scheduler.task("bean:ping").add();
              assertThat(mailer.sent.await(30, TimeUnit.SECONDS)).isTrue();
              assertThat(mailer.last).isEqualTo("weekly x3");
              assertThat(context.getBean(Ping.class).pinged.await(30, TimeUnit.SECONDS)).isTrue();
              assertThatThrownBy(() -> scheduler.task("bean:mailer.secret").add())
                  .isInstanceOf(InvalidInputException.class)
                  .hasMessageContaining("bean:mailer.secret");
              assertThatThrownBy(() -> scheduler.task("bean:mailer.send").args("a").add())
                  .isInstanceOf(InvalidInputException.class)
                  .hasMessageContaining("takes 2");
            });
  }

  @Test
  void aJdbcStoreUsesTheApplicationDataSource() {
    runner
        .withBean(DataSource.class, () -> h2("appdb"))
        .withBean("ping", Ping.class)
        .withPropertyValues(
            "asyncz.stores.db.type=jdbc",
            "asyncz.stores.db.use_application_datasource=true",
            "asyncz.stores.db.table=jobs")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Scheduler scheduler = context.getBean(Scheduler.class);
              assertThat(scheduler.lookupStore("db")).isInstanceOf(JdbcStore.class);
              scheduler.task("bean:ping").id("stored").store("db").every(Duration.ofHours(1)).add();
              try (Connection c = context.getBean(DataSource.class).getConnection();
                  Statement s = c.createStatement();
                  ResultSet r = s.executeQuery("SELECT COUNT(*) FROM jobs")) {
                r.next();
                assertThat(r.getInt(1)).isEqualTo(1);
              }
            });
  }

  @Test
  void anApplicationDataSourceStoreRefusesConnectionOptionsAndAMissingDataSource() {
    runner
        .withBean(DataSource.class, () -> h2("refused"))
        .withPropertyValues(
            "asyncz.stores.db.type=jdbc",
            "asyncz.stores.db.use_application_datasource=true",
            "asyncz.stores.db.url=jdbc:h2:mem:other")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("asyncz.stores.db.url"));
    runner
        .withPropertyValues(
            "asyncz.stores.db.type=jdbc", "asyncz.stores.db.use_application_datasource=true")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("asyncz.stores.db.use_application_datasource")
                    .hasMessageContaining("has none"));
    runner
        .withBean("one", DataSource.class, () -> h2("one"))
        .withBean("two", DataSource.class, () -> h2("two"))
        .withPropertyValues(
            "asyncz.stores.db.type=jdbc", "asyncz.stores.db.use_application_datasource=true")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("none of them @Primary"));
  }

  @Test
  void aStoredTaskWhoseBeanIsGoneIsQuarantinedAndHealthSaysSo() {
    DataSource db = h2("quarantine");
    ApplicationContextRunner withDb =
        runner
            .withBean(DataSource.class, () -> db)
            .withPropertyValues(
                "asyncz.stores.db.type=jdbc", "asyncz.stores.db.use_application_datasource=true");
    withDb
        .withBean("ping", Ping.class)
        .run(
            context ->
                context
                    .getBean(Scheduler.class)
                    .task("bean:ping")
                    .id("kept")
                    .store("db")
                    .every(Duration.ofHours(1))
                    .add());
    // The next start has no bean named ping: the stored record names no function it may call.
    withDb.run(
        context -> {
          assertThat(context).hasNotFailed();
          Scheduler scheduler = context.getBean(Scheduler.class);
          // Read when listed (or when due): the record cannot become a task and is set aside.
          assertThat(scheduler.getTasks("db")).isEmpty();
          assertThat(scheduler.quarantinedRecords().get("db"))
              .singleElement()
              .satisfies(r -> assertThat(r.taskId()).isEqualTo("kept"));
          Object indicator = context.getBean("asynczHealthIndicator");
          assertThat(status(indicator)).isEqualTo("OUT_OF_SERVICE");
          assertThat(details(indicator)).containsEntry("quarantined", 1);
        });
  }

  @Test
  void theEndpointListsRunsPausesAndResumesTasks() {
    runner
        .withBean(Ping.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Scheduler scheduler = context.getBean(Scheduler.class);
              Ping ping = context.getBean(Ping.class);
              scheduler.task(ping::ping).id("ping").every(Duration.ofHours(1)).add();
              AsynczEndpoint endpoint = context.getBean(AsynczEndpoint.class);

              assertThat(endpoint.tasks()).containsEntry("state", "running");
              assertThat((List<?>) endpoint.tasks().get("tasks")).hasSize(1);
              assertThat(endpoint.operate("ping", "pause")).containsEntry("paused", true);
              assertThat(scheduler.getTask("ping").orElseThrow().isPaused()).isTrue();
              assertThat(endpoint.operate("ping", "resume")).containsEntry("paused", false);
              assertThat(scheduler.getTask("ping").orElseThrow().isPaused()).isFalse();
              endpoint.operate("ping", "run");
              assertThat(ping.pinged.await(30, TimeUnit.SECONDS)).isTrue();
              assertThat(endpoint.task("ping")).containsEntry("id", "ping");
              assertThat(endpoint.task("nope")).isNull();
              assertThatThrownBy(() -> endpoint.operate("ping", "explode"))
                  .isInstanceOf(InvalidEndpointRequestException.class);
              assertThatThrownBy(() -> endpoint.operate("nope", "run"))
                  .isInstanceOf(InvalidEndpointRequestException.class);
            });
  }

  @Test
  void withoutTheActuatorThereIsNoEndpointAndTheSchedulerStillRuns() {
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
        .run(
            context -> {
              assertThat(context).hasNotFailed().doesNotHaveBean(AsynczEndpoint.class);
              assertThat(context.getBean(Scheduler.class).isRunning()).isTrue();
            });
  }

  @Test
  void healthIsUpWhenRunningAndDownWhenAStoreCannotBeReached() {
    com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
    pool.setJdbcUrl("jdbc:h2:mem:health;DB_CLOSE_DELAY=-1");
    runner
        .withBean(DataSource.class, () -> pool)
        .withPropertyValues(
            "asyncz.stores.db.type=jdbc", "asyncz.stores.db.use_application_datasource=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Object indicator = context.getBean("asynczHealthIndicator");
              assertThat(indicator).isInstanceOf(healthIndicatorType());
              assertThat(status(indicator)).isEqualTo("UP");

              pool.close();
              assertThat(status(indicator)).isEqualTo("DOWN");
              assertThat(details(indicator).get("stores").toString())
                  .contains("db={reachable=false");
            });
  }

  @Test
  void healthIsOutOfServiceWhenTheSchedulerIsStopped() {
    runner
        .withPropertyValues("asyncz.spring.auto_startup=false")
        .run(
            context -> {
              Object indicator = context.getBean("asynczHealthIndicator");
              assertThat(status(indicator)).isEqualTo("OUT_OF_SERVICE");
              assertThat(details(indicator)).containsEntry("state", "stopped");
            });
  }

  // ------------------------------------------------------------------ helpers

  private static DataSource h2(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  /** The health API of the Boot generation under test, which the test cannot import on both. */
  private static Class<?> healthIndicatorType() throws ClassNotFoundException {
    String boot4 = "org.springframework.boot.health.contributor.HealthIndicator";
    String boot3 = "org.springframework.boot.actuate.health.HealthIndicator";
    return Class.forName(SpringBootVersion.getVersion().startsWith("3.") ? boot3 : boot4);
  }

  private static Object health(Object indicator) throws Exception {
    return healthIndicatorType().getMethod("health").invoke(indicator);
  }

  private static String status(Object indicator) throws Exception {
    Object health = health(indicator);
    return health.getClass().getMethod("getStatus").invoke(health).toString();
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> details(Object indicator) throws Exception {
    Object health = health(indicator);
    return (java.util.Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health);
  }

  // ------------------------------------------------------------------ beans

  @Configuration(proxyBeanMethods = false)
  static class ReportsConfiguration {
    @Bean
    Reports reports() {
      return new Reports();
    }
  }

  static class Reports {
    final CountDownLatch ran = new CountDownLatch(1);

    @ScheduledTask(id = "now")
    void now() {
      ran.countDown();
    }

    @ScheduledTask(id = "hourly", trigger = "interval", options = "hours=1")
    void hourly() {}
  }

  public static class ProxiedReports {
    static final CountDownLatch ran = new CountDownLatch(1);

    @ScheduledTask(id = "proxied")
    public void run() {
      ran.countDown();
    }
  }

  /** Proxies ProxiedReports by subclass, as @Transactional or @Async would. */
  static class ProxyingPostProcessor
      implements org.springframework.beans.factory.config.BeanPostProcessor {
    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
      if (!(bean instanceof ProxiedReports)) {
        return bean;
      }
      org.springframework.aop.framework.ProxyFactory factory =
          new org.springframework.aop.framework.ProxyFactory(bean);
      factory.setProxyTargetClass(true);
      factory.addAdvice(
          (org.aopalliance.intercept.MethodInterceptor) invocation -> invocation.proceed());
      return factory.getProxy();
    }
  }

  static class BadReports {
    @ScheduledTask(cron = "0 25 * * *")
    void nightly() {}
  }

  static class SlowJob {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch closing = new CountDownLatch(1);
    final CountDownLatch shutDown = new CountDownLatch(1);
    private final Queue<String> order;

    SlowJob(Queue<String> order) {
      this.order = order;
    }

    @ScheduledTask(id = "slow")
    void run() throws InterruptedException {
      started.countDown();
      closing.await();
      // A shutdown that does not wait completes now and ends this wait; one that waits cannot
      // complete before this run ends, so the wait runs out.
      shutDown.await(2, TimeUnit.SECONDS);
      order.add("run finished");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ReferencesConfiguration {
    @Bean
    Mailer mailer() {
      return new Mailer();
    }

    @Bean
    Ping ping() {
      return new Ping();
    }
  }

  public static class Mailer {
    final CountDownLatch sent = new CountDownLatch(1);
    volatile String last;

    @BeanFunction
    public void send(String what, int times) {
      last = what + " x" + times;
      sent.countDown();
    }

    public void secret() {}
  }

  public static class Ping implements TaskFunction {
    final CountDownLatch pinged = new CountDownLatch(1);

    void ping() {
      pinged.countDown();
    }

    @Override
    public Object invoke(List<Object> args, java.util.Map<String, Object> kwargs) {
      ping();
      return null;
    }
  }
}
