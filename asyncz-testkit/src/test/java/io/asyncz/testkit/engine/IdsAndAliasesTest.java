package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.ScheduledTask;
import io.asyncz.task.Task;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.IntervalTrigger;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ids and aliases given to a running scheduler: every way in checks them. */
class IdsAndAliasesTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler =
      ManualScheduler.with(Scheduler.builder().store("archive", new MemoryStore()), clock);
  private final Runnable job = () -> {};

  @BeforeEach
  void start() {
    scheduler.start();
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  @Test
  void anIdWithANulIsRefusedWhenAddedShowingWhereItIs() {
    assertThatThrownBy(() -> scheduler.task(job).id("report\u0000daily").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid id: \"report\\u0000daily\" has a control character U+0000 at index 6;");
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void anIdWithALoneSurrogateCannotBecomeTheIdQuestionMark() {
    scheduler.task(job).id("?").add();

    assertThatThrownBy(() -> scheduler.task(job).id("\ud83d").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has a lone surrogate U+D83D at index 0");
    assertThat(scheduler.getTasks()).extracting(Task::id).containsExactly("?");
  }

  @Test
  void aBatchWithOneInvalidIdAddsNothing() {
    assertThatThrownBy(
            () ->
                scheduler.addAll(
                    batch -> {
                      batch.task(job).id("fine").add();
                      batch.task(job).id("x".repeat(192)).add();
                    }))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has 192 characters, more than 191");
    assertThat(scheduler.getTasks()).isEmpty();
  }

  static final class Invisible {
    @ScheduledTask(trigger = "interval", options = "hours=1", id = "digest\u200b")
    void digest() {}
  }

  @Test
  void anAnnotatedIdIsCheckedToo() {
    assertThatThrownBy(() -> scheduler.register(new Invisible()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "\"digest\\u200B\" has an invisible format character U+200B at index 6");
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void aStoreWithATrailingSpaceIsRefusedNotLeftInTheDefaultStore() {
    assertThatThrownBy(() -> scheduler.task(job).id("t").store("archive ").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid store: \"archive \" has a space at index 7;");
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void anUpdateCannotGiveATaskAnExecutorOutsideTheAliasRules() {
    Task task =
        scheduler.task(job).id("t").trigger(IntervalTrigger.builder().hours(1).build()).add();

    assertThatThrownBy(() -> scheduler.updateTask("t", null, Map.of("executor", "../pool")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid executor: \"../pool\" has '.' (U+002E) at index 0;");
    assertThat(scheduler.getTask("t")).contains(task);
  }
}
