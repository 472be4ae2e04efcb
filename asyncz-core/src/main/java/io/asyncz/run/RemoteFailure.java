package io.asyncz.run;

/**
 * An exception that stands for one a task threw somewhere else (the process pool's worker JVM),
 * where the exception itself stayed: the run history records the original's class name and message
 * rather than this exception's, so that a run's error reads the same on every executor.
 */
public interface RemoteFailure {
  /**
   * The class name of the exception the task threw, e.g. {@code java.lang.IllegalStateException}.
   */
  String remoteType();

  /** The message of the exception the task threw, or {@code null} when it had none. */
  String remoteMessage();
}
