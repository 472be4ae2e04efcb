package io.asyncz.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The test's end of {@code Jobs::hold}: a loopback server that a held run connects to, so that the
 * test knows the run is under way in a worker (and which pid), and releases it when it wants.
 */
final class Holds implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> held = new ArrayList<>();

  Holds() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setSoTimeout(60_000);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Waits for the next held run to start, and returns its worker's pid. */
  long awaitRun() throws IOException {
    Socket socket = server.accept();
    held.add(socket);
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    return Long.parseLong(in.readLine());
  }

  /** Lets every held run return. */
  void releaseAll() throws IOException {
    for (Socket socket : held) {
      socket.getOutputStream().write(1);
      socket.getOutputStream().flush();
    }
  }

  @Override
  public void close() throws IOException {
    for (Socket socket : held) {
      socket.close();
    }
    server.close();
  }
}
