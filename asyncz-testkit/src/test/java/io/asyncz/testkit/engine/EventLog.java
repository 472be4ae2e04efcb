package io.asyncz.testkit.engine;

import io.asyncz.event.EventListener;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskSubmissionEvent;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event a scheduler dispatches, from any thread, in arrival order. */
final class EventLog implements EventListener {
  private final List<SchedulerEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(SchedulerEvent event) {
    events.add(event);
  }

  List<SchedulerEvent> all() {
    return List.copyOf(events);
  }

  void clear() {
    events.clear();
  }

  /** The names of the events, e.g. {@code TASK_ADDED}, in order. */
  List<String> names() {
    return events.stream().map(e -> Events.name(e.code())).toList();
  }

  /** The names of the events about one task, in order. */
  List<String> namesFor(String taskId) {
    return events.stream()
        .filter(e -> taskId.equals(taskIdOf(e)))
        .map(e -> Events.name(e.code()))
        .toList();
  }

  List<TaskSubmissionEvent> submissions(int code) {
    return events.stream()
        .filter(e -> e.code() == code)
        .map(TaskSubmissionEvent.class::cast)
        .toList();
  }

  List<TaskExecutionEvent> executions(int code) {
    return events.stream()
        .filter(e -> e.code() == code)
        .map(TaskExecutionEvent.class::cast)
        .toList();
  }

  List<TaskEvent> taskEvents(int code) {
    return events.stream().filter(e -> e.code() == code).map(TaskEvent.class::cast).toList();
  }

  long count(int code) {
    return events.stream().filter(e -> e.code() == code).count();
  }

  private static String taskIdOf(SchedulerEvent e) {
    if (e instanceof TaskEvent t) {
      return t.taskId();
    }
    if (e instanceof TaskSubmissionEvent s) {
      return s.taskId();
    }
    if (e instanceof TaskExecutionEvent x) {
      return x.taskId();
    }
    return null;
  }

  @Override
  public String toString() {
    return Objects.toString(events);
  }
}
