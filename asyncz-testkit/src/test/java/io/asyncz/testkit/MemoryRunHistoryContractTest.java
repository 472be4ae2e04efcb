package io.asyncz.testkit;

import io.asyncz.history.MemoryRunHistory;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunRetention;
import io.asyncz.store.TaskStore;

/** The memory history (for stores that keep none) passes the run history contract. */
class MemoryRunHistoryContractTest extends RunHistoryContract {
  @Override
  protected TaskStore createStore() {
    return null;
  }

  @Override
  protected RunHistory open(RunRetention retention, MutableClock clock) {
    return new MemoryRunHistory(retention, clock);
  }
}
