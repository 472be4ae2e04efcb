package io.asyncz;

/** An operation that needs a stopped scheduler was called on a running one. */
public class SchedulerAlreadyRunningException extends AsynczException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception, naming the operation that was refused. */
  public SchedulerAlreadyRunningException(String operation) {
    super("The scheduler is already running; " + operation + " needs a stopped scheduler.");
  }
}
