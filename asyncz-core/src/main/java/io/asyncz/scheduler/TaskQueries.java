package io.asyncz.scheduler;

import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.task.Task;
import io.asyncz.task.TaskInfo;
import io.asyncz.task.TaskRunPreview;
import io.asyncz.task.TaskScheduleState;
import io.asyncz.trigger.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reading a scheduler's tasks without changing them: lookups, the search and sort of {@link
 * TaskQuery}, run-time previews, and the snapshots of the scheduler and its instances. Reads never
 * take a store's lock: stores are safe for concurrent use.
 */
final class TaskQueries {
  private final Scheduler scheduler;

  TaskQueries(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** A task and where it is: a store alias, or {@code null} for a task pending start. */
  record Located(Task task, String store) {}

  Located locate(String taskId, String store) {
    scheduler.schedulerLock().lock();
    try {
      if (scheduler.state() == SchedulerState.STOPPED) {
        PendingTasks.Pending p = scheduler.pending().find(taskId, store);
        if (p == null) {
          throw new TaskLookupException(taskId);
        }
        return new Located(p.task(), null);
      }
    } finally {
      scheduler.schedulerLock().unlock();
    }
    for (StoreSlot slot : scheduler.plugins().slots().values()) {
      if (store == null || store.equals(slot.alias)) {
        Optional<Task> t = slot.store.lookupTask(taskId);
        if (t.isPresent()) {
          return new Located(t.get(), slot.alias);
        }
      }
    }
    throw new TaskLookupException(taskId);
  }

  List<Task> getTasks(String store) {
    scheduler.schedulerLock().lock();
    try {
      if (scheduler.state() == SchedulerState.STOPPED) {
        return scheduler.pending().tasks(store);
      }
    } finally {
      scheduler.schedulerLock().unlock();
    }
    List<Task> tasks = new ArrayList<>();
    for (StoreSlot slot : scheduler.plugins().slots().values()) {
      if (store == null || store.equals(slot.alias)) {
        tasks.addAll(slot.store.allTasks());
      }
    }
    return tasks;
  }

  Optional<Task> getTask(String taskId, String store) {
    try {
      return Optional.of(locate(taskId, store).task());
    } catch (TaskLookupException e) {
      return Optional.empty();
    }
  }

  List<TaskInfo> getTaskInfos(TaskQuery query) {
    List<TaskInfo> infos = new ArrayList<>();
    String text = query.q() == null ? null : query.q().strip().toLowerCase(Locale.ROOT);
    String trigger =
        query.trigger() == null ? null : query.trigger().strip().toLowerCase(Locale.ROOT);
    for (Task task : getTasks(query.store())) {
      TaskInfo info = task.info();
      if (query.scheduleState() != null && info.scheduleState() != query.scheduleState()) {
        continue;
      }
      if (query.executor() != null && !query.executor().equals(info.executor())) {
        continue;
      }
      if (trigger != null
          && !trigger.equals(lower(info.triggerAlias()))
          && !trigger.equals(lower(info.triggerName()))) {
        continue;
      }
      if (text != null && !text.isEmpty() && !matches(info, text)) {
        continue;
      }
      infos.add(info);
    }
    Comparator<TaskInfo> order = comparator(query.sortBy());
    infos.sort(query.descending() ? order.reversed() : order);
    return infos;
  }

  private static boolean matches(TaskInfo info, String needle) {
    for (String field :
        new String[] {
          info.id(),
          info.name(),
          info.callableName(),
          info.callableReference(),
          info.triggerAlias(),
          info.triggerName(),
          info.triggerDescription(),
          info.executor(),
          info.storeAlias(),
          info.scheduleState().value()
        }) {
      if (field != null && field.toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  private static Comparator<TaskInfo> comparator(String sortBy) {
    Comparator<TaskInfo> byId = Comparator.comparing(i -> lower(i.id()));
    Comparator<TaskInfo> byTime =
        Comparator.comparing(
            TaskInfo::nextRunTime, Comparator.nullsLast(Comparator.<Instant>naturalOrder()));
    return switch (sortBy) {
      case "id" -> byId;
      case "name" -> Comparator.comparing((TaskInfo i) -> lower(i.name())).thenComparing(byId);
      case "schedule_state" ->
          Comparator.comparing((TaskInfo i) -> i.scheduleState().value())
              .thenComparing(byTime)
              .thenComparing(byId);
      case "executor" ->
          Comparator.comparing((TaskInfo i) -> lower(i.executor())).thenComparing(byId);
      case "store" ->
          Comparator.comparing((TaskInfo i) -> lower(i.storeAlias())).thenComparing(byId);
      case "trigger" ->
          Comparator.comparing(
                  (TaskInfo i) ->
                      lower(i.triggerAlias() != null ? i.triggerAlias() : i.triggerName()))
              .thenComparing(byId);
      default -> byTime.thenComparing((TaskInfo i) -> lower(i.name())).thenComparing(byId);
    };
  }

  Optional<TaskRunPreview> previewTaskRuns(String taskId, String store, int count) {
    if (count < 1 || count > Scheduler.MAX_PREVIEW_COUNT) {
      throw new InvalidInputException(
          "count", count, "is out of range; expected 1 to " + Scheduler.MAX_PREVIEW_COUNT);
    }
    Optional<Task> found = getTask(taskId, store);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Task task = found.get();
    Instant now = scheduler.clock().instant();
    Trigger trigger = task.trigger();
    List<Instant> times = new ArrayList<>(count);
    Instant next = task.nextRunTime().orElse(null);
    if (next == null) {
      next = trigger.nextFireTime(scheduler.timezone(), null, now).orElse(null);
    }
    while (next != null && times.size() < count) {
      times.add(next);
      next = trigger.nextFireTime(scheduler.timezone(), next, next).orElse(null);
    }
    return Optional.of(
        new TaskRunPreview(task.info(), scheduler.timezone(), now, count, times, next == null));
  }

  SchedulerInfo info() {
    List<Task> tasks = getTasks(null);
    int scheduled = 0;
    int paused = 0;
    int pendingCount = 0;
    int submitted = 0;
    for (Task t : tasks) {
      TaskScheduleState s = t.scheduleState();
      if (s == TaskScheduleState.SCHEDULED) {
        scheduled++;
      } else if (s == TaskScheduleState.PAUSED) {
        paused++;
      } else if (s == TaskScheduleState.PENDING) {
        pendingCount++;
      }
      if (t.info().submitted()) {
        submitted++;
      }
    }
    SchedulerState current = scheduler.state();
    Instant started = current == SchedulerState.STOPPED ? null : scheduler.lifecycle().startedAt();
    Duration uptime =
        started == null ? null : positive(Duration.between(started, scheduler.clock().instant()));
    return new SchedulerInfo(
        scheduler.identity(),
        current,
        current != SchedulerState.STOPPED,
        started,
        uptime,
        scheduler.timezone(),
        List.copyOf(new TreeSet<>(scheduler.plugins().executors().keySet())),
        List.copyOf(new TreeSet<>(scheduler.plugins().slots().keySet())),
        tasks.size(),
        scheduled,
        paused,
        pendingCount,
        submitted,
        scheduler.storeRetryInterval(),
        scheduler.startupDelay());
  }

  List<SchedulerInstanceInfo> instances() {
    Instant now = scheduler.clock().instant();
    Lifecycle lifecycle = scheduler.lifecycle();
    if (scheduler.state() != SchedulerState.STOPPED) {
      lifecycle.seen(now);
    }
    SchedulerInfo info = info();
    Instant seen = lifecycle.lastSeenAt() != null ? lifecycle.lastSeenAt() : now;
    Duration age = positive(Duration.between(seen, now));
    Duration staleAfter = scheduler.heartbeatStaleAfter();
    boolean stale = !info.running() || age.compareTo(staleAfter) > 0;
    return List.of(
        new SchedulerInstanceInfo(
            scheduler.identity(),
            SchedulerInstanceInfo.PROCESS_LOCAL,
            info.state(),
            info.running() && !stale,
            stale,
            info.startedAt(),
            seen,
            info.uptime(),
            age,
            staleAfter,
            scheduler.timezone(),
            info.executors(),
            info.stores(),
            info.taskCount(),
            info.scheduledTaskCount(),
            info.pausedTaskCount(),
            info.pendingTaskCount(),
            info.submittedTaskCount()));
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
