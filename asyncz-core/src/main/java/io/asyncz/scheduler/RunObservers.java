package io.asyncz.scheduler;

import io.asyncz.event.Subscription;
import io.asyncz.run.RunInfo;
import io.asyncz.run.RunObservation;
import io.asyncz.run.RunObserver;
import io.asyncz.run.RunOutcome;
import io.asyncz.task.Task;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The run observers registered with a scheduler, told as one: {@link #current()} is {@code null}
 * while there are none, so that the executors pay nothing for the seam nobody uses.
 */
final class RunObservers {
  private final Logger logger;
  private volatile RunObserver current;
  private RunObserver[] observers = new RunObserver[0]; // guarded by this

  RunObservers(Logger logger) {
    this.logger = logger;
  }

  RunObserver current() {
    return current;
  }

  synchronized Subscription add(RunObserver observer) {
    Objects.requireNonNull(observer, "observer");
    RunObserver[] grown = java.util.Arrays.copyOf(observers, observers.length + 1);
    grown[observers.length] = observer;
    publish(grown);
    return () -> remove(observer);
  }

  private synchronized void remove(RunObserver observer) {
    for (int i = 0; i < observers.length; i++) {
      if (observers[i] == observer) {
        RunObserver[] shrunk = new RunObserver[observers.length - 1];
        System.arraycopy(observers, 0, shrunk, 0, i);
        System.arraycopy(observers, i + 1, shrunk, i, observers.length - i - 1);
        publish(shrunk);
        return;
      }
    }
  }

  private void publish(RunObserver[] next) {
    observers = next;
    current =
        switch (next.length) {
          case 0 -> null;
          case 1 -> next[0];
          default -> new All(next.clone(), logger);
        };
  }

  /** Several observers: each is told, in the order they were added; one failing stops nobody. */
  private record All(RunObserver[] observers, Logger logger) implements RunObserver {
    @Override
    public RunObservation started(RunInfo run) {
      RunObservation[] observations = new RunObservation[observers.length];
      for (int i = 0; i < observers.length; i++) {
        try {
          RunObservation observation = observers[i].started(run);
          observations[i] = observation == null ? RunObservation.NONE : observation;
        } catch (RuntimeException e) {
          logger.error("Run observer failed at the start of task '{}'", run.task().name(), e);
          observations[i] = RunObservation.NONE;
        }
      }
      return new RunObservation() {
        @Override
        public void detached() {
          // Closed in reverse, as nested scopes close.
          for (int i = observations.length - 1; i >= 0; i--) {
            try {
              observations[i].detached();
            } catch (RuntimeException e) {
              logger.error("Run observer failed as a run went asynchronous", e);
            }
          }
        }

        @Override
        public void finished(RunOutcome outcome) {
          for (int i = observations.length - 1; i >= 0; i--) {
            try {
              observations[i].finished(outcome);
            } catch (RuntimeException e) {
              logger.error("Run observer failed at the end of a run", e);
            }
          }
        }
      };
    }

    @Override
    public void missed(RunInfo run, Duration late) {
      for (RunObserver observer : observers) {
        try {
          observer.missed(run, late);
        } catch (RuntimeException e) {
          logger.error("Run observer failed on a missed run of task '{}'", run.task().name(), e);
        }
      }
    }

    @Override
    public void submitted(Task task, String executor, int runTimes) {
      for (RunObserver observer : observers) {
        try {
          observer.submitted(task, executor, runTimes);
        } catch (RuntimeException e) {
          logger.error("Run observer failed on a submission of task '{}'", task.name(), e);
        }
      }
    }
  }
}
