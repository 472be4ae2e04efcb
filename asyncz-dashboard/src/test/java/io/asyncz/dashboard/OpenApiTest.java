package io.asyncz.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.asyncz.dashboard.ApiFixture.Auth;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class OpenApiTest {

  @Test
  void everyRouteIsInTheServedDocumentWithItsRole() {
    try (ApiFixture api = new ApiFixture()) {
      ApiFixture.Answer answer = api.call("GET", "/api/v1/openapi.json", null, Auth.NONE);
      assertThat(answer.status()).isEqualTo(200);
      JsonNode doc = answer.json();
      assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
      JsonNode paths = doc.path("paths");
      for (DashboardHandler.Route r : api.dashboard.handler().routes()) {
        JsonNode op = paths.path("/api/v1" + r.pattern()).path(r.method().toLowerCase(Locale.ROOT));
        assertThat(op.isObject()).as(r.method() + " " + r.pattern() + " is documented").isTrue();
        assertThat(op.path("x-asyncz-role").asText()).as(r.pattern()).isEqualTo(r.role().label());
      }
      for (String extra : new String[] {"/login", "/logout", "/api/v1/session"}) {
        assertThat(paths.has(extra)).as(extra).isTrue();
      }
      // Every documented error response points at the one error body.
      assertThat(
              doc.path("components").path("schemas").path("Error").path("properties").has("error"))
          .isTrue();
    }
  }
}
