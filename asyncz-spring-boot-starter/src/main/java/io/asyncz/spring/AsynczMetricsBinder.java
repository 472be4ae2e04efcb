package io.asyncz.spring;

import io.asyncz.event.Subscription;
import io.asyncz.micrometer.AsynczMetrics;
import io.asyncz.scheduler.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Binds the scheduler's metrics ({@code asyncz-micrometer}) to the application's {@link
 * MeterRegistry} once every singleton exists (the actuator creates the registry late), and unbinds
 * them with the context. A class of its own, so that Micrometer's types are loaded only where they
 * are on the class path.
 */
public final class AsynczMetricsBinder implements SmartInitializingSingleton, DisposableBean {
  private final Scheduler scheduler;
  private final ObjectProvider<MeterRegistry> registry;
  private volatile Subscription binding;

  AsynczMetricsBinder(Scheduler scheduler, ObjectProvider<MeterRegistry> registry) {
    this.scheduler = scheduler;
    this.registry = registry;
  }

  @Override
  public void afterSingletonsInstantiated() {
    MeterRegistry meters = registry.getIfUnique();
    if (meters != null) {
      binding = AsynczMetrics.bind(scheduler, meters);
    }
  }

  /** Whether the metrics are bound (a single {@link MeterRegistry} was found). */
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
