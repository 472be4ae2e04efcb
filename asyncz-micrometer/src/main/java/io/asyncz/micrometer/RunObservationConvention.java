package io.asyncz.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the {@code asyncz.run} observation and its key values; implement it (or extend {@link
 * DefaultRunObservationConvention}) to change them.
 */
public interface RunObservationConvention extends ObservationConvention<RunObservationContext> {

  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof RunObservationContext;
  }
}
