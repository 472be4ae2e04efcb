package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When {@code asyncz run} believes a service runs on a store. */
class ServiceMarkerTest {
  private static final String STORE = "jdbc:sqlite:/srv/asyncz/tasks.db";

  @TempDir Path dir;

  private Io at(Instant now) {
    return new Io(
        new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()),
        new BufferedReader(new StringReader("")),
        Map.of("ASYNCZ_RUN_DIR", dir.toString()),
        false,
        Clock.fixed(now, ZoneOffset.UTC),
        dir);
  }

  @Test
  void aServiceCountsOnlyForItsStoresWhileItsHeartbeatIsFreshAndUntilItStops() throws Exception {
    Instant start = Cli.NOW;
    ServiceMarker marker =
        new ServiceMarker(
            at(start),
            Map.of("default", STORE, "scratch", "memory"),
            Map.of("default", "jdbc", "scratch", "memory"),
            Duration.ofSeconds(1));

    assertThat(ServiceMarker.running(at(start.plusSeconds(8)), STORE))
        .hasValueSatisfying(r -> assertThat(r.pid()).isEqualTo(ProcessHandle.current().pid()));
    assertThat(ServiceMarker.running(at(start), "jdbc:sqlite:/srv/other.db")).isEmpty();
    assertThat(ServiceMarker.running(at(start), "memory")).isEmpty();
    // No beat for three polls and five seconds: the service hangs or was killed.
    assertThat(ServiceMarker.running(at(start.plusSeconds(9)), STORE)).isEmpty();

    marker.close();
    assertThat(ServiceMarker.running(at(start), STORE)).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }
}
