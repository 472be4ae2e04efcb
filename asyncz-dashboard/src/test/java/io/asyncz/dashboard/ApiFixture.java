package io.asyncz.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncz.admin.AdminJson;
import io.asyncz.admin.SchedulerOperations;
import io.asyncz.admin.TaskView;
import io.asyncz.task.TaskFunction;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * A dashboard on a free loopback port over a manually stepped scheduler, with an operator (alice)
 * and a viewer (bob), an operator API token and a viewer API token; and an HTTP client for it.
 */
final class ApiFixture implements AutoCloseable {
  static final Instant START = Instant.parse("2026-12-07T01:00:00Z");
  static final String OPERATOR_TOKEN = "operator-token-0123456789abcdef";
  static final String VIEWER_TOKEN = "viewer-token-0123456789abcdef";

  final MutableClock clock = MutableClock.at(START);
  final ManualScheduler scheduler = ManualScheduler.on(clock);
  final AtomicInteger runs = new AtomicInteger();
  final SchedulerOperations ops;
  final Dashboard dashboard;
  final HttpClient http = HttpClient.newHttpClient();

  ApiFixture() {
    this(true);
  }

  ApiFixture(boolean users) {
    this(users, b -> {});
  }

  ApiFixture(boolean users, java.util.function.Consumer<DashboardOptions.Builder> more) {
    scheduler
        .registry()
        .register(
            "jobs.count",
            (TaskFunction)
                (args, kwargs) -> {
                  runs.incrementAndGet();
                  return "counted";
                });
    scheduler.start();
    ops = SchedulerOperations.builder(scheduler).build();
    DashboardOptions.Builder options = DashboardOptions.builder().port(0);
    if (users) {
      String salt = BCrypt.gensalt(4); // the lowest cost: fast for tests
      options
          .user("alice", BCrypt.hashpw("alice-password", salt), Role.OPERATOR)
          .user("bob", BCrypt.hashpw("bob-password", salt), Role.VIEWER)
          .apiToken("ci", OPERATOR_TOKEN, Role.OPERATOR)
          .apiToken("grafana", VIEWER_TOKEN, Role.VIEWER);
    }
    more.accept(options);
    dashboard = Dashboard.serve(ops, options.build());
  }

  /** A response: status, headers and body (parsed when JSON). */
  record Answer(int status, java.net.http.HttpHeaders headers, String text) {
    JsonNode json() {
      try {
        return AdminJson.mapper().readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    JsonNode error() {
      return json().path("error");
    }
  }

  /** How a request authenticates. */
  record Auth(String bearer, String cookie, String csrf) {
    static final Auth NONE = new Auth(null, null, null);

    static Auth bearer(String token) {
      return new Auth(token, null, null);
    }

    Auth withoutCsrf() {
      return new Auth(bearer, cookie, null);
    }
  }

  Answer call(String method, String path, Object body, Auth auth) {
    return call(method, path, body == null ? null : AdminJson.text(body), auth, Map.of());
  }

  Answer call(
      String method, String path, String body, Auth auth, Map<String, String> extraHeaders) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(dashboard.url().resolve(path.substring(1)))
            .timeout(Duration.ofSeconds(30));
    if (auth.bearer() != null) {
      b.header("Authorization", "Bearer " + auth.bearer());
    }
    if (auth.cookie() != null) {
      b.header("Cookie", auth.cookie());
    }
    if (auth.csrf() != null) {
      b.header("X-CSRF-Token", auth.csrf());
    }
    extraHeaders.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r =
          http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Logs in through POST /login and returns the cookie and CSRF token. */
  Auth login(String user, String password) {
    Answer a = call("POST", "/login", Map.of("username", user, "password", password), Auth.NONE);
    if (a.status() != 200) {
      throw new AssertionError("login failed: " + a.status() + " " + a.text());
    }
    String setCookie = a.headers().firstValue("Set-Cookie").orElseThrow();
    return new Auth(
        null, setCookie.substring(0, setCookie.indexOf(';')), a.json().path("csrf_token").asText());
  }

  /** Every task as it is stored, to check that a refused request changed nothing. */
  List<TaskView> snapshot() {
    List<TaskView> all = new ArrayList<>();
    scheduler.getTasks().forEach(t -> all.add(ops.view(t)));
    return all;
  }

  Map<String, Object> spec(String id, String every) {
    return Map.of("id", id, "function", "jobs.count", "trigger", Map.of("every", every));
  }

  @Override
  public void close() {
    dashboard.close();
    ops.close();
    scheduler.shutdown();
  }
}
