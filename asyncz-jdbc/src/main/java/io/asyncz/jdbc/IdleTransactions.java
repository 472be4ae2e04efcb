package io.asyncz.jdbc;

import io.asyncz.InvalidInputException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;

/**
 * Asks the database to end a transaction its client left idle: PostgreSQL's {@code
 * idle_in_transaction_session_timeout} (9.6+), MariaDB's {@code idle_transaction_timeout} (10.3+),
 * set on each session the store uses, once per physical connection. Without it, a node whose host
 * is cut off from the database (no socket closed, packets just stop) in the middle of a claim keeps
 * the claim's row locks until the server's TCP keepalive ends its session, about two hours with
 * Linux's defaults, and the other nodes' claims skip those rows ({@code SKIP LOCKED}) meanwhile.
 *
 * <p>MySQL 8 has no such setting: its nearest, {@code wait_timeout}, closes every connection idle
 * that long, in a transaction or not, which a pool's idle connections are by design; the store
 * leaves it alone and warns once. A server that refuses the setting (an older version, a missing
 * privilege) gets one warning too, and the store goes on without it.
 */
final class IdleTransactions {
  /** The shortest timeout accepted, other than 0 (off): below it, slow networks end claims. */
  static final Duration MIN = Duration.ofSeconds(1);

  private final Duration timeout;
  // The physical connections already set: a pool hands the same ones out again and again. Weak,
  // so that a connection the pool retired is forgotten with it.
  private final Set<Connection> set =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  private volatile String statement;
  private volatile boolean givenUp;

  /**
   * The setting for {@code timeout}.
   *
   * @param timeout how long a transaction may stay idle, or zero for no limit
   */
  IdleTransactions(Duration timeout) {
    this.timeout = check("idle_transaction_timeout", timeout);
  }

  /** The timeout; zero when off. */
  Duration timeout() {
    return timeout;
  }

  /**
   * Checks an idle transaction timeout: zero (off), or from 1 s to 24 hours.
   *
   * @param key the option's name as the user wrote it
   */
  static Duration check(String key, Duration value) {
    String problem = problem(value);
    if (problem != null) {
      throw new InvalidInputException(key, value, problem);
    }
    return value;
  }

  /** What is wrong with an idle transaction timeout, for a message, or null when nothing is. */
  static String problem(Duration value) {
    if (value == null) {
      return "is missing; expected 0 (no limit) or a timeout such as 10 (seconds) or PT10S";
    }
    if (value.isNegative()) {
      return "is negative; expected 0 (no limit) or a timeout such as 10 (seconds) or PT10S";
    }
    if (!value.isZero() && value.compareTo(MIN) < 0) {
      return "is shorter than 1 s, which would end transactions that are only slow; expected 0"
          + " (no limit) or at least 1 s";
    }
    if (value.compareTo(JdbcConnections.MAX_TIMEOUT) > 0) {
      return "is longer than 24 hours, the longest timeout accepted";
    }
    return null;
  }

  /**
   * Sets the timeout on {@code c}'s session unless it is set already, off, or given up on.
   *
   * @throws SQLException when the connection fails (a refusal is logged instead)
   */
  void apply(Connection c, Logger logger) throws SQLException {
    if (timeout.isZero() || givenUp) {
      return;
    }
    Connection physical = physical(c);
    if (set.contains(physical)) {
      return;
    }
    String sql = statement;
    if (sql == null) {
      sql = statementFor(c, logger);
      if (sql == null) {
        givenUp = true;
        return;
      }
      statement = sql;
    }
    try (Statement s = c.createStatement()) {
      s.execute(sql);
      // On a connection that does not commit by itself the SET opened a transaction, and a
      // rollback of the store's work would undo it on PostgreSQL.
      JdbcConnections.commit(c);
    } catch (SQLException e) {
      if (JdbcConnections.isConnectionFailure(e)) {
        throw e;
      }
      JdbcConnections.rollback(c);
      givenUp = true;
      logger.warn(
          "The database refused \"{}\" ({}): a node cut off from it in the middle of a transaction"
              + " keeps that transaction's row locks until the server ends its session. Set"
              + " idle_transaction_timeout to 0 to go without, or upgrade the server (PostgreSQL"
              + " 9.6+, MariaDB 10.3+)",
          sql,
          e.getMessage());
      return;
    }
    set.add(physical);
  }

  /** The SET statement for {@code c}'s database, or null (after a warning where one is due). */
  private String statementFor(Connection c, Logger logger) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgres")) {
      return "SET idle_in_transaction_session_timeout = " + timeout.toMillis();
    }
    if (product.contains("mariadb")
        || (product.contains("mysql")
            && c.getMetaData()
                .getDatabaseProductVersion()
                .toLowerCase(Locale.ROOT)
                .contains("mariadb"))) {
      return "SET SESSION idle_transaction_timeout = " + JdbcConnections.seconds(timeout);
    }
    if (product.contains("mysql")) {
      logger.warn(
          "MySQL has no idle transaction timeout (its wait_timeout would close the pool's idle"
              + " connections too): a node cut off from it in the middle of a transaction keeps"
              + " that transaction's row locks until MySQL ends its session (wait_timeout, 8 hours"
              + " by default, or TCP keepalive). Set idle_transaction_timeout to 0 to silence this");
      return null;
    }
    return null; // SQLite, H2: in-process or single-node databases, no cluster mode
  }

  /** The driver's connection under a pool's proxy, or {@code c} when it wraps nothing. */
  private static Connection physical(Connection c) {
    try {
      Connection inner = c.unwrap(Connection.class);
      return inner != null ? inner : c;
    } catch (SQLException e) {
      return c;
    }
  }
}
