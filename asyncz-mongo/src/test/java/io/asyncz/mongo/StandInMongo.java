package io.asyncz.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A MongoDB stand-in: no real mongod can be had in this build, so the tests speak the MongoDB wire
 * protocol through the official driver to mongo-java-server (in-memory backend) on a free loopback
 * port.
 */
final class StandInMongo implements AutoCloseable {
  private final MongoServer server;
  private final int port;

  private StandInMongo(MongoServer server, int port) {
    this.server = server;
    this.port = port;
  }

  static StandInMongo start() throws IOException {
    return start(false);
  }

  /**
   * A stand-in that keeps an oplog, so that it sends change streams as a replica set does (without
   * it, {@code watch} fails with error -1).
   */
  static StandInMongo startWithOplog() throws IOException {
    return start(true);
  }

  private static StandInMongo start(boolean oplog) throws IOException {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      MemoryBackend backend = new MemoryBackend();
      if (oplog) {
        backend.enableOplog();
      }
      MongoServer server = new MongoServer(backend);
      try {
        server.bind("127.0.0.1", port);
        return new StandInMongo(server, port);
      } catch (RuntimeException e) {
        last = e; // the port was taken meanwhile: try another
        server.shutdownNow();
      }
    }
    throw last;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  String uri() {
    return "mongodb://127.0.0.1:" + port;
  }

  MongoClient client() {
    return MongoClients.create(uri());
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
