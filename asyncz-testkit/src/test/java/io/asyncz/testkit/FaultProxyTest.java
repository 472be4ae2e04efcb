package io.asyncz.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy against an echo server: each mode does what it says, and switches back. */
class FaultProxyTest {
  /** How long a read waits before the test calls it hung: a guard, not a measurement. */
  private static final int GUARD_MS = 20_000;

  /** How long a read waits to show that nothing arrives. */
  private static final int QUIET_MS = 300;

  private EchoServer echo;
  private FaultProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new EchoServer();
    proxy = FaultProxy.start("127.0.0.1", echo.port());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(proxy.host(), proxy.port());
    socket.setSoTimeout(GUARD_MS);
    socket.setTcpNoDelay(true);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(UTF_8));
    out.flush();
  }

  private static String receive(Socket socket, int length) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] bytes = in.readNBytes(length);
    return new String(bytes, UTF_8);
  }

  private static void assertNothingArrives(Socket socket) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout(QUIET_MS);
    try {
      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
    } finally {
      socket.setSoTimeout(before);
    }
  }

  /** The connection is over: a read sees the end of the stream or a reset, without waiting. */
  private static void assertClosed(Socket socket) {
    try {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    } catch (SocketException reset) {
      assertThat(reset).hasMessageContaining("reset");
    } catch (IOException e) {
      throw new AssertionError("expected the end of the stream or a reset", e);
    }
  }

  @Test
  void passForwardsBothWays() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "hello");
      assertThat(receive(socket, 5)).isEqualTo("hello");
      send(socket, "again");
      assertThat(receive(socket, 5)).isEqualTo("again");
    }
    assertThat(proxy.connectionsMade()).isEqualTo(1);
  }

  @Test
  void cutClosesOpenConnectionsAtOnceAndResetsNewOnesUntilPass() throws IOException {
    try (Socket open = connect()) {
      send(open, "ping");
      assertThat(receive(open, 4)).isEqualTo("ping");

      proxy.cut();

      assertClosed(open);
      assertThat(proxy.openConnections()).isZero();
      try (Socket refused = connect()) {
        assertClosed(refused);
      }
      assertThat(proxy.connectionsMade()).isEqualTo(1);
    }

    proxy.pass();

    try (Socket again = connect()) {
      send(again, "back");
      assertThat(receive(again, 4)).isEqualTo("back");
    }
  }

  @Test
  void aBlackholeKeepsConnectionsOpenAndHoldsTrafficUntilPass() throws IOException {
    try (Socket open = connect()) {
      send(open, "one");
      assertThat(receive(open, 3)).isEqualTo("one");
      long received = echo.received();

      proxy.blackhole();

      send(open, "two");
      try (Socket opened = connect()) {
        send(opened, "new");
        assertNothingArrives(open);
        assertNothingArrives(opened);
        assertThat(echo.received()).isEqualTo(received);
        assertThat(proxy.openConnections()).isEqualTo(2);

        proxy.pass();

        assertThat(receive(open, 3)).isEqualTo("two");
        assertThat(receive(opened, 3)).isEqualTo("new");
      }
    }
  }

  @Test
  void aBlackholeHoldsTheEndOfAStreamToo() throws IOException {
    try (Socket open = connect()) {
      send(open, "x");
      assertThat(receive(open, 1)).isEqualTo("x");
      proxy.blackhole();
      echo.closeConnections();
      assertNothingArrives(open);

      proxy.pass();

      assertClosed(open);
    }
  }

  @Test
  void aCutDropsWhatABlackholeHeld() throws IOException {
    try (Socket open = connect()) {
      proxy.blackhole();
      send(open, "lost");
      proxy.cut();
      assertClosed(open);
      proxy.pass();
    }
    assertThat(echo.received()).isZero();
  }

  @Test
  void slowDelaysEveryChunkInEachDirection() throws IOException {
    Duration delay = Duration.ofMillis(150);
    try (Socket socket = connect()) {
      proxy.slow(delay);
      long start = System.nanoTime();
      send(socket, "slow");
      assertThat(receive(socket, 4)).isEqualTo("slow");
      // The request and the echo each waited at least the delay; only a lower bound can be known.
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(delay.plus(delay));
    }
  }

  @Test
  void passReleasesChunksThatAreWaitingOutADelay() throws IOException {
    try (Socket socket = connect()) {
      proxy.slow(Duration.ofDays(1));
      send(socket, "held");
      assertNothingArrives(socket);

      proxy.pass();

      assertThat(receive(socket, 4)).isEqualTo("held");
    }
  }

  @Test
  void closeClosesConnectionsAndTheListener() throws IOException {
    try (Socket open = connect()) {
      proxy.close();
      assertClosed(open);
    }
    assertThatThrownBy(() -> new Socket(proxy.host(), proxy.port()).close())
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(proxy::pass)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aTargetThatIsDownResetsTheClient() throws IOException {
    // A port bound by a socket that does not listen: connecting to it is refused, and no other
    // process can start listening on it meanwhile (a port merely closed could be taken by one,
    // and was once, by a test server of another build on the same machine).
    try (Socket holder = new Socket()) {
      holder.bind(new InetSocketAddress("127.0.0.1", 0));
      assertTargetDownResetsTheClient(holder.getLocalPort());
    }
  }

  private static void assertTargetDownResetsTheClient(int port) throws IOException {
    try (FaultProxy toNothing = FaultProxy.start("127.0.0.1", port);
        Socket socket = new Socket(toNothing.host(), toNothing.port())) {
      socket.setSoTimeout(GUARD_MS);
      assertClosed(socket);
    }
  }

  @Test
  void badInputIsRefusedQuotingIt() {
    assertThatThrownBy(() -> proxy.slow(Duration.ZERO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> proxy.slow(Duration.ofSeconds(-1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> proxy.slow(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> FaultProxy.start("127.0.0.1", 70000))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> FaultProxy.start(" ", 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("host");
  }

  @Test
  void toStringSaysWhereToAndTheMode() {
    proxy.slow(Duration.ofMillis(5));
    assertThat(proxy.toString())
        .contains(String.valueOf(proxy.port()))
        .contains(String.valueOf(echo.port()))
        .contains("slow PT0.005S");
  }

  /** Echoes every connection back to itself and counts the bytes it received. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket listener;
    private final AtomicLong received = new AtomicLong();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    EchoServer() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(this::accept, "echo-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    long received() {
      return received.get();
    }

    private void accept() {
      while (true) {
        Socket socket;
        try {
          socket = listener.accept();
        } catch (IOException e) {
          return;
        }
        open.add(socket);
        Thread echo = new Thread(() -> echo(socket), "echo");
        echo.setDaemon(true);
        echo.start();
      }
    }

    private void echo(Socket socket) {
      byte[] buffer = new byte[1024];
      try (socket) {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          received.addAndGet(n);
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // the client went away
      } finally {
        open.remove(socket);
      }
    }

    void closeConnections() throws IOException {
      for (Socket socket : open) {
        socket.close();
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      closeConnections();
    }
  }
}
