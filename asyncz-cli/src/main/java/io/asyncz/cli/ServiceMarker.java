package io.asyncz.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files by which a running service says so to the other commands: one per store it runs on, in
 * the service directory ({@code ASYNCZ_RUN_DIR}, else {@code asyncz-services} in the temporary
 * directory), named after a hash of the store's URL, holding the pid, the store URL, the start time
 * and a heartbeat the service refreshes at each poll. They work with every store, for the processes
 * of one machine; the service removes them when it stops.
 */
final class ServiceMarker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("asyncz.cli");

  /** A service seen running on a store. */
  record Running(long pid, String store, Instant heartbeat) {}

  private final Io io;
  private final Duration poll;
  private final Instant started;
  private final Map<Path, String> files = new LinkedHashMap<>();

  /** Writes a file for each store of {@code stores} (alias to URL) but the in-memory ones. */
  ServiceMarker(Io io, Map<String, String> stores, Map<String, String> types, Duration poll) {
    this.io = io;
    this.poll = poll;
    this.started = io.clock().instant();
    stores.forEach(
        (alias, url) -> {
          if (!"memory".equals(types.get(alias))) {
            files.put(file(io, url), url);
          }
        });
    beat();
  }

  /** Refreshes the heartbeat in every file; a file that cannot be written is logged. */
  void beat() {
    Instant now = io.clock().instant();
    files.forEach(
        (file, url) -> {
          Properties p = new Properties();
          p.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
          p.setProperty("store", url);
          p.setProperty("started", started.toString());
          p.setProperty("heartbeat", now.toString());
          p.setProperty("poll", poll.toString());
          try {
            Files.createDirectories(file.getParent());
            StringWriter text = new StringWriter();
            p.store(text, "asyncz start: the service running on this store");
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, text.toString(), StandardCharsets.UTF_8);
            // Readers must never see a half-written file.
            Files.move(
                temporary,
                file,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
          } catch (IOException e) {
            LOG.warn("Cannot write the service file {}: {}", file, e.toString());
          }
        });
  }

  /** Removes the files: the service is stopping. */
  @Override
  public void close() {
    for (Path file : files.keySet()) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("Cannot remove the service file {}: {}", file, e.toString());
      }
    }
  }

  /** The service files' paths, for the log. */
  List<Path> paths() {
    return new ArrayList<>(files.keySet());
  }

  /**
   * The service running on the store with this URL: its file names the same store, its process is
   * alive and its heartbeat is at most three poll intervals (and five seconds) old.
   */
  static Optional<Running> running(Io io, String storeUrl) {
    Path file = file(io, storeUrl);
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (NoSuchFileException absent) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      long pid = Long.parseLong(p.getProperty("pid", ""));
      Instant heartbeat = Instant.parse(p.getProperty("heartbeat", ""));
      Duration poll = Duration.parse(p.getProperty("poll", ""));
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      boolean fresh =
          !io.clock()
              .instant()
              .isAfter(heartbeat.plus(poll.multipliedBy(3)).plus(Duration.ofSeconds(5)));
      if (storeUrl.equals(p.getProperty("store")) && alive && fresh) {
        return Optional.of(new Running(pid, storeUrl, heartbeat));
      }
      return Optional.empty();
    } catch (NumberFormatException | DateTimeException e) {
      // A file this version cannot read says nothing about a running service.
      return Optional.empty();
    }
  }

  private static Path file(Io io, String storeUrl) {
    String dir = io.env().get("ASYNCZ_RUN_DIR");
    Path base =
        dir != null
            ? io.resolve(dir)
            : Path.of(System.getProperty("java.io.tmpdir"), "asyncz-services");
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(storeUrl.getBytes(StandardCharsets.UTF_8));
      return base.resolve("service-" + HexFormat.of().formatHex(hash, 0, 12) + ".properties");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
