package io.asyncz;

/** An operation that needs a running scheduler was called on a stopped one. */
public class SchedulerNotRunningException extends AsynczException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception, naming the operation that was refused. */
  public SchedulerNotRunningException(String operation) {
    super("The scheduler is not running; start() it before calling " + operation + ".");
  }
}
