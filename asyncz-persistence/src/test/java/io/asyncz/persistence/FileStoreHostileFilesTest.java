package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.TaskStores;
import io.asyncz.task.Task;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.testkit.RecordCorrupter;
import io.asyncz.testkit.StoreContract;
import io.asyncz.testkit.TestStoreContext;
import io.asyncz.trigger.CronTrigger;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store reads only what it wrote: a file under a name it would not give, a link, a FIFO,
 * and a directory others can write to are refused or quarantined, never read as tasks.
 */
class FileStoreHostileFilesTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final byte[] SECRET =
      "TOP SECRET: the root password".getBytes(StandardCharsets.UTF_8);

  @TempDir Path root;

  private final TestStoreContext context =
      new TestStoreContext(MutableClock.at(T0, ZoneOffset.UTC), StoreContract.registry());

  private Path directory() throws IOException {
    Path dir = root.resolve("tasks");
    Files.createDirectories(dir);
    if (posix()) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    return dir;
  }

  private FileStore started(Path dir) {
    FileStore store = new FileStore(dir, ".task", false, TaskRecords.withKey(null));
    store.start(context, "files");
    return store;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static Task task(String id, Instant next) {
    return Task.builder(id)
        .function((args, kwargs) -> null, StoreContract.REFERENCE)
        .trigger(CronTrigger.fromCrontab("*/5 * * * *"))
        .storeAlias(StoreContract.ALIAS)
        .nextRunTime(next)
        .build();
  }

  /** A valid record of a one-shot task of {@code id}, due at T0. */
  private static byte[] oneShot(String id) {
    Map<String, Object> doc = RecordCorrupter.document(id, T0);
    doc.put("trigger", RecordCorrupter.trigger("date", Map.of("run_at", "2026-01-15T10:00:00Z")));
    return RecordCorrupter.json(doc);
  }

  // ------------------------------------------------------------------ names it does not write

  @Test
  void aOneShotTaskUnderANameTheStoreDoesNotWriteNeverRuns() throws Exception {
    Path dir = directory();
    byte[] record = oneShot("a");
    Files.write(dir.resolve("%61.task"), record); // "a", but the store names it a.task
    Files.write(dir.resolve("B.task"), oneShot("B")); // the store names "B" %42.task
    MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
    ManualScheduler scheduler =
        ManualScheduler.with(
            Scheduler.builder()
                .registry(StoreContract.registry())
                .timezone(ZoneOffset.UTC)
                .store("files", new FileStore(dir, ".task", false, TaskRecords.withKey(null))),
            clock);
    List<String> executed = new ArrayList<>();
    scheduler.addListener(
        event -> {
          if (event.toString().startsWith("TASK_EXECUTED")) {
            executed.add(event.toString());
          }
        });
    scheduler.start();

    for (int round = 0; round < 5; round++) {
      scheduler.runDue();
    }

    assertThat(executed).isEmpty();
    assertThat(scheduler.getTasks()).isEmpty();
    assertThat(scheduler.quarantinedRecords().get("files"))
        .extracting(QuarantinedRecord::taskId, QuarantinedRecord::reason)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("a", "MALFORMED"),
            org.assertj.core.groups.Tuple.tuple("B", "MALFORMED"));
    assertThat(scheduler.quarantinedRecords().get("files"))
        .filteredOn(r -> r.taskId().equals("a"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.raw()).isEqualTo(record);
              assertThat(r.detail()).contains("%61.task").contains("a.task");
            });
    assertThat(dir.resolve("%61.task")).doesNotExist();
    scheduler.shutdown(false);
  }

  @Test
  void aRecordUnderANonCanonicalNameCanBeRestoredUnderItsOwnName() throws Exception {
    Path dir = directory();
    Files.write(dir.resolve("%61.task"), RecordCorrupter.valid("a", T0));
    FileStore store = started(dir);

    assertThat(store.allTasks()).isEmpty();
    assertThat(store.restoreQuarantined("a")).isEqualTo(task("a", T0));

    assertThat(dir.resolve("a.task")).exists();
    assertThat(store.allTasks()).containsExactly(task("a", T0));
    assertThat(context.events()).hasOnlyElementsOfType(TaskQuarantinedEvent.class).hasSize(1);
  }

  @Test
  void aCanonicalRecordBesideANonCanonicalTwinIsReadAndTheTwinSetAside() throws Exception {
    Path dir = directory();
    FileStore store = started(dir);
    store.addTask(task("a", T0));
    Files.write(dir.resolve("%61.task"), RecordCorrupter.valid("a", T0.plusSeconds(9)));
    Files.write(dir.resolve("%zz.task"), "junk".getBytes(StandardCharsets.UTF_8));

    assertThat(store.allTasks()).containsExactly(task("a", T0));
    assertThat(store.dueTasks(T0.plusSeconds(60))).containsExactly(task("a", T0));
    assertThat(store.quarantinedRecords())
        .extracting(QuarantinedRecord::taskId)
        .containsExactlyInAnyOrder("a", "%zz");
  }

  // ------------------------------------------------------------------ links and FIFOs

  @Test
  void aSymlinkIsNeverFollowedNorExposedThroughTheQuarantine() throws Exception {
    assumeTrue(posix(), "symbolic links need a POSIX file system");
    Path dir = directory();
    Path secret = root.resolve("secret.txt");
    Files.write(secret, SECRET);
    Files.createSymbolicLink(dir.resolve("x.task"), secret);
    Path quarantine = Files.createDirectories(dir.resolve(FileStore.QUARANTINE));
    Files.createSymbolicLink(quarantine.resolve("1768471200000000-y.task"), secret);
    Files.createSymbolicLink(quarantine.resolve("1768471200000000-y.task.why"), secret);
    FileStore store = started(dir);
    store.addTask(task("good", T0));

    assertThat(store.allTasks()).containsExactly(task("good", T0));
    assertThat(store.lookupTask("x")).isEmpty();
    assertThat(store.dueTasks(T0)).containsExactly(task("good", T0));
    for (QuarantinedRecord r : store.quarantinedRecords()) {
      assertThat(new String(r.raw(), StandardCharsets.UTF_8) + r.detail()).doesNotContain("SECRET");
    }
    assertThat(store.quarantinedRecords()).isEmpty();
    assertThatThrownBy(() -> store.restoreQuarantined("y")).isInstanceOf(TaskLookupException.class);
    assertThat(Files.isSymbolicLink(dir.resolve("x.task"))).as("left where it is").isTrue();
    assertThat(secret).hasBinaryContent(SECRET);
    assertThatThrownBy(() -> store.deleteTask("x")).isInstanceOf(TaskLookupException.class);
    assertThat(Files.isSymbolicLink(dir.resolve("x.task"))).isTrue();
  }

  @Test
  void aFifoDoesNotHangTheStore() throws Exception {
    assumeTrue(posix(), "FIFOs need a POSIX file system");
    Path dir = directory();
    Path fifo = dir.resolve("f.task");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor() == 0, "mkfifo is available");
    FileStore store = started(dir);
    store.addTask(task("good", T0));
    try {
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> {
            assertThat(store.allTasks()).containsExactly(task("good", T0));
            assertThat(store.lookupTask("f")).isEmpty();
            assertThat(store.nextRunTime()).contains(T0);
          });
    } finally {
      // Opening a FIFO for reading and writing never blocks, and it ends a read blocked on it.
      new RandomAccessFile(fifo.toFile(), "rw").close();
    }
    assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).as("left where it is").isTrue();
  }

  // ------------------------------------------------------------------ permissions

  @Test
  void aDirectoryOthersCanWriteToIsRefusedNamingItAndItsMode() throws Exception {
    assumeTrue(posix(), "permissions need a POSIX file system");
    Path dir = directory();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> started(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("0777")
        .hasMessageContaining("accept_unsafe_permissions");

    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    assertThatThrownBy(() -> started(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("0770");
  }

  @Test
  void writeAccessTheStoresModeGrantsOrAnExplicitOptionAccepts() throws Exception {
    assumeTrue(posix(), "permissions need a POSIX file system");
    Path dir = directory();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    FileStore grouped = new FileStore(dir, ".task", 0770, false, TaskRecords.withKey(null));
    grouped.start(context, "files");
    grouped.addTask(task("a", T0));

    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    FileStore accepted =
        (FileStore)
            TaskStores.create(
                "file", Map.of("directory", dir.toString(), "accept_unsafe_permissions", true));
    accepted.start(context, "files");
    assertThat(accepted.allTasks()).containsExactly(task("a", T0));
  }

  @Test
  void aDirectoryOwnedByAnotherUserIsRefused() throws Exception {
    assumeTrue(posix(), "owners need a POSIX file system");
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "giving a directory to another user needs root");
    Path dir = directory();
    Files.setOwner(
        dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

    assertThatThrownBy(() -> started(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("nobody")
        .hasMessageContaining("root");
  }
}
