package io.asyncz.spring;

import io.asyncz.event.Subscription;
import io.asyncz.micrometer.AsynczObservations;
import io.asyncz.scheduler.Scheduler;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Wraps each run of the scheduler in an {@code Observation} of the application's {@link
 * ObservationRegistry} ({@code asyncz-micrometer}'s {@link AsynczObservations}) once every
 * singleton exists, and stops with the context: with a tracing bridge on the class path, each run
 * is a span, and the function runs inside it. A class of its own, so that Micrometer's types are
 * loaded only where they are on the class path.
 */
public final class AsynczObservationsBinder implements SmartInitializingSingleton, DisposableBean {
  private final Scheduler scheduler;
  private final ObjectProvider<ObservationRegistry> registry;
  private final boolean enabled;
  private volatile Subscription binding;

  AsynczObservationsBinder(
      Scheduler scheduler, ObjectProvider<ObservationRegistry> registry, boolean enabled) {
    this.scheduler = scheduler;
    this.registry = registry;
    this.enabled = enabled;
  }

  @Override
  public void afterSingletonsInstantiated() {
    if (!enabled) {
      return;
    }
    ObservationRegistry observations = registry.getIfUnique();
    // A no-op registry (no handler registered) would make and drop an observation per run.
    if (observations != null && !observations.isNoop()) {
      binding = AsynczObservations.bind(scheduler, observations);
    }
  }

  /** Whether runs are observed (observations on, and a single working registry was found). */
  public boolean bound() {
    return binding != null;
  }

  @Override
  public void destroy() {
    Subscription b = binding;
    if (b != null) {
      binding = null;
      b.cancel();
    }
  }
}
