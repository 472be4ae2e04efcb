package io.asyncz.config;

/** A class that configuration must not put to use: its initializer would leave a mark. */
public final class NotAStore {
  static {
    // Recorded elsewhere: reading a field of this class would initialize it.
    Initializations.NOT_A_STORE.set(true);
  }

  /** Would be called by a careless reader. */
  public NotAStore() {}

  /** Where initializers leave their mark. */
  static final class Initializations {
    static final java.util.concurrent.atomic.AtomicBoolean NOT_A_STORE =
        new java.util.concurrent.atomic.AtomicBoolean();

    private Initializations() {}
  }
}
