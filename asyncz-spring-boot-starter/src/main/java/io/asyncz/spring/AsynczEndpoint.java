package io.asyncz.spring;

import io.asyncz.TaskLookupException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.Task;
import io.asyncz.task.TaskInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code asyncz} actuator endpoint: {@code GET /actuator/asyncz} lists the scheduler and its
 * tasks, {@code GET /actuator/asyncz/{id}} shows one task, and {@code POST
 * /actuator/asyncz/{id}/{action}} with action {@code run}, {@code pause} or {@code resume} acts on
 * one. Its annotations are in the same package on Boot 3.5 and 4.
 */
@Endpoint(id = "asyncz")
public class AsynczEndpoint {
  private final Scheduler scheduler;

  /** An endpoint over {@code scheduler}. */
  public AsynczEndpoint(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** The scheduler's state and every task. */
  @ReadOperation
  public Map<String, Object> tasks() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("identity", scheduler.identity());
    body.put("state", scheduler.state().label());
    body.put("timezone", scheduler.timezone().getId());
    List<Map<String, Object>> tasks = new ArrayList<>();
    for (Task task : scheduler.getTasks()) {
      tasks.add(describe(task.info()));
    }
    body.put("tasks", tasks);
    return body;
  }

  /** One task, or {@code null} (404) when there is none with this id. */
  @ReadOperation
  public Map<String, Object> task(@Selector String id) {
    return scheduler.getTaskInfo(id).map(AsynczEndpoint::describe).orElse(null);
  }

  /**
   * Runs ({@code run}: its due runs, or one now), pauses or resumes a task.
   *
   * @return the task afterwards, or {@code {"id": ..., "removed": true}} when its schedule finished
   * @throws InvalidEndpointRequestException (400) for an unknown action or task id
   */
  @WriteOperation
  public Map<String, Object> operate(@Selector String id, @Selector String action) {
    Optional<Task> after;
    try {
      after =
          switch (action) {
            case "run" -> scheduler.runTask(id);
            case "pause" -> Optional.of(scheduler.pauseTask(id));
            case "resume" -> scheduler.resumeTask(id);
            default ->
                throw new InvalidEndpointRequestException(
                    "Unknown action \"" + action + "\"; expected run, pause or resume",
                    "Unknown action");
          };
    } catch (TaskLookupException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), "No such task");
    }
    if (after.isEmpty()) {
      Map<String, Object> removed = new LinkedHashMap<>();
      removed.put("id", id);
      removed.put("removed", true);
      return removed;
    }
    return describe(after.get().info());
  }

  private static Map<String, Object> describe(TaskInfo info) {
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("id", info.id());
    task.put("name", info.name());
    task.put("function", info.callableName());
    task.put("reference", info.callableReference());
    task.put("trigger", info.triggerDescription());
    task.put("executor", info.executor());
    task.put("store", info.storeAlias());
    task.put("state", info.scheduleState().name().toLowerCase(Locale.ROOT));
    task.put("nextRunTime", info.nextRunTime() == null ? null : info.nextRunTime().toString());
    task.put("paused", info.paused());
    return task;
  }
}
