package io.asyncz.persistence;

import io.asyncz.store.TaskStore;
import io.asyncz.testkit.PersistentStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/** The file store passes the persistent store contract. */
class FileStoreContractTest extends PersistentStoreContract {
  private Path directory;

  @Override
  protected TaskStore createStore() throws IOException {
    directory = Files.createTempDirectory("asyncz-filestore");
    return new FileStore(directory);
  }

  @Override
  protected TaskStore reopen(String key, String... oldKeys) {
    return new FileStore(
        directory, FileStore.DEFAULT_SUFFIX, false, TaskRecords.withKey(key, oldKeys));
  }

  @Override
  protected TaskStore reopenWithMaxRecordSize(int maxRecordSize) {
    return new FileStore(
        directory,
        FileStore.DEFAULT_SUFFIX,
        false,
        TaskRecords.plain().withMaxRecordSize(maxRecordSize));
  }

  @Override
  protected void writeRaw(String id, Instant nextRunTime, byte[] raw) throws IOException {
    Files.write(directory.resolve(FileStore.encode(id) + FileStore.DEFAULT_SUFFIX), raw);
  }

  @Override
  protected byte[] readRaw(String id) throws IOException {
    Path file = directory.resolve(FileStore.encode(id) + FileStore.DEFAULT_SUFFIX);
    return Files.exists(file) ? Files.readAllBytes(file) : null;
  }

  @Override
  protected void cleanUp(TaskStore store) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
