package io.asyncz.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of one set of run tags, registered together so that a dashboard sees every counter of
 * a task at zero from its first run.
 */
final class RunMeters {
  final Counter submitted;
  final Counter executed;
  final Counter failed;
  final Counter missed;
  final Counter skipped;
  final Timer lateness;
  final Timer succeededDuration;
  final Timer failedDuration;
  final RunTags runTags;
  private final Tags tags;
  private final MetricsBinding binding;
  private final ConcurrentHashMap<String, Counter> others = new ConcurrentHashMap<>();

  /** Registers the meters through {@code binding}, which remembers them for removal. */
  RunMeters(RunTags runTags, MetricsBinding binding) {
    this.runTags = runTags;
    this.tags = runTags.tags();
    this.binding = binding;
    submitted = binding.counter(AsynczMetrics.SUBMITTED, tags, "Runs handed to an executor");
    executed = binding.counter(AsynczMetrics.EXECUTED, tags, "Runs that returned");
    failed = binding.counter(AsynczMetrics.FAILED, tags, "Runs that threw");
    missed = binding.counter(AsynczMetrics.MISSED, tags, "Runs later than their grace time");
    skipped = binding.counter(AsynczMetrics.SKIPPED, tags, "Runs skipped at max instances");
    lateness =
        binding.timer(AsynczMetrics.LATENESS, tags, "From a run's scheduled time to its start");
    succeededDuration =
        binding.timer(
            AsynczMetrics.DURATION, tags.and("outcome", "succeeded"), "From a run's start to end");
    failedDuration =
        binding.timer(
            AsynczMetrics.DURATION, tags.and("outcome", "failed"), "From a run's start to end");
  }

  /** The counter of this name: one of the fixed ones, or one fed from other events. */
  Counter counter(String name) {
    switch (name) {
      case AsynczMetrics.SUBMITTED:
        return submitted;
      case AsynczMetrics.SKIPPED:
        return skipped;
      case AsynczMetrics.EXECUTED:
        return executed;
      case AsynczMetrics.FAILED:
        return failed;
      case AsynczMetrics.MISSED:
        return missed;
      default:
        return others.computeIfAbsent(
            name, n -> binding.counter(n, tags, "Runs counted from scheduler events"));
    }
  }
}
