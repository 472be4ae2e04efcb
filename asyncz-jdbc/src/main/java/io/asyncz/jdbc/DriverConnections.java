package io.asyncz.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections opened from the driver one at a time, without a pool: for a store that serves one
 * short command (the {@code asyncz} command line's {@code list}, {@code add}, ...), where starting
 * a pool, its threads and its first connections costs more than the few connections the command
 * opens. Each connection gets the driver properties the pool would give it (its connect and socket
 * timeouts); closing a connection closes it.
 */
final class DriverConnections implements DataSource {
  private final String url;
  private final Properties properties;
  private final int loginSeconds;

  DriverConnections(String url, Properties properties, int loginSeconds) {
    this.url = url;
    this.properties = properties;
    this.loginSeconds = loginSeconds;
  }

  /** The properties each connection is opened with: user, password, driver timeouts. */
  Properties properties() {
    return (Properties) properties.clone();
  }

  @Override
  public Connection getConnection() throws SQLException {
    DriverManager.setLoginTimeout(loginSeconds);
    return DriverManager.getConnection(url, properties);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the store's own credentials are used");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // nothing is logged here
  }

  @Override
  public void setLoginTimeout(int seconds) {
    throw new UnsupportedOperationException("the store's connect timeout is used");
  }

  @Override
  public int getLoginTimeout() {
    return loginSeconds;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper for " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
