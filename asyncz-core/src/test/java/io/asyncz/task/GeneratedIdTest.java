package io.asyncz.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.trigger.ShutdownTrigger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A generated id is kept as its number until its text is asked for; whatever a store or the loop
 * asks of it (equality, hash code, order) must answer as the text would.
 */
class GeneratedIdTest {
  private static final Runnable NOOP = () -> {};

  private static Task generated() {
    return Task.builder().function(TaskFunction.of(NOOP), null).trigger(trigger()).build();
  }

  private static Task named(String id) {
    return Task.builder(id).function(TaskFunction.of(NOOP), null).trigger(trigger()).build();
  }

  private static ShutdownTrigger trigger() {
    return ShutdownTrigger.instance();
  }

  @Test
  void isSixteenLowerCaseHexDigitsAndTheSameTextEveryTime() {
    Task task = generated();
    String id = task.id();
    assertThat(id).matches("[0-9a-f]{16}");
    assertThat(task.id()).isEqualTo(id);
    assertThat(task.withNextRunTime(null).id()).isEqualTo(id);
    assertThat(task.toBuilder().name("renamed").build().id()).isEqualTo(id);
  }

  @Test
  void answersLookupsHashesAndOrderAsItsTextWouldBeforeTheTextIsWritten() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      tasks.add(generated());
    }
    for (int i = 0; i < tasks.size() - 1; i++) {
      // Fresh copies: nothing has written the ids out yet.
      Task a = tasks.get(i).withNextRunTime(null);
      Task b = tasks.get(i + 1).withNextRunTime(null);
      int order = Integer.signum(Task.compareIds(a, b));
      String textA = tasks.get(i).id();
      String textB = tasks.get(i + 1).id();
      assertThat(order).isEqualTo(Integer.signum(textA.compareTo(textB)));
      assertThat(a.idHashCode()).isEqualTo(textA.hashCode());
      assertThat(a.hasId(textA)).isTrue();
      assertThat(a.hasId(textB)).isFalse();
      assertThat(a.hasId(textA.toUpperCase())).isEqualTo(textA.equals(textA.toUpperCase()));
      assertThat(a.hasId(textA.substring(1))).isFalse();
      assertThat(a.hasId(null)).isFalse();
    }
  }

  @Test
  void equalsATaskGivenTheSameIdAsText() {
    Task task = generated();
    Task copy = named(task.withNextRunTime(null).id());
    assertThat(copy).isEqualTo(task.withNextRunTime(null));
    assertThat(task.withNextRunTime(null)).isEqualTo(copy);
    assertThat(copy.hashCode()).isEqualTo(task.hashCode());
    assertThat(Task.compareIds(copy, task)).isZero();
    assertThat(Task.compareIds(named("zzz"), task)).isPositive();
  }

  @Test
  void doesNotRepeatOverAMillionTasks() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1_000_000; i++) {
      ids.add(generated().id());
    }
    assertThat(ids).hasSize(1_000_000);
  }

  @Test
  void aRunnableTaskRunsTheRunnableAndKeepsItsFunctionEqual() throws Exception {
    int[] runs = new int[1];
    Runnable count = () -> runs[0]++;
    Task task =
        Task.builder("counter").function(TaskFunction.of(count), null).trigger(trigger()).build();
    task.function().invoke(List.of(), java.util.Map.of());
    assertThat(runs[0]).isEqualTo(1);
    assertThat(task.function()).isEqualTo(task.function()).isEqualTo(TaskFunction.of(count));
    assertThat(task.function()).isNotEqualTo(TaskFunction.of(NOOP));
    assertThat(task.name()).isEqualTo(GeneratedIdTest.class.getName() + ".<lambda>");
    Task other =
        Task.builder("counter").function(TaskFunction.of(count), null).trigger(trigger()).build();
    assertThat(other).isEqualTo(task);
  }

  @Test
  void aCallableTaskReturnsTheCallablesValue() throws Exception {
    Task task =
        Task.builder("answer").function(TaskFunction.of(() -> 42), null).trigger(trigger()).build();
    assertThat(task.function().invoke(List.of(), java.util.Map.of())).isEqualTo(42);
  }

  @Test
  void tasksBuiltOneAfterAnotherWithTheSameOptionsStillCarryTheirOwnValues() {
    Task a =
        Task.builder("a")
            .function(TaskFunction.of(NOOP), null)
            .trigger(trigger())
            .maxInstances(3)
            .build();
    Task b =
        Task.builder("b")
            .function(TaskFunction.of(NOOP), null)
            .trigger(trigger())
            .maxInstances(3)
            .build();
    Task c =
        Task.builder("c")
            .function(TaskFunction.of(NOOP), null)
            .trigger(trigger())
            .maxInstances(4)
            .executor("pool")
            .name("see")
            .build();
    assertThat(List.of(a.maxInstances(), b.maxInstances(), c.maxInstances()))
        .containsExactly(3, 3, 4);
    assertThat(c.executor()).isEqualTo("pool");
    assertThat(c.name()).isEqualTo("see");
    assertThat(a.executor()).isEqualTo("default");
    assertThat(a).isNotEqualTo(c.toBuilder().build());
  }
}
