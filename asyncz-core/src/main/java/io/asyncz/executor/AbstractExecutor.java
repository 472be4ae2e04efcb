package io.asyncz.executor;

import io.asyncz.MaxInstancesException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.task.Task;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's executor behaviour: counts running instances per task, refuses a submission past
 * {@code max_instances}, runs each due run time (skipping, as {@code TASK_MISSED}, those later than
 * the grace time when they start), and reports {@code TASK_EXECUTED} or {@code TASK_ERROR}. A
 * function that returns a {@link CompletionStage} keeps its instance until the stage completes,
 * without holding a thread.
 *
 * <p>Subclasses decide where a submission runs by implementing {@link #dispatch(Runnable)}.
 */
public abstract class AbstractExecutor implements TaskExecutor {
  private final ConcurrentHashMap<String, Integer> instances = new ConcurrentHashMap<>();
  private volatile ExecutorContext context;
  private volatile String alias = "default";
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.executors.default");

  /** Creates the executor; it works once {@link #start} has been called. */
  protected AbstractExecutor() {}

  @Override
  public void start(ExecutorContext context, String alias) {
    this.context = Objects.requireNonNull(context, "context");
    this.alias = Objects.requireNonNull(alias, "alias");
    this.logger = LoggerFactory.getLogger("asyncz.executors." + alias);
  }

  /** The alias this executor was started under. */
  protected String alias() {
    return alias;
  }

  /** This executor's logger, {@code asyncz.executors.<alias>}. */
  protected Logger logger() {
    return logger;
  }

  @Override
  public final void submit(Task task, List<Instant> runTimes) {
    if (context == null) {
      throw new IllegalStateException("Executor '" + alias + "' has not been started");
    }
    boolean[] refused = new boolean[1];
    instances.compute(
        task.id(),
        (id, running) -> {
          int n = running == null ? 0 : running;
          if (n >= task.maxInstances()) {
            refused[0] = true;
            return running;
          }
          return n + 1;
        });
    if (refused[0]) {
      throw new MaxInstancesException(task.id(), task.maxInstances());
    }
    List<Instant> times = List.copyOf(runTimes);
    try {
      dispatch(() -> runFrom(task, times, 0, new ArrayList<>(0)));
    } catch (RuntimeException e) {
      release(task.id());
      throw e;
    }
  }

  @Override
  public int runningInstances(String taskId) {
    return instances.getOrDefault(taskId, 0);
  }

  /** Runs {@code work} where this executor runs tasks: a pool, a new thread, or inline. */
  protected abstract void dispatch(Runnable work);

  /** Runs the run times from {@code index} on; continues asynchronously after a pending stage. */
  private void runFrom(
      Task task, List<Instant> runTimes, int index, List<TaskExecutionEvent> events) {
    for (int i = index; i < runTimes.size(); i++) {
      Instant runTime = runTimes.get(i);
      Duration grace = task.mistriggerGraceTime().orElse(null);
      if (grace != null) {
        Duration late = Duration.between(runTime, context.clock().instant());
        if (late.compareTo(grace) > 0) {
          logger.warn("Run time of task '{}' was missed by {}", task.name(), late);
          record(events, Events.TASK_MISSED, task, runTime, null, null);
          continue;
        }
      }
      if (logger.isInfoEnabled()) {
        logger.info("Running task '{}' (scheduled at {})", task.name(), runTime);
      }
      Object result;
      try {
        result = task.function().invoke(task.args(), task.kwargs());
      } catch (Throwable e) {
        failed(task, runTime, e, events);
        continue;
      }
      if (result instanceof CompletionStage<?> stage) {
        int next = i + 1;
        stage.whenComplete(
            (value, error) -> {
              if (error != null) {
                failed(task, runTime, unwrap(error), events);
              } else {
                succeeded(task, runTime, value, events);
              }
              runFrom(task, runTimes, next, events);
            });
        return;
      }
      succeeded(task, runTime, result, events);
    }
    release(task.id());
    for (TaskExecutionEvent event : events) {
      context.dispatch(event);
    }
  }

  private void succeeded(
      Task task, Instant runTime, Object value, List<TaskExecutionEvent> events) {
    if (logger.isInfoEnabled()) {
      logger.info("Task '{}' executed successfully", task.name());
    }
    record(events, Events.TASK_EXECUTED, task, runTime, value, null);
  }

  private void failed(
      Task task, Instant runTime, Throwable error, List<TaskExecutionEvent> events) {
    logger.error("Task '{}' raised an exception", task.name(), error);
    record(events, Events.TASK_ERROR, task, runTime, null, error);
  }

  private static Throwable unwrap(Throwable error) {
    if (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
      return error.getCause();
    }
    return error;
  }

  private void record(
      List<TaskExecutionEvent> events,
      int code,
      Task task,
      Instant runTime,
      Object value,
      Throwable error) {
    if (context.listening(code)) {
      events.add(event(code, task, runTime, value, error));
    }
  }

  private static TaskExecutionEvent event(
      int code, Task task, Instant runTime, Object value, Throwable error) {
    String traceback = null;
    if (error != null) {
      StringWriter text = new StringWriter();
      error.printStackTrace(new PrintWriter(text));
      traceback = text.toString();
    }
    return new TaskExecutionEvent(
        code, task.id(), task.storeAlias(), runTime, value, error, traceback);
  }

  private void release(String taskId) {
    instances.computeIfPresent(taskId, (id, running) -> running > 1 ? running - 1 : null);
  }
}
