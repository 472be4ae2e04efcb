package io.asyncz.micrometer;

import io.asyncz.run.RunInfo;
import io.micrometer.common.KeyValues;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default names of a run's observation: {@value #NAME}, contextual name {@code "asyncz run
 * <task name>"}; low-cardinality keys {@code task} (the task's name), {@code executor}, {@code
 * store} and {@code source} ({@code scheduled} or {@code manual}); high-cardinality keys {@code
 * run.id} and {@code task.id}.
 */
public class DefaultRunObservationConvention implements RunObservationConvention {
  /** The observation's name. */
  public static final String NAME = "asyncz.run";

  /** The shared instance. */
  public static final DefaultRunObservationConvention INSTANCE =
      new DefaultRunObservationConvention();

  /** How many sets of low-cardinality key values are kept for reuse. */
  private static final int KEPT_KEY_VALUES = 1_000;

  private final ConcurrentHashMap<LowKeys, KeyValues> lowKeyValues = new ConcurrentHashMap<>();

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
    LowKeys keys =
        new LowKeys(
            run.task().name(),
            run.executor(),
            store == null ? AsynczMetrics.UNKNOWN : store,
            run.source().value());
    // Building key values sorts them; a task's runs share one set, kept for the next run.
    KeyValues values = lowKeyValues.get(keys);
    if (values == null) {
      values = keys.keyValues();
      if (lowKeyValues.size() >= KEPT_KEY_VALUES) {
        lowKeyValues.clear();
      }
      lowKeyValues.put(keys, values);
    }
    return values;
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(RunObservationContext context) {
    RunInfo run = context.run();
    return KeyValues.of("run.id", run.runId(), "task.id", run.taskId());
  }

  /** The low-cardinality values of a run. */
  private record LowKeys(String task, String executor, String store, String source) {
    KeyValues keyValues() {
      return KeyValues.of("task", task, "executor", executor, "store", store, "source", source);
    }
  }
}
