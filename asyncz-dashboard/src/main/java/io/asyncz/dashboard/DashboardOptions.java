package io.asyncz.dashboard;

import io.asyncz.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the dashboard is served and who may use it. Secure by default: bound to {@value
 * #DEFAULT_HOST}; with no users, a random token is generated at start and logged once; sessions
 * expire after {@link #DEFAULT_SESSION_TIMEOUT} idle.
 *
 * <pre>{@code
 * DashboardOptions options = DashboardOptions.builder()
 *     .port(8420)
 *     .user("alice", "$2a$10$...", Role.OPERATOR)   // a bcrypt hash, never a password
 *     .user("bob", "$2a$10$...", Role.VIEWER)
 *     .build();
 * }</pre>
 *
 * @param host the address to bind
 * @param port the port, or 0 for a free one
 * @param users user name to bcrypt hash and role
 * @param apiTokens SHA-256 of each API token to its user and role
 * @param token the login and API token used when no users are configured, or {@code null} to
 *     generate one at start
 * @param trustForwardedProto whether {@code X-Forwarded-Proto: https} from a proxy makes the
 *     session cookie {@code Secure}
 * @param sessionTimeout how long an idle session lasts
 * @param loginAttempts how many failed logins per client and per user within {@code loginWindow}
 *     before the next is refused with 429
 * @param loginWindow the window of {@code loginAttempts}
 * @param auditFile a file the audit log appends to as JSON lines, or {@code null}
 * @param maxStreams how many event streams may be open at once
 */
public record DashboardOptions(
    String host,
    int port,
    Map<String, User> users,
    Map<String, User> apiTokens,
    String token,
    boolean trustForwardedProto,
    Duration sessionTimeout,
    int loginAttempts,
    Duration loginWindow,
    Path auditFile,
    int maxStreams) {

  /** The address bound when none is given: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The port used when none is given. */
  public static final int DEFAULT_PORT = 8420;

  /** How long an idle session lasts when not told. */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(8);

  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}");

  /**
   * A user: a bcrypt hash (for a dashboard user; {@code null} for an API token) and a role.
   *
   * @param name the user's name, as the audit log records it
   * @param hash the bcrypt hash of the password, or {@code null}
   * @param role the role
   */
  public record User(String name, String hash, Role role) {}

  /** Copies the maps. */
  public DashboardOptions {
    users = Map.copyOf(users);
    apiTokens = Map.copyOf(apiTokens);
  }

  /** Starts the options, with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: loopback, port {@value #DEFAULT_PORT}, no users (a generated token). */
  public static DashboardOptions defaults() {
    return builder().build();
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
    }
    return s.toString();
  }

  /** Builds {@link DashboardOptions}; each setter checks its value. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, User> apiTokens = new LinkedHashMap<>();
    private String token;
    private boolean trustForwardedProto;
    private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
    private int loginAttempts = 5;
    private Duration loginWindow = Duration.ofMinutes(5);
    private Path auditFile;
    private int maxStreams = 32;

    private Builder() {}

    /**
     * The address to bind ({@value #DEFAULT_HOST} unless told: anything else exposes the dashboard
     * beyond this machine).
     */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new InvalidInputException(
            "host", host, "is blank; expected an address such as 127.0.0.1");
      }
      this.host = host.strip();
      return this;
    }

    /** The port, 0 for a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new InvalidInputException("port", port, "is out of range; expected 0 to 65535");
      }
      this.port = port;
      return this;
    }

    /**
     * Reads {@code HOST:PORT}, {@code :PORT}, {@code PORT} or {@code HOST}.
     *
     * @throws InvalidInputException quoting the address
     */
    public Builder address(String address) {
      String a = address == null ? "" : address.strip();
      int colon = a.lastIndexOf(':');
      String hostPart = colon >= 0 ? a.substring(0, colon) : (a.matches("\\d+") ? "" : a);
      String portPart = colon >= 0 ? a.substring(colon + 1) : (a.matches("\\d+") ? a : "");
      if (hostPart.startsWith("[") && hostPart.endsWith("]")) {
        hostPart = hostPart.substring(1, hostPart.length() - 1);
      }
      if (!portPart.isEmpty()) {
        if (!portPart.matches("\\d{1,5}") || Integer.parseInt(portPart) > 65535) {
          throw new InvalidInputException(
              "address", address, "has no valid port; expected HOST:PORT such as 127.0.0.1:8420");
        }
        port(Integer.parseInt(portPart));
      }
      if (!hostPart.isEmpty()) {
        host(hostPart);
      }
      if (a.isEmpty()) {
        throw new InvalidInputException("address", address, "is blank; expected HOST:PORT");
      }
      return this;
    }

    /**
     * Adds a user with the bcrypt hash of their password (made by any bcrypt tool, e.g. {@code
     * htpasswd -nbBC 10 alice PASSWORD}) and a role.
     *
     * @throws InvalidInputException when the hash is not a bcrypt hash, or the name is taken
     */
    public Builder user(String name, String bcryptHash, Role role) {
      if (name == null || name.isBlank() || name.length() > 64) {
        throw new InvalidInputException(
            "user", name, "is not a user name; expected 1 to 64 characters");
      }
      if (bcryptHash == null || !BCRYPT.matcher(bcryptHash).matches()) {
        throw new InvalidInputException(
            "password_hash of " + name,
            bcryptHash == null ? null : "(" + bcryptHash.length() + " characters)",
            "is not a bcrypt hash; expected $2a$10$ followed by 53 characters");
      }
      if (users.containsKey(name)) {
        throw new InvalidInputException("user", name, "is given twice");
      }
      users.put(name, new User(name, bcryptHash, java.util.Objects.requireNonNull(role, "role")));
      return this;
    }

    /**
     * Adds an API token ({@code Authorization: Bearer}) acting as {@code user} with {@code role};
     * only its SHA-256 is kept.
     *
     * @throws InvalidInputException when the token is shorter than 20 characters
     */
    public Builder apiToken(String user, String token, Role role) {
      checkToken("api token of " + user, token);
      apiTokens.put(
          hex(sha256(token)), new User(user, null, java.util.Objects.requireNonNull(role, "role")));
      return this;
    }

    /**
     * The token used when no users are configured (an operator), instead of a generated one: for a
     * service whose clients are configured with it.
     *
     * @throws InvalidInputException when shorter than 20 characters
     */
    public Builder token(String token) {
      checkToken("token", token);
      this.token = token;
      return this;
    }

    private static void checkToken(String what, String token) {
      if (token == null || token.strip().length() < 20) {
        throw new InvalidInputException(
            what,
            token == null ? null : "(" + token.length() + " characters)",
            "is too short; expected at least 20 random characters");
      }
    }

    /** Whether to believe a proxy's {@code X-Forwarded-Proto} (only behind a proxy you run). */
    public Builder trustForwardedProto(boolean trust) {
      this.trustForwardedProto = trust;
      return this;
    }

    /** How long an idle session lasts. */
    public Builder sessionTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new InvalidInputException("sessionTimeout", timeout, "is not positive");
      }
      this.sessionTimeout = timeout;
      return this;
    }

    /** How many failed logins per client and per user within {@code window} before 429. */
    public Builder loginLimit(int attempts, Duration window) {
      if (attempts < 1) {
        throw new InvalidInputException(
            "loginAttempts", attempts, "is out of range; expected 1 or more");
      }
      if (window == null || window.isNegative() || window.isZero()) {
        throw new InvalidInputException("loginWindow", window, "is not positive");
      }
      this.loginAttempts = attempts;
      this.loginWindow = window;
      return this;
    }

    /** A file the audit log appends to, one JSON line per action. */
    public Builder auditFile(Path file) {
      this.auditFile = file;
      return this;
    }

    /** How many event streams may be open at once (default 32). */
    public Builder maxStreams(int max) {
      if (max < 1 || max > 1000) {
        throw new InvalidInputException("maxStreams", max, "is out of range; expected 1 to 1000");
      }
      this.maxStreams = max;
      return this;
    }

    /** The options. */
    public DashboardOptions build() {
      return new DashboardOptions(
          host,
          port,
          users,
          apiTokens,
          token,
          trustForwardedProto,
          sessionTimeout,
          loginAttempts,
          loginWindow,
          auditFile,
          maxStreams);
    }
  }

  /** The user names, for messages. */
  List<String> userNames() {
    return List.copyOf(users.keySet());
  }
}
