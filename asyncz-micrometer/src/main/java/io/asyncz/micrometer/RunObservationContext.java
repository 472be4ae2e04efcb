package io.asyncz.micrometer;

import io.asyncz.run.RunInfo;
import io.asyncz.run.RunOutcome;
import io.micrometer.observation.Observation;
import java.util.Objects;

/** The context of the {@code asyncz.run} observation: the run, and how it ended once it has. */
public class RunObservationContext extends Observation.Context {
  private final RunInfo run;
  private volatile RunOutcome outcome;

  /** A context for {@code run}. */
  public RunObservationContext(RunInfo run) {
    this.run = Objects.requireNonNull(run, "run");
  }

  /** The run observed. */
  public RunInfo run() {
    return run;
  }

  /** How the run ended, or {@code null} while it runs. */
  public RunOutcome outcome() {
    return outcome;
  }

  void outcome(RunOutcome outcome) {
    this.outcome = outcome;
  }
}
