package io.asyncz.spring;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Servlet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The dashboard mounted under the application's servlet container at {@code
 * asyncz.spring.dashboard_path}, with its own login: on either Boot generation.
 */
class DashboardMountTest {
  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(AsynczAutoConfiguration.class))
          .withPropertyValues("asyncz.spring.auto_startup=false");

  @Test
  void isMountedAtTheConfiguredPathAndAsksForItsLogin() {
    runner
        .withPropertyValues(
            "asyncz.spring.dashboard_path=/ops/asyncz/",
            "asyncz.spring.dashboard_token=s3cret-t0ken-long-enough-42")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              @SuppressWarnings("unchecked")
              ServletRegistrationBean<Servlet> registration =
                  context.getBean("asynczDashboard", ServletRegistrationBean.class);
              assertThat(registration.getUrlMappings()).containsExactly("/ops/asyncz/*");
              Servlet servlet = registration.getServlet();

              MockHttpServletResponse anonymous = get(servlet, null);
              assertThat(anonymous.getStatus()).isEqualTo(401);

              MockHttpServletResponse withToken =
                  get(servlet, "Bearer s3cret-t0ken-long-enough-42");
              assertThat(withToken.getStatus()).isEqualTo(200);
              assertThat(withToken.getContentAsString()).contains("\"state\"");
              assertThat(withToken.getHeader("Content-Security-Policy")).contains("default-src");

              assertThat(get(servlet, "Bearer wrong").getStatus()).isEqualTo(401);
            });
  }

  @Test
  void isNotMountedUnlessAPathIsGivenAndABadPathFailsStartUpNamingTheKey() {
    runner.run(context -> assertThat(context).doesNotHaveBean("asynczDashboard"));
    runner
        .withPropertyValues("asyncz.spring.dashboard_path=asyncz")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("asyncz.spring.dashboard_path")
                    .hasMessageContaining("\"asyncz\""));
  }

  private static MockHttpServletResponse get(Servlet servlet, String authorization)
      throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ops/asyncz/api/v1/info");
    request.setServletPath("/ops/asyncz");
    request.setRemoteAddr("127.0.0.1");
    if (authorization != null) {
      request.addHeader("Authorization", authorization);
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    servlet.service(request, response);
    return response;
  }
}
