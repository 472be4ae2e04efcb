package io.asyncz.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The seed's {@code lock_path} lock: an exclusive lock on a file that several processes on one host
 * take before they touch a shared store. Within a JVM the lock is reentrant per thread and shared
 * by every scheduler that names the same file (the operating system's file locks belong to the
 * whole process, and the JDK refuses a second lock on one file in one JVM), so two schedulers in
 * one JVM also exclude each other. The file is created when missing, readable and writable by its
 * owner only ({@code 0600}), and is never deleted.
 */
final class StoreFileLock {
  private static final Map<Path, StoreFileLock> OPEN = new HashMap<>();

  private final Path path;
  private final ReentrantLock local = new ReentrantLock();
  private int users;
  private FileChannel channel;
  private FileLock held;

  private StoreFileLock(Path path) {
    this.path = path;
  }

  /** The lock on {@code path}, shared with other users in this JVM; {@link #release} it. */
  static StoreFileLock acquire(Path path) {
    Path key = path.toAbsolutePath().normalize();
    synchronized (OPEN) {
      StoreFileLock lock = OPEN.computeIfAbsent(key, StoreFileLock::new);
      lock.users++;
      return lock;
    }
  }

  /** Gives up this user's share; the file is closed when the last user releases it. */
  void release() {
    synchronized (OPEN) {
      if (--users > 0) {
        return;
      }
      OPEN.remove(path);
    }
    local.lock();
    try {
      closeChannel();
    } finally {
      local.unlock();
    }
  }

  /** The lock file. */
  Path path() {
    return path;
  }

  /** Takes the lock, waiting for other threads and processes as long as they hold it. */
  void lock() {
    local.lock();
    if (local.getHoldCount() > 1) {
      return;
    }
    try {
      held = channel().lock();
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw failure("lock", e);
    }
  }

  /**
   * Takes the lock if no other thread or process holds it.
   *
   * @return whether the lock is now held by this thread
   */
  boolean tryLock() {
    if (!local.tryLock()) {
      return false;
    }
    if (local.getHoldCount() > 1) {
      return true;
    }
    try {
      held = channel().tryLock();
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw failure("lock", e);
    }
    if (held == null) {
      local.unlock();
      return false;
    }
    return true;
  }

  /** Releases one hold; the file lock goes with the last one. */
  void unlock() {
    try {
      if (local.getHoldCount() == 1 && held != null) {
        FileLock h = held;
        held = null;
        h.release();
      }
    } catch (IOException e) {
      // The channel is broken; closing it releases the lock for other processes too.
      closeChannel();
    } finally {
      local.unlock();
    }
  }

  private FileChannel channel() throws IOException {
    if (channel == null || !channel.isOpen()) {
      Path parent = path.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Set<StandardOpenOption> options =
          Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      // Owner only: another user who could open the file could hold a lock on it for ever.
      channel =
          path.getFileSystem().supportedFileAttributeViews().contains("posix")
              ? FileChannel.open(
                  path,
                  options,
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : FileChannel.open(path, options);
    }
    return channel;
  }

  private void closeChannel() {
    held = null;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing is held any more
      }
      channel = null;
    }
  }

  private UncheckedIOException failure(String what, Exception e) {
    IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
    return new UncheckedIOException("Cannot " + what + " the lock file " + path + ": " + e, io);
  }

  @Override
  public String toString() {
    return "StoreFileLock[" + path + "]";
  }
}
