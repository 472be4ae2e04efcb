package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.asyncz.SchedulerNotRunningException;
import io.asyncz.event.Events;
import io.asyncz.event.SchedulerErrorEvent;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import io.asyncz.scheduler.SchedulerState;
import io.asyncz.scheduler.ShutdownReport;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.testkit.FaultyStore;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.ShutdownTrigger;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On the real clock, with both kinds of scheduler: the loop never dies whatever a listener, store
 * or executor throws; one store's outage never stalls the others or the API; shutdown always
 * completes (issue 9, items 3, 6 and 7). Waits are on latches with generous timeouts.
 */
@Timeout(60)
class LoopResilienceTest {
  private static final long WAIT_SECONDS = 10;

  private final List<Scheduler> started = new CopyOnWriteArrayList<>();
  private final List<ScheduledExecutorService> loops = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopAll() {
    for (Scheduler s : started) {
      if (s.isRunning()) {
        s.shutdown(Duration.ofSeconds(5));
      }
    }
    loops.forEach(ScheduledExecutorService::shutdownNow);
  }

  /** The two schedulers that run a loop of their own. */
  static Stream<String> kinds() {
    return Stream.of("thread", "executor-service");
  }

  private Scheduler scheduler(String kind, Function<SchedulerSettings.Builder, ?> settings) {
    SchedulerSettings.Builder builder = Scheduler.builder();
    settings.apply(builder);
    Scheduler scheduler;
    if (kind.equals("thread")) {
      scheduler = builder.build();
    } else {
      ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
      loops.add(loop);
      scheduler = builder.buildOn(loop);
    }
    started.add(scheduler);
    return scheduler;
  }

  private static IntervalTrigger every(Duration interval, Scheduler scheduler) {
    return IntervalTrigger.builder().interval(interval).clock(scheduler.clock()).build();
  }

  /** Throws a checked exception that the listener's signature does not declare (Lombok, Kotlin). */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
    throw (E) e;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void listenersThatThrowErrorsOrUndeclaredCheckedExceptionsNeverStopTheLoop(String kind)
      throws Exception {
    Scheduler scheduler = scheduler(kind, b -> b);
    scheduler.addListener(
        e -> {
          throw new StackOverflowError("listener recursed");
        },
        Events.TASK_SUBMITTED);
    scheduler.addListener(e -> sneakyThrow(new IOException("disk full")), Events.TASK_EXECUTED);
    scheduler.addListener(
        e -> {
          throw new AssertionError("listener assertion");
        },
        Events.SCHEDULER_START | Events.TASK_ADDED);
    CountDownLatch fiveRuns = new CountDownLatch(5);
    scheduler.start();
    scheduler
        .task(fiveRuns::countDown)
        .id("tick")
        .trigger(every(Duration.ofMillis(20), scheduler))
        .add();

    assertThat(fiveRuns.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(scheduler.state()).isEqualTo(SchedulerState.RUNNING);
  }

  /** A store whose every read throws an error: a bug or a broken driver, not an exception. */
  private static final class BrokenStore implements TaskStore {
    final AtomicInteger reads = new AtomicInteger();

    private <T> T broken() {
      reads.incrementAndGet();
      throw new StackOverflowError("driver recursed");
    }

    @Override
    public Optional<Task> lookupTask(String id) {
      return broken();
    }

    @Override
    public List<Task> dueTasks(Instant now) {
      return broken();
    }

    @Override
    public Optional<Instant> nextRunTime() {
      return broken();
    }

    @Override
    public List<Task> allTasks() {
      return broken();
    }

    @Override
    public void addTask(Task task) {
      broken();
    }

    @Override
    public void updateTask(Task task) {
      broken();
    }

    @Override
    public void deleteTask(String id) {
      broken();
    }

    @Override
    public void removeAllTasks() {
      broken();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aStoreThatThrowsErrorsIsRetriedLaterAndTheOtherStoresGoOn(String kind) throws Exception {
    BrokenStore broken = new BrokenStore();
    Scheduler scheduler =
        scheduler(kind, b -> b.storeRetryInterval(Duration.ofMillis(200)).store("broken", broken));
    List<SchedulerErrorEvent> errors = new CopyOnWriteArrayList<>();
    scheduler.addListener(e -> errors.add((SchedulerErrorEvent) e), Events.SCHEDULER_ERROR);
    CountDownLatch fiveRuns = new CountDownLatch(5);
    scheduler.start();
    scheduler
        .task(fiveRuns::countDown)
        .id("tick")
        .trigger(every(Duration.ofMillis(20), scheduler))
        .add();

    assertThat(fiveRuns.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e.store()).isEqualTo("broken"));
    assertThat(errors).allSatisfy(e -> assertThat(e.fatal()).isFalse());
    assertThat(scheduler.state()).isEqualTo(SchedulerState.RUNNING);
  }

  @Test
  void anInterruptOfTheSchedulerThreadFromElsewhereDoesNotStopTheLoop() throws Exception {
    Scheduler scheduler = scheduler("thread", b -> b);
    CountDownLatch firstRun = new CountDownLatch(1);
    CountDownLatch laterRuns = new CountDownLatch(3);
    scheduler.start();
    scheduler
        .task(
            () -> {
              firstRun.countDown();
              if (firstRun.getCount() == 0) {
                laterRuns.countDown();
              }
            })
        .id("tick")
        .trigger(every(Duration.ofMillis(20), scheduler))
        .add();
    assertThat(firstRun.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("asyncz-scheduler"))
        .forEach(Thread::interrupt);

    assertThat(laterRuns.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aSchedulerWhoseExecutorServiceRefusesWorkSaysSoInItsStateAndAnEvent() throws Exception {
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    Scheduler scheduler = Scheduler.builder().buildOn(loop);
    started.add(scheduler);
    AtomicReference<SchedulerErrorEvent> fatal = new AtomicReference<>();
    scheduler.addListener(e -> fatal.set((SchedulerErrorEvent) e), Events.SCHEDULER_ERROR);
    scheduler.start();
    loop.shutdown();
    assertThat(loop.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    scheduler
        .task(() -> {})
        .id("late")
        .trigger(DateTrigger.at(Instant.now().plusSeconds(60)))
        .add();

    assertThat(scheduler.state()).isEqualTo(SchedulerState.FAILED);
    assertThat(fatal.get()).isNotNull();
    assertThat(fatal.get().fatal()).isTrue();
    assertThat(fatal.get().message()).contains("refuses");
    assertThat(scheduler.info().stateLabel()).isEqualTo("failed");
    assertThat(scheduler.shutdown(false)).isTrue();
    assertThat(scheduler.state()).isEqualTo(SchedulerState.STOPPED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aStoreThatStoppedAnsweringNeverHoldsUpTheOtherStoresOrTheApi(String kind) throws Exception {
    FaultyStore db = FaultyStore.wrap(new MemoryStore());
    Scheduler scheduler = scheduler(kind, b -> b.store("db", db));
    scheduler.start();
    scheduler
        .task(() -> {})
        .id("remote")
        .trigger(every(Duration.ofMillis(20), scheduler))
        .store("db")
        .add();
    db.hang(FaultyStore.ALL); // a database that stopped answering, mid-flight
    CountDownLatch twentyRuns = new CountDownLatch(20);
    scheduler
        .task(twentyRuns::countDown)
        .id("local")
        .trigger(every(Duration.ofMillis(10), scheduler))
        .add();

    assertThat(twentyRuns.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(db.hanging()).isPositive();
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          scheduler.task(() -> {}).id("added").trigger(every(Duration.ofHours(1), scheduler)).add();
          scheduler.pauseTask("added", "default");
          assertThat(scheduler.getTask("local", "default")).isPresent();
        });

    db.heal();
  }

  @Test
  void shutdownCompletesWhileTheStoreIsDownAndReportsWhatFailed() {
    FaultyStore db = FaultyStore.wrap(new MemoryStore());
    PoolExecutor pool = new PoolExecutor(2);
    Scheduler scheduler = scheduler("thread", b -> b.store("db", db).executor("pool", pool));
    scheduler.start();
    scheduler.task(() -> {}).id("bye").trigger(ShutdownTrigger.instance()).store("db").add();
    db.fail(FaultyStore.ALL);

    ShutdownReport report =
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> scheduler.shutdown(Duration.ZERO));

    assertThat(report.stopped()).isTrue();
    assertThat(report.failures())
        .anySatisfy(f -> assertThat(f).contains("shutdown tasks of store 'db'"))
        .anySatisfy(f -> assertThat(f).contains("shutting down store 'db'"));
    assertThat(scheduler.state()).isEqualTo(SchedulerState.STOPPED);
    Task probe =
        Task.builder("probe")
            .function((args, kwargs) -> null, null)
            .trigger(DateTrigger.at(Instant.EPOCH))
            .build();
    assertThatThrownBy(() -> pool.submit(probe, List.of(Instant.EPOCH)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is shut down");
    assertThatThrownBy(() -> scheduler.shutdown(false))
        .isInstanceOf(SchedulerNotRunningException.class);
    db.heal();
    assertThat(db.delegate().lookupTask("bye")).isPresent(); // not removed, so not run: next time
  }

  @Test
  void shutdownCompletesWhenAStoreHangsAndSaysWhichOne() {
    FaultyStore db = FaultyStore.wrap(new MemoryStore());
    Scheduler scheduler = scheduler("thread", b -> b.store("db", db));
    scheduler.start();
    db.hang(FaultyStore.ALL);

    ShutdownReport report =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> scheduler.shutdown(Duration.ofMillis(200)));

    assertThat(report.failures())
        .anySatisfy(f -> assertThat(f).contains("store 'db' did not shut down within"));
    assertThat(scheduler.state()).isEqualTo(SchedulerState.STOPPED);
    db.heal();
  }

  @Test
  void aShutdownWithATimeoutInterruptsAHungRunAndReportsIt() throws Exception {
    Scheduler scheduler = scheduler("thread", b -> b.executor("pool", new PoolExecutor(1)));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    scheduler.start();
    scheduler
        .task(
            () -> {
              running.countDown();
              try {
                new CountDownLatch(1).await(); // hangs until interrupted
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
            })
        .id("hung")
        .executor("pool")
        .add();
    assertThat(running.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    ShutdownReport report =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> scheduler.shutdown(Duration.ofMillis(100)));

    assertThat(report.runsLeftBehind()).containsEntry("hung", 1);
    assertThat(report.clean()).isFalse();
    assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aThreadWaitingInShutdownForAHungRunStopsWaitingWhenInterrupted() throws Exception {
    Scheduler scheduler = scheduler("thread", b -> b.executor("pool", new PoolExecutor(1)));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    scheduler.start();
    scheduler
        .task(
            () -> {
              running.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })
        .id("hung")
        .executor("pool")
        .add();
    assertThat(running.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    AtomicReference<Boolean> stopped = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              stopped.set(scheduler.shutdown(true));
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    waiter.start();
    while (waiter.getState() != Thread.State.WAITING && waiter.isAlive()) {
      Thread.onSpinWait(); // until it waits for the run
    }

    waiter.interrupt();
    waiter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

    assertThat(waiter.isAlive()).isFalse();
    assertThat(stopped.get()).isTrue();
    assertThat(stillInterrupted.get()).isTrue();
    release.countDown();
  }

  @Test
  void shutdownThatWaitsReturnsOnlyOnceTheEventsOfItsRunsAreDelivered() throws Exception {
    Scheduler scheduler = scheduler("thread", b -> b.executor("pool", new PoolExecutor(1)));
    CountDownLatch listening = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> executed = new CopyOnWriteArrayList<>();
    scheduler.addListener(
        (SchedulerEvent e) -> {
          listening.countDown();
          try {
            release.await();
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
          }
          executed.add(((TaskExecutionEvent) e).taskId());
        },
        Events.TASK_EXECUTED);
    scheduler.start();
    scheduler.task(() -> null).id("run").executor("pool").add();
    assertThat(listening.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    Thread shutdown = new Thread(() -> scheduler.shutdown(true));
    shutdown.start();
    // The run is over but its event is still being delivered: the shutdown must still wait.
    shutdown.join(300);
    assertThat(shutdown.isAlive()).isTrue();
    release.countDown();
    shutdown.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

    assertThat(shutdown.isAlive()).isFalse();
    assertThat(executed).containsExactly("run");
  }

  @Test
  void shutdownWaitsForAnAsynchronousRunAndForRunsStillQueued() throws Exception {
    PoolExecutor pool = new PoolExecutor(1);
    Scheduler scheduler = scheduler("thread", b -> b.executor("pool", pool));
    CompletableFuture<String> pending = new CompletableFuture<>();
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> finished = new CopyOnWriteArrayList<>();
    CountDownLatch queuedRan = new CountDownLatch(1);
    scheduler.addListener(
        (SchedulerEvent e) -> {
          String id = ((TaskExecutionEvent) e).taskId();
          finished.add(id);
          if (id.equals("queued")) {
            queuedRan.countDown();
          }
        },
        Events.TASK_EXECUTED);
    scheduler.start();
    scheduler.task(() -> pending).id("async").add();
    scheduler
        .task(
            () -> {
              firstRunning.countDown();
              release.await();
              return null;
            })
        .id("blocking")
        .executor("pool")
        .add();
    scheduler.task(() -> null).id("queued").executor("pool").add(); // waits for the one thread
    assertThat(firstRunning.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    Thread shutdown = new Thread(() -> scheduler.shutdown(true));
    shutdown.start();
    while (shutdown.getState() != Thread.State.WAITING && shutdown.isAlive()) {
      Thread.onSpinWait();
    }
    release.countDown();
    assertThat(queuedRan.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue(); // queued runs still run
    shutdown.join(200);
    assertThat(shutdown.isAlive()).as("still waiting for the asynchronous run").isTrue();
    pending.complete("done");
    shutdown.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

    assertThat(shutdown.isAlive()).isFalse();
    assertThat(finished).containsExactlyInAnyOrder("async", "blocking", "queued");
  }
}
