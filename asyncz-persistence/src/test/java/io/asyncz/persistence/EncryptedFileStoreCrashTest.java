package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.store.TaskStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A scheduler process on a file store with encrypted records (the key from the environment, as in
 * production), killed while it writes, loses no task and leaves no record unreadable.
 */
class EncryptedFileStoreCrashTest extends FileStoreCrashTest {
  private static final String KEY = "crash-test-key";

  @Override
  protected Map<String, String> environment() {
    return Map.of(Encryption.KEY_VARIABLE, KEY);
  }

  @Override
  protected TaskStore openStore() {
    return new FileStore(
        tasks(), FileStore.DEFAULT_SUFFIX, false, TaskRecords.encrypted(Encryption.withKey(KEY)));
  }

  @Override
  protected Set<String> recordIds() throws IOException {
    Set<String> ids = super.recordIds();
    try (Stream<Path> files = Files.list(tasks())) {
      for (Path file : files.toList()) {
        if (file.getFileName().toString().startsWith(".tmp-")) {
          continue; // a temporary file the killed writer did not finish: not a record
        }
        if (Files.isDirectory(file)) {
          continue; // runs/ (run history, plain JSON by design: docs/history.md) or quarantine/
        }
        assertThat(Encryption.isEncrypted(Files.readAllBytes(file)))
            .as("%s is encrypted", file)
            .isTrue();
      }
    }
    return ids;
  }
}
