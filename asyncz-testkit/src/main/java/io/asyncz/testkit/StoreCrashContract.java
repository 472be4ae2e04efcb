package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.trigger.IntervalTrigger;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * A scheduler process killed with SIGKILL in the middle of a stream of writes loses no stored task:
 * one JUnit test class that a persistent store's test extends with the store's construction.
 *
 * <p>Each round starts {@link StoreWriterMain} in a child JVM on the store, reads its
 * acknowledgements, kills it after a random number of them and then opens the store itself: it must
 * hold exactly the acknowledged tasks at their acknowledged versions, or that state with the one
 * change in flight at the kill applied; every record in it must read; and it must still take
 * writes. The rounds continue on the same store. The seed is named on failure; {@code
 * -Dasyncz.crash.seed=...} repeats a run.
 */
public abstract class StoreCrashContract {
  private static final int ROUNDS = 3;
  private static final int MIN_ACKS = 200;
  private static final int MORE_ACKS = 300;
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * A temporary directory for the test, in memory where there is a tmpfs: the writers' logs, and
   * the store's files if it keeps any.
   */
  @TempDir(factory = InMemoryWhereAvailable.class)
  protected Path directory;

  private Process writer;

  /** Creates the contract. */
  protected StoreCrashContract() {}

  /** The alias the writer process creates the store by, e.g. {@code file}. */
  protected abstract String storeAlias();

  /** The options the writer process creates the store with. */
  protected abstract Map<String, String> storeOptions();

  /** Variables added to the writer's environment, e.g. an encryption key; by default none. */
  protected Map<String, String> environment() {
    return Map.of();
  }

  /** A new store instance on the data the writer wrote, as a restarted scheduler would open it. */
  protected abstract TaskStore openStore() throws Exception;

  /**
   * The ids of every task record physically in the store, whether it reads or not (temporary files
   * are not records).
   */
  protected abstract Set<String> recordIds() throws Exception;

  @AfterEach
  final void killWriter() throws InterruptedException {
    if (writer != null && writer.isAlive()) {
      writer.destroyForcibly().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  // On a thread of its own, so that a writer that hangs without a word fails the test: the kill
  // after it then ends the read that waits for the writer's next line.
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWriterKilledMidStreamLosesNoAcknowledgedTask() throws Exception {
    long seed = Long.getLong("asyncz.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Map<String, Integer> stored = Map.of();
    List<String> rounds = new ArrayList<>();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        long start = System.nanoTime();
        Acks acks =
            runAndKill(round, random.nextLong(), MIN_ACKS + random.nextInt(MORE_ACKS), stored);
        stored = check(round, acks);
        rounds.add(
            acks.acksAtKill
                + "/"
                + acks.total
                + (acks.pending == null ? "" : " +1")
                + " in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis()
                + " ms");
      }
    } catch (Exception | AssertionError e) {
      throw new AssertionError(
          getClass().getSimpleName() + " failed with seed " + seed + " after rounds " + rounds, e);
    }
    System.out.println(
        getClass().getSimpleName()
            + ": seed "
            + seed
            + ", acks at kill/acks read (+1: a change in flight) per round "
            + rounds);
  }

  private Acks runAndKill(int round, long seed, int killAfter, Map<String, Integer> stored)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A short-lived process: start fast, stay small.
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(StoreWriterMain.class.getName());
    command.addAll(List.of(storeAlias(), Integer.toString(round), Long.toString(seed)));
    storeOptions().forEach((k, v) -> command.add(k + "=" + v));
    Path log = directory.resolve("writer-" + round + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    builder.environment().putAll(environment());
    writer = builder.start();

    Acks acks = new Acks(stored);
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acks.total < killAfter && (line = lines.readLine()) != null) {
        acks.accept(line);
      }
      if (acks.total < killAfter) {
        writer.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        throw new AssertionError(
            "The writer ended after " + acks.total + " acks: " + Files.readString(log));
      }
      acks.acksAtKill = acks.total;
      // SIGKILL: no shutdown hook, no finally block runs. Through the handle, since
      // Process.destroyForcibly also closes the pipe that still holds the last lines.
      if (!writer.toHandle().destroyForcibly()) {
        throw new AssertionError("The writer ended before the kill: " + Files.readString(log));
      }
      assertThat(writer.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the writer died").isTrue();
      assertThat(writer.exitValue()).as("exit value of a SIGKILLed process").isEqualTo(128 + 9);
      // What the writer flushed before it died is still in the pipe.
      while ((line = lines.readLine()) != null) {
        acks.accept(line);
      }
    }
    assertThat(acks.ready).as("the writer got ready").isTrue();
    return acks;
  }

  private Map<String, Integer> check(int round, Acks acks) throws Exception {
    TestStoreContext context =
        new TestStoreContext(
            MutableClock.at(StoreContract.T0, ZoneOffset.UTC), StoreContract.registry());
    TaskStore store = openStore();
    store.start(context, StoreContract.ALIAS);
    try {
      Map<String, Integer> actual = new HashMap<>();
      for (Task task : store.allTasks()) {
        actual.put(task.id(), StoreWriterMain.version(task));
      }
      assertThat(recordIds())
          .as("ids of the records in the store: every record reads")
          .containsExactlyInAnyOrderElementsOf(actual.keySet());
      for (Map.Entry<String, Integer> e : actual.entrySet()) {
        assertThat(store.lookupTask(e.getKey()).map(StoreWriterMain::version))
            .as("lookup of %s", e.getKey())
            .contains(e.getValue());
      }
      String inFlight = acks.pending == null ? "none" : String.join(" ", acks.pending);
      assertThat(actual)
          .as(
              "tasks and versions after round %d (%d acks; change in flight: %s)",
              round, acks.total, inFlight)
          .isIn(acks.acked, acks.withPending());

      // The store still takes writes after the crash.
      Task probe =
          Task.builder("probe-" + round)
              .function(TestStoreContext.NOTHING, StoreContract.REFERENCE)
              .trigger(IntervalTrigger.every(Duration.ofHours(1)))
              .storeAlias(StoreContract.ALIAS)
              .args(List.of(0))
              .nextRunTime(StoreContract.T0)
              .build();
      store.addTask(probe);
      store.updateTask(probe.toBuilder().args(List.of(1)).build());
      assertThat(store.lookupTask(probe.id()).map(StoreWriterMain::version)).contains(1);
      store.deleteTask(probe.id());
      assertThat(store.lookupTask(probe.id())).isEmpty();
      return actual;
    } finally {
      store.shutdown();
    }
  }

  /**
   * Puts the directory on {@code /dev/shm} where it exists. A killed process loses nothing that
   * reached the page cache, so forcing data to a disk does not matter here (it is for power loss,
   * which no test here can cause); on a disk, most of a writer's time goes into waiting for forces,
   * and most kills would land there. In memory the same time budget gives many more writes, and
   * kills land anywhere in a write.
   */
  static final class InMemoryWhereAvailable implements TempDirFactory {
    @Override
    public Path createTempDirectory(
        AnnotatedElementContext elementContext, ExtensionContext extensionContext)
        throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "asyncz-crash")
          : Files.createTempDirectory("asyncz-crash");
    }
  }

  /** What the writer acknowledged, and the one change it began and did not acknowledge. */
  private static final class Acks {
    final Map<String, Integer> acked;
    String[] pending;
    boolean ready;
    int total;
    int acksAtKill;

    Acks(Map<String, Integer> stored) {
      this.acked = new HashMap<>(stored);
    }

    void accept(String line) {
      if (line.equals("READY")) {
        ready = true;
      } else if (line.startsWith("BEGIN ")) {
        assertThat(pending).as("a change begun before %s was acknowledged", line).isNull();
        pending = line.substring("BEGIN ".length()).split(" ");
      } else if (line.equals("ACK")) {
        assertThat(pending).as("an acknowledgement of a change begun").isNotNull();
        apply(acked, pending);
        pending = null;
        total++;
      } else {
        throw new AssertionError("Unexpected line from the writer: " + line);
      }
    }

    Map<String, Integer> withPending() {
      Map<String, Integer> state = new HashMap<>(acked);
      if (pending != null) {
        apply(state, pending);
      }
      return state;
    }

    private static void apply(Map<String, Integer> state, String[] change) {
      switch (change[0]) {
        case "ADD", "UPD" -> state.put(change[1], Integer.parseInt(change[2]));
        case "DEL" -> state.remove(change[1]);
        default -> throw new AssertionError("Unknown change " + String.join(" ", change));
      }
    }
  }
}
