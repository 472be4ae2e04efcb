package io.asyncz.testkit;

import io.asyncz.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on a free loopback port in front of a server, whose faults a test switches at any
 * time, so that every store can be tried against the same network failures: {@link #pass()}
 * forwards, {@link #cut()} closes every open connection at once and refuses new ones (a server that
 * went down), {@link #blackhole()} keeps connections open but forwards nothing in either direction
 * (a server, or a network, that stopped answering), and {@link #slow(Duration)} delays every chunk
 * of data.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start("127.0.0.1", server.port())) {
 *   TaskStore store = storeOn(proxy.host(), proxy.port());
 *   proxy.blackhole();
 *   assertThatThrownBy(store::allTasks);   // within the store's timeouts
 *   proxy.pass();
 *   assertThat(store.allTasks()).hasSize(2);
 * }
 * }</pre>
 *
 * <p>Only the JDK: one daemon thread accepts, two daemon threads per connection copy the two
 * directions. In a blackhole the data a side sends is held, not dropped: it is delivered when the
 * proxy passes again, as TCP delivers what it retransmitted once a network heals, unless the
 * connection was cut or closed meanwhile. A chunk that was already being written when the mode
 * changed still arrives. While cut, new connections are accepted and reset at once, so the port
 * stays the proxy's and {@link #pass()} can serve it again.
 */
public final class FaultProxy implements AutoCloseable {
  private enum Mode {
    PASS,
    CUT,
    BLACKHOLE,
    SLOW
  }

  private static final int CHUNK = 16 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock; version counts mode changes, so a chunk waiting out a delay restarts its wait
  // when the delay is changed.
  private Mode mode = Mode.PASS;
  private Duration delay = Duration.ZERO;
  private long version;
  private boolean closed;

  private FaultProxy(InetSocketAddress target, ServerSocket listener) {
    this.target = target;
    this.listener = listener;
  }

  /**
   * Starts a proxy in {@code pass} mode on a free loopback port, forwarding to {@code host:port}.
   *
   * @throws IOException when no loopback port can be bound
   */
  public static FaultProxy start(String host, int port) throws IOException {
    if (host == null || host.isBlank()) {
      throw new InvalidInputException("host", host, "is empty; expected a host name or address");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidInputException("port", port, "is not a port; expected 1 to 65535");
    }
    return start(new InetSocketAddress(host, port));
  }

  /**
   * Starts a proxy in {@code pass} mode on a free loopback port, forwarding to {@code target}.
   *
   * @throws IOException when no loopback port can be bound
   */
  public static FaultProxy start(InetSocketAddress target) throws IOException {
    Objects.requireNonNull(target, "target");
    if (target.isUnresolved()) {
      throw new InvalidInputException(
          "target", target, "cannot be resolved; expected a reachable host and port");
    }
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    FaultProxy proxy = new FaultProxy(target, listener);
    Thread acceptor = new Thread(proxy::accept, "asyncz-fault-proxy-" + proxy.port());
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  /** The address clients connect to: the loopback address. */
  public String host() {
    return listener.getInetAddress().getHostAddress();
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Where clients connect to, as one address. */
  public InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), port());
  }

  /** Forwards in both directions, and delivers what a blackhole or a delay held back. */
  public void pass() {
    switchTo(Mode.PASS, Duration.ZERO);
  }

  /**
   * Closes every open connection at once, dropping what was held back, and resets new connections
   * as soon as they are made, until the mode changes.
   */
  public void cut() {
    switchTo(Mode.CUT, Duration.ZERO);
    for (Link link : links) {
      link.close();
    }
  }

  /**
   * Keeps open connections open and accepts new ones, but forwards nothing in either direction,
   * until the mode changes: a server that stopped answering.
   */
  public void blackhole() {
    switchTo(Mode.BLACKHOLE, Duration.ZERO);
  }

  /**
   * Forwards every chunk of data, in either direction, only after {@code delay}; a chunk waits its
   * delay from the time it arrived or from this call, whichever is later.
   *
   * @throws InvalidInputException when {@code delay} is null, zero or negative
   */
  public void slow(Duration delay) {
    if (delay == null || delay.isNegative() || delay.isZero()) {
      throw new InvalidInputException(
          "delay", delay, "is not a positive duration; expected e.g. Duration.ofMillis(200)");
    }
    switchTo(Mode.SLOW, delay);
  }

  /** The number of client connections open through the proxy now. */
  public int openConnections() {
    return links.size();
  }

  /** The number of client connections the proxy forwarded since it started (not those it reset). */
  public int connectionsMade() {
    return connections.get();
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      version++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Link link : links) {
      link.close();
    }
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      String state =
          closed
              ? "closed"
              : mode == Mode.SLOW ? "slow " + delay : mode.name().toLowerCase(Locale.ROOT);
      return "FaultProxy[" + host() + ":" + port() + " -> " + target + ", " + state + "]";
    } finally {
      lock.unlock();
    }
  }

  private void switchTo(Mode next, Duration nextDelay) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException(this + " is closed");
      }
      mode = next;
      delay = nextDelay;
      version++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private Mode mode() {
    lock.lock();
    try {
      return closed ? Mode.CUT : mode;
    } finally {
      lock.unlock();
    }
  }

  private void accept() {
    while (true) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (mode() == Mode.CUT) {
        reset(client);
        continue;
      }
      Socket server = new Socket();
      try {
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        server.connect(target);
      } catch (IOException e) {
        reset(client);
        closeQuietly(server);
        continue;
      }
      Link link = new Link(client, server);
      links.add(link);
      int n = connections.incrementAndGet();
      // A cut that came while this connection was being made must close it too.
      if (mode() == Mode.CUT) {
        link.close();
        continue;
      }
      link.pump(client, server, "asyncz-fault-proxy-" + port() + "-" + n + "-up");
      link.pump(server, client, "asyncz-fault-proxy-" + port() + "-" + n + "-down");
    }
  }

  /** Closes with an RST rather than a FIN, as a port nobody listens on answers. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // closed below anyway
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing more to do
    }
  }

  /**
   * Waits until a chunk of {@code link} may be forwarded: at once when passing, after the delay
   * when slow, never while a blackhole lasts.
   *
   * @return false when the link is cut or closed instead
   */
  private boolean awaitForwarding(Link link) throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (closed || link.closed || mode == Mode.CUT) {
          return false;
        }
        if (mode == Mode.PASS) {
          return true;
        }
        if (mode == Mode.BLACKHOLE) {
          changed.await();
          continue;
        }
        long seen = version;
        long left = delay.toNanos();
        while (left > 0 && version == seen && !link.closed) {
          left = changed.awaitNanos(left);
        }
        if (version == seen && !link.closed) {
          return true; // the delay was served in full
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** One client connection and its connection to the server. */
  private final class Link {
    private final Socket client;
    private final Socket server;
    private volatile boolean closed;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void pump(Socket from, Socket to, String name) {
      Thread thread = new Thread(() -> copy(from, to), name);
      thread.setDaemon(true);
      thread.start();
    }

    private void copy(Socket from, Socket to) {
      byte[] buffer = new byte[CHUNK];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (true) {
          int n = in.read(buffer);
          // An end of stream is data too: a blackhole holds it back like any chunk.
          if (!awaitForwarding(this) || n < 0) {
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // One side closed or was reset: the connection is over.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        close();
      }
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      links.remove(this);
      closeQuietly(client);
      closeQuietly(server);
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
