package io.asyncz.micrometer;

import io.asyncz.event.Subscription;
import io.asyncz.scheduler.Scheduler;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * Wraps each run of a scheduler's tasks in a Micrometer {@code Observation} named {@value
 * DefaultRunObservationConvention#NAME}, so that tracing (through the OpenTelemetry or Brave
 * bridge) gets a span per run, and a span the task opens is its child.
 *
 * <pre>{@code
 * Subscription tracing = AsynczObservations.bind(scheduler, observationRegistry);
 * }</pre>
 *
 * <p>The observation starts on the executing thread right before the function is called, with its
 * scope open there (so {@code registry.getCurrentObservation()} inside the function is the run's);
 * it stops when the run ends, with the error set when it failed. A function that returns an
 * unfinished {@link java.util.concurrent.CompletionStage} leaves the scope at its return and the
 * observation open until the stage completes.
 */
public final class AsynczObservations {
  private AsynczObservations() {}

  /**
   * Observes the scheduler's runs from now on with the default convention.
   *
   * @return the registration; cancel it to stop observing
   */
  public static Subscription bind(Scheduler scheduler, ObservationRegistry registry) {
    return bind(scheduler, registry, null);
  }

  /**
   * Observes the scheduler's runs from now on.
   *
   * @param convention names the observation and its key values; {@code null} for the default,
   *     {@link DefaultRunObservationConvention}, which a convention registered with the registry
   *     may still replace
   * @return the registration; cancel it to stop observing
   */
  public static Subscription bind(
      Scheduler scheduler, ObservationRegistry registry, RunObservationConvention convention) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(registry, "registry");
    return scheduler.observeRuns(new RunObservations(registry, convention));
  }
}
