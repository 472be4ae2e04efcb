package io.asyncz.dashboard;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Who is asking: users with bcrypt hashes or the generated token, sessions with their CSRF tokens,
 * API tokens compared in constant time, and the login rate limit.
 */
final class Security {
  static final String COOKIE = "asyncz_session";
  static final String TOKEN_USER = "token";

  private final DashboardOptions options;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, ArrayDeque<Instant>> failures = new ConcurrentHashMap<>();
  private final byte[] tokenHash;
  private final String generatedToken;
  // A hash to check against when the user is unknown, so that a login for a user that does not
  // exist takes as long as one for a user that does (no user enumeration by timing).
  private final String dummyHash;

  /** A signed-in user. */
  record Principal(String user, Role role, Session session) {}

  /** A browser session. */
  static final class Session {
    final String id;
    final String user;
    final Role role;
    final String csrf;
    volatile Instant lastSeen;

    Session(String id, String user, Role role, String csrf, Instant now) {
      this.id = id;
      this.user = user;
      this.role = role;
      this.csrf = csrf;
      this.lastSeen = now;
    }
  }

  Security(DashboardOptions options, Clock clock) {
    this.options = options;
    this.clock = clock;
    if (options.users().isEmpty()) {
      String token = options.token() != null ? options.token() : randomToken();
      this.generatedToken = options.token() != null ? null : token;
      this.tokenHash = DashboardOptions.sha256(token);
    } else {
      this.generatedToken = null;
      this.tokenHash = null;
    }
    this.dummyHash =
        options.users().isEmpty() ? null : BCrypt.hashpw(randomToken(), BCrypt.gensalt());
  }

  /** The token generated at start, when no users and no token were configured. */
  Optional<String> generatedToken() {
    return Optional.ofNullable(generatedToken);
  }

  /** Whether the token login is on (no users configured). */
  boolean tokenMode() {
    return tokenHash != null;
  }

  String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The principal of a bearer token, if it is one we know; compared in constant time. */
  Optional<Principal> bearer(String token) {
    byte[] given = DashboardOptions.sha256(token);
    if (tokenHash != null && MessageDigest.isEqual(given, tokenHash)) {
      return Optional.of(new Principal(TOKEN_USER, Role.OPERATOR, null));
    }
    // Every configured token is compared, so the time taken does not tell which one was close.
    Principal found = null;
    for (Map.Entry<String, DashboardOptions.User> e : options.apiTokens().entrySet()) {
      byte[] known = hexBytes(e.getKey());
      if (MessageDigest.isEqual(given, known) && found == null) {
        found = new Principal(e.getValue().name(), e.getValue().role(), null);
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] hexBytes(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  /** The session a cookie names, if it is live; touching it keeps it alive. */
  Optional<Principal> session(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    Instant now = clock.instant();
    if (s == null) {
      return Optional.empty();
    }
    if (s.lastSeen.plus(options.sessionTimeout()).isBefore(now)) {
      sessions.remove(id);
      return Optional.empty();
    }
    s.lastSeen = now;
    return Optional.of(new Principal(s.user, s.role, s));
  }

  /** Whether the client or the user has failed to log in too often lately. */
  boolean limited(String client, String user) {
    return count("client:" + client) >= options.loginAttempts()
        || (user != null && count("user:" + user) >= options.loginAttempts());
  }

  private int count(String key) {
    ArrayDeque<Instant> times = failures.get(key);
    if (times == null) {
      return 0;
    }
    synchronized (times) {
      prune(times);
      return times.size();
    }
  }

  private void prune(ArrayDeque<Instant> times) {
    Instant oldest = clock.instant().minus(options.loginWindow());
    Iterator<Instant> it = times.iterator();
    while (it.hasNext() && it.next().isBefore(oldest)) {
      it.remove();
    }
  }

  private void failed(String client, String user) {
    if (failures.size() > 10_000) {
      failures
          .values()
          .removeIf(
              t -> {
                synchronized (t) {
                  prune(t);
                  return t.isEmpty();
                }
              });
    }
    for (String key :
        user == null
            ? new String[] {"client:" + client}
            : new String[] {"client:" + client, "user:" + user}) {
      ArrayDeque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
      synchronized (times) {
        times.addLast(clock.instant());
      }
    }
  }

  /**
   * Checks a login: a user's password, or (with no users) the token.
   *
   * @return the new session, or empty when refused (the failure is counted)
   */
  Optional<Session> login(String client, String user, String password, String token) {
    Principal p = null;
    if (tokenHash != null) {
      if (token != null && MessageDigest.isEqual(DashboardOptions.sha256(token), tokenHash)) {
        p = new Principal(TOKEN_USER, Role.OPERATOR, null);
      }
    } else if (user != null && password != null) {
      DashboardOptions.User u = options.users().get(user);
      boolean ok = matches(password, u != null ? u.hash() : dummyHash);
      if (ok && u != null) {
        p = new Principal(u.name(), u.role(), null);
      }
    }
    if (p == null) {
      failed(client, user);
      return Optional.empty();
    }
    Session s = new Session(randomToken(), p.user(), p.role(), randomToken(), clock.instant());
    sessions.put(s.id, s);
    return Optional.of(s);
  }

  private static boolean matches(String password, String hash) {
    try {
      return BCrypt.checkpw(password, hash);
    } catch (IllegalArgumentException tooLongOrBadHash) {
      return false;
    }
  }

  void logout(Session s) {
    sessions.remove(s.id);
  }

  /** Whether a CSRF header matches the session's token, in constant time. */
  static boolean csrfMatches(Session s, String header) {
    return header != null
        && MessageDigest.isEqual(
            header.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            s.csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
