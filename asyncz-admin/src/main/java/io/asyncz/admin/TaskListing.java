package io.asyncz.admin;

import io.asyncz.event.EventListener;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.event.TaskRetryEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerState;
import io.asyncz.task.Task;
import io.asyncz.task.TaskInfo;
import io.asyncz.task.TaskScheduleState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The dashboard's task listing over an index of every task, kept current from the scheduler's
 * events, so that a listing of 10,000 tasks does not rebuild 10,000 snapshots, lower-case their
 * text and sort them each time.
 *
 * <p>Each event that names a task (added, modified, removed, submitted, executed, missed, retried,
 * quarantined) marks its id; the next listing reads the marked tasks again from their stores. Any
 * other event (start, shutdown, a store or executor added or removed, all tasks removed) drops the
 * index, which the next listing rebuilds from every store. Another process writing a persistent
 * store sends no event here: such a store is read again when its part of the index is older than
 * {@code maxAge} on the scheduler's clock. A stopped scheduler's tasks are listed without the
 * index.
 */
final class TaskListing implements AutoCloseable {
  private final Scheduler scheduler;
  private final Duration maxAge;
  private final EventListener listener = this::onEvent;
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final AtomicLong generation = new AtomicLong(1);

  // Guarded by this.
  private long builtGeneration;
  private final Map<String, StoreRows> stores = new LinkedHashMap<>();
  private final Map<String, Sorted> sorted = new HashMap<>();

  /** Every row in one listing order, kept in order as single tasks change. */
  private record Sorted(Comparator<Row> order, ArrayList<Row> rows) {
    void remove(Row row) {
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i) == row) {
          rows.remove(i);
          return;
        }
      }
    }

    void insert(Row row) {
      int at = Collections.binarySearch(rows, row, order);
      rows.add(at >= 0 ? at : -at - 1, row);
    }
  }

  private static final class StoreRows {
    final boolean persistent;
    final Map<String, Row> rows = new HashMap<>();
    Instant readAt;

    StoreRows(boolean persistent) {
      this.persistent = persistent;
    }
  }

  /**
   * A task with what a listing filters and sorts it by, lower-cased once.
   *
   * @param search the lower-cased fields the free text is searched in, each followed by a NUL so
   *     that no match spans two fields
   */
  record Row(
      Task task,
      TaskInfo info,
      String search,
      String id,
      String name,
      String function,
      String executor,
      String store,
      String trigger,
      String triggerAlias,
      String triggerName,
      String state) {

    static Row of(Task task) {
      TaskInfo i = task.info();
      String function = i.callableReference() != null ? i.callableReference() : i.callableName();
      return new Row(
          task,
          i,
          String.join(
              "\0",
              lower(i.id()),
              lower(i.name()),
              lower(i.callableName()),
              lower(i.callableReference()),
              lower(i.triggerAlias()),
              lower(i.triggerName()),
              lower(i.triggerDescription()),
              lower(i.executor()),
              lower(i.storeAlias()),
              i.scheduleState().value()),
          lower(i.id()),
          lower(i.name()),
          function,
          lower(i.executor()),
          lower(i.storeAlias()),
          lower(i.triggerAlias() != null ? i.triggerAlias() : i.triggerName()),
          lower(i.triggerAlias()),
          lower(i.triggerName()),
          i.scheduleState().value());
    }

    boolean matches(String needle) {
      if (needle.indexOf('\0') < 0) {
        return search.contains(needle); // cannot span two fields
      }
      for (String field : search.split("\0", -1)) {
        if (field.contains(needle)) {
          return true;
        }
      }
      return false;
    }
  }

  /** One page of rows and how many rows matched. */
  record Page(List<Row> rows, int total) {}

  TaskListing(Scheduler scheduler, Duration maxAge) {
    this.scheduler = scheduler;
    this.maxAge = maxAge;
    scheduler.addListener(listener, Events.EVERY_EVENT);
  }

  private void onEvent(SchedulerEvent event) {
    String taskId = null;
    if (event instanceof TaskEvent e) {
      taskId = e.store() == null ? null : e.taskId();
    } else if (event instanceof TaskSubmissionEvent e) {
      taskId = e.taskId();
    } else if (event instanceof TaskExecutionEvent e) {
      taskId = e.taskId();
    } else if (event instanceof TaskRetryEvent e) {
      taskId = e.taskId();
    } else if (event instanceof TaskQuarantinedEvent e) {
      taskId = e.taskId();
    }
    if (taskId != null) {
      dirty.add(taskId);
    } else if (event.code() != Events.SCHEDULER_ERROR) {
      generation.incrementAndGet();
    }
  }

  /** The page {@code f} asks for; the store and executor aliases are checked by the caller. */
  synchronized Page list(TaskFilter f) {
    if (scheduler.state() == SchedulerState.STOPPED) {
      // Tasks pending start are not in a store and send no event for every change: read them.
      builtGeneration = 0;
      List<Row> rows = new ArrayList<>();
      for (Task t : scheduler.getTasks()) {
        rows.add(Row.of(t));
      }
      rows.sort(comparator(f.sort(), f.descending()));
      return page(rows, f);
    }
    refresh();
    Sorted all = sorted.computeIfAbsent(f.sort() + (f.descending() ? " desc" : ""), k -> sort(f));
    return page(all.rows(), f);
  }

  private void refresh() {
    long current = generation.get();
    Instant now = scheduler.clock().instant();
    if (current != builtGeneration) {
      dirty.clear(); // marked before this read: the read sees their changes
      stores.clear();
      sorted.clear();
      for (String alias : scheduler.info().stores()) {
        stores.put(alias, new StoreRows(scheduler.lookupStore(alias).persistent()));
      }
      for (Map.Entry<String, StoreRows> s : stores.entrySet()) {
        read(s.getKey(), s.getValue(), now);
      }
      builtGeneration = current;
      return;
    }
    for (Map.Entry<String, StoreRows> s : stores.entrySet()) {
      StoreRows rows = s.getValue();
      if (rows.persistent && !now.isBefore(rows.readAt.plus(maxAge))) {
        read(s.getKey(), rows, now);
        sorted.clear();
      }
    }
    for (Iterator<String> it = dirty.iterator(); it.hasNext(); ) {
      String id = it.next();
      // Unmarked before it is read, so that a change made during the read marks it again.
      it.remove();
      for (Map.Entry<String, StoreRows> s : stores.entrySet()) {
        Optional<Task> task = scheduler.getTask(id, s.getKey());
        Row fresh = task.map(Row::of).orElse(null);
        Row old = fresh != null ? s.getValue().rows.put(id, fresh) : s.getValue().rows.remove(id);
        for (Sorted order : sorted.values()) {
          if (old != null) {
            order.remove(old);
          }
          if (fresh != null) {
            order.insert(fresh);
          }
        }
      }
    }
  }

  private void read(String alias, StoreRows rows, Instant now) {
    rows.rows.clear();
    for (Task t : scheduler.getTasks(alias)) {
      rows.rows.put(t.id(), Row.of(t));
    }
    rows.readAt = now;
  }

  private Sorted sort(TaskFilter f) {
    ArrayList<Row> all = new ArrayList<>();
    for (StoreRows s : stores.values()) {
      all.addAll(s.rows.values());
    }
    Comparator<Row> order = comparator(f.sort(), f.descending());
    all.sort(order);
    return new Sorted(order, all);
  }

  private static Page page(List<Row> all, TaskFilter f) {
    String text = f.q() == null ? null : f.q().strip().toLowerCase(Locale.ROOT);
    String trigger = f.trigger() == null ? null : f.trigger().strip().toLowerCase(Locale.ROOT);
    String state = f.state() == null ? null : TaskScheduleState.parse(f.state()).value();
    long from = (long) (f.page() - 1) * f.size();
    List<Row> page = new ArrayList<>(Math.min(f.size(), all.size()));
    int total = 0;
    for (Row r : all) {
      if ((f.store() != null && !f.store().equals(r.info().storeAlias()))
          || (state != null && !state.equals(r.state()))
          || (f.executor() != null && !f.executor().equals(r.info().executor()))
          || (trigger != null
              && !trigger.equals(r.triggerAlias())
              && !trigger.equals(r.triggerName()))
          || (text != null && !text.isEmpty() && !r.matches(text))) {
        continue;
      }
      if (total >= from && page.size() < f.size()) {
        page.add(r);
      }
      total++;
    }
    return new Page(page, total);
  }

  /** The order of the core's {@code TaskQuery} for the same key, on the precomputed keys. */
  private static Comparator<Row> comparator(String sort, boolean descending) {
    Comparator<Row> byId = Comparator.comparing(Row::id);
    Comparator<Row> byTime =
        Comparator.comparing(
            (Row r) -> r.info().nextRunTime(),
            Comparator.nullsLast(Comparator.<Instant>naturalOrder()));
    Comparator<Row> order =
        switch (sort) {
          case "id" -> byId;
          case "name" -> by(Row::name).thenComparing(byId);
          case "state" -> by(Row::state).thenComparing(byTime).thenComparing(byId);
          case "executor" -> by(Row::executor).thenComparing(byId);
          case "store" -> by(Row::store).thenComparing(byId);
          case "trigger" -> by(Row::trigger).thenComparing(byId);
          case "function" -> by(Row::function).thenComparing(byId);
          default -> byTime.thenComparing(Row::name).thenComparing(byId);
        };
    return descending ? order.reversed() : order;
  }

  private static Comparator<Row> by(Function<Row, String> key) {
    return Comparator.comparing(key, Comparator.nullsFirst(Comparator.<String>naturalOrder()));
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    scheduler.removeListener(listener);
  }
}
