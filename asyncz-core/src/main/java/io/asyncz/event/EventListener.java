package io.asyncz.event;

/**
 * Receives scheduler events. A listener that throws is logged and never breaks the scheduler; a
 * listener should return quickly, since events are delivered on the thread that raised them.
 */
@FunctionalInterface
public interface EventListener {
  /** Called for each event whose code is in the listener's mask. */
  void onEvent(SchedulerEvent event);
}
