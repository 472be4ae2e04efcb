package io.asyncz.run;

import java.util.Optional;

/**
 * Where the log lines of a run are kept while it runs (the optional {@code asyncz-logging} module's
 * {@code TaskLogCapture}): run history takes a run's lines into its record when the run ends.
 * Register one with {@link io.asyncz.scheduler.Scheduler#captureRunLogs}.
 */
@FunctionalInterface
public interface RunLogs {

  /** The lines captured for a run, handed over once; empty when none were. */
  Optional<String> take(String runId);
}
