package io.asyncz.persistence;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.store.StoreFactory;
import io.asyncz.store.TaskStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Registers the {@code file} store alias: options {@code directory} (required), {@code suffix}
 * (default {@code .task}) and {@code cleanup_directory} (default false). Records are encrypted when
 * {@code ASYNCZ_STORE_ENCRYPTION_KEY} is set.
 */
public final class FileStoreFactory implements StoreFactory {
  private static final Set<String> OPTIONS = Set.of("directory", "suffix", "cleanup_directory");

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public FileStoreFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of("file");
  }

  @Override
  public Set<String> options(String alias) {
    return OPTIONS;
  }

  @Override
  public TaskStore create(String alias, PluginOptions options) {
    String directory = options.string("directory", null);
    if (directory == null || directory.isBlank()) {
      throw new InvalidInputException(
          options.key("directory"), directory, "is missing; the file store needs a directory");
    }
    Path path;
    try {
      path = Path.of(directory);
    } catch (InvalidPathException e) {
      throw new InvalidInputException(options.key("directory"), directory, "is not a valid path");
    }
    return new FileStore(
        path,
        options.string("suffix", FileStore.DEFAULT_SUFFIX),
        options.bool("cleanup_directory", false),
        TaskRecords.fromEnvironment(List.of()));
  }
}
