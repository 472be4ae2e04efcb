package io.asyncz.persistence;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.store.StoreFactory;
import io.asyncz.store.TaskStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Registers the {@code file} store alias: options {@code directory} (required), {@code suffix}
 * (default {@code .task}), {@code mode} (the directory's permissions, default {@code 0700}: a
 * number as the seed takes it, 448, or octal text, {@code "0700"}, {@code "700"} or {@code
 * "0o700"}), {@code cleanup_directory} (default false), {@code accept_unsafe_permissions} (default
 * false: a directory others can write to, or another user owns, is refused) and {@code
 * max_record_size} (bytes, default 1 MiB; see {@link TaskRecords}). Records are encrypted when
 * {@code ASYNCZ_STORE_ENCRYPTION_KEY} is set.
 */
public final class FileStoreFactory implements StoreFactory {
  private static final Set<String> OPTIONS =
      Set.of(
          "directory",
          "suffix",
          "mode",
          "cleanup_directory",
          "accept_unsafe_permissions",
          TaskRecords.MAX_RECORD_SIZE_OPTION);

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

  /** The seed's {@code mode}: a number as is (448), text as octal ("0700", "700", "0o700"). */
  static int mode(PluginOptions options) {
    Object value = options.raw("mode").orElse(null);
    if (value == null) {
      return FileStore.DEFAULT_MODE;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      long n = ((Number) value).longValue();
      if (n >= 0 && n <= 0777) {
        return (int) n;
      }
    } else {
      String text = value.toString().strip().toLowerCase(java.util.Locale.ROOT);
      if (text.startsWith("0o")) {
        text = text.substring(2);
      }
      if (text.matches("[0-7]{1,4}")) {
        int n = Integer.parseInt(text, 8);
        if (n <= 0777) {
          return n;
        }
      }
    }
    throw new InvalidInputException(
        options.key("mode"),
        value,
        "is not a permission mode; expected octal text such as \"0700\" or a number up to 511");
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
    TaskRecords records = TaskRecords.fromOptions(options);
    return new FileStore(
        path,
        options.string("suffix", FileStore.DEFAULT_SUFFIX),
        mode(options),
        options.bool("cleanup_directory", false),
        options.bool("accept_unsafe_permissions", false),
        records);
  }
}
