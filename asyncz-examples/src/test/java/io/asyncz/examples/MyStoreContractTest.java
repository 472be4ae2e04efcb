package io.asyncz.examples;

import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreContract;

/**
 * The store contract's example in {@code docs/stores.md}: a store's contract test supplies only the
 * store, and the contract's tests run against it.
 */
class MyStoreContractTest extends StoreContract {
  @Override
  protected TaskStore createStore() {
    return new MyStore(new MemoryStore());
  }
}
