package io.asyncz.spring;

import io.asyncz.event.Subscription;
import io.asyncz.micrometer.AsynczMetrics;
import io.asyncz.scheduler.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Binds the scheduler's metrics ({@code asyncz-micrometer}) to the application's {@link
 * MeterRegistry} once every singleton exists (the actuator creates the registry late), and unbinds
 * them with the context; {@link #bound()} says whether a single registry was found. A class of its
 * own, so that Micrometer's types are loaded only where they are on the class path.
 */
public final class AsynczMetricsBinder extends SchedulerBinder {
  private final Scheduler scheduler;
  private final ObjectProvider<MeterRegistry> registry;

  AsynczMetricsBinder(Scheduler scheduler, ObjectProvider<MeterRegistry> registry) {
    this.scheduler = scheduler;
    this.registry = registry;
  }

  @Override
  Subscription bind() {
    MeterRegistry meters = registry.getIfUnique();
    return meters == null ? null : AsynczMetrics.bind(scheduler, meters);
  }
}
