package io.asyncz.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Change notices on PostgreSQL and Redis stores: a command that changed such a store sends a notice
 * on channel {@value #CHANNEL} ({@code NOTIFY} on the store's database, {@code PUBLISH} on its
 * Redis server), and the service, which listens on each of these stores, checks the stores at once
 * instead of at its next poll. Only {@code asyncz} commands send the notice; the poll still sees
 * every other change.
 */
final class StoreNotices {
  static final String CHANNEL = "asyncz_cli";
  private static final Logger LOG = LoggerFactory.getLogger("asyncz.cli");

  /** A store that carries notices: {@code postgresql} or {@code redis}, and its options. */
  record Target(String alias, String kind, Map<String, Object> options) {
    String url() {
      return String.valueOf(options.get("url"));
    }

    Properties properties() {
      Properties p = new Properties();
      if (options.get("username") != null) {
        p.setProperty("user", String.valueOf(options.get("username")));
      }
      if (options.get("password") != null) {
        p.setProperty("password", String.valueOf(options.get("password")));
      }
      return p;
    }

    Jedis jedis() {
      String host = String.valueOf(options.getOrDefault("host", "localhost"));
      int port = Integer.parseInt(String.valueOf(options.getOrDefault("port", 6379)));
      Jedis jedis = new Jedis(host, port);
      if (options.get("password") != null) {
        jedis.auth(String.valueOf(options.get("password")));
      }
      return jedis;
    }
  }

  private StoreNotices() {}

  /** The session's stores that carry notices. */
  static List<Target> targets(Session session) {
    List<Target> targets = new ArrayList<>();
    session
        .storeOptions()
        .forEach(
            (alias, options) -> {
              Object url = options.get("url");
              if (url instanceof String u
                  && u.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
                targets.add(new Target(alias, "postgresql", options));
              } else if ("redis".equals(session.storeTypes().get(alias))) {
                targets.add(new Target(alias, "redis", options));
              }
            });
    return targets;
  }

  /** Tells the services listening on the session's stores that something changed. */
  static void send(Session session) {
    for (Target t : targets(session)) {
      try {
        if (t.kind().equals("postgresql")) {
          try (Connection c = DriverManager.getConnection(t.url(), t.properties());
              Statement st = c.createStatement()) {
            st.execute("NOTIFY " + CHANNEL);
          }
        } else {
          try (Jedis jedis = t.jedis()) {
            jedis.publish(CHANNEL, t.alias());
          }
        }
      } catch (SQLException | RuntimeException e) {
        // The change is made; a service sees it at its next poll.
        LOG.debug("No change notice on store '{}': {}", t.alias(), e.toString());
      }
    }
  }

  /**
   * Listens on one store on a thread of its own and calls {@code onNotice} for each notice, until
   * closed; a lost connection is opened again after {@code retry}.
   */
  static final class Listener implements AutoCloseable {
    private final Target target;
    private final Runnable onNotice;
    private final Duration retry;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closed = lock.newCondition();
    private volatile boolean running = true;
    private volatile JedisPubSub subscription;

    Listener(Target target, Runnable onNotice, Duration retry) {
      this.target = target;
      this.onNotice = onNotice;
      this.retry = retry;
      this.thread = new Thread(this::run, "asyncz-cli-listen-" + target.alias());
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (running) {
        try {
          if (target.kind().equals("postgresql")) {
            listenPostgres();
          } else {
            listenRedis();
          }
        } catch (SQLException | RuntimeException e) {
          if (running) {
            LOG.warn(
                "Store '{}': change notices lost ({}); polling until they are back",
                target.alias(),
                e.toString());
            pause();
          }
        }
      }
    }

    private void listenPostgres() throws SQLException {
      try (Connection c = DriverManager.getConnection(target.url(), target.properties());
          Statement st = c.createStatement()) {
        st.execute("LISTEN " + CHANNEL);
        listening();
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notices = pg.getNotifications(500);
          if (notices != null && notices.length > 0) {
            onNotice.run();
          }
        }
      }
    }

    private void listenRedis() {
      try (Jedis jedis = target.jedis()) {
        JedisPubSub pubSub =
            new JedisPubSub() {
              @Override
              public void onSubscribe(String channel, int subscribedChannels) {
                listening();
              }

              @Override
              public void onMessage(String channel, String message) {
                onNotice.run();
              }
            };
        subscription = pubSub;
        if (running) {
          jedis.subscribe(pubSub, CHANNEL); // returns when close() unsubscribes
        }
      }
    }

    private void listening() {
      LOG.info("Store '{}': listening for change notices ({})", target.alias(), CHANNEL);
    }

    private void pause() {
      lock.lock();
      try {
        if (running) {
          closed.await(retry.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      running = false;
      JedisPubSub s = subscription;
      if (s != null) {
        try {
          s.unsubscribe();
        } catch (RuntimeException notSubscribed) {
          // not subscribed (yet, or any more): the loop ends on its own
        }
      }
      lock.lock();
      try {
        closed.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
