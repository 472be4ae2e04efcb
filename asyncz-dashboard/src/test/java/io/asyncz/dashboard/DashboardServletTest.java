package io.asyncz.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncz.admin.AdminJson;
import io.asyncz.admin.SchedulerOperations;
import io.asyncz.task.TaskFunction;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** The servlet adapter, mounted under {@code /app/asyncz}: the same handler as on its own port. */
class DashboardServletTest {
  private final ManualScheduler scheduler =
      ManualScheduler.on(MutableClock.at(Instant.parse("2026-12-07T01:00:00Z")));
  private final SchedulerOperations ops;
  private final DashboardServlet servlet;

  DashboardServletTest() {
    scheduler.registry().register("jobs.noop", (TaskFunction) (a, k) -> null);
    scheduler.start();
    ops = SchedulerOperations.builder(scheduler).build();
    servlet =
        new DashboardServlet(
            ops,
            DashboardOptions.builder()
                .user("alice", BCrypt.hashpw("alice-password", BCrypt.gensalt(4)), Role.OPERATOR)
                .build());
  }

  @AfterEach
  void stop() {
    servlet.destroy();
    ops.close();
    scheduler.shutdown();
  }

  private MockHttpServletResponse call(
      String method, String path, Object body, String cookie, String csrf, boolean secure)
      throws Exception {
    MockHttpServletRequest req = new MockHttpServletRequest(method, "/app/asyncz" + path);
    req.setContextPath("/app");
    req.setServletPath("/asyncz");
    req.setSecure(secure);
    if (body != null) {
      req.setContentType("application/json");
      req.setContent(AdminJson.write(body));
    }
    if (cookie != null) {
      req.addHeader("Cookie", cookie);
    }
    if (csrf != null) {
      req.addHeader("X-CSRF-Token", csrf);
    }
    MockHttpServletResponse resp = new MockHttpServletResponse();
    servlet.service(req, resp);
    return resp;
  }

  @Test
  void servesTheApiUnderItsMountPathWithTheCookieScopedToIt() throws Exception {
    assertThat(call("GET", "/api/v1/info", null, null, null, false).getStatus()).isEqualTo(401);

    MockHttpServletResponse login =
        call(
            "POST",
            "/login",
            Map.of("username", "alice", "password", "alice-password"),
            null,
            null,
            true);
    assertThat(login.getStatus()).isEqualTo(200);
    String setCookie = login.getHeader("Set-Cookie");
    assertThat(setCookie).contains("Path=/app/asyncz", "HttpOnly", "SameSite=Strict", "Secure");
    assertThat(login.getHeader("Content-Security-Policy")).contains("frame-ancestors 'none'");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    JsonNode session =
        AdminJson.mapper().readTree(login.getContentAsString(StandardCharsets.UTF_8));
    String csrf = session.path("csrf_token").asText();

    Map<String, Object> spec =
        Map.of("id", "a", "function", "jobs.noop", "trigger", Map.of("every", "1m"));
    assertThat(call("POST", "/api/v1/tasks", spec, cookie, null, true).getStatus()).isEqualTo(403);
    assertThat(scheduler.getTasks()).isEmpty();
    MockHttpServletResponse created = call("POST", "/api/v1/tasks", spec, cookie, csrf, true);
    assertThat(created.getStatus()).isEqualTo(201);
    assertThat(created.getContentAsString(StandardCharsets.UTF_8)).contains("\"id\":\"a\"");
    assertThat(call("GET", "/api/v1/tasks/a", null, cookie, null, true).getStatus()).isEqualTo(200);
    assertThat(ops.audit(1).get(0).user()).isEqualTo("alice");
  }
}
