package io.asyncz.task;

import io.asyncz.trigger.Trigger;
import java.util.Map;
import java.util.Optional;

/** The scheduler operations that a {@link Task}'s convenience methods call. */
public interface TaskOperations {
  /** Changes a task's options; see the scheduler's {@code updateTask}. */
  Task updateTask(String taskId, String store, Map<String, ?> changes);

  /** Gives a task a new trigger and recomputes its next run time. */
  Task rescheduleTask(String taskId, String store, Trigger trigger);

  /** Pauses a task. */
  Task pauseTask(String taskId, String store);

  /** Resumes a task, or removes it if its schedule has finished. */
  Optional<Task> resumeTask(String taskId, String store);

  /** Deletes a task. */
  void deleteTask(String taskId, String store);
}
