package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.ChildJvm;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption is never silently off: with {@code ASYNCZ_STORE_ENCRYPTION_KEY} set, a file store made
 * in code without records encrypts with it, and plain records are refused. The variable is set in a
 * child JVM, since a JVM cannot set its own environment.
 */
class EncryptionDefaultTest {
  private static final String KEY = "default-path-key";
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path directory;

  static Task task(String id) {
    return Task.builder(id)
        .function((args, kwargs) -> null, StoreContract.REFERENCE)
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias("default")
        .args(List.of("s3cr3t"))
        .nextRunTime(T0)
        .build();
  }

  static TestStoreContext context() {
    return new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry());
  }

  /** Child: makes file stores each way a user can and writes one task with each. */
  public static final class Main {
    private Main() {}

    /** Arguments: the directory. */
    public static void main(String[] args) {
      Path dir = Path.of(args[0]);
      write("new FileStore(path)", () -> new FileStore(dir.resolve("by-path")));
      write(
          "new FileStore(..., TaskRecords.plain())",
          () -> new FileStore(dir.resolve("plain"), ".task", false, TaskRecords.plain()));
      write(
          "new FileStore(..., TaskRecords.withKey(null))",
          () -> new FileStore(dir.resolve("no-key"), ".task", false, TaskRecords.withKey(null)));
      write(
          "TaskStores.create(file)",
          () ->
              TaskStores.create("file", Map.of("directory", dir.resolve("configured").toString())));
    }

    private static void write(String how, java.util.function.Supplier<TaskStore> make) {
      TaskStore store;
      try {
        store = make.get();
      } catch (InvalidInputException e) {
        System.out.println(how + ": REFUSED " + e.getMessage());
        return;
      }
      store.start(context(), "default");
      store.addTask(task("t"));
      store.shutdown();
      System.out.println(how + ": WROTE");
    }
  }

  private byte[] record(String store) throws Exception {
    return Files.readAllBytes(directory.resolve(store).resolve("t.task"));
  }

  @Test
  void withTheKeySetEveryWayOfMakingAFileStoreEncryptsOrRefuses() throws Exception {
    ChildJvm.Result child =
        ChildJvm.run(
            Main.class, Map.of(Encryption.KEY_VARIABLE, KEY), List.of(directory.toString()));

    assertThat(child.exitCode()).as(child.stderr()).isZero();
    assertThat(child.lines())
        .containsExactly(
            "new FileStore(path): WROTE",
            "new FileStore(..., TaskRecords.plain()): REFUSED Invalid task records: \"plain\" are"
                + " asked for while ASYNCZ_STORE_ENCRYPTION_KEY is set, so a store would write"
                + " plaintext that the environment asks to have encrypted; use"
                + " TaskRecords.fromEnvironment(oldKeys) or TaskRecords.withKey(key), or unset"
                + " ASYNCZ_STORE_ENCRYPTION_KEY",
            "new FileStore(..., TaskRecords.withKey(null)): REFUSED Invalid task records: \"plain\""
                + " are asked for while ASYNCZ_STORE_ENCRYPTION_KEY is set, so a store would write"
                + " plaintext that the environment asks to have encrypted; use"
                + " TaskRecords.fromEnvironment(oldKeys) or TaskRecords.withKey(key), or unset"
                + " ASYNCZ_STORE_ENCRYPTION_KEY",
            "TaskStores.create(file): WROTE");
    for (String store : List.of("by-path", "configured")) {
      byte[] sealed = record(store);
      assertThat(Encryption.isEncrypted(sealed)).as(store).isTrue();
      assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t");
      assertThat(TaskRecords.withKey(KEY).read("t", sealed, context())).isEqualTo(task("t"));
    }
    assertThat(directory.resolve("plain")).doesNotExist();
  }

  @Test
  void withoutTheKeyRecordsArePlain() throws Exception {
    ChildJvm.Result child = ChildJvm.run(Main.class, Map.of(), List.of(directory.toString()));

    assertThat(child.exitCode()).as(child.stderr()).isZero();
    assertThat(child.lines()).allSatisfy(line -> assertThat(line).endsWith(": WROTE"));
    for (String store : List.of("by-path", "plain", "no-key", "configured")) {
      assertThat(new String(record(store), StandardCharsets.UTF_8))
          .as(store)
          .startsWith("{\"format\":\"asyncz.task\"");
    }
  }

  @Test
  void plainRecordsAreRefusedExactlyWhenTheVariableHoldsAKey() {
    assertThat(TaskRecords.plain(Map.of()).encryption()).isEmpty();
    assertThat(TaskRecords.plain(Map.of(Encryption.KEY_VARIABLE, "  ")).encryption()).isEmpty();
    assertThatThrownBy(() -> TaskRecords.plain(Map.of(Encryption.KEY_VARIABLE, "k")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ASYNCZ_STORE_ENCRYPTION_KEY is set")
        .hasMessageNotContaining("\"k\"");
  }
}
