package io.asyncz.spring;

import io.asyncz.event.Subscription;
import io.asyncz.micrometer.AsynczObservations;
import io.asyncz.scheduler.Scheduler;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Wraps each run of the scheduler in an {@code Observation} of the application's {@link
 * ObservationRegistry} ({@code asyncz-micrometer}'s {@link AsynczObservations}) once every
 * singleton exists, and stops with the context: with a tracing bridge on the class path, each run
 * is a span, and the function runs inside it. {@link #bound()} says whether runs are observed
 * (observations on, and a single working registry found). A class of its own, so that Micrometer's
 * types are loaded only where they are on the class path.
 */
public final class AsynczObservationsBinder extends SchedulerBinder {
  private final Scheduler scheduler;
  private final ObjectProvider<ObservationRegistry> registry;
  private final boolean enabled;

  AsynczObservationsBinder(
      Scheduler scheduler, ObjectProvider<ObservationRegistry> registry, boolean enabled) {
    this.scheduler = scheduler;
    this.registry = registry;
    this.enabled = enabled;
  }

  @Override
  Subscription bind() {
    if (!enabled) {
      return null;
    }
    ObservationRegistry observations = registry.getIfUnique();
    // A no-op registry (no handler registered) would make and drop an observation per run.
    return observations == null || observations.isNoop()
        ? null
        : AsynczObservations.bind(scheduler, observations);
  }
}
