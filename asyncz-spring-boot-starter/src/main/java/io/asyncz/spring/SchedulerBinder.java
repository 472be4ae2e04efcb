package io.asyncz.spring;

import io.asyncz.event.Subscription;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Binds something to the scheduler once every singleton exists (the actuator creates its registries
 * late) and cancels it with the context.
 */
abstract class SchedulerBinder implements SmartInitializingSingleton, DisposableBean {
  private volatile Subscription binding;

  /** Binds, or returns {@code null} when there is nothing to bind to. */
  abstract Subscription bind();

  @Override
  public final void afterSingletonsInstantiated() {
    binding = bind();
  }

  /** Whether it is bound. */
  public final boolean bound() {
    return binding != null;
  }

  @Override
  public final void destroy() {
    Subscription b = binding;
    if (b != null) {
      binding = null;
      b.cancel();
    }
  }
}
