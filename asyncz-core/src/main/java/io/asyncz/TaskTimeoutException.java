package io.asyncz;

import java.time.Duration;

/**
 * A run took longer than its task's {@code timeout} and was interrupted (or its stage cancelled).
 */
public class TaskTimeoutException extends AsynczException {
  private static final long serialVersionUID = 1L;
  private final String taskId;
  private final transient Duration timeout;

  /** Creates the exception for the task and its timeout. */
  public TaskTimeoutException(String taskId, Duration timeout) {
    super("Run of task '" + taskId + "' took longer than its timeout of " + timeout + "; stopped.");
    this.taskId = taskId;
    this.timeout = timeout;
  }

  /** For executors that say more (which worker was ended, say). */
  protected TaskTimeoutException(String message, String taskId, Duration timeout) {
    super(message);
    this.taskId = taskId;
    this.timeout = timeout;
  }

  /** The task whose run timed out. */
  public String taskId() {
    return taskId;
  }

  /** The timeout that elapsed. */
  public Duration timeout() {
    return timeout;
  }
}
