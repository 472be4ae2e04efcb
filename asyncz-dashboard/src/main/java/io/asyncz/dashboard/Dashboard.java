package io.asyncz.dashboard;

import io.asyncz.admin.AuditLog;
import io.asyncz.admin.SchedulerOperations;
import io.asyncz.scheduler.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard and its remote JSON API, served on a port of its own by the JDK's HTTP server.
 *
 * <pre>{@code
 * try (Dashboard dashboard = Dashboard.serve(scheduler, DashboardOptions.defaults())) {
 *   System.out.println(dashboard.url() + " token " + dashboard.generatedToken().orElse("-"));
 *   ...
 * }
 * }</pre>
 *
 * <p>To mount it in a host application's web server instead, see {@link DashboardServlet}.
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("asyncz.dashboard");

  private final DashboardHandler handler;
  private final JdkServer server;
  private final SchedulerOperations ownOps;
  private final URI url;

  private Dashboard(
      DashboardHandler handler, JdkServer server, SchedulerOperations ownOps, String host) {
    this.handler = handler;
    this.server = server;
    this.ownOps = ownOps;
    String h = host.contains(":") ? "[" + host + "]" : host;
    this.url = URI.create("http://" + h + ":" + server.port() + "/");
  }

  /**
   * Serves the dashboard of {@code scheduler} with operations of its own (an audit log in memory,
   * or appended to the options' audit file; no run history).
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static Dashboard serve(Scheduler scheduler, DashboardOptions options) {
    SchedulerOperations.Builder b = SchedulerOperations.builder(scheduler);
    if (options.auditFile() != null) {
      b.audit(AuditLog.appendingTo(options.auditFile(), AuditLog.DEFAULT_CAPACITY));
    }
    SchedulerOperations ops = b.build();
    try {
      return start(ops, options, ops);
    } catch (RuntimeException e) {
      ops.close();
      throw e;
    }
  }

  /**
   * Serves the dashboard over operations the caller built (with its run history, audit log and
   * function check); closing the dashboard leaves them open.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static Dashboard serve(SchedulerOperations ops, DashboardOptions options) {
    return start(ops, options, null);
  }

  private static Dashboard start(
      SchedulerOperations ops, DashboardOptions options, SchedulerOperations own) {
    DashboardHandler handler = new DashboardHandler(ops, options);
    JdkServer server;
    try {
      server = new JdkServer(handler, options.host(), options.port(), options.maxStreams());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve the dashboard on "
              + options.host()
              + ":"
              + options.port()
              + ": "
              + e.getMessage(),
          e);
    }
    Dashboard d = new Dashboard(handler, server, own, options.host());
    if (handler.security().generatedToken().isPresent()) {
      // Logged once, at start: the only way to learn it when no users are configured.
      LOG.info(
          "Dashboard at {} (no users configured: log in with token {})",
          d.url,
          handler.security().generatedToken().get());
    } else {
      LOG.info("Dashboard at {}", d.url);
    }
    return d;
  }

  /** The dashboard's address, e.g. {@code http://127.0.0.1:8420/}. */
  public URI url() {
    return url;
  }

  DashboardHandler handler() {
    return handler;
  }

  /** The port it listens on. */
  public int port() {
    return server.port();
  }

  /** The token generated at start when no users and no token were configured. */
  public Optional<String> generatedToken() {
    return handler.security().generatedToken();
  }

  /** Stops serving: ends the event streams, closes the server (and operations it made itself). */
  @Override
  public void close() {
    handler.close();
    server.close();
    if (ownOps != null) {
      ownOps.close();
    }
  }
}
