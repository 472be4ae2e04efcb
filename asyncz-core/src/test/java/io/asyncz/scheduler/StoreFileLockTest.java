package io.asyncz.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lock_path} file is its owner's alone: another user who could open it could hold a lock
 * on it and stop every run.
 */
class StoreFileLockTest {
  @TempDir Path dir;

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private Path lockOnce() {
    Path path = dir.resolve("shared.lock");
    StoreFileLock lock = StoreFileLock.acquire(path);
    try {
      lock.lock();
      lock.unlock();
    } finally {
      lock.release();
    }
    return path;
  }

  @Test
  void theLockFileIsCreatedForItsOwnerOnly() throws Exception {
    assumeTrue(posix(), "file modes need a POSIX file system");

    Path path = lockOnce();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
        .isEqualTo("rw-------");
  }

  @Test
  void anotherUserCannotOpenTheLockFileToHoldALockOnIt() throws Exception {
    assumeTrue(posix(), "file modes need a POSIX file system");
    assumeTrue("root".equals(System.getProperty("user.name")), "acting as another user needs root");
    // The directory is open to all, as a shared lock directory such as /var/lock is.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path path = lockOnce();

    Process other =
        new ProcessBuilder(
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "--",
                "flock",
                "--shared",
                "--nonblock",
                path.toString(),
                "true")
            .redirectErrorStream(true)
            .start();
    String output = new String(other.getInputStream().readAllBytes());
    int exit = other.waitFor();
    assumeTrue(!output.contains("No such file or directory: setpriv"), "setpriv is available");

    assertThat(exit).as(output).isNotZero();
    assertThat(output).contains("Permission denied");
  }
}
