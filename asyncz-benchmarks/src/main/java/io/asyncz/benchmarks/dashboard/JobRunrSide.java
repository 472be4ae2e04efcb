package io.asyncz.benchmarks.dashboard;

import io.asyncz.benchmarks.Report;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.jobrunr.dashboard.JobRunrDashboardWebServer;
import org.jobrunr.dashboard.JobRunrDashboardWebServerConfiguration;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.storage.InMemoryStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * JobRunr's dashboard beside ours: its in-memory storage with its Jackson mapper, {@code tasks}
 * jobs scheduled over the next week (no background job server, so none runs), and its dashboard web
 * server. JobRunr's server binds every interface ({@code new InetSocketAddress(port)}; it has no
 * address setting), so it is given basic authentication with a random password for the run.
 */
final class JobRunrSide implements AutoCloseable {
  private final InMemoryStorageProvider storage;
  private final JobRunrDashboardWebServer server;
  private final URI url;
  private final String authorization;

  private JobRunrSide(
      InMemoryStorageProvider storage,
      JobRunrDashboardWebServer server,
      URI url,
      String authorization) {
    this.storage = storage;
    this.server = server;
    this.url = url;
    this.authorization = authorization;
  }

  /** Stores {@code jobs} scheduled jobs and starts the dashboard on a free port. */
  static JobRunrSide start(int jobs) throws Exception {
    JacksonJsonMapper json = new JacksonJsonMapper();
    InMemoryStorageProvider storage = new InMemoryStorageProvider();
    storage.setJobMapper(new JobMapper(json));
    JobScheduler scheduler = new JobScheduler(storage);
    Instant now = Clock.systemUTC().instant();
    for (int i = 0; i < jobs; i++) {
      int n = i;
      // The same spread as our tasks' next run times: within the next week.
      scheduler.schedule(now.plus(Duration.ofMinutes(5 + (i * 37L) % 10_000)), () -> work(n));
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    JobRunrDashboardWebServer server =
        new JobRunrDashboardWebServer(
            storage,
            json,
            JobRunrDashboardWebServerConfiguration.usingStandardDashboardConfiguration()
                .andPort(port)
                .andBasicAuthentication("bench", password)
                .andAllowAnonymousDataUsage(false));
    server.start();
    Report.progress("JobRunr dashboard: %,d scheduled jobs on port %d", jobs, port);
    return new JobRunrSide(
        storage,
        server,
        URI.create("http://127.0.0.1:" + port + "/"),
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("bench:" + password).getBytes(StandardCharsets.UTF_8)));
  }

  /** The job every scheduled job would run; none runs here. */
  public static void work(int n) {
    // nothing: the benchmark only lists the jobs
  }

  /** The dashboard's root. */
  URI url() {
    return url;
  }

  /** The {@code Authorization} header value. */
  String authorization() {
    return authorization;
  }

  @Override
  public void close() {
    server.stop();
    storage.close();
  }
}
