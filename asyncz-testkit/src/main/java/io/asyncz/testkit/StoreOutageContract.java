package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a store that talks to a server over the network, when that server fails: with the
 * server's traffic going through a {@link FaultProxy}, a server that stops answering (blackhole) or
 * goes down (cut) makes store calls fail within the store's timeouts instead of hanging, and once
 * the server is back the same store instance works again (its connections recover without a
 * restart) and has lost nothing it stored.
 *
 * <p>A store's test extends it with the server's address and a way to make the store reach that
 * server at another address (the proxy's) with its connect and read timeouts set to {@link
 * #TIMEOUT}. Only a generous guard ({@link #GUARD}) is asserted, never a duration: the contract
 * tells a bounded wait from an unbounded one.
 */
public abstract class StoreOutageContract {
  /** The connect and read timeouts a store under this contract is made with. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(1);

  /** How long a failing call may take before the test calls it hung. */
  protected static final Duration GUARD = Duration.ofSeconds(30);

  private FaultProxy proxy;
  private TaskStore store;
  private TestStoreContext context;

  /** Creates the contract. */
  protected StoreOutageContract() {}

  /** The address of the running server the store under test keeps its tasks on. */
  protected abstract InetSocketAddress server();

  /**
   * A new, not started store on the server, reached at {@code host:port} instead of {@link
   * #server()}, with its connect, read and (where it has one) validation timeouts set to about
   * {@code timeout}.
   *
   * @throws Exception when the store cannot be made
   */
  protected abstract TaskStore createStore(String host, int port, Duration timeout)
      throws Exception;

  /**
   * Removes what a test left on the server, once the store is shut down; by default nothing.
   *
   * @throws Exception when cleaning up fails
   */
  protected void cleanUp() throws Exception {}

  /** The proxy between the store and its server. */
  protected final FaultProxy proxy() {
    return proxy;
  }

  /** The store under test, started. */
  protected final TaskStore store() {
    return store;
  }

  /** The context the store was started with. */
  protected final TestStoreContext context() {
    return context;
  }

  /** A task of the store contract, due at {@code next} ({@code null}: paused). */
  protected static Task task(String id, Instant next) {
    return StoreContract.task(id, next);
  }

  @BeforeEach
  final void startStore() throws Exception {
    context =
        new TestStoreContext(
            MutableClock.at(StoreContract.T0, ZoneOffset.UTC), StoreContract.registry());
    proxy = FaultProxy.start(server());
    store = createStore(proxy.host(), proxy.port(), TIMEOUT);
    store.start(context, StoreContract.ALIAS);
  }

  @AfterEach
  final void stopStore() throws Exception {
    try {
      proxy.pass();
      store.removeAllTasks();
      store.shutdown();
    } finally {
      proxy.close();
      cleanUp();
    }
  }

  /** Asserts that {@code call} throws, and does so before the guard runs out. */
  protected static void assertFailsInTime(String what, ThrowingCallable call) {
    assertTimeoutPreemptively(
        GUARD,
        () -> assertThatThrownBy(call).as(what).isInstanceOf(RuntimeException.class),
        () -> what + ": still waiting after " + GUARD + ", so the store has no working timeout");
  }

  @Test
  void aServerThatStopsAnsweringFailsCallsInTimeAndTheStoreRecoversWhenItAnswersAgain() {
    Task a = StoreContract.task("a", StoreContract.T0.plusSeconds(60));
    Task b = StoreContract.task("b", null);
    store.addTask(a);
    store.addTask(b);

    proxy.blackhole();

    assertFailsInTime("allTasks() in a blackhole", store::allTasks);
    assertFailsInTime("a second call, lookupTask(a), in a blackhole", () -> store.lookupTask("a"));

    proxy.pass();

    assertThat(store.allTasks()).containsExactly(a, b);
    Task c = StoreContract.task("c", StoreContract.T0.plusSeconds(30));
    store.addTask(c);
    assertThat(store.lookupTask("c")).contains(c);
    assertThat(store.dueTasks(StoreContract.T0.plusSeconds(60))).containsExactly(c, a);
  }

  @Test
  void aServerThatGoesDownFailsCallsInTimeAndTheStoreRecoversWhenItIsBack() {
    Task a = StoreContract.task("a", StoreContract.T0.plusSeconds(60));
    Task b = StoreContract.task("b", null);
    store.addTask(a);
    store.addTask(b);
    Task c = StoreContract.task("c", StoreContract.T0.plusSeconds(30));

    proxy.cut();

    assertFailsInTime("addTask(c) while the server is down", () -> store.addTask(c));
    assertFailsInTime(
        "a second call, dueTasks, while the server is down",
        () -> store.dueTasks(StoreContract.T0.plusSeconds(60)));

    proxy.pass();

    assertThat(store.allTasks()).containsExactly(a, b);
    store.addTask(c);
    assertThat(store.nextRunTime()).contains(StoreContract.T0.plusSeconds(30));
    assertThat(store.allTasks()).containsExactly(c, a, b);
  }

  @Test
  void aSlowServerIsWaitedForWhileItAnswersWithinTheTimeouts() {
    Task a = StoreContract.task("a", StoreContract.T0.plusSeconds(60));
    store.addTask(a);

    proxy.slow(Duration.ofMillis(20));

    Task b = StoreContract.task("b", StoreContract.T0.plusSeconds(30));
    store.addTask(b);
    store.deleteTask("a");
    assertThat(store.allTasks()).containsExactly(b);

    proxy.pass();

    assertThat(store.lookupTask("b")).contains(b);
  }
}
