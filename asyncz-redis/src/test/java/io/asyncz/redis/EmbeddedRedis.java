package io.asyncz.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/**
 * A real Redis server (from the embedded-redis artifact) on a free loopback port. Public, and
 * shipped in this module's test-jar, for {@code asyncz-benchmarks}.
 */
public final class EmbeddedRedis implements AutoCloseable {
  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a server without persistence on a free loopback port. */
  public static EmbeddedRedis start() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      RedisServer server =
          RedisServer.newRedisServer()
              .bind("127.0.0.1")
              .port(port)
              .setting("save \"\"")
              .setting("appendonly no")
              .build();
      try {
        server.start();
        return new EmbeddedRedis(server, port);
      } catch (IOException e) {
        last = e; // the port was taken meanwhile: try another
        try {
          server.stop();
        } catch (IOException ignored) {
          // not running
        }
      }
    }
    throw last;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The server's port. */
  public int port() {
    return port;
  }

  /** A new pooled client of the server; the caller closes it. */
  public JedisPooled client() {
    return new JedisPooled(new HostAndPort("127.0.0.1", port));
  }

  @Override
  public void close() throws IOException {
    server.stop();
  }
}
