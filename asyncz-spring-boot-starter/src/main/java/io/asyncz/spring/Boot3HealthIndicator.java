package io.asyncz.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The scheduler's health on Spring Boot 3 ({@code org.springframework.boot.actuate.health}). */
final class Boot3HealthIndicator implements HealthIndicator {
  private final AsynczHealth health;

  Boot3HealthIndicator(AsynczHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    AsynczHealth.Check check = health.check();
    return Health.status(check.status()).withDetails(check.details()).build();
  }
}
