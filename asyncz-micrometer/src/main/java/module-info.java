/**
 * Asyncz Micrometer: run counters and timers, store operation timers and task gauges ({@link
 * io.asyncz.micrometer.AsynczMetrics}), and an Observation around each run ({@link
 * io.asyncz.micrometer.AsynczObservations}).
 */
module io.asyncz.micrometer {
  requires transitive io.asyncz.core;
  requires transitive micrometer.core;
  requires transitive micrometer.observation;
  requires micrometer.commons;

  exports io.asyncz.micrometer;
}
