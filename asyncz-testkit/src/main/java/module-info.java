/**
 * Asyncz testkit: virtual time, the store contracts every store's tests extend, and a TCP proxy
 * that cuts a store's server.
 */
module io.asyncz.testkit {
  requires transitive io.asyncz.core;
  // Transitive: the contracts are JUnit test classes, and StoreOutageContract takes AssertJ's
  // ThrowingCallable.
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;
  requires org.junit.jupiter.params;
  // The chaos test's execution records are a table in the cluster's database.
  requires java.sql;

  exports io.asyncz.testkit;

  // The contracts' test methods are package-private: JUnit reaches them reflectively when a
  // store's test class in another module extends a contract.
  opens io.asyncz.testkit to
      org.junit.platform.commons;
}
