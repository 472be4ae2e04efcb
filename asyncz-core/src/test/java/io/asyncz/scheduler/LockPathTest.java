package io.asyncz.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.config.CustomStore;
import io.asyncz.config.SchedulerConfig;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.DateTrigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's {@code lock_path}: a store shared by processes is only touched under its file lock.
 */
class LockPathTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path dir;

  private final AtomicInteger runs = new AtomicInteger();

  /** A scheduler whose rounds the test runs. */
  private static final class Rounds extends Scheduler {
    Rounds(SchedulerSettings settings) {
      super(settings);
    }

    @Override
    protected void startLoop() {}

    @Override
    protected void stopLoop() {}

    @Override
    public void wakeup() {}

    @Override
    protected boolean runsDueTasksOnAdd() {
      return false;
    }

    @Override
    protected boolean usesStoreLanes() {
      return false; // each round() processes the shared store on the test's thread
    }

    Optional<Instant> round() {
      return processTasks();
    }
  }

  private Rounds scheduler(CustomStore store) {
    return new Rounds(
        Scheduler.builder()
            .clock(Clock.fixed(T0, ZoneOffset.UTC))
            .registry(
                new TaskRegistry().register("count", (args, kwargs) -> runs.incrementAndGet()))
            .lockPath(dir.resolve("{store}.lock").toString())
            .storeRetryInterval(Duration.ofMillis(250))
            .executor(Scheduler.DEFAULT, new InlineExecutor())
            .store("shared", store)
            .settings());
  }

  @Test
  void aRoundSkipsAStoreWhoseLockIsHeldElsewhereAndLooksAgainAfterTheRetryInterval()
      throws Exception {
    CustomStore store = new CustomStore();
    Rounds scheduler = scheduler(store);
    scheduler.start();
    scheduler.task("count").id("now").trigger(DateTrigger.at(T0)).store("shared").add();
    Path lockFile = dir.resolve("shared.lock");
    assertThat(lockFile).exists();
    assertThat(dir.resolve("default.lock")).doesNotExist(); // a memory store is never shared

    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> other =
        CompletableFuture.runAsync(
            () -> {
              StoreFileLock lock = StoreFileLock.acquire(lockFile);
              lock.lock();
              held.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                lock.unlock();
                lock.release();
              }
            });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(scheduler.round()).contains(T0.plusMillis(250));
    assertThat(runs).hasValue(0);

    release.countDown();
    other.get(10, TimeUnit.SECONDS);
    scheduler.round();
    assertThat(runs).hasValue(1);
    assertThat(store.allTasks()).isEmpty();
    scheduler.shutdown(false);
  }

  @Test
  void withALockPathTheLoopLooksAtSharedStoresEveryRetryIntervalEvenWhenIdle() {
    Rounds scheduler = scheduler(new CustomStore());
    scheduler.start();

    assertThat(scheduler.round()).contains(T0.plusMillis(250));
    scheduler.shutdown(false);
  }

  @Test
  void lookupStoreGivesTheUsersStoreAndTheLockIsReleasedAtShutdown() throws Exception {
    CustomStore store = new CustomStore();
    Rounds scheduler = scheduler(store);
    scheduler.start();

    assertThat(scheduler.lookupStore("shared")).isSameAs(store);
    scheduler.shutdown(false);

    StoreFileLock lock = StoreFileLock.acquire(dir.resolve("shared.lock"));
    try {
      assertThat(lock.tryLock()).isTrue();
      lock.unlock();
    } finally {
      lock.release();
    }
  }

  @Test
  void theLockIsReentrantOnOneThreadAndExclusiveAcrossThreads() throws Exception {
    StoreFileLock lock = StoreFileLock.acquire(dir.resolve("x.lock"));
    try {
      assertThat(lock.tryLock()).isTrue();
      assertThat(lock.tryLock()).isTrue();
      assertThat(CompletableFuture.supplyAsync(lock::tryLock).get(10, TimeUnit.SECONDS)).isFalse();
      lock.unlock();
      assertThat(CompletableFuture.supplyAsync(lock::tryLock).get(10, TimeUnit.SECONDS)).isFalse();
      lock.unlock();
      assertThat(Files.exists(dir.resolve("x.lock"))).isTrue();
    } finally {
      lock.release();
    }
  }

  @Test
  void configurationSetsTheLockPathAndABlankOneIsRefused() {
    SchedulerConfig config =
        SchedulerConfig.from(Map.of("asyncz.lock_path", "/tmp/asyncz-{store}.lock"));
    assertThat(config.builder().settings().lockPath()).isEqualTo("/tmp/asyncz-{store}.lock");

    assertThatThrownBy(() -> Scheduler.builder().lockPath("  ").settings())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("lock_path");
  }
}
