package io.asyncz.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncz.InvalidInputException;
import io.asyncz.admin.AdminJson;
import io.asyncz.admin.EventView;
import io.asyncz.admin.OperationError;
import io.asyncz.admin.Parameters;
import io.asyncz.admin.SchedulerOperations;
import io.asyncz.admin.TaskFilter;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's one handler, independent of the HTTP server: the JDK server and the servlet
 * adapter both hand it a {@link Request} and write the {@link Response} it gives. It authenticates,
 * checks CSRF and roles, routes the API to the operations layer, serves the static assets and sets
 * the security headers on every response.
 */
final class DashboardHandler {
  static final String API = "/api/v1";
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";
  private static final Logger LOG = LoggerFactory.getLogger("asyncz.dashboard");
  private static final int MAX_BODY = 1 << 20;
  private static final String STATIC = "io/asyncz/dashboard/static/";
  private static final ObjectMapper JSON = AdminJson.mapper();

  private final SchedulerOperations ops;
  private final DashboardOptions options;
  private final Security security;
  private final List<Route> routes = new ArrayList<>();
  private final AtomicInteger streams = new AtomicInteger();
  private volatile boolean closed;
  private final byte[] openApi;

  /** What a route does, given the request, its path variables and the acting user's operations. */
  @FunctionalInterface
  interface Action {
    Response apply(Request request, List<String> vars, SchedulerOperations ops) throws IOException;
  }

  /**
   * One API route.
   *
   * @param method the HTTP method
   * @param pattern the path under {@code /api/v1}, with {@code {name}} for a variable segment
   * @param role the least role that may call it
   * @param action what it does
   */
  record Route(String method, String pattern, Role role, Action action) {
    List<String> match(String[] segments) {
      String[] parts = pattern.substring(1).split("/");
      if (parts.length != segments.length) {
        return null;
      }
      List<String> vars = new ArrayList<>();
      for (int i = 0; i < parts.length; i++) {
        if (parts[i].startsWith("{")) {
          vars.add(segments[i]);
        } else if (!parts[i].equals(segments[i])) {
          return null;
        }
      }
      return vars;
    }
  }

  DashboardHandler(SchedulerOperations ops, DashboardOptions options) {
    this.ops = ops;
    this.options = options;
    this.security = new Security(options, ops.scheduler().clock());
    this.openApi = resource("io/asyncz/dashboard/openapi.json");
    defineRoutes();
  }

  Security security() {
    return security;
  }

  List<Route> routes() {
    return List.copyOf(routes);
  }

  /** Ends the open event streams. */
  void close() {
    closed = true;
  }

  private void route(String method, String pattern, Role role, Action action) {
    routes.add(new Route(method, pattern, role, action));
  }

  private void defineRoutes() {
    Role v = Role.VIEWER;
    Role o = Role.OPERATOR;
    route("GET", "/info", v, (r, x, op) -> json(200, op.info()));
    route("GET", "/instances", v, (r, x, op) -> json(200, Map.of("instances", op.instances())));
    route("GET", "/doctor", v, (r, x, op) -> json(200, Map.of("checks", op.doctor())));
    route(
        "GET",
        "/tasks",
        v,
        (r, x, op) -> json(200, op.listTasks(TaskFilter.fromParameters(params(r)))));
    route("POST", "/tasks", o, (r, x, op) -> json(201, op.createTask(body(r))));
    route("POST", "/tasks/bulk", o, (r, x, op) -> bulk(r, op));
    route("GET", "/tasks/{id}", v, (r, x, op) -> json(200, op.getTask(x.get(0))));
    route(
        "DELETE",
        "/tasks/{id}",
        o,
        (r, x, op) -> {
          op.removeTask(x.get(0));
          return Response.empty(204);
        });
    route(
        "PATCH",
        "/tasks/{id}",
        o,
        (r, x, op) -> {
          Map<String, String> p = params(r);
          only(p, "dry_run");
          return json(200, op.updateTask(x.get(0), body(r), Parameters.bool(p, "dry_run", false)));
        });
    route("POST", "/tasks/{id}/run", o, (r, x, op) -> json(200, op.runTask(x.get(0))));
    route("POST", "/tasks/{id}/pause", o, (r, x, op) -> json(200, op.pauseTask(x.get(0))));
    route(
        "POST",
        "/tasks/{id}/resume",
        o,
        (r, x, op) -> {
          Optional<?> task = op.resumeTask(x.get(0));
          return task.isPresent()
              ? json(200, task.get())
              : json(200, Map.of("id", x.get(0), "removed", true));
        });
    route(
        "GET",
        "/tasks/{id}/preview",
        v,
        (r, x, op) -> {
          Map<String, String> p = params(r);
          only(p, "count");
          return json(200, op.previewTask(x.get(0), Parameters.integer(p, "count", 10)));
        });
    route(
        "POST",
        "/preview",
        v,
        (r, x, op) -> {
          Map<String, String> p = params(r);
          only(p, "count");
          return json(200, op.previewSpec(body(r), Parameters.integer(p, "count", 10)));
        });
    route(
        "GET",
        "/timeline",
        v,
        (r, x, op) -> {
          Map<String, String> p = params(r);
          only(p, "hours", "limit");
          return json(
              200,
              op.timeline(Parameters.integer(p, "hours", 24), Parameters.integer(p, "limit", 500)));
        });
    route("GET", "/runs", v, (r, x, op) -> json(200, op.runs(runQuery(params(r)))));
    route(
        "GET",
        "/runs/{run_id}",
        v,
        (r, x, op) ->
            op.findRun(x.get(0))
                .map(run -> json(200, run))
                .orElseGet(
                    () ->
                        error(
                            new OperationError(
                                404,
                                "not_found",
                                "No run with id " + InvalidInputException.quote(x.get(0)),
                                "run_id",
                                x.get(0),
                                null))));
    route(
        "GET",
        "/events",
        v,
        (r, x, op) -> {
          Map<String, String> p = params(r);
          only(p, "limit");
          return json(
              200, Map.of("events", op.recentEvents(Parameters.integer(p, "limit", 100, 1, 1000))));
        });
    route("GET", "/events/stream", v, (r, x, op) -> stream(r));
    route(
        "GET",
        "/audit",
        v,
        (r, x, op) -> {
          Map<String, String> p = params(r);
          only(p, "limit");
          return json(
              200, Map.of("entries", op.audit(Parameters.integer(p, "limit", 100, 1, 1000))));
        });
    route("GET", "/quarantine", v, (r, x, op) -> json(200, Map.of("records", op.quarantine())));
    route(
        "POST",
        "/quarantine/{store}/{task_id}/restore",
        o,
        (r, x, op) -> json(200, op.restoreQuarantined(x.get(0), x.get(1))));
    route(
        "DELETE",
        "/quarantine/{store}/{task_id}",
        o,
        (r, x, op) -> {
          op.discardQuarantined(x.get(0), x.get(1));
          return Response.empty(204);
        });
  }

  // ------------------------------------------------------------------ entry point

  /** Answers a request; never throws. */
  Response handle(Request request) {
    Response response;
    try {
      response = dispatch(request);
    } catch (InvalidInputException e) {
      response = error(OperationError.of(e));
    } catch (RuntimeException e) {
      OperationError err = OperationError.of(e);
      if (err.status() >= 500) {
        LOG.error("{} {} failed", request.method(), request.path(), e);
      }
      response = error(err);
    } catch (IOException e) {
      response = error(OperationError.of(500, "internal", "internal error: I/O"));
    }
    return secured(response, request);
  }

  private Response secured(Response r, Request request) {
    r.header("Content-Security-Policy", CSP)
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Cross-Origin-Opener-Policy", "same-origin")
        .header("Cross-Origin-Resource-Policy", "same-origin");
    if (secure(request)) {
      r.header("Strict-Transport-Security", "max-age=31536000");
    }
    return r;
  }

  private boolean secure(Request r) {
    return r.secure()
        || (options.trustForwardedProto()
            && "https".equalsIgnoreCase(String.valueOf(r.header("x-forwarded-proto")).strip()));
  }

  private Response dispatch(Request r) throws IOException {
    String path = r.path() == null || r.path().isEmpty() ? "/" : r.path();
    if (path.equals("/login")) {
      return r.method().equals("POST") ? login(r) : methodNotAllowed("POST");
    }
    if (path.equals("/logout")) {
      return r.method().equals("POST") ? logout(r) : methodNotAllowed("POST");
    }
    if (path.equals(API + "/openapi.json")) {
      return Response.bytes(200, "application/json", openApi).header("Cache-Control", "no-cache");
    }
    if (path.equals(API) || path.startsWith(API + "/")) {
      return api(r, path.substring(API.length()));
    }
    if (r.method().equals("GET") || r.method().equals("HEAD")) {
      return asset(path);
    }
    return error(
        OperationError.of(404, "not_found", "No such page: " + InvalidInputException.quote(path)));
  }

  private Response api(Request r, String sub) throws IOException {
    String[] raw = sub.length() <= 1 ? new String[] {""} : sub.substring(1).split("/", -1);
    String[] segments = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      segments[i] = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
    }
    Route found = null;
    List<String> vars = null;
    List<String> allowed = new ArrayList<>();
    for (Route route : routes) {
      List<String> v = route.match(segments);
      if (v != null) {
        allowed.add(route.method());
        if (route.method().equals(r.method())) {
          found = route;
          vars = v;
        }
      }
    }
    Optional<Security.Principal> who = authenticate(r);
    if (who.isEmpty()) {
      return error(
          OperationError.of(
              401,
              "unauthenticated",
              "Not logged in: log in at POST /login, or send Authorization: Bearer <token>"));
    }
    if (sub.equals("/session") && r.method().equals("GET")) {
      Security.Principal p = who.get();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("user", p.user());
      body.put("role", p.role().label());
      body.put("csrf_token", p.session() == null ? null : p.session().csrf);
      return json(200, body);
    }
    if (found == null) {
      return allowed.isEmpty()
          ? error(
              OperationError.of(
                  404, "not_found", "No such endpoint: " + InvalidInputException.quote(API + sub)))
          : methodNotAllowed(String.join(", ", allowed));
    }
    Security.Principal p = who.get();
    boolean changing = !r.method().equals("GET") && !r.method().equals("HEAD");
    if (changing
        && p.session() != null
        && !Security.csrfMatches(p.session(), r.header("x-csrf-token"))) {
      return error(
          OperationError.of(
              403,
              "csrf",
              "Missing or wrong X-CSRF-Token header: take it from GET " + API + "/session"));
    }
    if (found.role() == Role.OPERATOR && p.role() != Role.OPERATOR) {
      return error(
          OperationError.of(
              403,
              "forbidden",
              "User "
                  + InvalidInputException.quote(p.user())
                  + " is a viewer; this needs an operator"));
    }
    return found.action().apply(r, vars, ops.as(p.user()));
  }

  private Optional<Security.Principal> authenticate(Request r) {
    String auth = r.header("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return security.bearer(auth.substring(7).strip());
    }
    return security.session(cookie(r, Security.COOKIE));
  }

  private static String cookie(Request r, String name) {
    String header = r.header("cookie");
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String p = part.strip();
      if (p.startsWith(name + "=")) {
        return p.substring(name.length() + 1);
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ login

  private Response login(Request r) throws IOException {
    if (!sameOrigin(r)) {
      // A cross-site form must not log the browser in as the attacker (login CSRF).
      return error(
          OperationError.of(
              403, "csrf", "Cross-origin login refused: log in from the dashboard's own page"));
    }
    Map<String, Object> body;
    String type = String.valueOf(r.header("content-type")).toLowerCase(Locale.ROOT);
    if (type.startsWith("application/x-www-form-urlencoded")) {
      body = new LinkedHashMap<>(query(new String(r.body(), StandardCharsets.UTF_8)));
    } else {
      body = body(r);
    }
    String user = stringField(body, "username");
    String password = stringField(body, "password");
    String token = stringField(body, "token");
    if (security.limited(r.client(), user)) {
      ops.as(user == null ? "(unknown)" : user)
          .recordAction("login", r.client(), false, "rate limited");
      return error(
              OperationError.of(
                  429,
                  "too_many_attempts",
                  "Too many failed logins; try again in "
                      + options.loginWindow().toMinutes()
                      + " minutes"))
          .header("Retry-After", String.valueOf(options.loginWindow().toSeconds()));
    }
    Optional<Security.Session> session = security.login(r.client(), user, password, token);
    if (session.isEmpty()) {
      ops.as(user == null ? "(unknown)" : user)
          .recordAction("login", r.client(), false, "bad credentials");
      return error(
          OperationError.of(
              401,
              "unauthenticated",
              security.tokenMode()
                  ? "Wrong token: use the token the service printed at start"
                  : "Wrong user name or password"));
    }
    Security.Session s = session.get();
    ops.as(s.user).recordAction("login", r.client(), true, null);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user", s.user);
    out.put("role", s.role.label());
    out.put("csrf_token", s.csrf);
    return json(200, out).header("Set-Cookie", sessionCookie(r, s.id, false));
  }

  /** Whether the request's Origin, when a browser sent one, is the dashboard's own host. */
  private static boolean sameOrigin(Request r) {
    String origin = r.header("origin");
    String host = r.header("host");
    if (origin == null) {
      return true; // not a browser's cross-site request: browsers send Origin with every POST
    }
    try {
      java.net.URI o = java.net.URI.create(origin.strip());
      String authority = o.getRawAuthority();
      return authority != null && host != null && authority.equalsIgnoreCase(host.strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private String sessionCookie(Request r, String value, boolean clear) {
    String path = r.mount() == null || r.mount().isEmpty() ? "/" : r.mount();
    return Security.COOKIE
        + "="
        + value
        + "; Path="
        + path
        + "; HttpOnly; SameSite=Strict"
        + (secure(r) ? "; Secure" : "")
        + (clear ? "; Max-Age=0" : "");
  }

  private Response logout(Request r) {
    Optional<Security.Principal> p = security.session(cookie(r, Security.COOKIE));
    if (p.isPresent()) {
      if (!Security.csrfMatches(p.get().session(), r.header("x-csrf-token"))) {
        return error(OperationError.of(403, "csrf", "Missing or wrong X-CSRF-Token header"));
      }
      security.logout(p.get().session());
      ops.as(p.get().user()).recordAction("logout", r.client(), true, null);
    }
    return Response.empty(204).header("Set-Cookie", sessionCookie(r, "", true));
  }

  private static String stringField(Map<String, Object> body, String key) {
    Object v = body.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new InvalidInputException(key, v, "is not a string");
    }
    return s;
  }

  // ------------------------------------------------------------------ helpers

  private Response bulk(Request r, SchedulerOperations op) throws IOException {
    Map<String, Object> body = body(r);
    for (String key : body.keySet()) {
      if (!key.equals("action") && !key.equals("ids")) {
        throw new InvalidInputException("field", key, "is unknown; expected action and ids");
      }
    }
    Object ids = body.get("ids");
    if (!(ids instanceof List<?> list) || !list.stream().allMatch(i -> i instanceof String)) {
      throw new InvalidInputException("ids", ids, "is not a list of task ids");
    }
    @SuppressWarnings("unchecked")
    List<String> idList = (List<String>) list;
    Object action = body.get("action");
    return json(200, op.bulk(action == null ? null : String.valueOf(action), idList));
  }

  private static RunQuery runQuery(Map<String, String> p) {
    only(p, "task", "status", "from", "to", "limit", "after");
    Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
    String status = p.get("status");
    if (status != null && !status.isBlank()) {
      for (String s : status.split(",")) {
        statuses.add(RunStatus.parse(s));
      }
    }
    return new RunQuery(
        p.get("task") == null || p.get("task").isBlank() ? null : p.get("task"),
        statuses,
        Parameters.instant(p, "from"),
        Parameters.instant(p, "to"),
        Parameters.integer(p, "limit", 50, 1, RunQuery.MAX_LIMIT),
        p.get("after") == null || p.get("after").isBlank() ? null : p.get("after"));
  }

  private static void only(Map<String, String> p, String... names) {
    List<String> allowed = List.of(names);
    for (String key : p.keySet()) {
      if (!allowed.contains(key)) {
        throw new InvalidInputException(
            "parameter", key, "is unknown; expected " + (allowed.isEmpty() ? "none" : allowed));
      }
    }
  }

  static Map<String, String> params(Request r) {
    return query(r.query());
  }

  private static Map<String, String> query(String q) {
    Map<String, String> p = new LinkedHashMap<>();
    if (q == null || q.isEmpty()) {
      return p;
    }
    for (String pair : q.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (p.containsKey(k)) {
        throw new InvalidInputException("parameter", k, "is given twice; expected it once");
      }
      p.put(k, v);
    }
    return p;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> body(Request r) {
    byte[] bytes = r.body();
    if (bytes.length > MAX_BODY) {
      throw new InvalidInputException(
          "body", bytes.length + " bytes", "is too large; expected at most " + MAX_BODY + " bytes");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return new LinkedHashMap<>();
    }
    Object parsed;
    try {
      parsed = JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "body",
          text.length() > 200 ? text.substring(0, 200) + "…" : text,
          "is not valid JSON (" + e.getOriginalMessage() + "); expected a JSON object");
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new InvalidInputException("body", text, "is not a JSON object; expected {...}");
    }
    return (Map<String, Object>) map;
  }

  static Response json(int status, Object body) {
    return Response.bytes(status, "application/json", AdminJson.write(body))
        .header("Cache-Control", "no-store");
  }

  static Response error(OperationError e) {
    return json(e.status(), Map.of("error", e));
  }

  private static Response methodNotAllowed(String allowed) {
    return error(OperationError.of(405, "method_not_allowed", "Method not allowed; use " + allowed))
        .header("Allow", allowed);
  }

  // ------------------------------------------------------------------ events stream

  private Response stream(Request r) {
    Map<String, String> p = params(r);
    only(p, "since");
    long since = p.containsKey("since") ? Parameters.integer(p, "since", 0) : -1;
    String lastId = r.header("last-event-id");
    if (lastId != null && lastId.strip().matches("\\d{1,18}")) {
      since = Long.parseLong(lastId.strip());
    }
    if (streams.incrementAndGet() > options.maxStreams()) {
      streams.decrementAndGet();
      return error(OperationError.of(503, "too_many_streams", "Too many open event streams"));
    }
    long replayAfter = since;
    return Response.stream(
            "text/event-stream; charset=utf-8",
            out -> {
              BlockingQueue<EventView> queue = new ArrayBlockingQueue<>(1000);
              AutoCloseable subscription = ops.events().subscribe(queue::offer);
              try {
                out.write(": asyncz events\n\n".getBytes(StandardCharsets.UTF_8));
                if (replayAfter >= 0) {
                  for (EventView e : ops.events().recent(1000)) {
                    if (e.seq() > replayAfter) {
                      write(out, e);
                    }
                  }
                }
                out.flush();
                int idle = 0;
                while (!closed) {
                  EventView e = queue.poll(1, TimeUnit.SECONDS);
                  if (e == null) {
                    if (++idle >= 15) {
                      out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                      out.flush();
                      idle = 0;
                    }
                    continue;
                  }
                  idle = 0;
                  if (e.seq() > replayAfter) {
                    write(out, e);
                  }
                  EventView more;
                  while ((more = queue.poll()) != null) {
                    write(out, more);
                  }
                  out.flush();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (IOException gone) {
                // the client left
              } finally {
                closeQuietly(subscription);
                streams.decrementAndGet();
              }
            })
        .header("Cache-Control", "no-store")
        .header("X-Accel-Buffering", "no");
  }

  private static void closeQuietly(AutoCloseable subscription) {
    try {
      subscription.close();
    } catch (Exception e) {
      LOG.debug("Closing an event subscription failed: {}", e.toString());
    }
  }

  private static void write(OutputStream out, EventView e) throws IOException {
    String frame =
        "id: " + e.seq() + "\nevent: " + e.event() + "\ndata: " + AdminJson.text(e) + "\n\n";
    out.write(frame.getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------ static assets

  private static Response asset(String path) {
    String name = path.equals("/") ? "index.html" : path.substring(1);
    if (name.contains("..") || name.contains("//") || name.contains("\\")) {
      return error(OperationError.of(404, "not_found", "No such page"));
    }
    byte[] bytes = resource(STATIC + name);
    if (bytes == null && !name.contains(".")) {
      bytes = resource(STATIC + "index.html"); // a page of the single-page app: its shell
      name = "index.html";
    }
    if (bytes == null) {
      if (name.equals("index.html")) {
        return Response.text(200, "Asyncz dashboard: the API is at " + API + "/openapi.json");
      }
      return error(
          OperationError.of(
              404, "not_found", "No such file: " + InvalidInputException.quote(path)));
    }
    return Response.bytes(200, contentType(name), bytes)
        .header("Cache-Control", name.equals("index.html") ? "no-cache" : "max-age=300");
  }

  private static String contentType(String name) {
    String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "js", "mjs" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "json", "map" -> "application/json";
      case "svg" -> "image/svg+xml";
      case "png" -> "image/png";
      case "ico" -> "image/x-icon";
      case "woff2" -> "font/woff2";
      case "txt" -> "text/plain; charset=utf-8";
      default -> "application/octet-stream";
    };
  }

  private static byte[] resource(String name) {
    try (InputStream in = DashboardHandler.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}
