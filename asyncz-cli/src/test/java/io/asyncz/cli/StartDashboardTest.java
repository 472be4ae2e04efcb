package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code asyncz start --dashboard} on an address it cannot have. */
class StartDashboardTest {
  @TempDir Path dir;

  @Test
  void aTakenAddressStopsTheServiceBeforeItAddsOrRunsAnything() throws Exception {
    Files.writeString(
        dir.resolve("service.yaml"),
        """
        stores:
          default: jdbc:sqlite:tasks.db
        tasks:
          - id: tick
            function: echo
            args: ["tick"]
            trigger: {every: 1s}
        """);
    Cli cli = new Cli(dir);
    try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + other.getLocalPort();

      Cli.Result start = cli.run("start", "--config", "service.yaml", "--dashboard", address);

      assertThat(start.code()).isEqualTo(CliException.FAILURE);
      assertThat(start.err())
          .contains("cannot serve the dashboard on " + address + " (")
          .contains("is another asyncz service running there?")
          .contains("--dashboard HOST:PORT (port 0 picks a free one)")
          .contains("Nothing was started")
          .doesNotContain("--verbose");
      assertThat(start.out()).doesNotContain("Dashboard token");
    }
    // The configuration's task was not added: the failed start left the store as it was.
    Cli.Result list = cli.run("list", "--config", "service.yaml", "--json");
    assertThat(list.code()).isZero();
    assertThat(list.out()).doesNotContain("tick");
  }
}
