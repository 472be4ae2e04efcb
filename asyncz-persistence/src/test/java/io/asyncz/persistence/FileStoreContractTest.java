package io.asyncz.persistence;

import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The file store passes the store contract. */
class FileStoreContractTest extends StoreContract {
  private Path directory;

  @Override
  protected TaskStore createStore() throws IOException {
    directory = Files.createTempDirectory("asyncz-filestore");
    return new FileStore(directory);
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
