package io.asyncz.dashboard.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A stand-in for the dashboard's HTTP server, in memory, speaking the API contract the pages are
 * built on (docs/api.md): the pages' browser tests run against it while the real server is being
 * built. It serves the real static files with the real headers (CSP {@code default-src 'self'}), so
 * an inline script or style in a page fails here as it would there.
 */
final class FakeDashboard implements AutoCloseable {
  static final String OPERATOR = "admin";
  static final String VIEWER = "viewer";
  static final String PASSWORD = "correct horse";
  private static final String STATIC = "io/asyncz/dashboard/static";
  private static final String CSP =
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self';"
          + " form-action 'self'";

  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock;
  private final Instant startedAt;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, String[]> sessions = new ConcurrentHashMap<>();
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final List<ObjectNode> runs = new ArrayList<>();
  private final List<ObjectNode> events = new ArrayList<>();
  private final List<ObjectNode> audit = new ArrayList<>();
  private final List<ObjectNode> quarantine = new ArrayList<>();
  private final List<BlockingQueue<String>> streams = new CopyOnWriteArrayList<>();
  private final AtomicInteger runIds = new AtomicInteger();

  private FakeDashboard(Clock clock) throws IOException {
    this.clock = clock;
    this.startedAt = clock.instant().minus(Duration.ofHours(3));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    seed();
    server.start();
  }

  /** Starts a fake dashboard with sample tasks, runs, events and a quarantined record. */
  static FakeDashboard start(Clock clock) throws IOException {
    return new FakeDashboard(clock);
  }

  /** The dashboard's address, ending in a slash (the mount path). */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** The state of a task as the server holds it. */
  synchronized String stateOf(String id) {
    return tasks.get(id).state();
  }

  /** The crontab of a task's cron trigger. */
  synchronized String crontabOf(String id) {
    return tasks.get(id).crontab;
  }

  synchronized boolean has(String id) {
    return tasks.containsKey(id);
  }

  @Override
  public void close() {
    for (BlockingQueue<String> stream : streams) {
      stream.add("");
    }
    server.stop(0);
    threads.shutdownNow();
  }

  private void seed() {
    String[][] named = {
      {"send-report", "Send the daily report", "com.example.Reports::send", "0 7 * * 1-5"},
      {"cleanup-tmp", "Clean temporary files", "com.example.Files::cleanup", "*/15 * * * *"},
      {"sync-users", "Synchronise users", "com.example.Users::sync", "0 * * * *"},
      {"backup-db", "Back up the database", "com.example.Db::backup", "30 2 * * *"},
      {"rotate-keys", "Rotate API keys", "com.example.Keys::rotate", "0 3 1 * *"},
      {"heartbeat", "Heartbeat", "echo", null},
    };
    for (String[] n : named) {
      Task t = new Task(n[0], n[1], n[2]);
      if (n[3] != null) {
        t.type = "cron";
        t.crontab = n[3];
      } else {
        t.type = "interval";
        t.seconds = 30;
      }
      t.args.add("hello");
      tasks.put(t.id, t);
      t.reschedule(clock.instant());
    }
    for (int i = 1; i <= 24; i++) {
      Task t = new Task(String.format("batch-%02d", i), "Batch " + i, "com.example.Batch::run");
      t.type = "interval";
      t.seconds = 60L * i;
      t.executor = i % 3 == 0 ? "virtual" : "default";
      t.store = i % 2 == 0 ? "jdbc" : "default";
      tasks.put(t.id, t);
      t.reschedule(clock.instant());
    }
    tasks.get("rotate-keys").paused = true;
    tasks.get("rotate-keys").next = null;
    Instant now = clock.instant();
    for (int i = 0; i < 8; i++) {
      ObjectNode run =
          run(
              tasks.get(i % 2 == 0 ? "sync-users" : "backup-db"),
              now.minusSeconds(3600L * (i + 1)),
              "scheduled");
      if (i == 3) {
        run.put("status", "failed");
        run.putNull("result");
        run.put("error_type", "java.io.IOException");
        run.put("error_message", "Connection refused: db.internal:5432");
        run.put(
            "stack_trace",
            "java.io.IOException: Connection refused: db.internal:5432\n"
                + "\tat com.example.Db.backup(Db.java:42)\n"
                + "\tat io.asyncz.executor.PoolExecutor.run(PoolExecutor.java:88)\n");
        run.put("log", "INFO starting backup\nERROR connection refused\n");
      }
      runs.add(run);
    }
    event("scheduler_started", null);
    event("task_executed", "sync-users");
    ObjectNode q = json.createObjectNode();
    q.put("store", "jdbc");
    q.put("task_id", "legacy-export");
    q.put("reason", "AEADBadTagException: the record does not decrypt with the current key");
    q.put("quarantined_at", now.minusSeconds(86400).toString());
    q.put("raw", "{\"format\":\"asyncz.task\",\"version\":1,\"ciphertext\":\"q2V4…\"}");
    quarantine.add(q);
  }

  private ObjectNode run(Task t, Instant at, String source) {
    ObjectNode run = json.createObjectNode();
    run.put("run_id", String.format("01JFAKE%019d", runIds.incrementAndGet()));
    run.put("task_id", t.id);
    run.put("task_name", t.name);
    run.put("store", t.store);
    run.put("executor", t.executor);
    run.put("status", "succeeded");
    run.put("source", source);
    run.put("attempt", 1);
    run.put("scheduled_at", at.toString());
    run.put("started_at", at.plusMillis(3).toString());
    run.put("ended_at", at.plusMillis(245).toString());
    run.put("duration_ms", 242);
    run.put("node", "fake-node-1");
    run.put("result", "\"ok\"");
    run.put("log", "INFO " + t.id + " started\nINFO " + t.id + " done\n");
    return run;
  }

  private void event(String name, String taskId) {
    ObjectNode e = json.createObjectNode();
    e.put("event", name);
    e.put("at", clock.instant().toString());
    if (taskId != null) {
      e.put("task_id", taskId);
    }
    events.add(e);
    String frame = "event: " + name + "\ndata: " + e + "\n\n";
    for (BlockingQueue<String> stream : streams) {
      stream.add(frame);
    }
  }

  private void audit(String user, String action, String target, JsonNode before, JsonNode after) {
    ObjectNode a = json.createObjectNode();
    a.put("at", clock.instant().toString());
    a.put("user", user);
    a.put("action", action);
    a.put("target", target);
    a.set("before", before);
    a.set("after", after);
    a.put("outcome", "ok");
    audit.add(0, a);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      exchange.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().add("X-Frame-Options", "DENY");
      exchange.getResponseHeaders().add("Referrer-Policy", "no-referrer");
      if (path.startsWith("/api/v1/")) {
        api(exchange, path.substring("/api/v1/".length()));
      } else if (path.equals("/login") && exchange.getRequestMethod().equals("POST")) {
        login(exchange);
      } else if (path.equals("/logout") && exchange.getRequestMethod().equals("POST")) {
        String[] session = session(exchange);
        if (session != null && !csrfOk(exchange, session)) {
          error(exchange, 403, "csrf", "The X-CSRF-Token header is missing or wrong.", null, null);
          return;
        }
        sessions.remove(cookie(exchange));
        exchange.getResponseHeaders().add("Set-Cookie", "asyncz_session=; Max-Age=0; Path=/");
        exchange.sendResponseHeaders(204, -1);
      } else {
        file(exchange, path);
      }
    } catch (RuntimeException e) {
      throw new IOException(e);
    }
  }

  private void file(HttpExchange exchange, String path) throws IOException {
    String name = path.equals("/") ? "/index.html" : path;
    if (name.contains("..")) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(STATIC + name)) {
      if (in == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = in.readAllBytes();
      exchange.getResponseHeaders().add("Content-Type", contentType(name));
      exchange.getResponseHeaders().add("Content-Security-Policy", CSP);
      exchange.getResponseHeaders().add("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    } else if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    } else if (name.endsWith(".svg")) {
      return "image/svg+xml";
    }
    return "application/octet-stream";
  }

  private void login(HttpExchange exchange) throws IOException {
    JsonNode body = body(exchange);
    String user = body.path("username").asText("");
    String password = body.path("password").asText("");
    String role;
    if (user.equals(OPERATOR) && password.equals(PASSWORD)) {
      role = "operator";
    } else if (user.equals(VIEWER) && password.equals(PASSWORD)) {
      role = "viewer";
    } else {
      error(exchange, 401, "unauthorized", "The user name or password is not right.", null, null);
      return;
    }
    String id = token();
    sessions.put(id, new String[] {user, role, token()});
    exchange
        .getResponseHeaders()
        .add("Set-Cookie", "asyncz_session=" + id + "; Path=/; HttpOnly; SameSite=Strict");
    exchange.sendResponseHeaders(204, -1);
  }

  private String token() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private String cookie(HttpExchange exchange) {
    List<String> cookies = exchange.getRequestHeaders().get("Cookie");
    if (cookies == null) {
      return null;
    }
    for (String header : cookies) {
      for (String part : header.split(";")) {
        String trimmed = part.trim();
        if (trimmed.startsWith("asyncz_session=")) {
          return trimmed.substring("asyncz_session=".length());
        }
      }
    }
    return null;
  }

  private String[] session(HttpExchange exchange) {
    String id = cookie(exchange);
    return id == null ? null : sessions.get(id);
  }

  private static boolean csrfOk(HttpExchange exchange, String[] session) {
    return session[2].equals(exchange.getRequestHeaders().getFirst("X-CSRF-Token"));
  }

  private void api(HttpExchange exchange, String path) throws IOException {
    String[] session = session(exchange);
    if (session == null) {
      error(exchange, 401, "unauthorized", "Log in first.", null, null);
      return;
    }
    String method = exchange.getRequestMethod();
    if (!method.equals("GET")) {
      if (!csrfOk(exchange, session)) {
        error(exchange, 403, "csrf", "The X-CSRF-Token header is missing or wrong.", null, null);
        return;
      }
      if (session[1].equals("viewer")) {
        error(exchange, 403, "forbidden", "The viewer role cannot change anything.", null, null);
        return;
      }
    }
    Map<String, String> query = query(exchange.getRequestURI());
    String[] parts = path.split("/");
    if (path.equals("events/stream")) {
      // Outside the lock: a stream stays open for as long as the page does.
      stream(exchange);
      return;
    }
    synchronized (this) {
      try {
        route(exchange, session, method, parts, query);
      } catch (IllegalArgumentException e) {
        String argument =
            e.getMessage().startsWith("Invalid cron") || e.getMessage().contains("crontab")
                ? "crontab"
                : "trigger";
        error(exchange, 400, "invalid_input", e.getMessage(), argument, null);
      }
    }
  }

  private void route(
      HttpExchange exchange,
      String[] session,
      String method,
      String[] parts,
      Map<String, String> query)
      throws IOException {
    String head = parts[0];
    switch (method + " " + head + (parts.length > 1 ? "/" + parts.length : "")) {
      case "GET session" -> {
        ObjectNode s = json.createObjectNode();
        s.put("user", session[0]);
        s.put("role", session[1]);
        s.put("csrf_token", session[2]);
        send(exchange, 200, s);
      }
      case "GET info" -> send(exchange, 200, info());
      case "GET instances" -> {
        ObjectNode i = json.createObjectNode();
        ObjectNode node = i.putArray("instances").addObject();
        node.put("node", "fake-node-1");
        node.put("host", "localhost");
        node.put("pid", 4242);
        node.put("state", "running");
        node.put("started_at", startedAt.toString());
        node.put("heartbeat_at", clock.instant().toString());
        send(exchange, 200, i);
      }
      case "GET tasks" -> send(exchange, 200, list(query));
      case "POST tasks" -> create(exchange, session, body(exchange));
      case "POST tasks/2" -> {
        if (parts[1].equals("bulk")) {
          bulk(exchange, session, body(exchange));
        } else {
          notFound(exchange, parts[1]);
        }
      }
      case "GET tasks/2" -> {
        Task t = tasks.get(parts[1]);
        if (t == null) {
          notFound(exchange, parts[1]);
        } else {
          send(exchange, 200, t.json());
        }
      }
      case "DELETE tasks/2" -> {
        Task t = tasks.remove(parts[1]);
        if (t == null) {
          notFound(exchange, parts[1]);
        } else {
          audit(session[0], "remove", t.id, t.json(), null);
          event("task_removed", t.id);
          exchange.sendResponseHeaders(204, -1);
        }
      }
      case "PATCH tasks/2" -> patch(exchange, session, parts[1], body(exchange), query);
      case "POST tasks/3" -> action(exchange, session, parts[1], parts[2]);
      case "GET tasks/3" -> {
        Task t = tasks.get(parts[1]);
        if (t == null) {
          notFound(exchange, parts[1]);
        } else {
          send(exchange, 200, preview(t, Integer.parseInt(query.getOrDefault("count", "10"))));
        }
      }
      case "POST preview" -> {
        JsonNode spec = body(exchange);
        Task t = new Task("preview", null, "echo");
        t.apply(spec);
        send(exchange, 200, preview(t, spec.path("count").asInt(5)));
      }
      case "GET timeline" -> send(exchange, 200, timeline(query));
      case "GET runs" -> send(exchange, 200, runs(query));
      case "GET runs/2" -> {
        ObjectNode run =
            runs.stream()
                .filter(r -> r.get("run_id").asText().equals(parts[1]))
                .findFirst()
                .orElse(null);
        if (run == null) {
          notFound(exchange, parts[1]);
        } else {
          send(exchange, 200, run);
        }
      }
      case "GET events" -> {
        ObjectNode e = json.createObjectNode();
        e.putArray("events").addAll(events);
        send(exchange, 200, e);
      }
      case "GET audit" -> {
        ObjectNode a = json.createObjectNode();
        a.putArray("entries").addAll(audit);
        send(exchange, 200, a);
      }
      case "GET quarantine" -> {
        ObjectNode q = json.createObjectNode();
        q.putArray("records").addAll(quarantine);
        send(exchange, 200, q);
      }
      case "POST quarantine/4", "DELETE quarantine/3" -> {
        boolean removed =
            quarantine.removeIf(
                q ->
                    q.get("store").asText().equals(parts[1])
                        && q.get("task_id").asText().equals(parts[2]));
        if (!removed) {
          notFound(exchange, parts[2]);
        } else {
          audit(session[0], method.equals("POST") ? "restore" : "discard", parts[2], null, null);
          exchange.sendResponseHeaders(204, -1);
        }
      }
      default ->
          error(
              exchange,
              404,
              "not_found",
              "No such endpoint: " + String.join("/", parts),
              null,
              null);
    }
  }

  private ObjectNode info() {
    ObjectNode i = json.createObjectNode();
    i.put("identity", "fake-node-1");
    i.put("state", "running");
    i.put("timezone", "UTC");
    i.put("uptime_ms", Duration.between(startedAt, clock.instant()).toMillis());
    ArrayNode executors = i.putArray("executors");
    executors.addObject().put("alias", "default").put("type", "pool");
    executors.addObject().put("alias", "virtual").put("type", "virtual");
    ArrayNode stores = i.putArray("stores");
    stores.addObject().put("alias", "default").put("type", "memory");
    stores.addObject().put("alias", "jdbc").put("type", "jdbc");
    ObjectNode counts = i.putObject("counts");
    counts.put("tasks", tasks.size());
    counts.put("scheduled", tasks.values().stream().filter(t -> !t.paused).count());
    counts.put("paused", tasks.values().stream().filter(t -> t.paused).count());
    counts.put("quarantined", quarantine.size());
    return i;
  }

  private ObjectNode list(Map<String, String> query) {
    String q = query.getOrDefault("q", "").toLowerCase(Locale.ROOT);
    Stream<Task> found =
        tasks.values().stream()
            .filter(t -> q.isEmpty() || t.searchText().contains(q))
            .filter(t -> !query.containsKey("state") || t.state().equals(query.get("state")))
            .filter(t -> !query.containsKey("trigger") || t.type.equals(query.get("trigger")))
            .filter(t -> !query.containsKey("store") || t.store.equals(query.get("store")))
            .filter(
                t -> !query.containsKey("executor") || t.executor.equals(query.get("executor")));
    String sort = query.getOrDefault("sort", "next_run_time");
    Comparator<Task> order =
        switch (sort) {
          case "id" -> Comparator.comparing(t -> t.id);
          case "name" -> Comparator.comparing(t -> t.name);
          case "state" -> Comparator.comparing(Task::state);
          case "function" -> Comparator.comparing(t -> t.function);
          case "trigger" -> Comparator.comparing(Task::description);
          case "executor" -> Comparator.comparing(t -> t.executor);
          case "store" -> Comparator.comparing(t -> t.store);
          default ->
              Comparator.comparing(t -> t.next, Comparator.nullsLast(Comparator.naturalOrder()));
        };
    if (query.getOrDefault("order", "asc").equals("desc")) {
      order = order.reversed();
    }
    List<Task> all = found.sorted(order.thenComparing(t -> t.id)).toList();
    int page = Integer.parseInt(query.getOrDefault("page", "1"));
    int size = Integer.parseInt(query.getOrDefault("size", "25"));
    ObjectNode result = json.createObjectNode();
    ArrayNode array = result.putArray("tasks");
    all.stream().skip((long) (page - 1) * size).limit(size).forEach(t -> array.add(t.json()));
    result.put("total", all.size());
    result.put("page", page);
    result.put("size", size);
    return result;
  }

  private void create(HttpExchange exchange, String[] session, JsonNode spec) throws IOException {
    String id = spec.path("id").asText("");
    if (id.isEmpty()) {
      id = "task-" + token().substring(0, 8);
    }
    if (tasks.containsKey(id)) {
      error(exchange, 409, "conflict", "A task with the id \"" + id + "\" exists.", "id", id);
      return;
    }
    if (spec.path("function").asText("").isBlank()) {
      error(exchange, 400, "invalid_input", "A task needs a function.", "function", "");
      return;
    }
    Task t = new Task(id, spec.path("name").asText(id), spec.path("function").asText());
    t.apply(spec);
    t.reschedule(clock.instant());
    tasks.put(id, t);
    audit(session[0], "create", id, null, t.json());
    event("task_added", id);
    send(exchange, 201, t.json());
  }

  private void patch(
      HttpExchange exchange,
      String[] session,
      String id,
      JsonNode changes,
      Map<String, String> query)
      throws IOException {
    Task t = tasks.get(id);
    if (t == null) {
      notFound(exchange, id);
      return;
    }
    ObjectNode before = t.json();
    Task after = t.copy();
    after.apply(changes);
    if (changes.has("trigger")) {
      after.reschedule(clock.instant());
    }
    ObjectNode afterJson = after.json();
    ObjectNode result = json.createObjectNode();
    result.set("before", before);
    result.set("after", afterJson);
    ArrayNode diff = result.putArray("diff");
    for (Iterator<String> names = afterJson.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      JsonNode a =
          name.equals("trigger") ? afterJson.get(name).get("description") : afterJson.get(name);
      JsonNode b = name.equals("trigger") ? before.get(name).get("description") : before.get(name);
      if (!Objects.equals(a, b) && !name.equals("next_run_time")) {
        ObjectNode d = diff.addObject();
        d.put("field", name);
        d.set("before", b);
        d.set("after", a);
      }
    }
    boolean apply = !query.getOrDefault("dry_run", "false").equals("true");
    if (apply) {
      tasks.put(id, after);
      audit(session[0], "update", id, before, afterJson);
      event("task_modified", id);
    }
    result.put("applied", apply);
    send(exchange, 200, result);
  }

  private void action(HttpExchange exchange, String[] session, String id, String action)
      throws IOException {
    Task t = tasks.get(id);
    if (t == null) {
      notFound(exchange, id);
      return;
    }
    switch (action) {
      case "run" -> {
        String runId = runNow(t);
        audit(session[0], "run", id, null, null);
        ObjectNode r = json.createObjectNode();
        r.put("run_id", runId);
        r.put("submitted", true);
        send(exchange, 200, r);
      }
      case "pause", "resume" -> {
        ObjectNode before = t.json();
        t.paused = action.equals("pause");
        if (t.paused) {
          t.next = null;
        } else {
          t.reschedule(clock.instant());
        }
        audit(session[0], action, id, before, t.json());
        event("task_modified", id);
        send(exchange, 200, t.json());
      }
      default -> notFound(exchange, action);
    }
  }

  private String runNow(Task t) {
    ObjectNode run = run(t, clock.instant(), "manual");
    runs.add(0, run);
    event("task_submitted", t.id);
    event("task_executed", t.id);
    return run.get("run_id").asText();
  }

  private void bulk(HttpExchange exchange, String[] session, JsonNode body) throws IOException {
    String action = body.path("action").asText();
    ObjectNode result = json.createObjectNode();
    ArrayNode results = result.putArray("results");
    for (JsonNode idNode : body.path("ids")) {
      String id = idNode.asText();
      Task t = tasks.get(id);
      ObjectNode r = results.addObject();
      r.put("id", id);
      if (t == null) {
        r.put("ok", false);
        r.put("error", "No task with the id \"" + id + "\".");
        continue;
      }
      ObjectNode before = t.json();
      switch (action) {
        case "run" -> runNow(t);
        case "pause" -> {
          t.paused = true;
          t.next = null;
        }
        case "resume" -> {
          t.paused = false;
          t.reschedule(clock.instant());
        }
        case "remove" -> tasks.remove(id);
        default -> {
          error(
              exchange,
              400,
              "invalid_input",
              "\"" + action + "\" is not an action: expected run, pause, resume or remove.",
              "action",
              action);
          return;
        }
      }
      audit(session[0], action, id, before, tasks.containsKey(id) ? t.json() : null);
      event(action.equals("remove") ? "task_removed" : "task_modified", id);
      r.put("ok", true);
    }
    send(exchange, 200, result);
  }

  private ObjectNode preview(Task t, int count) {
    ObjectNode result = json.createObjectNode();
    ArrayNode times = result.putArray("run_times");
    Instant at = t.paused ? clock.instant() : clock.instant();
    boolean exhausted = false;
    for (int i = 0; i < count; i++) {
      Instant next = t.after(at, i == 0);
      if (next == null) {
        exhausted = true;
        break;
      }
      times.add(next.toString());
      at = next;
    }
    result.put("exhausted", exhausted);
    result.put("timezone", t.timezone == null ? "UTC" : t.timezone);
    return result;
  }

  private ObjectNode timeline(Map<String, String> query) {
    Instant until =
        clock.instant().plus(Duration.ofHours(Long.parseLong(query.getOrDefault("hours", "24"))));
    int limit = Integer.parseInt(query.getOrDefault("limit", "500"));
    List<ObjectNode> entries = new ArrayList<>();
    for (Task t : tasks.values()) {
      if (t.paused) {
        continue;
      }
      Instant at = clock.instant();
      for (int i = 0; i < 50; i++) {
        Instant next = t.after(at, i == 0);
        if (next == null || next.isAfter(until)) {
          break;
        }
        ObjectNode e = json.createObjectNode();
        e.put("task_id", t.id);
        e.put("name", t.name);
        e.put("run_time", next.toString());
        entries.add(e);
        at = next;
      }
    }
    entries.sort(Comparator.comparing(e -> e.get("run_time").asText()));
    ObjectNode result = json.createObjectNode();
    result.putArray("entries").addAll(entries.subList(0, Math.min(limit, entries.size())));
    return result;
  }

  private ObjectNode runs(Map<String, String> query) {
    String task = query.get("task");
    List<String> statuses =
        query.containsKey("status") ? List.of(query.get("status").split(",")) : List.of();
    int limit = Integer.parseInt(query.getOrDefault("limit", "50"));
    ObjectNode result = json.createObjectNode();
    ArrayNode array = result.putArray("runs");
    runs.stream()
        .filter(r -> task == null || r.get("task_id").asText().equals(task))
        .filter(r -> statuses.isEmpty() || statuses.contains(r.get("status").asText()))
        .filter(
            r ->
                !query.containsKey("from")
                    || r.get("started_at").asText().compareTo(query.get("from")) >= 0)
        .filter(
            r ->
                !query.containsKey("to")
                    || r.get("started_at").asText().compareTo(query.get("to")) <= 0)
        .limit(limit)
        .forEach(array::add);
    result.putNull("next");
    return result;
  }

  private void stream(HttpExchange exchange) throws IOException {
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    streams.add(queue);
    try {
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.getResponseHeaders().add("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String frame = queue.poll(15, TimeUnit.SECONDS);
        if (frame != null && frame.isEmpty()) {
          return;
        }
        out.write((frame == null ? ": keep-alive\n\n" : frame).getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The browser went away: the stream ends with it.
    } finally {
      streams.remove(queue);
    }
  }

  private JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    return bytes.length == 0 ? json.createObjectNode() : json.readTree(bytes);
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> query = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!value.isEmpty()) {
        query.put(key, value);
      }
    }
    return query;
  }

  private void notFound(HttpExchange exchange, String what) throws IOException {
    error(exchange, 404, "not_found", "No task or run \"" + what + "\".", "id", what);
  }

  private void error(
      HttpExchange exchange, int status, String code, String message, String argument, String value)
      throws IOException {
    ObjectNode body = json.createObjectNode();
    ObjectNode e = body.putObject("error");
    e.put("status", status);
    e.put("code", code);
    e.put("message", message);
    if (argument != null) {
      e.put("argument", argument);
      e.put("value", value);
    }
    send(exchange, status, body);
  }

  private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** A task as the fake holds it. */
  private final class Task {
    final String id;
    String name;
    String function;
    String type = "cron";
    String crontab;
    String timezone;
    long seconds;
    Instant runDate;
    ArrayNode args = json.createArrayNode();
    ObjectNode kwargs = json.createObjectNode();
    String executor = "default";
    String store = "default";
    boolean paused;
    boolean coalesce = true;
    int maxInstances = 1;
    int grace = 1;
    Instant next;

    Task(String id, String name, String function) {
      this.id = id;
      this.name = name;
      this.function = function;
    }

    Task copy() {
      Task t = new Task(id, name, function);
      t.type = type;
      t.crontab = crontab;
      t.timezone = timezone;
      t.seconds = seconds;
      t.runDate = runDate;
      t.args = args.deepCopy();
      t.kwargs = kwargs.deepCopy();
      t.executor = executor;
      t.store = store;
      t.paused = paused;
      t.coalesce = coalesce;
      t.maxInstances = maxInstances;
      t.grace = grace;
      t.next = next;
      return t;
    }

    /** Applies a spec or a change set; the trigger is checked before anything changes. */
    void apply(JsonNode spec) {
      if (spec.has("trigger")) {
        JsonNode trigger = spec.get("trigger");
        String kind = trigger.path("type").asText();
        switch (kind) {
          case "cron" -> {
            FakeCron.parse(trigger.path("crontab").asText(""));
            crontab = trigger.path("crontab").asText();
            timezone = trigger.has("timezone") ? trigger.get("timezone").asText() : null;
          }
          case "interval" -> {
            long total =
                trigger.path("weeks").asLong() * 604800
                    + trigger.path("days").asLong() * 86400
                    + trigger.path("hours").asLong() * 3600
                    + trigger.path("minutes").asLong() * 60
                    + trigger.path("seconds").asLong();
            if (total <= 0) {
              throw new IllegalArgumentException(
                  "An interval trigger needs a positive length: weeks, days, hours, minutes or seconds.");
            }
            seconds = total;
          }
          case "date" -> {
            try {
              runDate = Instant.parse(trigger.path("run_date").asText());
            } catch (RuntimeException e) {
              throw new IllegalArgumentException(
                  "\"" + trigger.path("run_date").asText() + "\" is not an ISO-8601 instant.");
            }
          }
          default ->
              throw new IllegalArgumentException(
                  "\"" + kind + "\" is not a trigger type: expected cron, interval or date.");
        }
        type = kind;
      }
      if (spec.has("name")) {
        name = spec.get("name").asText();
      }
      if (spec.has("function")) {
        function = spec.get("function").asText();
      }
      if (spec.get("args") instanceof ArrayNode a) {
        args = a;
      }
      if (spec.get("kwargs") instanceof ObjectNode k) {
        kwargs = k;
      }
      JsonNode options = spec.has("options") ? spec.get("options") : spec;
      executor = options.path("executor").asText(executor);
      store = options.path("store").asText(store);
      maxInstances = options.path("max_instances").asInt(maxInstances);
      grace = options.path("mistrigger_grace_time").asInt(grace);
      coalesce = options.path("coalesce").asBoolean(coalesce);
    }

    void reschedule(Instant now) {
      next = paused ? null : after(now, true);
    }

    Instant after(Instant at, boolean first) {
      return switch (type) {
        case "cron" -> FakeCron.parse(crontab).next(at);
        case "interval" -> at.plusSeconds(seconds);
        default -> first && runDate != null && runDate.isAfter(at) ? runDate : null;
      };
    }

    String state() {
      return paused ? "paused" : "scheduled";
    }

    String description() {
      return switch (type) {
        case "cron" -> "cron[crontab='" + crontab + "']";
        case "interval" ->
            "interval[every "
                + Duration.ofSeconds(seconds).toString().substring(2).toLowerCase(Locale.ROOT)
                + "]";
        default -> "date[" + runDate + "]";
      };
    }

    String searchText() {
      return String.join(" ", id, name, function, description(), executor, store, state())
          .toLowerCase(Locale.ROOT);
    }

    ObjectNode json() {
      ObjectNode t = json.createObjectNode();
      t.put("id", id);
      t.put("name", name);
      t.put("function", function);
      ObjectNode trigger = t.putObject("trigger");
      trigger.put("type", type);
      trigger.put("description", description());
      ObjectNode options = trigger.putObject("options");
      switch (type) {
        case "cron" -> {
          options.put("crontab", crontab);
          if (timezone != null) {
            options.put("timezone", timezone);
          }
        }
        case "interval" -> options.put("seconds", seconds);
        default -> options.put("run_date", String.valueOf(runDate));
      }
      t.set("args", args);
      t.set("kwargs", kwargs);
      t.put("executor", executor);
      t.put("store", store);
      t.put("state", state());
      t.put("next_run_time", next == null ? null : next.toString());
      t.put("coalesce", coalesce);
      t.put("max_instances", maxInstances);
      t.put("mistrigger_grace_time", grace);
      t.put("paused", paused);
      return t;
    }
  }
}
