package io.asyncz.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.ShutdownTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final TaskFunction NOOP = (args, kwargs) -> null;

  private static Task task(String id, Instant next) {
    return Task.builder(id)
        .function(NOOP, null)
        .trigger(ShutdownTrigger.instance())
        .nextRunTime(next)
        .build();
  }

  @Test
  void ordersByNextRunTimeThenIdWithPausedLast() {
    MemoryStore store = new MemoryStore();
    store.addTask(task("b", T0.plusSeconds(5)));
    store.addTask(task("paused", null));
    store.addTask(task("a", T0.plusSeconds(5)));
    store.addTask(task("c", T0.plusSeconds(1)));
    assertThat(store.allTasks()).extracting(Task::id).containsExactly("c", "a", "b", "paused");
    assertThat(store.dueTasks(T0.plusSeconds(5)))
        .extracting(Task::id)
        .containsExactly("c", "a", "b");
    assertThat(store.dueTasks(T0.plusSeconds(5), 2)).extracting(Task::id).containsExactly("c", "a");
    assertThat(store.nextRunTime()).contains(T0.plusSeconds(1));
  }

  @Test
  void refusesDuplicatesAndUnknownIds() {
    MemoryStore store = new MemoryStore();
    store.addTask(task("a", T0));
    assertThatThrownBy(() -> store.addTask(task("a", T0))).isInstanceOf(ConflictIdException.class);
    assertThatThrownBy(() -> store.updateTask(task("x", T0)))
        .isInstanceOf(TaskLookupException.class);
    assertThatThrownBy(() -> store.deleteTask("x")).isInstanceOf(TaskLookupException.class);
    assertThat(store.size()).isEqualTo(1);
  }

  /** Long seeded random sequences agree with a sorted map used as the reference model. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2026})
  void agreesWithAReferenceModel(long seed) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add("t" + i);
    }
    assertThat(agreesWithAReferenceModel(seed, ids, new MemoryStore()).usesKeyedHash()).isFalse();
  }

  /**
   * The same with ids that all share one hash code, on a store that gives up on them after probe
   * sequences of 16 slots: the table changes its hash on the way, in whichever operation first
   * meets a long probe sequence.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2026})
  void agreesWithAReferenceModelOnIdsThatShareOneHashCode(long seed) {
    MemoryStore store = agreesWithAReferenceModel(seed, collidingIds(9), new MemoryStore(16));
    assertThat(store.usesKeyedHash()).isTrue();
  }

  private static MemoryStore agreesWithAReferenceModel(
      long seed, List<String> ids, MemoryStore store) {
    Random r = new Random(seed);
    TreeMap<String, Task> model = new TreeMap<>();
    for (int step = 0; step < 20_000; step++) {
      String id = ids.get(r.nextInt(ids.size()));
      Instant next = r.nextInt(10) == 0 ? null : T0.plusSeconds(r.nextInt(300));
      Task t = task(id, next);
      switch (r.nextInt(5)) {
        case 0, 1 -> {
          if (model.containsKey(id)) {
            assertThatThrownBy(() -> store.addTask(t))
                .as("seed %d step %d", seed, step)
                .isInstanceOf(ConflictIdException.class);
          } else {
            store.addTask(t);
            model.put(id, t);
          }
        }
        case 2 -> {
          if (model.containsKey(id)) {
            store.updateTask(t);
            model.put(id, t);
          } else {
            assertThatThrownBy(() -> store.updateTask(t)).isInstanceOf(TaskLookupException.class);
          }
        }
        case 3 -> {
          if (model.remove(id) != null) {
            store.deleteTask(id);
          } else {
            assertThatThrownBy(() -> store.deleteTask(id)).isInstanceOf(TaskLookupException.class);
          }
        }
        default -> {
          Instant now = T0.plusSeconds(r.nextInt(300));
          List<Task> expected = new ArrayList<>(model.values());
          expected.sort(MemoryStore.ORDER);
          List<Task> due =
              expected.stream()
                  .filter(x -> x.nextRunTime().isPresent() && !x.nextRunTime().get().isAfter(now))
                  .toList();
          int limit = 1 + r.nextInt(50);
          assertThat(store.dueTasks(now, limit))
              .as("seed %d step %d", seed, step)
              .isEqualTo(due.subList(0, Math.min(limit, due.size())));
          assertThat(store.allTasks()).isEqualTo(expected);
          assertThat(store.nextRunTime())
              .isEqualTo(
                  expected.isEmpty() ? java.util.Optional.empty() : expected.get(0).nextRunTime());
          assertThat(store.lookupTask(id)).isEqualTo(java.util.Optional.ofNullable(model.get(id)));
        }
      }
      assertThat(store.size()).isEqualTo(model.size());
    }
    return store;
  }

  /**
   * The 2^blocks ids made of {@code blocks} two-character blocks, each "Aa" or "BB" (which have one
   * {@link String#hashCode}), so every id has the same hash code: what a hash-flooding attack
   * sends.
   */
  static List<String> collidingIds(int blocks) {
    List<String> ids = new ArrayList<>(1 << blocks);
    for (int bits = 0; bits < 1 << blocks; bits++) {
      StringBuilder id = new StringBuilder(2 * blocks);
      for (int b = 0; b < blocks; b++) {
        id.append((bits >>> b & 1) == 0 ? "Aa" : "BB");
      }
      ids.add(id.toString());
    }
    return ids;
  }

  @Test
  void idsThatShareOneHashCodeDoNotSlowTheStoreDown() {
    List<String> ids = collidingIds(15);
    assertThat(ids).hasSize(32_768);
    assertThat(ids.stream().mapToInt(String::hashCode).distinct()).hasSize(1);
    MemoryStore store = new MemoryStore();

    // A hang guard, not a measurement: the store needs well under a second for all of this, and
    // took over ten with a probe sequence as long as the number of colliding ids.
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          for (int i = 0; i < ids.size(); i++) {
            store.addTask(task(ids.get(i), T0.plusSeconds(i)));
          }
          assertThat(store.usesKeyedHash()).isTrue();
          assertThat(store.longestProbe()).isLessThan(256);
          for (String id : ids) {
            assertThat(store.lookupTask(id)).map(Task::id).contains(id);
          }
          for (int i = 0; i < ids.size(); i++) {
            store.updateTask(task(ids.get(i), T0.minusSeconds(i)));
          }
          assertThat(store.nextRunTime()).contains(T0.minusSeconds(ids.size() - 1));
          for (String id : ids) {
            store.deleteTask(id);
          }
        });
    assertThat(store.size()).isZero();
  }

  @Test
  void ordinaryIdsKeepTheCheapHash() {
    Random r = new Random(17);
    MemoryStore store = new MemoryStore();
    for (int i = 0; i < 100_000; i++) {
      store.addTask(task(new UUID(r.nextLong(), r.nextLong()).toString(), T0));
      store.addTask(task("task-" + i, T0));
    }
    assertThat(store.usesKeyedHash()).isFalse();
  }
}
