package io.asyncz.spring;

import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerState;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.TaskStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's health, apart from Spring Boot's health API (which Boot 4 moved to another
 * package): {@code DOWN} when the scheduler's loop failed or a store cannot be reached, {@code
 * OUT_OF_SERVICE} when the scheduler is stopped or paused or a store holds quarantined records,
 * else {@code UP}; the details say which.
 */
final class AsynczHealth {
  static final String UP = "UP";
  static final String DOWN = "DOWN";
  static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

  /** A status and its details. */
  record Check(String status, Map<String, Object> details) {}

  private final Scheduler scheduler;
  private final Set<String> storeAliases;

  /**
   * A check of {@code scheduler} and of its stores of these aliases (those that it does not have
   * are left out). The aliases are given rather than read from {@code scheduler.info()}, which
   * reads every task of every store: too much for a probe that runs every few seconds.
   */
  AsynczHealth(Scheduler scheduler, Set<String> storeAliases) {
    this.scheduler = scheduler;
    this.storeAliases = storeAliases;
  }

  Check check() {
    Map<String, Object> details = new LinkedHashMap<>();
    SchedulerState state = scheduler.state();
    details.put("state", state.label());
    details.put("identity", scheduler.identity());
    String status = UP;
    if (state == SchedulerState.FAILED) {
      status = DOWN;
    } else if (state != SchedulerState.RUNNING) {
      status = OUT_OF_SERVICE;
    }
    Map<String, Object> stores = new LinkedHashMap<>();
    int quarantined = 0;
    for (String alias : storeAliases) {
      TaskStore taskStore;
      try {
        taskStore = scheduler.lookupStore(alias);
      } catch (InvalidInputException notThere) {
        continue;
      }
      Map<String, Object> store = new LinkedHashMap<>();
      try {
        // A read that reaches the store: a closed data source or a server gone fails here.
        taskStore.nextRunTime();
        List<QuarantinedRecord> records = taskStore.quarantinedRecords();
        store.put("reachable", true);
        store.put("quarantined", records.size());
        quarantined += records.size();
      } catch (RuntimeException e) {
        store.put("reachable", false);
        store.put("error", e.getClass().getName() + ": " + e.getMessage());
        status = DOWN;
      }
      stores.put(alias, store);
    }
    details.put("stores", stores);
    details.put("quarantined", quarantined);
    if (quarantined > 0 && status.equals(UP)) {
      status = OUT_OF_SERVICE;
    }
    return new Check(status, details);
  }
}
