package io.asyncz;

/**
 * A task already runs as many instances as its {@code max_instances} allows (the seed's
 * MaximumInstancesError).
 */
public class MaxInstancesException extends AsynczException {
  private static final long serialVersionUID = 1L;
  private final String taskId;
  private final int maxInstances;

  /** Creates the exception for the task and its limit. */
  public MaxInstancesException(String taskId, int maxInstances) {
    super(
        "Task '"
            + taskId
            + "' already runs "
            + maxInstances
            + " instance(s), its max_instances; this run was not started.");
    this.taskId = taskId;
    this.maxInstances = maxInstances;
  }

  /** The task that reached its limit. */
  public String taskId() {
    return taskId;
  }

  /** The limit that was reached. */
  public int maxInstances() {
    return maxInstances;
  }
}
