package io.asyncz.testkit;

import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;

/** The memory store, the reference model, passes the store contract. */
class MemoryStoreContractTest extends StoreContract {
  @Override
  protected TaskStore createStore() {
    return new MemoryStore();
  }
}
