package io.asyncz.cli;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A store named on the command line ({@code --store [alias=]URL}): its alias, the store plugin's
 * alias and options, and the URL as shown (without a password).
 *
 * @param alias the store's alias in the scheduler
 * @param type the store plugin's alias: {@code file}, {@code jdbc}, {@code redis}, {@code mongodb}
 *     or {@code memory}
 * @param options the plugin's options
 * @param display the URL as logs and tables show it
 */
record StoreSpec(String alias, String type, Map<String, Object> options, String display) {

  /** What {@code --store} accepts, for messages. */
  static final String ACCEPTED =
      "expected [alias=]URL with URL one of file:DIR, jdbc:sqlite:FILE, jdbc:h2:..., "
          + "jdbc:postgresql://..., jdbc:mariadb://..., jdbc:mysql://..., redis://host[:port][/db],"
          + " mongodb://host[:port][/database] or memory";

  /** The embedded default: one SQLite file in {@code dir}, created on first use. */
  static StoreSpec embeddedDefault(Path dir) {
    Path file = dir.resolve("asyncz.db");
    return new StoreSpec(
        io.asyncz.scheduler.Scheduler.DEFAULT,
        "jdbc",
        new LinkedHashMap<>(Map.of("url", "jdbc:sqlite:" + file)),
        "jdbc:sqlite:" + file);
  }

  /**
   * Reads {@code [alias=]URL}; a URL without an alias gets {@code defaultAlias}.
   *
   * @param io resolves relative file paths
   * @throws InvalidInputException quoting the value and listing what is accepted
   */
  static StoreSpec parse(String value, String defaultAlias, Io io) {
    String alias = defaultAlias;
    String url = value.strip();
    int eq = url.indexOf('=');
    int colon = url.indexOf(':');
    if (eq > 0 && (colon < 0 || eq < colon)) {
      alias = url.substring(0, eq).strip();
      url = url.substring(eq + 1).strip();
      if (!Identifiers.isValidAlias(alias)) {
        Identifiers.checkAlias("--store alias in " + InvalidInputException.quote(value), alias);
      }
    }
    String lower = url.toLowerCase(Locale.ROOT);
    Map<String, Object> options = new LinkedHashMap<>();
    if (lower.equals("memory") || lower.equals("memory:")) {
      return new StoreSpec(alias, "memory", options, "memory");
    }
    if (lower.startsWith("file:")) {
      String dir = url.substring("file:".length());
      if (dir.startsWith("//")) {
        dir = dir.substring(2);
      }
      if (dir.isBlank()) {
        throw new InvalidInputException("--store", value, "names no directory; " + ACCEPTED);
      }
      Path path = io.resolve(dir);
      options.put("directory", path.toString());
      return new StoreSpec(alias, "file", options, "file:" + path);
    }
    if (lower.startsWith("jdbc:sqlite:")) {
      String file = url.substring("jdbc:sqlite:".length());
      if (file.isBlank()) {
        throw new InvalidInputException("--store", value, "names no file; " + ACCEPTED);
      }
      String jdbc = url;
      if (!file.startsWith(":memory:") && !file.startsWith("file:")) {
        Path path = io.resolve(file);
        jdbc = "jdbc:sqlite:" + path;
      }
      options.put("url", jdbc);
      return new StoreSpec(alias, "jdbc", options, jdbc);
    }
    if (lower.startsWith("jdbc:h2:")
        || lower.startsWith("jdbc:postgresql:")
        || lower.startsWith("jdbc:mariadb:")
        || lower.startsWith("jdbc:mysql:")) {
      options.put("url", url);
      return new StoreSpec(alias, "jdbc", options, withoutPassword(url));
    }
    if (lower.startsWith("redis://")) {
      return redis(value, alias, url, options);
    }
    if (lower.startsWith("mongodb://") || lower.startsWith("mongodb+srv://")) {
      options.put("uri", url);
      String database = uriPath(value, url);
      if (!database.isEmpty()) {
        options.put("database", database);
      }
      return new StoreSpec(alias, "mongodb", options, withoutPassword(url));
    }
    throw new InvalidInputException("--store", value, "is not a store URL; " + ACCEPTED);
  }

  private static StoreSpec redis(
      String value, String alias, String url, Map<String, Object> options) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidInputException("--store", value, "is not a valid URL; " + ACCEPTED);
    }
    if (uri.getHost() == null) {
      throw new InvalidInputException("--store", value, "names no host; " + ACCEPTED);
    }
    options.put("host", uri.getHost());
    if (uri.getPort() > 0) {
      options.put("port", uri.getPort());
    }
    String userInfo = uri.getUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int sep = userInfo.indexOf(':');
      options.put("password", sep >= 0 ? userInfo.substring(sep + 1) : userInfo);
    }
    String db = uriPath(value, url);
    if (!db.isEmpty()) {
      if (!db.matches("\\d{1,5}")) {
        throw new InvalidInputException(
            "--store", value, "has database \"" + db + "\"; expected a number such as /0");
      }
      options.put("database", Integer.parseInt(db));
    }
    return new StoreSpec(alias, "redis", options, withoutPassword(url));
  }

  private static String uriPath(String value, String url) {
    try {
      String path = new URI(url).getPath();
      return path == null ? "" : path.replaceFirst("^/", "");
    } catch (URISyntaxException e) {
      throw new InvalidInputException("--store", value, "is not a valid URL; " + ACCEPTED);
    }
  }

  /** The URL with any password replaced by {@code ***}, for logs and tables. */
  static String withoutPassword(String url) {
    return url.replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@")
        .replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
