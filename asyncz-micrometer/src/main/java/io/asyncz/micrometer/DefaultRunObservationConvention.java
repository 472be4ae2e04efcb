package io.asyncz.micrometer;

import io.asyncz.run.RunInfo;
import io.micrometer.common.KeyValues;

/**
 * The default names of a run's observation: {@value #NAME}, contextual name {@code "asyncz run
 * <task name>"}; low-cardinality keys {@code task} (the task's name), {@code executor}, {@code
 * store} and {@code source} ({@code scheduled} or {@code manual}); high-cardinality keys {@code
 * run.id}, {@code task.id} and {@code attempt}.
 */
public class DefaultRunObservationConvention implements RunObservationConvention {
  /** The observation's name. */
  public static final String NAME = "asyncz.run";

  /** The shared instance. */
  public static final DefaultRunObservationConvention INSTANCE =
      new DefaultRunObservationConvention();

  /** Creates the convention; {@link #INSTANCE} serves when nothing is overridden. */
  public DefaultRunObservationConvention() {}

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(RunObservationContext context) {
    return "asyncz run " + context.run().task().name();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(RunObservationContext context) {
    RunInfo run = context.run();
    String store = run.task().storeAlias();
    return KeyValues.of(
        "task", run.task().name(),
        "executor", run.executor(),
        "store", store == null ? AsynczMetrics.UNKNOWN : store,
        "source", run.source().value());
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(RunObservationContext context) {
    RunInfo run = context.run();
    return KeyValues.of(
        "run.id", run.runId(), "task.id", run.taskId(), "attempt", String.valueOf(run.attempt()));
  }
}
