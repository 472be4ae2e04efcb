package io.asyncz.scheduler;

import io.asyncz.InvalidInputException;
import io.asyncz.event.EventListener;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerErrorEvent;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.Subscription;
import io.asyncz.event.TaskEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.event.TaskSubmissionEvent;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * A scheduler's listeners: who listens to which events, and the delivery of each event, stamped
 * with the scheduler's identity, to the listeners that want it. A listener that throws anything is
 * logged and never reaches the code that raised the event.
 */
final class EventHub {
  private record Registration(EventListener listener, int mask) {}

  private final List<Registration> listeners = new CopyOnWriteArrayList<>();
  private final String identity;
  private final Logger logger;
  private volatile int listenedMask;

  EventHub(String identity, Logger logger) {
    this.identity = identity;
    this.logger = logger;
  }

  void add(EventListener listener, int mask) {
    Objects.requireNonNull(listener, "listener");
    if ((mask & Events.EVERY_EVENT) == 0) {
      throw new InvalidInputException(
          "event mask",
          mask,
          "selects no event; expected codes of io.asyncz.event.Events joined with |");
    }
    listeners.add(new Registration(listener, mask));
    recomputeListenedMask();
  }

  <E extends SchedulerEvent> Subscription add(Class<E> type, Consumer<? super E> listener) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(listener, "listener");
    EventListener typed =
        event -> {
          if (type.isInstance(event)) {
            listener.accept(type.cast(event));
          }
        };
    add(typed, codesOf(type));
    return () -> remove(typed);
  }

  /** The event codes that events of a type can have. */
  static int codesOf(Class<? extends SchedulerEvent> type) {
    if (type == TaskExecutionEvent.class) {
      return Events.TASK_EXECUTED
          | Events.TASK_ERROR
          | Events.TASK_MISSED
          | Events.TASK_INTERRUPTED;
    }
    if (type == TaskSubmissionEvent.class) {
      return Events.TASK_SUBMITTED | Events.TASK_MAX_INSTANCES;
    }
    if (type == TaskEvent.class) {
      return Events.TASK_ADDED | Events.TASK_REMOVED | Events.TASK_MODIFIED;
    }
    if (type == TaskQuarantinedEvent.class) {
      return Events.TASK_QUARANTINED;
    }
    if (type == SchedulerErrorEvent.class) {
      return Events.SCHEDULER_ERROR;
    }
    if (type == SchedulerEvent.Lifecycle.class) {
      return Events.SCHEDULER_START
          | Events.SCHEDULER_SHUTDOWN
          | Events.SCHEDULER_PAUSED
          | Events.SCHEDULER_RESUMED
          | Events.EXECUTOR_ADDED
          | Events.EXECUTOR_REMOVED
          | Events.STORE_ADDED
          | Events.STORE_REMOVED
          | Events.ALL_TASKS_REMOVED;
    }
    return Events.EVERY_EVENT; // SchedulerEvent itself: everything
  }

  boolean remove(EventListener listener) {
    for (Registration r : listeners) {
      if (r.listener().equals(listener)) {
        boolean removed = listeners.remove(r);
        recomputeListenedMask();
        return removed;
      }
    }
    return false;
  }

  private void recomputeListenedMask() {
    int mask = 0;
    for (Registration r : listeners) {
      mask |= r.mask();
    }
    listenedMask = mask;
  }

  /** Whether any listener listens to events with this code; events nobody wants are not built. */
  boolean listening(int code) {
    return (listenedMask & code) != 0;
  }

  void dispatch(SchedulerEvent event) {
    SchedulerEvent stamped = null;
    for (Registration r : listeners) {
      if ((event.code() & r.mask()) != 0) {
        if (stamped == null) {
          stamped = event.withSchedulerIdentity(identity);
        }
        try {
          r.listener().onEvent(stamped);
        } catch (Throwable e) {
          try {
            logger.error("Error notifying listener {} of {}", r.listener(), stamped, e);
          } catch (Throwable ignored) {
            // Even logging failed (a StackOverflowError may leave no room): go on regardless.
          }
        }
      }
    }
  }

  void dispatchAll(List<SchedulerEvent> events) {
    for (SchedulerEvent event : events) {
      dispatch(event);
    }
  }
}
