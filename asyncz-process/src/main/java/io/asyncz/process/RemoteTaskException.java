package io.asyncz.process;

import io.asyncz.AsynczException;
import io.asyncz.run.RemoteFailure;
import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * What a task threw in a worker JVM: the remote exception's class name, message and stack trace,
 * since the exception itself stays in the worker (nothing crosses the process boundary but JSON).
 * The stack trace of this exception is the remote one, so a logged {@code RemoteTaskException}
 * shows where the task failed.
 */
public final class RemoteTaskException extends AsynczException implements RemoteFailure {
  private static final long serialVersionUID = 1L;

  private final String remoteType;
  private final String remoteMessage;
  private final String remoteStackTrace;
  private final int workerId;

  RemoteTaskException(
      String remoteType,
      String remoteMessage,
      String remoteStackTrace,
      StackTraceElement[] remoteFrames,
      int workerId) {
    super(
        remoteType
            + (remoteMessage == null ? "" : ": " + remoteMessage)
            + " (raised in process-pool worker "
            + workerId
            + ")");
    this.remoteType = remoteType;
    this.remoteMessage = remoteMessage;
    this.remoteStackTrace = remoteStackTrace;
    this.workerId = workerId;
    setStackTrace(remoteFrames);
  }

  /**
   * The class name of the exception the task threw, e.g. {@code java.lang.IllegalStateException}.
   */
  @Override
  public String remoteType() {
    return remoteType;
  }

  /** The message of the exception the task threw, or {@code null} when it had none. */
  @Override
  public String remoteMessage() {
    return remoteMessage;
  }

  /** The remote exception's stack trace as the worker printed it, causes included. */
  public String remoteStackTrace() {
    return remoteStackTrace;
  }

  /** The id of the worker the task ran in. */
  public int workerId() {
    return workerId;
  }

  /**
   * Prints this exception's line, then the trace the worker printed, causes included, so that
   * whatever keeps a printed trace (run history, a log that prints traces) keeps the remote causes.
   */
  @Override
  public void printStackTrace(PrintWriter s) {
    if (remoteStackTrace.isEmpty()) {
      super.printStackTrace(s);
      return;
    }
    s.println(this);
    s.print(remoteStackTrace);
    s.flush();
  }

  /** Prints as {@link #printStackTrace(PrintWriter)} does. */
  @Override
  public void printStackTrace(PrintStream s) {
    PrintWriter w = new PrintWriter(s);
    printStackTrace(w);
    w.flush();
  }
}
