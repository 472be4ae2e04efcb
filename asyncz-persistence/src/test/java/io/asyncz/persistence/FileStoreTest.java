package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path directory;

  private final TestStoreContext context =
      new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry());

  private FileStore started(FileStore store) {
    store.start(context, "files");
    return store;
  }

  private static Task task(String id, Instant next) {
    return Task.builder(id)
        .function((args, kwargs) -> null, "nothing")
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias("files")
        .nextRunTime(next)
        .build();
  }

  private static Task resolvableTask(String id, Instant next) {
    return Task.builder(id)
        .function(StoreContract.registry().resolve(firstReference()), firstReference())
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias("files")
        .nextRunTime(next)
        .build();
  }

  private static String firstReference() {
    return StoreContract.registry().registered().keySet().iterator().next();
  }

  @Test
  void tasksSurviveANewStoreOnTheSameDirectory() {
    FileStore first = started(new FileStore(directory));
    Task t = resolvableTask("report", T0.plusSeconds(60));
    first.addTask(t);
    first.shutdown();

    FileStore second = started(new FileStore(directory));
    assertThat(second.lookupTask("report")).contains(t);
    assertThat(second.nextRunTime()).contains(T0.plusSeconds(60));
  }

  @Test
  void writesLeaveNoTemporaryFilesAndOneFilePerTask() throws IOException {
    FileStore store = started(new FileStore(directory));
    store.addTask(resolvableTask("a/b", T0));
    store.updateTask(resolvableTask("a/b", T0.plusSeconds(5)));
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("a%2Fb.task");
    }
  }

  @Test
  void anUnreadableRecordIsMovedToTheQuarantineDirectoryWithItsReason() throws IOException {
    FileStore store = started(new FileStore(directory));
    store.addTask(resolvableTask("good", T0));
    Path corrupt = directory.resolve("bad.task");
    Files.write(corrupt, "{not json".getBytes(StandardCharsets.UTF_8));

    assertThat(store.allTasks()).extracting(Task::id).containsExactly("good");
    assertThat(store.lookupTask("bad")).isEmpty();
    store.removeAllTasks();

    assertThat(corrupt).doesNotExist();
    Path quarantine = directory.resolve(FileStore.QUARANTINE);
    long micros = T0.getEpochSecond() * 1_000_000L;
    assertThat(quarantine.resolve(micros + "-bad.task")).hasContent("{not json");
    assertThat(quarantine.resolve(micros + "-bad.task.why"))
        .content()
        .startsWith("MALFORMED\n")
        .contains("'bad'");
  }

  @Test
  void encryptedRecordsHoldNoPlainJsonAndNeedTheKey() throws IOException {
    FileStore sealed =
        started(
            new FileStore(
                directory, ".task", false, TaskRecords.encrypted(Encryption.withKey("secret-1"))));
    sealed.addTask(resolvableTask("pay", T0));
    byte[] bytes = Files.readAllBytes(directory.resolve("pay.task"));
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("asyncz.task");
    assertThat(sealed.lookupTask("pay")).isPresent();

    FileStore wrongKey =
        started(
            new FileStore(
                directory, ".task", false, TaskRecords.encrypted(Encryption.withKey("other"))));
    assertThat(wrongKey.allTasks()).isEmpty(); // quarantined, not deleted
    assertThat(wrongKey.quarantinedRecords())
        .singleElement()
        .satisfies(r -> assertThat(r.raw()).isEqualTo(bytes));
  }

  @Test
  void cleanupKeepsADirectoryThatHoldsQuarantinedRecords() throws IOException {
    FileStore store = started(new FileStore(directory, ".task", true, TaskRecords.plain()));
    Files.write(directory.resolve("bad.task"), "{not json".getBytes(StandardCharsets.UTF_8));
    store.allTasks();

    store.shutdown();

    assertThat(directory.resolve(FileStore.QUARANTINE)).isDirectory();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "../etc/passwd", "..", ".", "A", "a", "C:\\x", "ä€😀", "100%"})
  void fileNamesStandForTheirIdsAndStayInsideTheDirectory(String id) {
    String name = FileStore.encode(id);
    assertThat(name).matches("[a-z0-9._%A-F-]+").doesNotContain("/").doesNotContain("\\");
    assertThat(FileStore.idOf(name)).isEqualTo(id);
    assertThat(directory.resolve(name + ".task").getParent()).isEqualTo(directory);
  }

  @Test
  void anIdTooLongForAFileNameIsRefusedWithItsLength() {
    FileStore store = started(new FileStore(directory));
    assertThatThrownBy(() -> store.addTask(task("€".repeat(100), T0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("too long for a FileStore file name")
        .hasMessageContaining("900 characters");
  }

  @Test
  void theFileAliasCreatesAStoreFromOptions() {
    TaskStore store =
        TaskStores.create("file", Map.of("directory", directory.toString(), "suffix", ".job"));
    assertThat(store).isInstanceOf(FileStore.class);
    assertThat(((FileStore) store).directory()).isEqualTo(directory);
    assertThatThrownBy(() -> TaskStores.create("file", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("directory");
  }

  @Test
  void theFileAliasTakesAMaximumRecordSize() {
    FileStore store =
        started(
            (FileStore)
                TaskStores.create(
                    "file", Map.of("directory", directory.toString(), "max_record_size", 2048)));

    assertThatThrownBy(
            () ->
                store.addTask(
                    resolvableTask("big", T0).toBuilder().args(List.of("x".repeat(3000))).build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_record_size (2048 bytes)");
    assertThatThrownBy(
            () ->
                TaskStores.create(
                    "file", Map.of("directory", directory.toString(), "max_record_size", 10)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max_record_size")
        .hasMessageContaining("1024");
  }

  @Test
  void theDirectoryIsPrivateByDefaultAsInTheSeedAndRecordsAreOwnerOnly() throws IOException {
    Path sub = directory.resolve("private");
    FileStore store = started(new FileStore(sub));
    store.addTask(resolvableTask("secret", T0));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sub)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(sub.resolve("secret.task"))))
        .isEqualTo("rw-------");
  }

  @Test
  void theModeOptionTakesTheSeedsNumberOrOctalText() throws IOException {
    for (Object mode : List.of(488, "0750", "750", "0o750")) {
      Path sub = directory.resolve("m" + mode);
      FileStore store =
          started(
              (FileStore)
                  TaskStores.create("file", Map.of("directory", sub.toString(), "mode", mode)));
      store.addTask(resolvableTask("t", T0));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sub)))
          .as("mode %s", mode)
          .isEqualTo("rwxr-x---");
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(sub.resolve("t.task"))))
          .isEqualTo("rw-r-----");
    }
    for (Object bad : List.of("999", "rwx", 512, -1)) {
      assertThatThrownBy(
              () ->
                  TaskStores.create("file", Map.of("directory", directory.toString(), "mode", bad)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("mode")
          .hasMessageContaining(bad.toString())
          .hasMessageContaining("0700");
    }
  }

  @Test
  void cleanupRemovesAnEmptyDirectoryOnly() {
    Path sub = directory.resolve("tasks");
    FileStore store = started(new FileStore(sub, ".task", true, TaskRecords.plain()));
    store.addTask(resolvableTask("keep", T0));
    store.shutdown();
    assertThat(sub).exists();
    FileStore again = started(new FileStore(sub, ".task", true, TaskRecords.plain()));
    again.removeAllTasks();
    again.shutdown();
    assertThat(sub).doesNotExist();
  }

  @Test
  void listsInScheduleOrder() {
    FileStore store = started(new FileStore(directory));
    for (String id : List.of("c", "a", "b")) {
      store.addTask(resolvableTask(id, id.equals("c") ? T0 : T0.plusSeconds(9)));
    }
    assertThat(store.allTasks()).extracting(Task::id).containsExactly("c", "a", "b");
    assertThat(store.dueTasks(T0)).extracting(Task::id).containsExactly("c");
  }
}
