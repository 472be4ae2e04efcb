package io.asyncz.persistence;

import io.asyncz.store.TaskStore;
import io.asyncz.testkit.StoreCrashContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A scheduler process on a file store, killed while it writes, loses no task. */
class FileStoreCrashTest extends StoreCrashContract {
  Path tasks() {
    return directory.resolve("tasks");
  }

  @Override
  protected String storeAlias() {
    return "file";
  }

  @Override
  protected Map<String, String> storeOptions() {
    return Map.of("directory", tasks().toString());
  }

  @Override
  protected TaskStore openStore() {
    return new FileStore(tasks());
  }

  /** Every file with the suffix but the temporary files a killed write may leave behind. */
  @Override
  protected Set<String> recordIds() throws IOException {
    try (Stream<Path> files = Files.list(tasks())) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(FileStore.DEFAULT_SUFFIX) && !name.startsWith(".tmp-"))
          .map(
              name ->
                  FileStore.idOf(
                      name.substring(0, name.length() - FileStore.DEFAULT_SUFFIX.length())))
          .collect(Collectors.toSet());
    }
  }
}
