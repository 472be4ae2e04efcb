/**
 * Asyncz persistence: the versioned JSON task state, encryption at rest, the quarantine and the
 * file store (alias {@code file}).
 */
module io.asyncz.persistence {
  requires transitive io.asyncz.core;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;

  exports io.asyncz.persistence;

  provides io.asyncz.store.StoreFactory with
      io.asyncz.persistence.FileStoreFactory;
}
