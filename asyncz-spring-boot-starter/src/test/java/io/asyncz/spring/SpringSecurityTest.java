package io.asyncz.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.ScheduledTask;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application that uses Spring Security, in a real servlet container: its filter chain decides
 * who reaches the mounted dashboard and the actuator endpoint, and CSRF rules hold for the calls
 * that change tasks. On either Boot generation.
 */
class SpringSecurityTest {
  private static final String TOKEN = "dashboard-t0ken-long-enough-42";

  /** The application of the recipe, shared by the tests that use it: a context costs seconds. */
  private static ConfigurableApplicationContext secured;

  private ConfigurableApplicationContext context;
  private final HttpClient client =
      HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

  @BeforeAll
  static void startSecuredApp() {
    secured = start(SecuredApp.class);
  }

  @AfterAll
  static void stopSecuredApp() {
    secured.close();
  }

  @BeforeEach
  void useSecuredApp() {
    context = secured;
  }

  @Test
  void anUnauthenticatedRequestIsRefusedBySpringSecurityBeforeTheDashboard() throws Exception {

    HttpResponse<String> anonymous =
        send(get("/asyncz/api/v1/info").header("Authorization", bearer()));
    // The dashboard's own token is not enough: Spring Security answers, with its Basic challenge.
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    assertThat(anonymous.body()).doesNotContain("unauthenticated");

    HttpResponse<String> notAnOperator =
        send(get("/asyncz/api/v1/info").header("Authorization", basic("guest")));
    assertThat(notAnOperator.statusCode()).isEqualTo(403);

    assertThat(send(get("/actuator/asyncz")).statusCode()).isEqualTo(401);
    assertThat(send(get("/actuator/asyncz").header("Authorization", basic("guest"))).statusCode())
        .isEqualTo(403);
  }

  @Test
  void anAuthenticatedOperatorReachesTheDashboardApiAfterItsOwnLogin() throws Exception {

    // Spring Security lets the operator through; the dashboard's own login still stands.
    HttpResponse<String> beforeLogin =
        send(get("/asyncz/api/v1/info").header("Authorization", basic("ops")));
    assertThat(beforeLogin.statusCode()).isEqualTo(401);
    assertThat(beforeLogin.body()).contains("\"unauthenticated\"");

    String csrf = dashboardLogin();
    HttpResponse<String> info =
        send(get("/asyncz/api/v1/info").header("Authorization", basic("ops")));
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(info.body()).contains("\"state\"");
    assertThat(csrf).isNotBlank();

    HttpResponse<String> tasks =
        send(get("/actuator/asyncz").header("Authorization", basic("ops")));
    assertThat(tasks.statusCode()).isEqualTo(200);
    assertThat(tasks.body()).contains("\"nightly\"");
  }

  @Test
  void aStateChangingDashboardCallNeedsTheDashboardsCsrfToken() throws Exception {
    String csrf = dashboardLogin();

    HttpResponse<String> forged =
        send(post("/asyncz/api/v1/tasks/nightly/pause").header("Authorization", basic("ops")));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("\"csrf\"");
    assertThat(context.getBean(Scheduler.class).getTask("nightly").orElseThrow().nextRunTime())
        .isPresent();

    HttpResponse<String> paused =
        send(
            post("/asyncz/api/v1/tasks/nightly/pause")
                .header("Authorization", basic("ops"))
                .header("X-CSRF-Token", csrf));
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    assertThat(context.getBean(Scheduler.class).getTask("nightly").orElseThrow().nextRunTime())
        .isEmpty();
  }

  @Test
  void springSecuritysCsrfCheckRefusesStateChangingCallsItIsNotToldToLeaveToTheDashboard()
      throws Exception {
    context = start(SecuredAppWithDefaultCsrf.class);
    try {
      refusesStateChangingCallsWithoutSpringSecuritysCsrfToken();
    } finally {
      context.close();
    }
  }

  private void refusesStateChangingCallsWithoutSpringSecuritysCsrfToken() throws Exception {

    // The dashboard's login is itself a POST: Spring Security's CSRF filter refuses it.
    HttpResponse<String> login =
        send(
            post("/asyncz/login", "{\"token\":\"" + TOKEN + "\"}")
                .header("Authorization", basic("ops")));
    assertThat(login.statusCode()).isEqualTo(403);
    assertThat(login.body()).doesNotContain("csrf_token");
    assertThat(login.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("asyncz"));

    HttpResponse<String> pause =
        send(post("/actuator/asyncz/nightly/pause").header("Authorization", basic("ops")));
    assertThat(pause.statusCode()).isEqualTo(403);
    assertThat(context.getBean(Scheduler.class).getTask("nightly").orElseThrow().nextRunTime())
        .isPresent();
  }

  // ------------------------------------------------------------------ helpers

  private static ConfigurableApplicationContext start(Class<?> app) {
    return new SpringApplicationBuilder(app)
        .properties(
            "server.port=0",
            "server.address=127.0.0.1",
            "management.endpoints.web.exposure.include=asyncz",
            "asyncz.spring.dashboard_path=/asyncz",
            "asyncz.spring.dashboard_token=" + TOKEN)
        .run();
  }

  /** Logs in to the dashboard with its token, as the operator; answers the session's CSRF token. */
  private String dashboardLogin() throws Exception {
    HttpResponse<String> login =
        send(
            post("/asyncz/login", "{\"token\":\"" + TOKEN + "\"}")
                .header("Authorization", basic("ops")));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    Matcher m = Pattern.compile("\"csrf_token\":\"([^\"]+)\"").matcher(login.body());
    assertThat(m.find()).as(login.body()).isTrue();
    return m.group(1);
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(uri(path)).GET();
  }

  private HttpRequest.Builder post(String path) {
    return post(path, "{}");
  }

  private HttpRequest.Builder post(String path, String json) {
    return HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  private URI uri(String path) {
    Environment env = context.getEnvironment();
    return URI.create("http://127.0.0.1:" + env.getProperty("local.server.port") + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String bearer() {
    return "Bearer " + TOKEN;
  }

  private static String basic(String user) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + user + "-password").getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------ applications

  /** Users of both applications: an operator and a user without the operator's role. */
  static UserDetailsService users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("ops").password("{noop}ops-password").roles("OPS").build(),
        User.withUsername("guest").password("{noop}guest-password").roles("GUEST").build());
  }

  /** The recipe of docs/spring-boot.md: operators only, and the dashboard checks its own CSRF. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class SecuredApp {
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(
              a ->
                  a.requestMatchers("/error")
                      .permitAll()
                      .requestMatchers("/asyncz/**", "/actuator/**")
                      .hasRole("OPS")
                      .anyRequest()
                      .authenticated())
          .httpBasic(Customizer.withDefaults())
          .csrf(c -> c.ignoringRequestMatchers("/asyncz/**"));
      return http.build();
    }

    @Bean
    UserDetailsService userDetailsService() {
      return users();
    }

    @Bean
    NightlyJobs nightlyJobs() {
      return new NightlyJobs();
    }
  }

  /** The same, with Spring Security's CSRF check left on everywhere. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class SecuredAppWithDefaultCsrf {
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(
              a ->
                  a.requestMatchers("/error")
                      .permitAll()
                      .requestMatchers("/asyncz/**", "/actuator/**")
                      .hasRole("OPS")
                      .anyRequest()
                      .denyAll())
          .httpBasic(Customizer.withDefaults());
      return http.build();
    }

    @Bean
    UserDetailsService userDetailsService() {
      return users();
    }

    @Bean
    NightlyJobs nightlyJobs() {
      return new NightlyJobs();
    }
  }

  /** A task to pause. */
  public static class NightlyJobs {
    /** Runs at three, long after the test. */
    @ScheduledTask(id = "nightly", cron = "0 3 * * *")
    public void nightly() {}
  }
}
