package io.asyncz.spring;

import io.asyncz.admin.SchedulerOperations;
import io.asyncz.dashboard.DashboardOptions;
import io.asyncz.dashboard.DashboardServlet;
import io.asyncz.scheduler.Scheduler;
import jakarta.servlet.Servlet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/**
 * The dashboard's servlet registration; a class of its own, so that the dashboard's types are
 * loaded only where {@code asyncz-dashboard} is on the class path.
 */
final class AsynczDashboard {
  private static final Logger LOGGER = LoggerFactory.getLogger("asyncz.dashboard");

  private AsynczDashboard() {}

  static ServletRegistrationBean<Servlet> registration(
      Scheduler scheduler, AsynczProperties properties) {
    String path = properties.dashboardPath().orElseThrow();
    DashboardOptions.Builder options = DashboardOptions.builder();
    properties.dashboardToken().ifPresent(options::token);
    DashboardServlet servlet =
        new DashboardServlet(SchedulerOperations.builder(scheduler).build(), options.build());
    servlet
        .generatedToken()
        .ifPresent(
            token ->
                LOGGER.warn(
                    "Asyncz dashboard at {}/ (no asyncz.spring.dashboard_token set): log in with"
                        + " the token {}",
                    path,
                    token));
    ServletRegistrationBean<Servlet> registration =
        new ServletRegistrationBean<>(servlet, path + "/*");
    registration.setName("asynczDashboard");
    return registration;
  }
}
