package io.asyncz.persistence;

import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreContract;

/** The store contract on encrypted records: encryption loses nothing a store must give back. */
class EncryptedSerializingStoreContractTest extends StoreContract {
  @Override
  protected TaskStore createStore() {
    return new SerializingStoreContractTest.SerializingStore(
        Encryption.withKey("contract-key", "old-key"));
  }
}
