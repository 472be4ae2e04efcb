package io.asyncz.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.event.Subscription;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AsynczObservations}: an {@code asyncz.run} observation around each run, current inside the
 * task's function, with the run's key values, stopped at the run's end with its error.
 */
@Timeout(30)
class AsynczObservationsTest {
  private static final Instant T = Instant.parse("2026-03-02T08:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final TestObservationRegistry registry = TestObservationRegistry.create();

  @AfterEach
  void shutDown() {
    if (scheduler.isRunning()) {
      scheduler.shutdown();
    }
  }

  @Test
  void theRunsObservationIsCurrentInsideTheFunctionAndCarriesTheRun() {
    AsynczObservations.bind(scheduler, registry);
    scheduler.start();
    List<Observation> seen = new ArrayList<>();
    scheduler
        .task(() -> seen.add(registry.getCurrentObservation()))
        .id("r1")
        .name("report")
        .at(T.plusSeconds(1))
        .add();

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(seen).hasSize(1).doesNotContainNull();
    RunObservationContext context = (RunObservationContext) seen.get(0).getContext();
    assertThat(context.run().taskId()).isEqualTo("r1");
    assertThat(context.outcome().succeeded()).isTrue();
    assertThat(registry.getCurrentObservation()).isNull(); // the scope closed with the run
    assertThat(registry)
        .hasSingleObservationThat()
        .hasNameEqualTo("asyncz.run")
        .hasContextualNameEqualTo("asyncz run report")
        .hasLowCardinalityKeyValue("task", "report")
        .hasLowCardinalityKeyValue("executor", "default")
        .hasLowCardinalityKeyValue("store", "default")
        .hasLowCardinalityKeyValue("source", "scheduled")
        .hasHighCardinalityKeyValue("run.id", context.run().runId())
        .hasHighCardinalityKeyValue("task.id", "r1")
        .hasBeenStarted()
        .hasBeenStopped()
        .doesNotHaveError();
  }

  @Test
  void aFailedRunsObservationStopsWithItsError() {
    AsynczObservations.bind(scheduler, registry);
    scheduler.start();
    IllegalStateException boom = new IllegalStateException("disk full");
    scheduler
        .task(
            () -> {
              throw boom;
            })
        .name("backup")
        .at(T.plusSeconds(1))
        .add();

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(registry)
        .hasSingleObservationThat()
        .hasBeenStopped()
        .hasError(boom)
        .hasLowCardinalityKeyValue("task", "backup");
    assertThat(registry.getCurrentObservation()).isNull();
  }

  @Test
  void anAsynchronousRunLeavesTheScopeAtReturnAndStopsWhenItsStageCompletes() {
    AsynczObservations.bind(scheduler, registry);
    scheduler.start();
    CompletableFuture<String> stage = new CompletableFuture<>();
    scheduler.task(() -> stage).name("upload").at(T.plusSeconds(1)).add();

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(registry.getCurrentObservation()).isNull();
    assertThat(registry).hasSingleObservationThat().hasBeenStarted().isNotStopped();

    stage.complete("done");

    assertThat(registry).hasSingleObservationThat().hasBeenStopped().doesNotHaveError();
  }

  @Test
  void cancellingTheBindingStopsTheObservations() {
    Subscription tracing = AsynczObservations.bind(scheduler, registry);
    scheduler.start();
    scheduler.task(() -> {}).name("tick").every(Duration.ofSeconds(10)).add();
    scheduler.advance(Duration.ofSeconds(10));
    tracing.cancel();
    scheduler.advance(Duration.ofSeconds(30));

    assertThat(registry).hasNumberOfObservationsEqualTo(1);
  }
}
