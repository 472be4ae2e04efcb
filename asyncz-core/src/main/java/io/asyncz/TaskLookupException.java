package io.asyncz;

/**
 * No task with the given id exists in the store or stores looked in (the seed's TaskLookupError).
 */
public class TaskLookupException extends AsynczException {
  private static final long serialVersionUID = 1L;
  private final String taskId;

  /** Creates the exception for the id that was not found. */
  public TaskLookupException(String taskId) {
    super("No task by the id '" + taskId + "' was found.");
    this.taskId = taskId;
  }

  /** The id that was looked up. */
  public String taskId() {
    return taskId;
  }
}
