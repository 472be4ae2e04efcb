package io.asyncz.admin;

import io.asyncz.InvalidInputException;
import io.asyncz.event.EventListener;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerErrorEvent;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.event.TaskSubmissionEvent;
import io.asyncz.scheduler.Scheduler;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent events of a scheduler, bounded, with subscribers (the remote API's Server-Sent Events
 * stream). It listens to every event the scheduler sends; a subscriber is called on the thread that
 * raised the event and must return quickly (hand the event to a queue).
 */
public final class EventBuffer implements AutoCloseable {
  /** How many events are kept when no capacity is given. */
  public static final int DEFAULT_CAPACITY = 1000;

  private static final Logger LOG = LoggerFactory.getLogger("asyncz.admin");
  private static final int TEXT_LIMIT = 500;

  private final Scheduler scheduler;
  private final Clock clock;
  private final int capacity;
  private final ArrayDeque<EventView> events = new ArrayDeque<>();
  private final List<Consumer<EventView>> subscribers = new CopyOnWriteArrayList<>();
  private final EventListener listener = this::onEvent;
  private long seq;

  /** Starts listening to {@code scheduler}, keeping the last {@code capacity} events. */
  public EventBuffer(Scheduler scheduler, int capacity) {
    if (capacity < 1) {
      throw new InvalidInputException("capacity", capacity, "is out of range; expected 1 or more");
    }
    this.scheduler = scheduler;
    this.clock = scheduler.clock();
    this.capacity = capacity;
    scheduler.addListener(listener, Events.EVERY_EVENT);
  }

  private void onEvent(SchedulerEvent event) {
    EventView view;
    synchronized (events) {
      view = view(++seq, event);
      events.addLast(view);
      while (events.size() > capacity) {
        events.removeFirst();
      }
    }
    for (Consumer<EventView> s : subscribers) {
      try {
        s.accept(view);
      } catch (RuntimeException e) {
        LOG.warn("An event subscriber failed: {}", e.toString());
      }
    }
  }

  private EventView view(long n, SchedulerEvent event) {
    Map<String, Object> detail = new LinkedHashMap<>();
    String taskId = null;
    String store = event.alias();
    if (event instanceof TaskEvent e) {
      taskId = e.taskId();
    } else if (event instanceof TaskSubmissionEvent e) {
      taskId = e.taskId();
      detail.put(
          "scheduled_run_times", e.scheduledRunTimes().stream().map(Object::toString).toList());
      detail.put("source", e.source().value());
    } else if (event instanceof TaskExecutionEvent e) {
      taskId = e.taskId();
      detail.put(
          "scheduled_run_time",
          e.scheduledRunTime() == null ? null : e.scheduledRunTime().toString());
      if (e.succeeded()) {
        detail.put("return_value", cut(String.valueOf(e.returnValue())));
      }
      if (e.exception() != null) {
        detail.put("error_type", e.exception().getClass().getName());
        detail.put("error", cut(String.valueOf(e.exception().getMessage())));
      }
    } else if (event instanceof TaskQuarantinedEvent e) {
      taskId = e.taskId();
      detail.put("reason", e.reason());
      detail.put("detail", cut(e.detail()));
    } else if (event instanceof SchedulerErrorEvent e) {
      detail.put("message", cut(e.message()));
      detail.put("fatal", e.fatal());
    }
    return new EventView(
        n, Events.name(event.code()), event.code(), clock.instant(), taskId, store, detail);
  }

  private static String cut(String text) {
    return text == null || text.length() <= TEXT_LIMIT ? text : text.substring(0, TEXT_LIMIT) + "…";
  }

  /** The most recent events, oldest first, at most {@code limit}. */
  public List<EventView> recent(int limit) {
    List<EventView> out = new ArrayList<>();
    synchronized (events) {
      Iterator<EventView> it = events.descendingIterator();
      while (it.hasNext() && out.size() < limit) {
        out.add(it.next());
      }
    }
    java.util.Collections.reverse(out);
    return out;
  }

  /** Calls {@code subscriber} with every event from now on, until the returned handle is closed. */
  public AutoCloseable subscribe(Consumer<EventView> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  /** Stops listening to the scheduler. */
  @Override
  public void close() {
    scheduler.removeListener(listener);
    subscribers.clear();
  }
}
