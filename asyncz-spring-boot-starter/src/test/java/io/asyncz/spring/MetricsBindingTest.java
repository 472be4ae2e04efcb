package io.asyncz.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.scheduler.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The scheduler's metrics bound to the application's MeterRegistry, on either Boot generation. */
class MetricsBindingTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(AsynczAutoConfiguration.class));

  @Test
  void runsAreCountedInTheApplicationsRegistryAndUnboundWithTheContext() {
    MeterRegistry registry = new SimpleMeterRegistry();
    runner
        .withBean(MeterRegistry.class, () -> registry)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(AsynczMetricsBinder.class).bound()).isTrue();
              Scheduler scheduler = context.getBean(Scheduler.class);
              CountDownLatch ran = new CountDownLatch(1);
              scheduler.onEvent(io.asyncz.event.TaskExecutionEvent.class, e -> ran.countDown());
              scheduler.task(() -> "done").name("metered").add();
              assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
              assertThat(registry.find("asyncz.runs.executed").tag("task", "metered").counter())
                  .isNotNull()
                  .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
            });
    assertThat(registry.find("asyncz.runs.executed").meters()).isEmpty();
  }

  @Test
  void withoutARegistryNothingIsBoundAndTheSchedulerRuns() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(AsynczMetricsBinder.class).bound()).isFalse();
        });
  }
}
