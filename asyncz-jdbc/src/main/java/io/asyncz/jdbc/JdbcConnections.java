package io.asyncz.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import io.asyncz.InvalidInputException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * How the JDBC store gets its connections and bounds its waits on the database: the HikariCP pool
 * it builds from a URL (acquire and validation timeouts, the driver's connect and socket timeouts),
 * the statement timeout it puts on every statement, on its own pool or a caller's data source, and
 * committing on a connection that does not commit by itself.
 */
final class JdbcConnections {
  /** The longest timeout accepted: beyond it a wait is no timeout at all, and ints overflow. */
  static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  /** HikariCP's floor: below it HikariCP silently falls back to its defaults (30 s and 5 s). */
  static final Duration MIN_POOL_TIMEOUT = Duration.ofMillis(250);

  /**
   * How much longer than the statement timeout the socket waits for an answer: the statement
   * timeout asks a live server to cancel a slow statement, which keeps the connection; the socket
   * timeout, a little later, gives up on a server that no longer answers at all.
   */
  static final Duration SOCKET_MARGIN = Duration.ofSeconds(2);

  private JdbcConnections() {}

  /**
   * The pool of a store on {@code url}, named {@code asyncz-<alias>}, with four connections and the
   * store's timeouts; {@code pool} gives the pool once it is made (see {@link
   * #retireAllOnConnectionFailure}).
   *
   * @param username the user, or null when the URL or driver needs none
   * @param password the password, or null
   */
  static HikariDataSource openPool(
      String url,
      String username,
      String password,
      String alias,
      JdbcStore.Timeouts timeouts,
      Supplier<HikariDataSource> pool) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (username != null) {
      config.setUsername(username);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(4);
    config.setPoolName("asyncz-" + alias);
    configure(config, url, timeouts);
    retireAllOnConnectionFailure(config, pool);
    return new HikariDataSource(config);
  }

  /** Commits {@code c} unless it commits each statement by itself. */
  static void commit(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  /** Rolls {@code c} back unless it commits each statement by itself; a failure is ignored. */
  static void rollback(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // the connection is closed next
    }
  }

  /**
   * Checks a timeout option: above 0, at least {@code min}, at most {@link #MAX_TIMEOUT}.
   *
   * @param key the option's name as the user wrote it
   */
  static Duration checkTimeout(String key, Duration value, Duration min) {
    String problem = timeoutProblem(value, min);
    if (problem != null) {
      throw new InvalidInputException(key, value, problem);
    }
    return value;
  }

  /** What is wrong with a timeout, for a message, or null when nothing is. */
  static String timeoutProblem(Duration value, Duration min) {
    if (value == null || value.isNegative() || value.isZero()) {
      return "is not a positive duration; expected a timeout such as 5 (seconds) or PT5S";
    }
    if (value.compareTo(min) < 0) {
      return "is shorter than " + min.toMillis() + " ms, the shortest timeout HikariCP keeps";
    }
    if (value.compareTo(MAX_TIMEOUT) > 0) {
      return "is longer than 24 hours, the longest timeout accepted";
    }
    return null;
  }

  /** Whole seconds, rounded up: JDBC and the PostgreSQL driver count timeouts in seconds. */
  static int seconds(Duration timeout) {
    long s = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
    return (int) Math.max(1, s);
  }

  /**
   * Sets the pool's and the driver's timeouts on {@code config} for {@code url}: HikariCP's acquire
   * ({@code connectionTimeout}) and validation timeouts, and for PostgreSQL, MariaDB and MySQL the
   * driver's connect and socket timeouts. A driver property the URL sets itself is left to the URL.
   */
  static void configure(HikariConfig config, String url, JdbcStore.Timeouts timeouts) {
    config.setConnectionTimeout(timeouts.connect().toMillis());
    config.setValidationTimeout(timeouts.validation().toMillis());
    driverProperties(url, timeouts)
        .forEach((name, value) -> config.addDataSourceProperty((String) name, value));
  }

  /**
   * The driver's connect and socket timeouts for {@code url}, for PostgreSQL, MariaDB and MySQL; a
   * property the URL sets itself is left to the URL.
   */
  static Properties driverProperties(String url, JdbcStore.Timeouts timeouts) {
    Properties properties = new Properties();
    Duration socket = timeouts.statement().plus(SOCKET_MARGIN);
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      // pgjdbc counts in seconds: connectTimeout for the TCP connect, loginTimeout for the whole
      // login, socketTimeout for every read, cancelSignalTimeout for the connection that carries a
      // statement timeout's cancel request.
      property(properties, url, "connectTimeout", seconds(timeouts.connect()));
      property(properties, url, "loginTimeout", seconds(timeouts.connect()));
      property(properties, url, "cancelSignalTimeout", seconds(timeouts.connect()));
      property(properties, url, "socketTimeout", seconds(socket));
    } else if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
      // MariaDB Connector/J and MySQL Connector/J count in milliseconds.
      property(properties, url, "connectTimeout", timeouts.connect().toMillis());
      property(properties, url, "socketTimeout", socket.toMillis());
    }
    return properties;
  }

  private static void property(Properties properties, String url, String name, long value) {
    if (!setsProperty(url, name)) {
      properties.setProperty(name, Long.toString(value));
    }
  }

  /**
   * Connections opened from the driver one at a time, without a pool, with the user, password and
   * driver timeouts a pool would give them (see {@link JdbcStore#pooled()}).
   *
   * @param username the user, or null when the URL or driver needs none
   * @param password the password, or null
   */
  static DataSource unpooled(
      String url, String username, String password, JdbcStore.Timeouts timeouts) {
    Properties properties = driverProperties(url, timeouts);
    if (username != null) {
      properties.setProperty("user", username);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    return new DriverConnections(url, properties, seconds(timeouts.connect()));
  }

  /**
   * Whether the URL's parameters (after {@code ?}, separated by {@code &} or {@code ;}) name it.
   */
  static boolean setsProperty(String url, String name) {
    int query = url.indexOf('?');
    if (query < 0) {
      return false;
    }
    for (String parameter : url.substring(query + 1).split("[&;]")) {
      int eq = parameter.indexOf('=');
      String key = eq < 0 ? parameter : parameter.substring(0, eq);
      if (key.strip().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Makes the pool retire every connection as soon as one of them fails at the connection level
   * (SQLState class 08): they all lead to the same server, so after an outage the next call opens a
   * new connection instead of meeting another dead one (HikariCP skips validating a connection used
   * within the last 500 ms).
   */
  static void retireAllOnConnectionFailure(HikariConfig config, Supplier<HikariDataSource> pool) {
    config.setExceptionOverride(
        new SQLExceptionOverride() {
          @java.lang.Override
          public Override adjudicate(SQLException e) {
            if (isConnectionFailure(e)) {
              HikariDataSource ds = pool.get();
              if (ds != null && !ds.isClosed() && ds.getHikariPoolMXBean() != null) {
                ds.getHikariPoolMXBean().softEvictConnections();
              }
            }
            return Override.CONTINUE_EVICT;
          }
        });
  }

  static boolean isConnectionFailure(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      String state = s.getSQLState();
      if (state != null && state.startsWith("08")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code connection}, with {@code seconds} set as the query timeout of every statement made on
   * it, so that each store method sets it without having to remember to.
   */
  static Connection withStatementTimeout(Connection connection, int seconds) {
    return (Connection)
        Proxy.newProxyInstance(
            JdbcConnections.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              Object result = invoke(connection, method, args);
              if (result instanceof Statement statement && makesStatement(method)) {
                statement.setQueryTimeout(seconds);
              }
              return result;
            });
  }

  private static boolean makesStatement(Method method) {
    String name = method.getName();
    return name.equals("createStatement")
        || name.equals("prepareStatement")
        || name.equals("prepareCall");
  }

  private static Object invoke(Connection target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
