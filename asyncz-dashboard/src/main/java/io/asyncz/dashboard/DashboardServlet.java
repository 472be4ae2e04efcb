package io.asyncz.dashboard;

import io.asyncz.admin.SchedulerOperations;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard mounted in a host application's servlet container (the Spring Boot starter maps it
 * under a path such as {@code /asyncz/*}): the same handler, security and API as {@link Dashboard},
 * with the host's server, port and TLS. The session cookie's path is the mount path.
 *
 * <pre>{@code
 * ServletRegistration.Dynamic reg = context.addServlet("asyncz",
 *     new DashboardServlet(SchedulerOperations.builder(scheduler).build(), options));
 * reg.addMapping("/asyncz/*");
 * }</pre>
 */
public final class DashboardServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BODY = (1 << 20) + 1;

  private final transient DashboardHandler handler;

  /** A servlet over {@code ops}; the options' host and port are not used (the host serves). */
  public DashboardServlet(SchedulerOperations ops, DashboardOptions options) {
    this.handler = new DashboardHandler(ops, options);
  }

  /** The token generated when no users and no token were configured. */
  public Optional<String> generatedToken() {
    return handler.security().generatedToken();
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Map<String, String> headers = new HashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headers.put(name.toLowerCase(Locale.ROOT), req.getHeader(name));
    }
    byte[] body;
    try (InputStream in = req.getInputStream()) {
      body = in.readNBytes(MAX_BODY);
    }
    String mount = req.getContextPath() + req.getServletPath();
    String uri = req.getRequestURI();
    String path = uri.length() > mount.length() ? uri.substring(mount.length()) : "/";
    Response response =
        handler.handle(
            new Request(
                req.getMethod().toUpperCase(Locale.ROOT),
                path,
                req.getQueryString(),
                headers,
                body,
                req.getRemoteAddr(),
                req.isSecure(),
                mount));
    resp.setStatus(response.status);
    for (Map.Entry<String, String> h : response.headers) {
      resp.addHeader(h.getKey(), h.getValue());
    }
    if (response.streamer != null) {
      resp.flushBuffer();
      try (OutputStream out = resp.getOutputStream()) {
        response.streamer.stream(out);
      }
      return;
    }
    if (response.body.length > 0 && !req.getMethod().equals("HEAD")) {
      resp.setContentLength(response.body.length);
      try (OutputStream out = resp.getOutputStream()) {
        out.write(response.body);
      }
    }
  }

  /** Ends the open event streams. */
  @Override
  public void destroy() {
    handler.close();
  }
}
