package io.asyncz.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.ShutdownTrigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The memory store's dense layout: tasks by position with the last moved into a deleted one's
 * place, next run times as {@code long} heap keys, batches under one lock. Checked against a sorted
 * map, with the store's own invariants after every operation.
 */
class MemoryStoreLayoutTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final TaskFunction NOOP = (args, kwargs) -> null;

  /** The last second whose microseconds a {@code long} holds, and the first it does not. */
  private static final long LAST_EXACT_SECOND = Long.MAX_VALUE / 1_000_000 - 1;

  private static final long FIRST_EXACT_SECOND = Long.MIN_VALUE / 1_000_000;

  /**
   * Run times where a key could go wrong, in order: the ends of {@code Instant}, either side of the
   * range a key holds exactly, either side of 1970, and instants a nanosecond or a microsecond
   * apart (which share a key or not).
   */
  private static final List<Instant> EDGES =
      List.of(
          Instant.MIN,
          Instant.MIN.plusNanos(1),
          Instant.ofEpochSecond(FIRST_EXACT_SECOND - 1, 999_999_999),
          Instant.ofEpochSecond(FIRST_EXACT_SECOND),
          Instant.ofEpochSecond(FIRST_EXACT_SECOND, 1),
          Instant.ofEpochSecond(FIRST_EXACT_SECOND, 1_000),
          Instant.parse("1969-07-20T20:17:40Z"),
          Instant.EPOCH.minusNanos(1_001),
          Instant.EPOCH.minusNanos(1_000),
          Instant.EPOCH.minusNanos(999),
          Instant.EPOCH.minusNanos(1),
          Instant.EPOCH,
          Instant.EPOCH.plusNanos(1),
          Instant.EPOCH.plusNanos(999),
          Instant.EPOCH.plusNanos(1_000),
          T0,
          T0.plusNanos(100),
          T0.plusNanos(200),
          T0.plusNanos(1_000),
          T0.plusSeconds(1),
          Instant.ofEpochSecond(LAST_EXACT_SECOND, 999_998_999),
          Instant.ofEpochSecond(LAST_EXACT_SECOND, 999_999_000),
          Instant.ofEpochSecond(LAST_EXACT_SECOND, 999_999_999),
          Instant.ofEpochSecond(LAST_EXACT_SECOND + 1),
          Instant.MAX.minusNanos(1),
          Instant.MAX);

  private static Task task(String id, Instant next) {
    return Task.builder(id)
        .function(NOOP, null)
        .trigger(ShutdownTrigger.instance())
        .nextRunTime(next)
        .build();
  }

  private static List<String> ids(List<Task> tasks) {
    return tasks.stream().map(Task::id).toList();
  }

  @Test
  void keysNeverOrderTwoRunTimesTheWrongWayRound() {
    for (int i = 1; i < EDGES.size(); i++) {
      Instant earlier = EDGES.get(i - 1);
      Instant later = EDGES.get(i);
      assertThat(earlier).isBefore(later);
      assertThat(MemoryStore.key(earlier))
          .as("%s then %s", earlier, later)
          .isLessThanOrEqualTo(MemoryStore.key(later));
      assertThat(MemoryStore.key(later)).isLessThan(MemoryStore.PAUSED);
    }
    assertThat(MemoryStore.key(null)).isEqualTo(MemoryStore.PAUSED);
  }

  @Test
  void keysAreMicrosecondsSince1970WhereALongHoldsThem() {
    assertThat(MemoryStore.key(Instant.EPOCH)).isZero();
    assertThat(MemoryStore.key(Instant.EPOCH.plusNanos(999))).isZero();
    assertThat(MemoryStore.key(Instant.EPOCH.minusNanos(1))).isEqualTo(-1);
    assertThat(MemoryStore.key(Instant.EPOCH.minusNanos(1_000))).isEqualTo(-1);
    assertThat(MemoryStore.key(Instant.EPOCH.minusNanos(1_001))).isEqualTo(-2);
    assertThat(MemoryStore.key(T0)).isEqualTo(T0.toEpochMilli() * 1_000);
    assertThat(MemoryStore.key(Instant.ofEpochSecond(LAST_EXACT_SECOND, 999_999_999)))
        .isEqualTo(LAST_EXACT_SECOND * 1_000_000 + 999_999)
        .isLessThan(MemoryStore.LATEST);
    assertThat(MemoryStore.key(Instant.ofEpochSecond(LAST_EXACT_SECOND + 1)))
        .isEqualTo(MemoryStore.key(Instant.MAX))
        .isEqualTo(MemoryStore.LATEST);
    assertThat(MemoryStore.key(Instant.ofEpochSecond(FIRST_EXACT_SECOND)))
        .isEqualTo(FIRST_EXACT_SECOND * 1_000_000)
        .isGreaterThan(Long.MIN_VALUE);
    assertThat(MemoryStore.key(Instant.ofEpochSecond(FIRST_EXACT_SECOND - 1, 999_999_999)))
        .isEqualTo(MemoryStore.key(Instant.MIN))
        .isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void runTimesThatShareAKeyAreOrderedByTimeThenId() {
    MemoryStore store = new MemoryStore();
    store.addTask(task("a", T0.plusNanos(200)));
    store.addTask(task("b", T0.plusNanos(100)));
    store.addTask(task("c", T0.plusNanos(100)));
    store.addTask(task("early", T0.minusNanos(1)));

    assertThat(ids(store.allTasks())).containsExactly("early", "b", "c", "a");
    assertThat(ids(store.dueTasks(T0.plusNanos(150)))).containsExactly("early", "b", "c");
    assertThat(ids(store.dueTasks(T0.plusNanos(99)))).containsExactly("early");
    assertThat(ids(store.dueTasks(T0.plusNanos(200), 3))).containsExactly("early", "b", "c");
    assertThat(store.nextRunTime()).contains(T0.minusNanos(1));
  }

  @Test
  void theEndsOfTimeSortBeforePausedTasks() {
    MemoryStore store = new MemoryStore();
    store.addTask(task("paused", null));
    store.addTask(task("max", Instant.MAX));
    store.addTask(task("almost-max", Instant.MAX.minusNanos(1)));
    store.addTask(task("far", Instant.ofEpochSecond(LAST_EXACT_SECOND + 1)));
    store.addTask(task("min", Instant.MIN));
    store.addTask(task("before-1970", Instant.EPOCH.minusNanos(1)));

    assertThat(ids(store.allTasks()))
        .containsExactly("min", "before-1970", "far", "almost-max", "max", "paused");
    assertThat(ids(store.dueTasks(Instant.MIN))).containsExactly("min");
    assertThat(ids(store.dueTasks(Instant.EPOCH))).containsExactly("min", "before-1970");
    assertThat(ids(store.dueTasks(Instant.MAX.minusNanos(1))))
        .containsExactly("min", "before-1970", "far", "almost-max");
    assertThat(ids(store.dueTasks(Instant.MAX)))
        .containsExactly("min", "before-1970", "far", "almost-max", "max");
    assertThat(store.nextRunTime()).contains(Instant.MIN);

    store.deleteTask("min");
    store.deleteTask("before-1970");
    store.updateTask(task("far", null));
    assertThat(ids(store.allTasks())).containsExactly("almost-max", "max", "far", "paused");
    store.checkInvariants();
  }

  @Test
  void deletingATaskMovesTheLastOneIntoItsPlaceWhereItIsStillFoundAndOrdered() {
    MemoryStore store = new MemoryStore();
    for (int i = 0; i < 100; i++) {
      store.addTask(task("t" + i, T0.plusSeconds(100 - i))); // the last added is the earliest
    }

    store.deleteTask("t0"); // t99, the last in the array, takes the first place

    assertThat(store.lookupTask("t99")).contains(task("t99", T0.plusSeconds(1)));
    store.updateTask(task("t99", T0.plusSeconds(500)));
    assertThat(ids(store.dueTasks(T0.plusSeconds(1_000), 2))).containsExactly("t98", "t97");
    assertThat(store.allTasks()).last().isEqualTo(task("t99", T0.plusSeconds(500)));
    store.deleteTask("t99");
    assertThat(store.lookupTask("t99")).isEmpty();
    assertThat(store.lookupTask("t1")).contains(task("t1", T0.plusSeconds(99)));
    assertThat(store.size()).isEqualTo(98);
    store.checkInvariants();
  }

  @Test
  void aFailedBatchLeavesTheStoreAsItWas() {
    MemoryStore store = new MemoryStore();
    for (int i = 0; i < 40; i++) {
      store.addTask(task("old" + i, T0.plusSeconds(i)));
    }
    List<Task> before = store.allTasks();
    List<Task> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(task("new" + i, T0.minusSeconds(i)));
    }
    batch.add(task("new7", T0)); // taken within the batch itself

    assertThatThrownBy(() -> store.addTasks(batch))
        .isInstanceOf(ConflictIdException.class)
        .hasMessageContaining("'new7'");

    assertThat(store.allTasks()).isEqualTo(before);
    assertThat(store.lookupTask("new0")).isEmpty();
    assertThat(store.dueTasks(T0, 1)).containsExactly(task("old0", T0));
    store.checkInvariants();
  }

  /**
   * Few ids, run times at the edges of a key: equal keys, paused tasks and batches all the time.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2026})
  void edgeRunTimesAgreeWithAReferenceModel(long seed) {
    agreesWithAReferenceModel(seed, 40, 10_000, 1, new MemoryStore());
  }

  /** Enough ids for the arrays to grow several times and positions to move far. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 2027})
  void aLargerStoreAgreesWithAReferenceModel(long seed) {
    agreesWithAReferenceModel(seed, 3_000, 30_000, 97, new MemoryStore());
  }

  /** Ids that share one hash code, on a store that switches its hash after 16-slot probes. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {5, 6})
  void idsThatShareOneHashCodeAgreeWithAReferenceModel(long seed) {
    MemoryStore store = new MemoryStore(16);
    agreesWithAReferenceModel(seed, -9, 10_000, 1, store);
    assertThat(store.usesKeyedHash()).isTrue();
  }

  /**
   * Random adds, batches, updates, deletes, advances, quarantines and restores, compared with a
   * sorted map; the listings and the store's invariants every {@code every} steps. {@code idCount}
   * below zero means the ids of {@link MemoryStoreTest#collidingIds} with that many blocks.
   */
  private static void agreesWithAReferenceModel(
      long seed, int idCount, int steps, int every, MemoryStore store) {
    Random r = new Random(seed);
    List<String> ids = new ArrayList<>();
    if (idCount < 0) {
      ids.addAll(MemoryStoreTest.collidingIds(-idCount));
    } else {
      for (int i = 0; i < idCount; i++) {
        ids.add("t" + i);
      }
    }
    TreeMap<String, Task> model = new TreeMap<>();
    List<Task> quarantined = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      String as = "seed " + seed + " step " + step;
      String id = ids.get(r.nextInt(ids.size()));
      Task t = task(id, runTime(r));
      switch (r.nextInt(9)) {
        case 0, 1 -> {
          if (model.containsKey(id)) {
            assertThatThrownBy(() -> store.addTask(t))
                .as(as)
                .isInstanceOf(ConflictIdException.class);
          } else {
            store.addTask(t);
            model.put(id, t);
          }
        }
        case 2 -> {
          List<Task> batch = new ArrayList<>();
          TreeMap<String, Task> after = new TreeMap<>(model);
          boolean conflict = false;
          for (int k = r.nextInt(6); k >= 0; k--) {
            Task b = task(ids.get(r.nextInt(ids.size())), runTime(r));
            batch.add(b);
            conflict |= after.put(b.id(), b) != null;
          }
          if (conflict) {
            assertThatThrownBy(() -> store.addTasks(batch))
                .as(as)
                .isInstanceOf(ConflictIdException.class);
          } else {
            store.addTasks(batch);
            model.putAll(after);
          }
        }
        case 3 -> {
          if (model.containsKey(id)) {
            store.updateTask(t);
            model.put(id, t);
          } else {
            assertThatThrownBy(() -> store.updateTask(t))
                .as(as)
                .isInstanceOf(TaskLookupException.class);
          }
        }
        case 4 -> {
          if (model.remove(id) != null) {
            store.deleteTask(id);
          } else {
            assertThatThrownBy(() -> store.deleteTask(id))
                .as(as)
                .isInstanceOf(TaskLookupException.class);
          }
        }
        case 5 -> {
          List<Task> advanced = new ArrayList<>();
          List<String> finished = new ArrayList<>();
          for (int k = r.nextInt(5); k >= 0; k--) {
            String other = ids.get(r.nextInt(ids.size()));
            if (r.nextBoolean()) {
              Task a = task(other, runTime(r));
              advanced.add(a);
              model.computeIfPresent(other, (key, old) -> a);
            } else {
              finished.add(other);
            }
          }
          finished.forEach(model::remove);
          store.advanceTasks(advanced, finished);
        }
        case 6 -> {
          Task stored = model.remove(id);
          assertThat(store.quarantineTask(id, "TRIGGER_ERROR", "test"))
              .as(as)
              .isEqualTo(stored != null);
          if (stored != null) {
            quarantined.add(stored);
          }
        }
        case 7 -> {
          int latest = -1;
          for (int q = 0; q < quarantined.size(); q++) {
            if (quarantined.get(q).id().equals(id)) {
              latest = q;
            }
          }
          if (latest < 0) {
            assertThatThrownBy(() -> store.restoreQuarantined(id))
                .as(as)
                .isInstanceOf(TaskLookupException.class);
          } else if (model.containsKey(id)) {
            assertThatThrownBy(() -> store.restoreQuarantined(id))
                .as(as)
                .isInstanceOf(ConflictIdException.class);
          } else {
            Task restored = quarantined.remove(latest);
            assertThat(store.restoreQuarantined(id)).as(as).isSameAs(restored);
            model.put(id, restored);
          }
        }
        default -> {
          Instant now = runTime(r);
          int limit = r.nextInt(8);
          List<Task> expected = new ArrayList<>(model.values());
          expected.sort(MemoryStore.ORDER);
          List<Task> due =
              now == null
                  ? List.of()
                  : expected.stream()
                      .filter(x -> x.nextRunTime().filter(n -> !n.isAfter(now)).isPresent())
                      .toList();
          if (now != null) {
            assertThat(store.dueTasks(now, limit))
                .as(as)
                .isEqualTo(due.subList(0, Math.min(limit, due.size())));
          }
          assertThat(store.lookupTask(id)).as(as).isEqualTo(Optional.ofNullable(model.get(id)));
        }
      }
      assertThat(store.size()).as(as).isEqualTo(model.size());
      if (step % every == 0) {
        store.checkInvariants();
        List<Task> expected = new ArrayList<>(model.values());
        expected.sort(MemoryStore.ORDER);
        assertThat(store.allTasks()).as(as).isEqualTo(expected);
        assertThat(store.nextRunTime())
            .as(as)
            .isEqualTo(expected.isEmpty() ? Optional.empty() : expected.get(0).nextRunTime());
        for (String known : model.keySet()) {
          assertThat(store.lookupTask(known)).as(as).contains(model.get(known));
        }
      }
    }
  }

  /** A run time from {@link #EDGES}, or none (paused) one time in ten. */
  private static Instant runTime(Random r) {
    return r.nextInt(10) == 0 ? null : EDGES.get(r.nextInt(EDGES.size()));
  }
}
