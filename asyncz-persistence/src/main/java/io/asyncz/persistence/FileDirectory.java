package io.asyncz.persistence;

import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The file store's directory and the file operations on it: creating it with the store's mode and
 * refusing one that is unsafe, atomic and durable writes (a temporary file forced, then renamed or
 * linked, then the directory forced), reads that never follow a link and never read more than a
 * limit, and the files it did not write, each logged once.
 */
final class FileDirectory {
  /** The prefix of the temporary files a write goes through; never read as records. */
  static final String TEMP_PREFIX = ".tmp-";

  private final FileStore store;
  private final Path directory;
  private final String suffix;
  private final int mode;
  private final boolean acceptUnsafePermissions;
  // Files that are not records this store wrote, each logged once.
  private final Set<Path> warned = ConcurrentHashMap.newKeySet();

  FileDirectory(
      FileStore store, Path directory, String suffix, int mode, boolean acceptUnsafePermissions) {
    this.store = store;
    this.directory = directory;
    this.suffix = suffix;
    this.mode = mode;
    this.acceptUnsafePermissions = acceptUnsafePermissions;
  }

  /**
   * Creates the directory where missing and checks it, and the quarantine directory where it
   * exists, for unsafe permissions.
   */
  void open() throws IOException {
    createDirectories(directory);
    checkPermissions(directory);
    Path quarantine = directory.resolve(FileStore.QUARANTINE);
    if (Files.isDirectory(quarantine, LinkOption.NOFOLLOW_LINKS)) {
      checkPermissions(quarantine);
    }
  }

  /**
   * Refuses a directory that others can write to beyond what {@code mode} grants, or that another
   * user owns, unless told to accept it: whoever can write there can plant, swap or remove records.
   */
  private void checkPermissions(Path dir) throws IOException {
    if (!posix() || acceptUnsafePermissions) {
      return;
    }
    PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
    int actual = mode(attributes.permissions());
    int unsafe = actual & 0022 & ~mode;
    if (unsafe != 0) {
      throw new InvalidInputException(
          "FileStore directory",
          dir.toString(),
          "has mode 0"
              + Integer.toOctalString(actual)
              + " ("
              + PosixFilePermissions.toString(attributes.permissions())
              + "): "
              + ((unsafe & 0002) != 0 ? "every user" : "its group")
              + " can write to it, and so plant, swap or remove task records; expected no write"
              + " access for group or others beyond the store's mode 0"
              + Integer.toOctalString(mode)
              + ". Run chmod go-w on it, or set accept_unsafe_permissions to use it anyway");
    }
    UserPrincipal me = currentUser(dir);
    if (me != null && !attributes.owner().getName().equals(me.getName())) {
      throw new InvalidInputException(
          "FileStore directory",
          dir.toString(),
          "is owned by "
              + attributes.owner().getName()
              + ", not by "
              + me.getName()
              + ", the user this process runs as; its owner can plant, swap or remove task"
              + " records. Give it to "
              + me.getName()
              + ", or set accept_unsafe_permissions to use it anyway");
    }
  }

  /** The user this process runs as, or null when the platform cannot say. */
  private UserPrincipal currentUser(Path dir) {
    try {
      return dir.getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (IOException | UnsupportedOperationException e) {
      store
          .logger()
          .debug("Cannot tell which user this process runs as; not checking who owns {}", dir);
      return null;
    }
  }

  /**
   * Writes {@code bytes} as {@code file}, the record of task {@code id}, atomically and durably:
   * replacing what is there, or, unless {@code replace}, only where nothing is.
   *
   * @throws ConflictIdException when {@code file} appeared meanwhile and {@code replace} is false
   */
  void write(Path file, byte[] bytes, boolean replace, String id) {
    Path temp =
        directory.resolve(
            TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + suffix);
    try {
      try (FileChannel channel =
          posix()
              ? FileChannel.open(
                  temp,
                  Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                  PosixFilePermissions.asFileAttribute(permissions(mode & 0666)))
              : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (replace) {
        moveAtomically(temp, file, true);
      } else {
        // Rename would replace a file created meanwhile by another process; a link does not.
        try {
          Files.createLink(file, temp);
        } catch (FileAlreadyExistsException e) {
          throw new ConflictIdException(id);
        } catch (UnsupportedOperationException e) {
          moveAtomically(temp, file, false);
        }
      }
      force();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write task record " + file, e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        store.logger().warn("Cannot remove temporary file {}", temp, e);
      }
    }
  }

  /** Gives {@code file} the store's mode without execute bits, where permissions are POSIX. */
  void restrict(Path file) throws IOException {
    if (posix()) {
      Files.setPosixFilePermissions(file, permissions(mode & 0666));
    }
  }

  private boolean posix() {
    return directory.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Creates {@code dir} and its missing parents with the store's mode. */
  void createDirectories(Path dir) throws IOException {
    if (posix()) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(permissions(mode)));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** The octal mode of {@code permissions}, such as {@code 0700}. */
  static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if (permissions.contains(bits[i])) {
        mode |= 0400 >> i;
      }
    }
    return mode;
  }

  /** The permissions of an octal mode such as {@code 0700}. */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }

  private static void moveAtomically(Path from, Path to, boolean replace) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      if (replace) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(from, to);
      }
    }
  }

  /** Makes the renames and deletions in the store's directory durable. */
  void force() {
    force(directory);
  }

  /** Makes the renames and deletions in {@code directory} durable, where the platform can. */
  static void force(Path directory) {
    // Makes the rename durable; not every platform can open a directory, which is then skipped.
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }

  /** What is at {@code file} itself (a link is not followed), or null when nothing is. */
  static BasicFileAttributes attributes(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return null;
    }
  }

  /**
   * The bytes of the regular file {@code file}, opened without following a link, and at most one
   * byte more than {@code limit}.
   */
  static byte[] readBounded(Path file, long limit) throws IOException {
    try (InputStream in =
        Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
    }
  }

  /** Logs, once per file, that {@code file} is left alone: it {@code what}. */
  void warnOnce(Path file, String what) {
    if (warned.add(file)) {
      store
          .logger()
          .warn(
              "Ignoring {} in the task directory: it {}, so this store did not write it; it is not"
                  + " read, moved or deleted",
              file,
              what);
    }
  }
}
