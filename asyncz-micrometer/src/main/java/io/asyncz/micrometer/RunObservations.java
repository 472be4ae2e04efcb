package io.asyncz.micrometer;

import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import io.asyncz.run.RunOutcome;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/** A run observer that starts an observation per run and stops it at the run's end. */
final class RunObservations implements RunObserver {
  private final ObservationRegistry registry;
  private final RunObservationConvention convention;

  RunObservations(ObservationRegistry registry, RunObservationConvention convention) {
    this.registry = registry;
    this.convention = convention;
  }

  @Override
  public RunObservation started(RunInfo run) {
    RunObservationContext context = new RunObservationContext(run);
    Observation observation =
        Observation.createNotStarted(
                convention, DefaultRunObservationConvention.INSTANCE, () -> context, registry)
            .start();
    return new Run(observation, context, observation.openScope());
  }

  /** One run's observation, its scope open on the executing thread until the run leaves it. */
  private static final class Run implements RunObservation {
    private final Observation observation;
    private final RunObservationContext context;
    private volatile Observation.Scope scope; // null once closed

    Run(Observation observation, RunObservationContext context, Observation.Scope scope) {
      this.observation = observation;
      this.context = context;
      this.scope = scope;
    }

    @Override
    public void detached() {
      closeScope();
    }

    @Override
    public void finished(RunOutcome outcome) {
      // A synchronous run ends on the thread whose scope is still open; close it first, as the
      // function's own scopes closed before it.
      closeScope();
      context.outcome(outcome);
      if (!outcome.succeeded()) {
        observation.error(outcome.error());
      }
      observation.stop();
    }

    private void closeScope() {
      Observation.Scope open = scope;
      if (open != null) {
        scope = null;
        open.close();
      }
    }
  }
}
