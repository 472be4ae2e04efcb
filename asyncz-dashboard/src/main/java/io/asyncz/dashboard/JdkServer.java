package io.asyncz.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The JDK's HTTP server in front of the handler: the dashboard on a port of its own. */
final class JdkServer implements AutoCloseable {
  private static final int MAX_BODY = (1 << 20) + 1;

  private final HttpServer server;
  private final ExecutorService threads;

  /**
   * The JDK server's switch for {@code TCP_NODELAY} on the sockets it accepts, read once when its
   * configuration class loads. Off by default; with Nagle's algorithm on, a response written as
   * headers, then body, waited for the client's delayed acknowledgement of the headers: about 40 ms
   * added to most API responses on Linux (measured: a search 46 ms over HTTP against 4 ms in the
   * server).
   */
  static final String NO_DELAY = "sun.net.httpserver.nodelay";

  JdkServer(DashboardHandler handler, String host, int port, int maxStreams) throws IOException {
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true"); // unless the application chose; too late if it ran one
    }
    server = HttpServer.create(new InetSocketAddress(host, port), 64);
    AtomicInteger n = new AtomicInteger();
    // Room for every event stream (each holds a thread) plus a few for the other requests.
    int size = maxStreams + 8;
    threads =
        new ThreadPoolExecutor(
            size,
            size,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "asyncz-dashboard-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ((ThreadPoolExecutor) threads).allowCoreThreadTimeOut(true);
    server.setExecutor(threads);
    server.createContext("/", exchange -> serve(handler, exchange));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void serve(DashboardHandler handler, HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> headers = new HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!values.isEmpty()) {
                  headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
                }
              });
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY);
      }
      Request request =
          new Request(
              exchange.getRequestMethod().toUpperCase(Locale.ROOT),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              headers,
              body,
              exchange.getRemoteAddress().getAddress().getHostAddress(),
              false,
              "");
      Response response = handler.handle(request);
      for (Map.Entry<String, String> h : response.headers) {
        exchange.getResponseHeaders().add(h.getKey(), h.getValue());
      }
      boolean head = request.method().equals("HEAD");
      if (response.streamer != null) {
        exchange.sendResponseHeaders(response.status, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          response.streamer.stream(out);
        }
        return;
      }
      byte[] bytes = response.body;
      if (bytes.length == 0 || head) {
        exchange.sendResponseHeaders(response.status, -1);
      } else {
        exchange.sendResponseHeaders(response.status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
