/**
 * Micrometer for Asyncz: {@link io.asyncz.micrometer.AsynczMetrics} binds run counters, lateness
 * and duration timers, task gauges and store operation timers to a {@code MeterRegistry}; {@link
 * io.asyncz.micrometer.AsynczObservations} wraps each run in an {@code Observation}, which the
 * standard bridges turn into a trace span.
 */
package io.asyncz.micrometer;
