package io.asyncz.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncz.admin.AdminJson;
import io.asyncz.admin.TaskView;
import io.asyncz.dashboard.ApiFixture.Answer;
import io.asyncz.dashboard.ApiFixture.Auth;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiTest {
  private ApiFixture api;
  private final Auth operator = Auth.bearer(ApiFixture.OPERATOR_TOKEN);
  private final Auth viewer = Auth.bearer(ApiFixture.VIEWER_TOKEN);

  @BeforeEach
  void start() {
    api = new ApiFixture();
    api.ops.createTask(api.spec("a", "10m"));
    api.ops.createTask(api.spec("b", "20m"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** Each route with its variables filled with the existing task 'a' and the default store. */
  private List<String[]> routes() {
    List<String[]> out = new ArrayList<>();
    for (DashboardHandler.Route r : api.dashboard.handler().routes()) {
      String path =
          "/api/v1"
              + r.pattern()
                  .replace("{id}", "a")
                  .replace("{task_id}", "a")
                  .replace("{store}", "default")
                  .replace("{run_id}", "r1");
      out.add(new String[] {r.method(), path, r.role().label()});
    }
    return out;
  }

  private static Object bodyFor(String method, String path) {
    if (path.endsWith("/tasks/bulk")) {
      return Map.of("action", "remove", "ids", List.of("a", "b"));
    }
    if (path.endsWith("/tasks") || path.endsWith("/preview")) {
      return Map.of("id", "c", "function", "jobs.count", "trigger", Map.of("every", "1m"));
    }
    if (method.equals("PATCH")) {
      return Map.of("name", "changed");
    }
    return method.equals("GET") || method.equals("DELETE") ? null : Map.of();
  }

  /**
   * Responses go out without Nagle's delay: the JDK server is told to set TCP_NODELAY, which
   * without it made most API responses wait about 40 ms for the client's delayed acknowledgement.
   */
  @Test
  void theServerSendsResponsesWithoutNaglesDelay() {
    assertThat(System.getProperty(JdkServer.NO_DELAY)).isEqualTo("true");
  }

  @Test
  void everyEndpointRefusesTheUnauthenticatedAndChangesNothing() {
    List<TaskView> before = api.snapshot();
    for (String[] r : routes()) {
      Answer a = api.call(r[0], r[1], bodyFor(r[0], r[1]), Auth.NONE);
      assertThat(a.status()).as(r[0] + " " + r[1]).isEqualTo(401);
      assertThat(a.error().path("code").asText()).isEqualTo("unauthenticated");
      Answer wrong =
          api.call(r[0], r[1], bodyFor(r[0], r[1]), Auth.bearer("not-a-token-at-all-xxxxxxxx"));
      assertThat(wrong.status()).as(r[0] + " " + r[1]).isEqualTo(401);
    }
    assertThat(api.snapshot()).isEqualTo(before);
    assertThat(api.runs.get()).isZero();
  }

  @Test
  void viewersAreRefusedEveryChangeAndChangeNothing() {
    List<TaskView> before = api.snapshot();
    Auth bob = api.login("bob", "bob-password");
    int operatorRoutes = 0;
    for (String[] r : routes()) {
      if (!r[2].equals("operator")) {
        continue;
      }
      operatorRoutes++;
      for (Auth who : List.of(viewer, bob)) {
        Answer a = api.call(r[0], r[1], bodyFor(r[0], r[1]), who);
        assertThat(a.status()).as(r[0] + " " + r[1]).isEqualTo(403);
        assertThat(a.error().path("code").asText()).isEqualTo("forbidden");
      }
    }
    assertThat(operatorRoutes).isGreaterThanOrEqualTo(9);
    assertThat(api.snapshot()).isEqualTo(before);
    assertThat(api.runs.get()).isZero();
    assertThat(api.call("GET", "/api/v1/tasks", null, bob).status()).isEqualTo(200);
    assertThat(api.call("POST", "/api/v1/preview", Map.of("crontab", "0 5 * * *"), bob).status())
        .isEqualTo(200);
  }

  @Test
  void sessionRequestsWithoutTheCsrfTokenAreRefusedAndChangeNothing() {
    List<TaskView> before = api.snapshot();
    Auth alice = api.login("alice", "alice-password");
    for (String[] r : routes()) {
      if (r[0].equals("GET")) {
        continue;
      }
      Answer a = api.call(r[0], r[1], bodyFor(r[0], r[1]), alice.withoutCsrf());
      assertThat(a.status()).as(r[0] + " " + r[1]).isEqualTo(403);
      assertThat(a.error().path("code").asText()).isEqualTo("csrf");
      Answer forged =
          api.call(r[0], r[1], bodyFor(r[0], r[1]), new Auth(null, alice.cookie(), "forged"));
      assertThat(forged.status()).isEqualTo(403);
    }
    assertThat(api.snapshot()).isEqualTo(before);
    assertThat(api.runs.get()).isZero();

    Answer paused = api.call("POST", "/api/v1/tasks/a/pause", Map.of(), alice);
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.json().path("paused").asBoolean()).isTrue();
    assertThat(api.ops.audit(1).get(0).user()).isEqualTo("alice");
  }

  @Test
  void sessionEndpointGivesUserRoleAndCsrfToken() {
    Auth alice = api.login("alice", "alice-password");
    JsonNode s = api.call("GET", "/api/v1/session", null, alice).json();
    assertThat(s.path("user").asText()).isEqualTo("alice");
    assertThat(s.path("role").asText()).isEqualTo("operator");
    assertThat(s.path("csrf_token").asText()).isEqualTo(alice.csrf());
    assertThat(api.call("GET", "/api/v1/session", null, viewer).json().path("role").asText())
        .isEqualTo("viewer");

    assertThat(api.call("POST", "/logout", null, alice.withoutCsrf()).status()).isEqualTo(403);
    Answer out = api.call("POST", "/logout", null, alice);
    assertThat(out.status()).isEqualTo(204);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(api.call("GET", "/api/v1/session", null, alice).status()).isEqualTo(401);
  }

  @Test
  void malformedBodiesAndBadParametersAre400QuotingTheInputAndChangeNothing() {
    List<TaskView> before = api.snapshot();
    Map<String, String> json = Map.of("Content-Type", "application/json");
    Answer broken = api.call("POST", "/api/v1/tasks", "{\"id\": ", operator, json);
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.error().path("argument").asText()).isEqualTo("body");
    assertThat(broken.error().path("message").asText()).contains("{\\\"id\\\": ".replace("\\", ""));

    Answer array = api.call("POST", "/api/v1/tasks", "[1,2]", operator, json);
    assertThat(array.status()).isEqualTo(400);

    Answer parsecs =
        api.call(
            "POST",
            "/api/v1/tasks",
            Map.of("function", "jobs.count", "trigger", Map.of("every", "3 parsecs")),
            operator);
    assertThat(parsecs.status()).isEqualTo(400);
    assertThat(parsecs.error().path("code").asText()).isEqualTo("invalid_input");
    assertThat(parsecs.error().path("value").asText()).isEqualTo("3 parsecs");
    assertThat(parsecs.error().path("message").asText()).contains("\"3 parsecs\"");
    assertThat(parsecs.error().path("expected").asText()).isNotBlank();

    for (String bad :
        List.of(
            "/api/v1/tasks?size=500",
            "/api/v1/tasks?sort=colour",
            "/api/v1/tasks?page=zero",
            "/api/v1/tasks?order=sideways",
            "/api/v1/tasks?state=sleeping",
            "/api/v1/tasks?store=nowhere",
            "/api/v1/tasks?colour=red",
            "/api/v1/tasks/a/preview?count=99",
            "/api/v1/timeline?hours=0",
            "/api/v1/runs?status=exploded",
            "/api/v1/runs?from=yesterday",
            "/api/v1/events?limit=-1",
            "/api/v1/audit?limit=x")) {
      Answer a = api.call("GET", bad, null, operator);
      assertThat(a.status()).as(bad).isEqualTo(400);
      String value = bad.substring(bad.indexOf('=') + 1);
      String param = bad.substring(bad.indexOf('?') + 1, bad.indexOf('='));
      assertThat(a.error().path("message").asText()).as(bad).containsAnyOf(value, param);
    }
    Answer patch = api.call("PATCH", "/api/v1/tasks/a", Map.of("max_instances", "many"), operator);
    assertThat(patch.status()).isEqualTo(400);
    assertThat(patch.error().path("message").asText()).contains("many");
    Answer dry =
        api.call("PATCH", "/api/v1/tasks/a?dry_run=perhaps", Map.of("name", "x"), operator);
    assertThat(dry.status()).isEqualTo(400);
    assertThat(dry.error().path("message").asText()).contains("perhaps");
    Answer bulk =
        api.call(
            "POST",
            "/api/v1/tasks/bulk",
            Map.of("action", "explode", "ids", List.of("a")),
            operator);
    assertThat(bulk.status()).isEqualTo(400);
    assertThat(bulk.error().path("message").asText()).contains("explode");
    assertThat(api.snapshot()).isEqualTo(before);
  }

  @Test
  void unknownIdsAre404AndConflictsAre409() {
    List<TaskView> before = api.snapshot();
    for (String[] r :
        List.of(
            new String[] {"GET", "/api/v1/tasks/ghost"},
            new String[] {"DELETE", "/api/v1/tasks/ghost"},
            new String[] {"PATCH", "/api/v1/tasks/ghost"},
            new String[] {"POST", "/api/v1/tasks/ghost/run"},
            new String[] {"POST", "/api/v1/tasks/ghost/pause"},
            new String[] {"POST", "/api/v1/tasks/ghost/resume"},
            new String[] {"GET", "/api/v1/tasks/ghost/preview"},
            new String[] {"GET", "/api/v1/runs/ghost"},
            new String[] {"POST", "/api/v1/quarantine/default/ghost/restore"},
            new String[] {"DELETE", "/api/v1/quarantine/default/ghost"},
            new String[] {"GET", "/api/v1/nothing-here"})) {
      Answer a = api.call(r[0], r[1], r[0].equals("PATCH") ? Map.of("name", "x") : null, operator);
      assertThat(a.status()).as(r[0] + " " + r[1]).isEqualTo(404);
      assertThat(a.error().path("code").asText()).isEqualTo("not_found");
    }
    Answer taken = api.call("POST", "/api/v1/tasks", api.spec("a", "1m"), operator);
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.error().path("value").asText()).isEqualTo("a");
    assertThat(api.snapshot()).isEqualTo(before);
  }

  @Test
  void everyEndpointAnswersAnOperator() {
    assertThat(
            api.call("GET", "/api/v1/info", null, operator)
                .json()
                .path("counts")
                .path("total")
                .asInt())
        .isEqualTo(2);
    assertThat(api.call("GET", "/api/v1/instances", null, operator).json().path("instances").size())
        .isEqualTo(1);
    assertThat(api.call("GET", "/api/v1/doctor", null, operator).json().path("checks").size())
        .isPositive();

    Answer created =
        api.call(
            "POST",
            "/api/v1/tasks",
            Map.of(
                "id", "c",
                "name", "Nightly",
                "function", "jobs.count",
                "trigger", Map.of("type", "cron", "hour", "5"),
                "options", Map.of("max_instances", 2)),
            operator);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().path("trigger").path("type").asText()).isEqualTo("cron");
    assertThat(created.json().path("next_run_time").asText()).isEqualTo("2026-12-07T05:00:00Z");
    assertThat(created.json().path("max_instances").asInt()).isEqualTo(2);

    JsonNode page =
        api.call("GET", "/api/v1/tasks?size=2&sort=id&order=desc", null, operator).json();
    assertThat(page.path("total").asInt()).isEqualTo(3);
    assertThat(page.path("tasks").get(0).path("id").asText()).isEqualTo("c");
    assertThat(page.path("size").asInt()).isEqualTo(2);
    JsonNode search = api.call("GET", "/api/v1/tasks?q=nightly", null, operator).json();
    assertThat(search.path("total").asInt()).isEqualTo(1);
    assertThat(
            api.call("GET", "/api/v1/tasks?trigger=interval", null, operator)
                .json()
                .path("total")
                .asInt())
        .isEqualTo(2);

    assertThat(api.call("GET", "/api/v1/tasks/c", null, operator).json().path("name").asText())
        .isEqualTo("Nightly");

    JsonNode dry =
        api.call("PATCH", "/api/v1/tasks/c?dry_run=true", Map.of("crontab", "0 6 * * *"), operator)
            .json();
    assertThat(dry.path("applied").asBoolean()).isFalse();
    assertThat(dry.path("diff").get(0).path("field").asText()).isEqualTo("trigger");
    assertThat(api.ops.getTask("c").nextRunTime()).hasToString("2026-12-07T05:00:00Z");
    JsonNode applied =
        api.call("PATCH", "/api/v1/tasks/c", Map.of("crontab", "0 6 * * *"), operator).json();
    assertThat(applied.path("applied").asBoolean()).isTrue();
    assertThat(applied.path("after").path("next_run_time").asText())
        .isEqualTo("2026-12-07T06:00:00Z");

    JsonNode run = api.call("POST", "/api/v1/tasks/a/run", Map.of(), operator).json();
    assertThat(run.path("submitted").asBoolean()).isTrue();
    assertThat(api.runs.get()).isEqualTo(1);
    assertThat(
            api.call("POST", "/api/v1/tasks/a/pause", null, operator).json().path("state").asText())
        .isEqualTo("paused");
    assertThat(
            api.call("POST", "/api/v1/tasks/a/resume", null, operator)
                .json()
                .path("state")
                .asText())
        .isEqualTo("scheduled");

    JsonNode bulk =
        api.call(
                "POST",
                "/api/v1/tasks/bulk",
                Map.of("action", "pause", "ids", List.of("a", "ghost", "b")),
                operator)
            .json();
    assertThat(bulk.path("results").get(0).path("ok").asBoolean()).isTrue();
    assertThat(bulk.path("results").get(1).path("ok").asBoolean()).isFalse();
    assertThat(bulk.path("results").get(1).path("error").path("status").asInt()).isEqualTo(404);
    assertThat(api.ops.getTask("b").paused()).isTrue();

    JsonNode preview = api.call("GET", "/api/v1/tasks/c/preview?count=2", null, operator).json();
    assertThat(preview.path("run_times").size()).isEqualTo(2);
    assertThat(preview.path("timezone").asText()).isEqualTo("Z");
    JsonNode specPreview =
        api.call(
                "POST",
                "/api/v1/preview?count=3",
                Map.of("trigger", Map.of("every", "15m")),
                operator)
            .json();
    assertThat(specPreview.path("run_times").get(0).asText()).isEqualTo("2026-12-07T01:15:00Z");
    Answer badPreview =
        api.call("POST", "/api/v1/preview", Map.of("crontab", "61 * * * *"), operator);
    assertThat(badPreview.status()).isEqualTo(400);
    assertThat(badPreview.error().path("argument").asText()).isEqualTo("crontab");

    assertThat(
            api.call("GET", "/api/v1/timeline?hours=24&limit=5", null, operator)
                .json()
                .path("entries")
                .size())
        .isEqualTo(1); // c alone: a and b are paused
    JsonNode runs =
        api.call("GET", "/api/v1/runs?task=a&status=succeeded,failed", null, operator).json();
    assertThat(runs.path("runs").isArray()).isTrue();
    assertThat(runs.path("next").isNull()).isTrue();
    assertThat(
            api.call("GET", "/api/v1/events?limit=5", null, operator).json().path("events").size())
        .isEqualTo(5);
    JsonNode audit =
        api.call("GET", "/api/v1/audit?limit=3", null, operator).json().path("entries");
    assertThat(audit.get(0).path("user").asText()).isEqualTo("ci");
    assertThat(audit.get(0).path("action").asText()).isEqualTo("pause");
    assertThat(
            api.call("GET", "/api/v1/quarantine", null, operator).json().path("records").isArray())
        .isTrue();

    assertThat(api.call("DELETE", "/api/v1/tasks/c", null, operator).status()).isEqualTo(204);
    assertThat(api.ops.listTasks(io.asyncz.admin.TaskFilter.ALL).total()).isEqualTo(2);
  }

  @Test
  void securityHeadersAndCookieFlags() {
    Answer page = api.call("GET", "/", null, Auth.NONE);
    Answer apiAnswer = api.call("GET", "/api/v1/info", null, Auth.NONE);
    for (Answer a : List.of(page, apiAnswer)) {
      assertThat(a.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
          .doesNotContain("unsafe-inline");
      assertThat(a.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(a.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(a.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }
    Answer login =
        api.call(
            "POST", "/login", Map.of("username", "alice", "password", "alice-password"), Auth.NONE);
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie)
        .startsWith("asyncz_session=")
        .contains("HttpOnly", "SameSite=Strict", "Path=/");
    assertThat(cookie).doesNotContain("Secure");
    Answer proxied =
        api.call(
            "POST",
            "/login",
            AdminJson.text(Map.of("username", "alice", "password", "alice-password")),
            Auth.NONE,
            Map.of("X-Forwarded-Proto", "https", "Content-Type", "application/json"));
    // An untrusted X-Forwarded-Proto is ignored: anyone can send it.
    assertThat(proxied.headers().firstValue("Set-Cookie").orElseThrow()).doesNotContain("Secure");
  }

  @Test
  void trustedProxyMakesTheCookieSecure() {
    try (ApiFixture proxied = new ApiFixture(true, b -> b.trustForwardedProto(true))) {
      Answer a =
          proxied.call(
              "POST",
              "/login",
              AdminJson.text(Map.of("username", "alice", "password", "alice-password")),
              Auth.NONE,
              Map.of("X-Forwarded-Proto", "https", "Content-Type", "application/json"));
      assertThat(a.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
    }
  }

  @Test
  void loginsAreRateLimitedPerClientAndUserAndAudited() {
    for (int i = 0; i < 5; i++) {
      Answer a =
          api.call(
              "POST", "/login", Map.of("username", "alice", "password", "guess" + i), Auth.NONE);
      assertThat(a.status()).isEqualTo(401);
    }
    Answer limited =
        api.call(
            "POST", "/login", Map.of("username", "alice", "password", "alice-password"), Auth.NONE);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.error().path("code").asText()).isEqualTo("too_many_attempts");
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(api.ops.audit(10))
        .anySatisfy(
            e ->
                assertThat(e.action() + " " + e.user() + " " + e.outcome())
                    .isEqualTo("login alice failed"));

    api.clock.advance(Duration.ofMinutes(6)); // the window has passed
    assertThat(
            api.call(
                    "POST",
                    "/login",
                    Map.of("username", "alice", "password", "alice-password"),
                    Auth.NONE)
                .status())
        .isEqualTo(200);
  }

  @Test
  void aCrossSiteLoginIsRefused() {
    String body = AdminJson.text(Map.of("username", "alice", "password", "alice-password"));
    Map<String, String> json = Map.of("Content-Type", "application/json");
    Answer crossSite =
        api.call(
            "POST",
            "/login",
            body,
            Auth.NONE,
            Map.of("Content-Type", "application/json", "Origin", "https://evil.example"));
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(crossSite.headers().firstValue("Set-Cookie")).isEmpty();
    String own = "http://" + api.dashboard.url().getRawAuthority();
    Answer sameSite =
        api.call(
            "POST",
            "/login",
            body,
            Auth.NONE,
            Map.of("Content-Type", "application/json", "Origin", own));
    assertThat(sameSite.status()).isEqualTo(200);
    assertThat(api.call("POST", "/login", body, Auth.NONE, json).status()).isEqualTo(200);
  }

  @Test
  void withoutUsersAGeneratedTokenLogsInAndAuthorizes() {
    try (ApiFixture tokenOnly = new ApiFixture(false)) {
      String token = tokenOnly.dashboard.generatedToken().orElseThrow();
      assertThat(token).hasSizeGreaterThan(30);
      assertThat(tokenOnly.call("GET", "/api/v1/info", null, Auth.bearer(token)).status())
          .isEqualTo(200);
      assertThat(tokenOnly.call("GET", "/api/v1/info", null, Auth.bearer(token + "x")).status())
          .isEqualTo(401);
      Answer wrong = tokenOnly.call("POST", "/login", Map.of("token", "nope"), Auth.NONE);
      assertThat(wrong.status()).isEqualTo(401);
      Answer ok = tokenOnly.call("POST", "/login", Map.of("token", token), Auth.NONE);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.json().path("role").asText()).isEqualTo("operator");
    }
  }

  @Test
  void sessionsExpireWhenIdle() {
    Auth alice = api.login("alice", "alice-password");
    api.clock.advance(DashboardOptions.DEFAULT_SESSION_TIMEOUT.plusMinutes(1));
    assertThat(api.call("GET", "/api/v1/info", null, alice).status()).isEqualTo(401);
  }

  @Test
  void eventsAppearOnTheStream() throws Exception {
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(api.dashboard.url().resolve("api/v1/events/stream"))
            .header("Authorization", "Bearer " + ApiFixture.OPERATOR_TOKEN)
            .build();
    java.net.http.HttpResponse<InputStream> response =
        api.http.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/event-stream");
    try (InputStream in = response.body()) {
      Iterator<String> lines =
          new java.io.BufferedReader(new java.io.InputStreamReader(in)).lines().iterator();
      assertThat(lines.next()).isEqualTo(": asyncz events"); // the stream is open and subscribed
      api.call("POST", "/api/v1/tasks/a/run", Map.of(), operator);
      String event = null;
      String data = null;
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && "TASK_EXECUTED".equals(event)) {
          data = line.substring(6);
          break;
        }
      }
      JsonNode json = AdminJson.mapper().readTree(data);
      assertThat(json.path("task_id").asText()).isEqualTo("a");
      assertThat(json.path("detail").path("return_value").asText()).isEqualTo("counted");
    }
  }
}
