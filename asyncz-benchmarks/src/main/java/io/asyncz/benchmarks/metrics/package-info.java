/**
 * What metrics and observations cost the engine: {@link
 * io.asyncz.benchmarks.metrics.MetricsOverhead}.
 */
package io.asyncz.benchmarks.metrics;
