package io.asyncz.run;

/**
 * The end of one observed run: what a {@link RunObserver} is told after {@link
 * RunObserver#started}.
 */
public interface RunObservation {

  /** An observation that needs no telling. */
  RunObservation NONE = outcome -> {};

  /**
   * The function's synchronous part returned on the thread that called {@link RunObserver#started},
   * but the run goes on elsewhere: it returned a {@link java.util.concurrent.CompletionStage} that
   * is not complete. A thread-local context opened in {@code started} must be closed here; {@link
   * #finished} comes later, from the thread that completes the stage. The default does nothing.
   */
  default void detached() {}

  /**
   * The run ended. Called once, on the executing thread for a synchronous run (right after the
   * function returned), or on the thread that completed its stage for an asynchronous one.
   */
  void finished(RunOutcome outcome);
}
