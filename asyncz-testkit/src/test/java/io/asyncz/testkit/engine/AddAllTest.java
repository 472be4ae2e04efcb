package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code Scheduler.addAll}: many tasks at once, all of them or none. */
class AddAllTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler =
      ManualScheduler.with(Scheduler.builder().store("other", new MemoryStore()), clock);
  private final EventLog log = new EventLog();
  private final AtomicInteger runs = new AtomicInteger();
  private final Runnable job = runs::incrementAndGet;

  @AfterEach
  void stop() {
    if (scheduler.isRunning()) {
      scheduler.close();
    }
  }

  @Test
  void aBatchIsStoredPerStoreAndRunsLikeTasksAddedOneByOne() {
    scheduler.start();
    scheduler.addListener(log);

    List<Task> added =
        scheduler.addAll(
            batch -> {
              for (int i = 0; i < 5; i++) {
                batch.task(job).id("once-" + i).trigger(DateTrigger.at(T.plusSeconds(i))).add();
              }
              batch
                  .task(job)
                  .id("every")
                  .trigger(IntervalTrigger.builder().seconds(10).startAt(T.plusSeconds(10)).build())
                  .store("other")
                  .add();
              batch.task(job).id("paused").paused().add();
            });

    assertThat(added).extracting(Task::id).hasSize(7).startsWith("once-0").endsWith("paused");
    assertThat(added.get(0).nextRunTime()).contains(T);
    assertThat(added.get(5).nextRunTime()).contains(T.plusSeconds(10));
    assertThat(added.get(6).nextRunTime()).isEmpty();
    assertThat(log.names()).containsOnly("TASK_ADDED").hasSize(7);
    assertThat(scheduler.getTasks("other")).extracting(Task::id).containsExactly("every");
    assertThat(scheduler.wakeupRequested()).isTrue();

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(runs).hasValue(6);
    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("every", "paused");
  }

  @Test
  void aTakenIdAddsNothing() {
    scheduler.start();
    scheduler.task(job).id("taken").add();

    assertThatThrownBy(
            () ->
                scheduler.addAll(
                    batch -> {
                      batch.task(job).id("new-1").add();
                      batch.task(job).id("new-2").store("other").add();
                      batch.task(job).id("taken").add();
                    }))
        .isInstanceOf(ConflictIdException.class)
        .hasMessageContaining("'taken'");

    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("taken");
  }

  @Test
  void anIdGivenTwiceOrAnUnknownStoreOrReplaceExistingIsRefusedBeforeAnythingIsStored() {
    scheduler.start();

    assertThatThrownBy(
            () ->
                scheduler.addAll(
                    batch -> {
                      batch.task(job).id("twice").add();
                      batch.task(job).id("twice").add();
                    }))
        .isInstanceOf(ConflictIdException.class)
        .hasMessageContaining("'twice'");
    assertThatThrownBy(
            () ->
                scheduler.addAll(
                    batch -> {
                      batch.task(job).id("a").add();
                      batch.task(job).id("b").store("nowhere").add();
                    }))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"nowhere\"");
    assertThatThrownBy(() -> scheduler.addAll(batch -> batch.task(job).replaceExisting(true).add()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("replace_existing");

    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void beforeStartTheBatchBecomesPendingTasks() {
    scheduler.task(job).id("first").add();
    assertThatThrownBy(() -> scheduler.addAll(batch -> batch.task(job).id("first").add()))
        .isInstanceOf(ConflictIdException.class);

    scheduler.addAll(
        batch -> {
          batch.task(job).id("a").trigger(DateTrigger.at(T)).add();
          batch.task(job).id("b").trigger(DateTrigger.at(T.plusSeconds(1))).add();
        });
    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("first", "a", "b");

    scheduler.start();
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(runs).hasValue(3);
  }
}
