package io.asyncz;

/** A task with the same id already exists in the store (the seed's ConflictIdError). */
public class ConflictIdException extends AsynczException {
  private static final long serialVersionUID = 1L;
  private final String taskId;

  /** Creates the exception for the id that is taken. */
  public ConflictIdException(String taskId) {
    super(
        "A task by the id '"
            + taskId
            + "' already exists; give another id or ask to replace the existing task.");
    this.taskId = taskId;
  }

  /** The id that is taken. */
  public String taskId() {
    return taskId;
  }
}
