package io.asyncz.jdbc;

import io.asyncz.InvalidInputException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the seed's SQLAlchemy database URLs ({@code
 * postgresql+psycopg://user:pw@host:5432/db}, {@code mysql+pymysql://...}, {@code
 * sqlite:///tasks.db}) into JDBC URLs, with the user and password apart, so that a configuration
 * written for Asyncz's {@code SQLAlchemyStore} works with the {@code sqlalchemy} alias as it is.
 */
final class SqlAlchemyUrls {
  /** A JDBC URL, and the user and password the SQLAlchemy URL named (null when it named none). */
  record Target(String url, String username, String password) {}

  private static final String EXAMPLES =
      "a JDBC URL (jdbc:postgresql://host:5432/db) or a SQLAlchemy URL for PostgreSQL, MySQL,"
          + " MariaDB or SQLite (postgresql+psycopg://user:pw@host:5432/db,"
          + " mysql+pymysql://user:pw@host:3306/db, sqlite:///tasks.db)";

  // SQLAlchemy's own pattern (sqlalchemy/engine/url.py, _parse_url), so that a URL is split
  // exactly as the seed's SQLAlchemy splits it: the password ends at the first '@', a host in
  // brackets is an IPv6 address, and the database runs up to the query.
  private static final Pattern URL =
      Pattern.compile(
          "(?<name>[\\w+]+)://"
              + "(?:(?<username>[^:/]*)(?::(?<password>[^@]*))?@)?"
              + "(?:(?:\\[(?<ipv6host>[^/?]+)]|(?<ipv4host>[^/:?]+))?(?::(?<port>[^/?]*))?)?"
              + "(?:/(?<database>[^?]*))?"
              + "(?:\\?(?<query>.*))?");

  private SqlAlchemyUrls() {}

  /**
   * The JDBC target of {@code value}: a JDBC URL as it is, or a SQLAlchemy URL translated.
   *
   * @param argument the option's name as the user wrote it, for messages
   * @throws InvalidInputException for anything else, saying what to write instead
   */
  static Target toJdbc(String argument, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(argument, value, "is empty; expected " + EXAMPLES);
    }
    if (value.startsWith("jdbc:")) {
      return new Target(value, null, null);
    }
    Matcher m = URL.matcher(value);
    if (!m.matches()) {
      throw new InvalidInputException(
          argument, value, "is not a database URL; expected " + EXAMPLES);
    }
    // Messages quote the URL without its password.
    String shown =
        m.group("password") == null
            ? value
            : value.substring(0, m.start("password")) + "***" + value.substring(m.end("password"));
    String name = m.group("name").toLowerCase(Locale.ROOT);
    String backend = name.contains("+") ? name.substring(0, name.indexOf('+')) : name;
    String username = decode(argument, shown, m.group("username"));
    String password = decode(argument, shown, m.group("password"));
    if (username != null && username.isEmpty()) {
      username = null;
    }
    String host =
        m.group("ipv6host") != null ? "[" + m.group("ipv6host") + "]" : m.group("ipv4host");
    String port = m.group("port");
    String database = m.group("database");
    String query = m.group("query");
    switch (backend) {
      case "postgresql", "mysql", "mariadb" -> {
        if (host == null || host.isEmpty()) {
          throw new InvalidInputException(
              argument,
              shown,
              "names no host, which for "
                  + backend
                  + " means a Unix socket; JDBC connects over TCP, so name the host, e.g. "
                  + backend
                  + "://user:pw@localhost/db");
        }
        StringBuilder url = new StringBuilder("jdbc:").append(jdbcScheme(backend)).append("://");
        url.append(host);
        if (port != null && !port.isEmpty()) {
          url.append(':').append(checkPort(argument, shown, port));
        }
        url.append('/').append(database == null ? "" : database);
        if (query != null && !query.isEmpty()) {
          url.append('?').append(query);
        }
        return new Target(url.toString(), username, password);
      }
      case "sqlite" -> {
        if (host != null || username != null || password != null || port != null) {
          throw new InvalidInputException(
              argument,
              shown,
              "names a host or a user, which a SQLite file has none of; expected sqlite:///"
                  + "relative/path.db or sqlite:////absolute/path.db");
        }
        if (database == null || database.isEmpty() || database.equals(":memory:")) {
          throw new InvalidInputException(
              argument,
              shown,
              "is a SQLite database in memory, which is a new, empty database for each pooled"
                  + " connection; expected a file, e.g. sqlite:///tasks.db (or use the memory"
                  + " store)");
        }
        return new Target(
            "jdbc:sqlite:" + database + (query == null || query.isEmpty() ? "" : "?" + query),
            null,
            null);
      }
      default ->
          throw new InvalidInputException(
              argument,
              shown,
              "is a SQLAlchemy URL for "
                  + backend
                  + ", which this store does not translate; expected a JDBC URL for it"
                  + " (jdbc:...), with its JDBC driver on the class path");
    }
  }

  /**
   * The JDBC scheme for a backend. SQLAlchemy's {@code mysql} names MySQL and MariaDB alike; it
   * becomes {@code jdbc:mysql:} unless only MariaDB's driver is on the class path (MariaDB
   * Connector/J refuses {@code jdbc:mysql:} by default, and speaks to MySQL servers too).
   */
  private static String jdbcScheme(String backend) {
    return switch (backend) {
      case "mysql" ->
          !present("com.mysql.cj.jdbc.Driver") && present("org.mariadb.jdbc.Driver")
              ? "mariadb"
              : "mysql";
      default -> backend;
    };
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, SqlAlchemyUrls.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static String checkPort(String argument, String value, String port) {
    try {
      int p = Integer.parseInt(port);
      if (p >= 1 && p <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException(
        argument, value, "has the port \"" + port + "\"; expected a port from 1 to 65535");
  }

  /** Percent-decodes a user or password, as SQLAlchemy does ({@code p%40ss} is {@code p@ss}). */
  private static String decode(String argument, String value, String part) {
    if (part == null) {
      return null;
    }
    try {
      // '+' is a plus in a URL's user and password, not a space as in a form.
      return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          argument, value, "has a malformed %-escape in its user or password; expected %XX");
    }
  }
}
