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

/**
 * Change notices on PostgreSQL stores: a command that changed a PostgreSQL store sends {@code
 * NOTIFY asyncz_cli}, and the service, which {@code LISTEN}s on each of its PostgreSQL stores,
 * checks the stores at once instead of at its next poll. Only {@code asyncz} commands send the
 * notice; the poll still sees every other change.
 */
final class StoreNotices {
  static final String CHANNEL = "asyncz_cli";
  private static final Logger LOG = LoggerFactory.getLogger("asyncz.cli");

  /** A PostgreSQL store's connection settings. */
  record Target(String alias, String url, Properties properties) {}

  private StoreNotices() {}

  /** The session's PostgreSQL stores. */
  static List<Target> targets(Session session) {
    List<Target> targets = new ArrayList<>();
    session
        .storeOptions()
        .forEach(
            (alias, options) -> {
              Object url = options.get("url");
              if (url instanceof String u
                  && u.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
                Properties p = new Properties();
                copy(options, "username", p, "user");
                copy(options, "password", p, "password");
                targets.add(new Target(alias, u, p));
              }
            });
    return targets;
  }

  private static void copy(Map<String, Object> from, String key, Properties to, String as) {
    if (from.get(key) != null) {
      to.setProperty(as, String.valueOf(from.get(key)));
    }
  }

  /** Tells the services listening on the session's PostgreSQL stores that something changed. */
  static void send(Session session) {
    for (Target t : targets(session)) {
      try (Connection c = DriverManager.getConnection(t.url(), t.properties());
          Statement st = c.createStatement()) {
        st.execute("NOTIFY " + CHANNEL);
      } catch (SQLException e) {
        // The change is made; a service sees it at its next poll.
        LOG.debug("No change notice on store '{}': {}", t.alias(), e.toString());
      }
    }
  }

  /**
   * Listens on one store on a thread of its own and calls {@code onNotice} for each notice (or
   * burst of notices), until closed; a lost connection is opened again after {@code retry}.
   */
  static final class Listener implements AutoCloseable {
    private final Target target;
    private final Runnable onNotice;
    private final Duration retry;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closed = lock.newCondition();
    private volatile boolean running = true;

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
        try (Connection c = DriverManager.getConnection(target.url(), target.properties());
            Statement st = c.createStatement()) {
          st.execute("LISTEN " + CHANNEL);
          LOG.info("Store '{}': listening for change notices ({})", target.alias(), CHANNEL);
          PGConnection pg = c.unwrap(PGConnection.class);
          while (running) {
            PGNotification[] notices = pg.getNotifications(500);
            if (notices != null && notices.length > 0) {
              onNotice.run();
            }
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
