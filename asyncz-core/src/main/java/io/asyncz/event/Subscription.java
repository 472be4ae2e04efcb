package io.asyncz.event;

/**
 * A listener's registration, as typed listeners return it: {@link #cancel()} (or {@code close()},
 * in a try-with-resources) stops the deliveries.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Stops delivering events to the listener; calling it again does nothing. */
  void cancel();

  /** The same as {@link #cancel()}. */
  @Override
  default void close() {
    cancel();
  }
}
