package io.asyncz.testkit;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.trigger.IntervalTrigger;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The scheduler process that {@link StoreCrashContract} kills: a scheduler on one store that
 * changes tasks as fast as it can until it is killed.
 *
 * <p>Arguments: the store alias, the round (a prefix for new task ids), a seed, then the store's
 * options as {@code key=value}. The store is made by {@link TaskStores#create} (so an encryption
 * key comes from the environment, as in a real process) and added as the scheduler's {@value
 * Scheduler#DEFAULT} store. The process adds a few tickers, tasks that the scheduler's loop runs
 * and reschedules every 100 ms, so that the loop writes to the store too; prints {@code READY}; and
 * then, forever, adds, updates and deletes tasks through the scheduler. Before each change it
 * prints {@code BEGIN ADD|UPD|DEL <id> <version>} and after the change returns {@code ACK}; each
 * line is flushed before the next step, so the lines that the parent reads were written before the
 * kill. A task's version is its first argument.
 */
public final class StoreWriterMain {
  /** The prefix of the tickers' ids; the writer never changes a ticker after adding it. */
  static final String TICKER = "tick-";

  private static final int TICKERS = 3;
  private static final int MIN_TASKS = 10;

  private final Scheduler scheduler;
  private final Random random;
  private final String prefix;
  private final PrintStream out = System.out;
  private final Map<String, Integer> versions = new HashMap<>();
  private final List<String> changeable = new ArrayList<>();
  private final Map<String, Integer> deleted = new HashMap<>();
  private int added;

  private StoreWriterMain(Scheduler scheduler, Random random, String prefix) {
    this.scheduler = scheduler;
    this.random = random;
    this.prefix = prefix;
  }

  /** Runs the writer; see the class comment for the arguments. */
  public static void main(String[] args) {
    Map<String, Object> options = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    TaskStore store = TaskStores.create(args[0], options);
    Scheduler scheduler =
        Scheduler.builder()
            .registry(StoreContract.registry())
            .store(Scheduler.DEFAULT, store)
            .build();
    scheduler.start();
    new StoreWriterMain(scheduler, new Random(Long.parseLong(args[2])), "w" + args[1] + "-").run();
  }

  private void run() {
    for (Task task : scheduler.getTasks()) {
      versions.put(task.id(), version(task));
      if (!task.id().startsWith(TICKER)) {
        changeable.add(task.id());
      }
    }
    for (int i = 0; i < TICKERS; i++) {
      if (!versions.containsKey(TICKER + i)) {
        add(TICKER + i, 0, Duration.ofMillis(100));
      }
    }
    line("READY");
    while (true) {
      int dice = random.nextInt(100);
      if (changeable.size() < MIN_TASKS || dice < 35) {
        if (!deleted.isEmpty() && dice % 3 == 0) {
          String id = new ArrayList<>(deleted.keySet()).get(random.nextInt(deleted.size()));
          add(id, deleted.remove(id) + 1, Duration.ofHours(1));
        } else {
          add(prefix + added++, 0, Duration.ofHours(1));
        }
      } else if (dice < 85) {
        update(changeable.get(random.nextInt(changeable.size())));
      } else {
        delete(changeable.get(random.nextInt(changeable.size())));
      }
    }
  }

  private void add(String id, int version, Duration interval) {
    line("BEGIN ADD " + id + " " + version);
    scheduler
        .task(StoreContract.REFERENCE)
        .id(id)
        .trigger(IntervalTrigger.every(interval))
        .args(version)
        .add();
    line("ACK");
    versions.put(id, version);
    if (!id.startsWith(TICKER)) {
      changeable.add(id);
    }
  }

  private void update(String id) {
    int version = versions.get(id) + 1;
    line("BEGIN UPD " + id + " " + version);
    scheduler.updateTask(
        id,
        Scheduler.DEFAULT,
        Map.of(
            "args",
            List.of(version),
            "next_run_time",
            scheduler
                .clock()
                .instant()
                .plus(Duration.ofHours(1))
                .plusSeconds(random.nextInt(600))));
    line("ACK");
    versions.put(id, version);
  }

  private void delete(String id) {
    int version = versions.get(id);
    line("BEGIN DEL " + id + " " + version);
    scheduler.deleteTask(id, Scheduler.DEFAULT);
    line("ACK");
    versions.remove(id);
    changeable.remove(id);
    deleted.put(id, version);
  }

  private void line(String text) {
    out.println(text);
    out.flush();
  }

  /** A task's version: its first argument. */
  static int version(Task task) {
    return ((Number) task.args().get(0)).intValue();
  }
}
