package io.asyncz.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The asyncz endpoint as the actuator maps it to HTTP, on either Boot generation. */
class AsynczEndpointWebTest {

  @Test
  void mapsTheTaskListATaskAndTheActionsOnATask() {
    new WebApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                EndpointAutoConfiguration.class,
                WebEndpointAutoConfiguration.class,
                AsynczAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=asyncz")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ExposableWebEndpoint endpoint =
                  context.getBean(WebEndpointsSupplier.class).getEndpoints().stream()
                      .filter(e -> e.getEndpointId().toString().equals("asyncz"))
                      .findFirst()
                      .orElseThrow();
              List<String> mappings =
                  endpoint.getOperations().stream()
                      .map(WebOperation::getRequestPredicate)
                      .map(p -> p.getHttpMethod() + " " + p.getPath())
                      .sorted()
                      .toList();
              assertThat(mappings)
                  .containsExactly("GET asyncz", "GET asyncz/{id}", "POST asyncz/{id}/{action}");
            });
  }
}
