package io.asyncz.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.scheduler.Scheduler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Each run observed in the application's ObservationRegistry, on either Boot generation. */
class ObservationBindingTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(AsynczAutoConfiguration.class));

  /** A registry whose handler keeps the name of each observation stopped. */
  private static ObservationRegistry recording(List<String> stopped) {
    ObservationRegistry registry = ObservationRegistry.create();
    registry
        .observationConfig()
        .observationHandler(
            new ObservationHandler<Observation.Context>() {
              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }

              @Override
              public void onStop(Observation.Context context) {
                stopped.add(
                    context.getName()
                        + " / "
                        + context.getContextualName()
                        + " / "
                        + context.getLowCardinalityKeyValue("task").getValue());
              }
            });
    return registry;
  }

  /** Runs one task named {@code name} and waits for its end; returns the observation it ran in. */
  private static Observation runOne(Scheduler scheduler, ObservationRegistry registry, String name)
      throws InterruptedException {
    AtomicReference<Observation> inside = new AtomicReference<>();
    CountDownLatch ran = new CountDownLatch(1);
    scheduler.onEvent(TaskExecutionEvent.class, e -> ran.countDown());
    scheduler.task(() -> inside.set(registry.getCurrentObservation())).name(name).add();
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    return inside.get();
  }

  @Test
  void eachRunIsAnObservationThatTheFunctionRunsInside() {
    List<String> stopped = new CopyOnWriteArrayList<>();
    ObservationRegistry registry = recording(stopped);
    runner
        .withBean(ObservationRegistry.class, () -> registry)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(AsynczObservationsBinder.class).bound()).isTrue();

              Observation inside = runOne(context.getBean(Scheduler.class), registry, "traced");

              assertThat(inside).as("the run's observation, current in the function").isNotNull();
              assertThat(inside.getContext().getName()).isEqualTo("asyncz.run");
              assertThat(stopped).contains("asyncz.run / asyncz run traced / traced");
            });
  }

  @Test
  void observationsCanBeTurnedOff() {
    List<String> stopped = new CopyOnWriteArrayList<>();
    ObservationRegistry registry = recording(stopped);
    runner
        .withBean(ObservationRegistry.class, () -> registry)
        .withPropertyValues("asyncz.spring.observations=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(AsynczObservationsBinder.class).bound()).isFalse();

              Observation inside = runOne(context.getBean(Scheduler.class), registry, "untraced");

              assertThat(inside).isNull();
              assertThat(stopped).isEmpty();
            });
  }

  @Test
  void aBadValueIsRefusedNamingTheKey() {
    runner
        .withPropertyValues("asyncz.spring.observations=sometimes")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("asyncz.spring.observations")
                    .hasMessageContaining("sometimes"));
  }

  @Test
  void withoutARegistryOrWithANoopOneNothingIsBound() {
    runner.run(
        context -> assertThat(context.getBean(AsynczObservationsBinder.class).bound()).isFalse());
    runner
        .withBean(ObservationRegistry.class, () -> ObservationRegistry.NOOP)
        .run(
            context ->
                assertThat(context.getBean(AsynczObservationsBinder.class).bound()).isFalse());
  }
}
