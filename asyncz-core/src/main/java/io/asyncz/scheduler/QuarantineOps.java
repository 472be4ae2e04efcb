package io.asyncz.scheduler;

import io.asyncz.InvalidInputException;
import io.asyncz.SchedulerNotRunningException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskEvent;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.task.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The quarantine as operators see it: the records every store set aside, and restoring or
 * discarding them. A restored task's executor must exist, or the record stays quarantined.
 */
final class QuarantineOps {
  private final Scheduler scheduler;
  private final Logger logger;

  QuarantineOps(Scheduler scheduler, Logger logger) {
    this.scheduler = scheduler;
    this.logger = logger;
  }

  private Plugins plugins() {
    return scheduler.plugins();
  }

  Map<String, List<QuarantinedRecord>> quarantinedRecords() {
    Map<String, List<QuarantinedRecord>> all = new LinkedHashMap<>();
    for (StoreSlot slot : startedSlots()) {
      List<QuarantinedRecord> records = slot.store.quarantinedRecords();
      if (!records.isEmpty()) {
        all.put(slot.alias, List.copyOf(records));
      }
    }
    return all;
  }

  Task restoreQuarantined(String taskId, String store) {
    Objects.requireNonNull(taskId, "taskId");
    Task restored = null;
    StoreSlot restoredTo = null;
    for (StoreSlot slot : startedSlots()) {
      if (!quarantines(slot, taskId, store)) {
        continue;
      }
      slot.lock.lock();
      try {
        restored = slot.store.restoreQuarantined(taskId);
        if (plugins().executor(restored.executor()) == null) {
          InvalidInputException missing =
              new InvalidInputException(
                  "executor",
                  restored.executor(),
                  "of quarantined task '"
                      + taskId
                      + "' is not an executor of this scheduler; add it first (it has "
                      + plugins().executorAliases()
                      + ")");
          slot.store.quarantineTask(
              taskId, "UNKNOWN_EXECUTOR", "its executor '" + restored.executor() + "' is missing");
          throw missing;
        }
        slot.heldBack.remove(taskId);
        restoredTo = slot;
      } finally {
        slot.lock.unlock();
      }
      break;
    }
    if (restoredTo == null) {
      throw new TaskLookupException(taskId);
    }
    restoredTo.changed();
    scheduler.wakeupIfEarlier(restored.nextRunTime().orElse(null));
    logger.info("Restored quarantined task {} to store '{}'", taskId, restoredTo.alias);
    scheduler.events().dispatch(new TaskEvent(Events.TASK_ADDED, taskId, restoredTo.alias));
    return restored;
  }

  void discardQuarantined(String taskId, String store) {
    Objects.requireNonNull(taskId, "taskId");
    for (StoreSlot slot : startedSlots()) {
      if (quarantines(slot, taskId, store)) {
        slot.lock.lock();
        try {
          slot.store.discardQuarantined(taskId);
        } finally {
          slot.lock.unlock();
        }
        logger.warn(
            "Discarded the quarantined records of task {} in store '{}'", taskId, slot.alias);
        return;
      }
    }
    throw new TaskLookupException(taskId);
  }

  private static boolean quarantines(StoreSlot slot, String taskId, String store) {
    if (store != null && !store.equals(slot.alias)) {
      return false;
    }
    for (QuarantinedRecord r : slot.store.quarantinedRecords()) {
      if (r.taskId().equals(taskId)) {
        return true;
      }
    }
    return false;
  }

  private List<StoreSlot> startedSlots() {
    if (scheduler.state() == SchedulerState.STOPPED) {
      throw new SchedulerNotRunningException("the quarantine is read from started stores");
    }
    return List.copyOf(plugins().slots().values());
  }
}
