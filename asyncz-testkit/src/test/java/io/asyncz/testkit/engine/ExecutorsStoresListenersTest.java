package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.event.EventListener;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Executors and stores added and removed at run time, and event listeners with masks. */
class ExecutorsStoresListenersTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final EventLog log = new EventLog();
  private final AtomicInteger runs = new AtomicInteger();

  @BeforeEach
  void listen() {
    scheduler.addListener(log);
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private static IntervalTrigger everyTenSeconds() {
    return IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build();
  }

  @Test
  void anExecutorAddedToARunningSchedulerStartsAndRunsItsTasks() {
    scheduler.start();
    CountingExecutor side = new CountingExecutor();
    log.clear();

    scheduler.addExecutor(side, "side");
    scheduler.task(runs::incrementAndGet).trigger(everyTenSeconds()).executor("side").add();
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(side.submissions).hasValue(1);
    assertThat(runs).hasValue(1);
    assertThat(log.all().get(0))
        .isEqualTo(new SchedulerEvent.Lifecycle(Events.EXECUTOR_ADDED, "side"));
    assertThat(scheduler.lookupExecutor("side")).isSameAs(side);
  }

  @Test
  void anExecutorAliasThatIsTakenIsRefused() {
    scheduler.addExecutor(new CountingExecutor(), "side");

    assertThatThrownBy(() -> scheduler.addExecutor(new CountingExecutor(), "side"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"side\" is taken");
    // ManualScheduler registers its inline executor as "default" before start.
    assertThatThrownBy(() -> scheduler.addExecutor(new CountingExecutor(), "default"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"default\" is taken");
    assertThat(log.names()).containsExactly("EXECUTOR_ADDED");
  }

  @Test
  void removingAnExecutorShutsItDownWhenAskedAndDispatchesExecutorRemoved() {
    CountingExecutor kept = new CountingExecutor();
    CountingExecutor stopped = new CountingExecutor();
    scheduler.addExecutor(kept, "kept");
    scheduler.addExecutor(stopped, "stopped");
    scheduler.start();

    scheduler.removeExecutor("kept", false);
    scheduler.removeExecutor("stopped", true);

    assertThat(kept.shutDown).isFalse();
    assertThat(stopped.shutDown).isTrue();
    assertThat(log.all())
        .filteredOn(e -> e.code() == Events.EXECUTOR_REMOVED)
        .extracting(SchedulerEvent::alias)
        .containsExactly("kept", "stopped");
    assertThatThrownBy(() -> scheduler.lookupExecutor("kept"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("expected one of [default]");
    assertThatThrownBy(() -> scheduler.removeExecutor("kept", true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"kept\"");
  }

  @Test
  void aStoreAddedToARunningSchedulerHoldsTasksAndWakesTheLoop() {
    scheduler.start();
    scheduler.runDue();
    log.clear();

    scheduler.addStore(new MemoryStore(), "extra");
    assertThat(scheduler.wakeupRequested()).isTrue();
    Task task =
        scheduler
            .task(runs::incrementAndGet)
            .id("x")
            .trigger(everyTenSeconds())
            .store("extra")
            .add();
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(task.storeAlias()).isEqualTo("extra");
    assertThat(scheduler.getTasks("extra")).extracting(Task::id).containsExactly("x");
    assertThat(runs).hasValue(1);
    assertThat(log.all().get(0))
        .isEqualTo(new SchedulerEvent.Lifecycle(Events.STORE_ADDED, "extra"));
  }

  @Test
  void aStoreThatAlreadyHoldsDueTasksIsProcessedOnceAdded() {
    MemoryStore filled = new MemoryStore();
    scheduler.start();
    scheduler.addStore(filled, "filled");
    scheduler.task(runs::incrementAndGet).id("x").trigger(everyTenSeconds()).store("filled").add();
    scheduler.removeStore("filled", false);

    clock.set(T.plusSeconds(10));
    scheduler.runDue();
    assertThat(runs).hasValue(0); // removed stores are not processed

    scheduler.addStore(filled, "filled");
    scheduler.runDue();
    assertThat(runs).hasValue(1);
  }

  @Test
  void aStoreAliasThatIsTakenIsRefusedAndUnknownStoresAreNamed() {
    scheduler.addStore(new MemoryStore(), "extra");

    assertThatThrownBy(() -> scheduler.addStore(new MemoryStore(), "extra"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"extra\" is taken");
    scheduler.start();
    assertThatThrownBy(() -> scheduler.lookupStore("missing"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"missing\"")
        .hasMessageContaining("[extra, default]");
    assertThatThrownBy(() -> scheduler.task(runs::incrementAndGet).store("missing").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"missing\"");
  }

  @Test
  void removingAStoreForgetsItsTasksAndDispatchesStoreRemoved() {
    MemoryStore extra = new MemoryStore();
    scheduler.addStore(extra, "extra");
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("x").trigger(everyTenSeconds()).store("extra").add();
    log.clear();

    scheduler.removeStore("extra", true);
    scheduler.advance(Duration.ofMinutes(1));

    assertThat(scheduler.getTask("x")).isEmpty();
    assertThat(runs).hasValue(0);
    assertThat(extra.size()).isEqualTo(1); // the tasks stay in the store itself
    assertThat(log.all())
        .containsExactly(new SchedulerEvent.Lifecycle(Events.STORE_REMOVED, "extra"));
    assertThatThrownBy(() -> scheduler.removeStore("extra", true))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aListenerReceivesOnlyTheEventsItsMaskSelects() {
    List<String> outcomes = new CopyOnWriteArrayList<>();
    scheduler.addListener(
        e -> outcomes.add(Events.name(e.code())), Events.TASK_EXECUTED | Events.TASK_ERROR);
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("ok").add();
    scheduler
        .task(
            () -> {
              throw new IllegalStateException("no");
            })
        .id("ko")
        .add();

    scheduler.runDue();

    assertThat(outcomes).containsExactlyInAnyOrder("TASK_EXECUTED", "TASK_ERROR");
    assertThat(log.names()).contains("SCHEDULER_START", "TASK_ADDED", "TASK_SUBMITTED");
  }

  @Test
  void aMaskThatSelectsNoEventIsRefused() {
    assertThatThrownBy(() -> scheduler.addListener(e -> {}, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("event mask");
    assertThatThrownBy(() -> scheduler.addListener(e -> {}, 1 << 28))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void eventCodesAndMasksAreTheSeeds() {
    assertThat(Events.SCHEDULER_START).isEqualTo(1);
    assertThat(Events.TASK_MAX_INSTANCES).isEqualTo(65536);
    assertThat(Events.ALL_EVENTS).isEqualTo(131071);
    assertThat(Events.parseMask("task_executed | TASK_ERROR"))
        .isEqualTo(Events.TASK_EXECUTED | Events.TASK_ERROR);
    assertThat(Events.parseMask("4096")).isEqualTo(Events.TASK_EXECUTED);
    assertThatThrownBy(() -> Events.parseMask("TASK_DONE"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"TASK_DONE\"");
  }

  @Test
  void aRemovedListenerHearsNothingMore() {
    List<SchedulerEvent> heard = new CopyOnWriteArrayList<>();
    EventListener listener = heard::add;
    scheduler.addListener(listener);
    scheduler.start();

    assertThat(scheduler.removeListener(listener)).isTrue();
    assertThat(scheduler.removeListener(listener)).isFalse();
    scheduler.pause();

    assertThat(heard)
        .extracting(SchedulerEvent::code)
        .containsExactly(Events.STORE_ADDED, Events.SCHEDULER_START);
  }

  @Test
  void aThrowingListenerIsLoggedAndBreaksNeitherTheLoopNorTheOtherListeners() {
    scheduler.addListener(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    scheduler.addListener(
        e -> {
          throw new AssertionError("listener assertion");
        });
    scheduler.start();
    scheduler.task(runs::incrementAndGet).id("t").trigger(everyTenSeconds()).add();

    scheduler.advance(Duration.ofSeconds(30));
    scheduler.deleteTask("t", null);

    assertThat(runs).hasValue(3);
    assertThat(log.count(Events.TASK_EXECUTED)).isEqualTo(3);
    assertThat(log.names()).contains("TASK_REMOVED");
  }

  @Test
  void aListenerThatChangesTasksFromAnEventDoesNotDeadlockTheLoop() {
    scheduler.start();
    scheduler.addListener(e -> scheduler.pauseTask("t", null), Events.TASK_EXECUTED);
    scheduler.task(runs::incrementAndGet).id("t").trigger(everyTenSeconds()).add();

    scheduler.advance(Duration.ofMinutes(1));

    assertThat(runs).hasValue(1);
    assertThat(scheduler.getTask("t").orElseThrow().isPaused()).isTrue();
  }
}
